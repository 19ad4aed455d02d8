// The four keys on constructed histories whose answers are worked out by hand in the comments,
// following Four Keys' definitions (dora-team/fourkeys METRICS.md and dashboard queries).
import { describe, expect, it } from 'vitest';
import { computeDora } from '../../../../src/main/core/pipeline/dora.ts';
import type { Change, Deployment, DoraInput } from '../../../../src/main/core/pipeline/dora.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2026-03-DD hh:mm UTC. March 2026 starts on a Sunday, so its Sunday-started weeks begin 1, 8, 15, 22, 29. */
const mar = (day: number, hour = 0, minute = 0) => Date.UTC(2026, 2, day, hour, minute);

const deploy = (id: string, finishedAt: number, success = true, changes?: string[]): Deployment => ({
  id,
  sha: changes?.at(-1) ?? `sha-${id}`,
  finishedAt,
  success,
  ...(changes ? { changes } : {}),
});

describe('deployment frequency (Four Keys buckets over Sunday-started UTC weeks)', () => {
  // Four full weeks, 1–28 March; a commit at the window's first instant marks where data starts.
  const window = { windowStart: mar(1), windowEnd: mar(29) };
  const startMarker: Change = { sha: 'first-push', committedAt: mar(1) };
  const run = (days: number[]): ReturnType<typeof computeDora>['deploymentFrequency'] =>
    computeDora({
      ...window,
      changes: [startMarker],
      deployments: days.map((d, i) => deploy(`d${i}`, mar(d, 15))),
      incidents: [],
    }).deploymentFrequency;

  it('Daily (elite) when the median week has 3 deploy days', () => {
    // Mon, Tue, Wed of each week: days per week 3, 3, 3, 3 → median 3 ≥ 3.
    const f = run([2, 3, 4, 9, 10, 11, 16, 17, 18, 23, 24, 25]);
    expect(f).toMatchObject({
      bucket: 'Daily',
      band: 'elite',
      deployments: 12,
      daysWithDeploy: 12,
      medianDaysDeployedPerWeek: 3,
    });
    expect(f.perDay).toBeCloseTo(12 / 28, 12);
  });

  it('counts days, not deployments: ten deploys on one day a week is Weekly (high)', () => {
    const tuesdays = [3, 10, 17, 24].flatMap((d) => Array.from({ length: 10 }, () => d));
    const f = run(tuesdays);
    expect(f).toMatchObject({
      bucket: 'Weekly',
      band: 'high',
      deployments: 40,
      daysWithDeploy: 4,
      medianDaysDeployedPerWeek: 1,
    });
  });

  it('Weekly when most weeks deploy: 3 of 4 weeks gives a median week-deployed of 1', () => {
    expect(run([3, 10, 17]).bucket).toBe('Weekly');
  });

  it('Monthly (medium) when only half the weeks deploy', () => {
    // week-deployed 1, 0, 1, 0 → median 0.5 < 1; every week row is in March, whose deployed-week
    // count is 2 → median 2 ≥ 1.
    const f = run([3, 17]);
    expect(f).toMatchObject({
      bucket: 'Monthly',
      band: 'medium',
      medianWeekDeployed: 0.5,
      medianDeployedWeeksPerMonth: 2,
    });
  });

  it('Yearly (low) with no deployment', () => {
    expect(run([])).toMatchObject({ bucket: 'Yearly', band: 'low', perDay: 0, deployments: 0, daysWithDeploy: 0 });
  });

  it('starts counting at the first data, not at a window start before it (Four Keys: from events_raw)', () => {
    // A 12-week window, but the first event is Monday 23 March: only 23–28 March (one Sunday week)
    // is judged. Three deploy days in it → Daily; per day over the 6 days since data began.
    const d = computeDora({
      windowStart: Date.UTC(2026, 0, 4),
      windowEnd: mar(29),
      changes: [],
      deployments: [deploy('a', mar(23)), deploy('b', mar(24, 12)), deploy('c', mar(25, 12))],
      incidents: [],
    });
    expect(d.deploymentFrequency.bucket).toBe('Daily');
    expect(d.deploymentFrequency.perDay).toBeCloseTo(3 / 6, 12);
    // The trend chart still covers the whole window.
    expect(d.buckets).toHaveLength(84);
    // The period the figures cover is the 6 days of data, and says it is less than the window.
    expect(d.period).toEqual({ from: mar(23), to: mar(29), nominalMs: mar(29) - Date.UTC(2026, 0, 4), partial: true });
  });

  it('names the period it computed over: six hours of data in a 30-day window is six hours', () => {
    const end = mar(29, 12);
    const d = computeDora({
      windowStart: end - 30 * DAY,
      windowEnd: end,
      changes: [],
      deployments: Array.from({ length: 30 }, (_, i) => deploy(`d${i}`, end - 6 * HOUR + i * 12 * MINUTE)),
      incidents: [],
    });
    expect(d.period).toEqual({ from: end - 6 * HOUR, to: end, nominalMs: 30 * DAY, partial: true });
    expect(d.deploymentFrequency.deployments).toBe(30);
  });

  it('counts only successful deployments, and a retried webhook once', () => {
    const d = computeDora({
      ...window,
      changes: [startMarker],
      // d1 reported failed, then the same id succeeded later; d2 failed for good.
      deployments: [deploy('d1', mar(3, 10), false), deploy('d1', mar(3, 11), true), deploy('d2', mar(4, 10), false)],
      incidents: [],
    });
    expect(d.deploymentFrequency.deployments).toBe(1);
    expect(d.changeFailureRate).toMatchObject({ deployments: 2, failures: 1, rate: 0.5 });
  });
});

describe('a week of one service, worked by hand', () => {
  // Window: Monday 2 March 00:00 to Monday 9 March 00:00 UTC.
  const input: DoraInput = {
    windowStart: mar(2),
    windowEnd: mar(9),
    changes: [
      { sha: 'c1', committedAt: mar(2, 8) },
      { sha: 'c2', committedAt: mar(2, 10) },
      { sha: 'c3', committedAt: mar(3, 9) },
      // A merge commit pushed 30 s before its deployment: under a minute, an automated change.
      { sha: 'c4', committedAt: mar(3, 12, 59) + 30_000 },
      { sha: 'c5', committedAt: mar(4, 9) },
      // An old commit that waited on a branch for 13 days.
      { sha: 'c6', committedAt: Date.UTC(2026, 1, 20, 9) },
    ],
    deployments: [
      // d1 ships c1 (5 h) and c2 (3 h).
      { id: 'd1', sha: 'c2', finishedAt: mar(2, 13), success: true, changes: ['c1', 'c2'] },
      // d2 fails: a change failure, and no lead time ends at a failed deployment.
      { id: 'd2', sha: 'c3', finishedAt: mar(3, 11), success: false, changes: ['c3'] },
      // d3 ships c3 (4 h) and c4 (30 s, dropped).
      { id: 'd3', sha: 'c4', finishedAt: mar(3, 13), success: true, changes: ['c3', 'c4'] },
      // d4 redeploys c2, change list unknown: c2 was already shipped by d1, so no new lead time.
      { id: 'd4', sha: 'c2', finishedAt: mar(4, 10), success: true },
      // d5 ships c5 (24 h) and c6 (13 days = 312 h).
      { id: 'd5', sha: 'c5', finishedAt: mar(5, 9), success: true, changes: ['c5', 'c6'] },
    ],
    incidents: [
      // Caused by c1, shipped by d1 at 13:00: counted from 13:00 (before it was opened) → 3 h; d1 failed.
      { id: 'i1', openedAt: mar(2, 14), resolvedAt: mar(2, 16), deploymentSha: 'c1' },
      // No known cause: from opening, 30 min.
      { id: 'i2', openedAt: mar(5, 12), resolvedAt: mar(5, 12, 30) },
      // Caused by c5, shipped by d5 at 09:00: 09:00 → 11:00 = 2 h; d5 failed.
      { id: 'i3', openedAt: mar(5, 10), resolvedAt: mar(5, 11), deploymentSha: 'c5' },
      // Still open: no restore time yet.
      { id: 'i4', openedAt: mar(6, 8), resolvedAt: null },
    ],
  };
  const d = computeDora(input);

  it('lead time: median of 3 h, 4 h, 5 h, 24 h, 312 h = 5 h (elite, "One day")', () => {
    expect(d.leadTimeForChanges).toEqual({ medianMs: 5 * HOUR, band: 'elite', bucket: 'One day', changes: 5 });
  });

  it('change failure rate: d1 (incident), d2 (failed), d5 (incident) of 5 deployments = 60 % (low)', () => {
    expect(d.changeFailureRate).toEqual({ rate: 0.6, band: 'low', bucket: '46-60%', failures: 3, deployments: 5 });
  });

  it('time to restore: median of 30 min, 2 h, 3 h = 2 h (high, "One day"), one still open', () => {
    expect(d.timeToRestore).toEqual({ medianMs: 2 * HOUR, band: 'high', bucket: 'One day', restored: 3, open: 1 });
  });

  it('deployment frequency: 4 successful in 7 days; the partial Sunday week makes it Monthly', () => {
    // Days 2–8 March fall in two Sunday weeks: 1 March (2–7, four deploy days) and 8 March (8 only,
    // none). Medians over those two rows: days 2 (< 3), week-deployed 0.5 (< 1), deployed weeks in
    // March 1 (≥ 1) → Monthly. Four Keys reads a week that has barely begun the same way.
    expect(d.deploymentFrequency).toMatchObject({
      deployments: 4,
      daysWithDeploy: 4,
      bucket: 'Monthly',
      band: 'medium',
      medianDaysDeployedPerWeek: 2,
    });
    expect(d.deploymentFrequency.perDay).toBeCloseTo(4 / 7, 12);
  });

  it('daily buckets for the trend chart', () => {
    expect(d.buckets).toEqual([
      { start: mar(2), deployments: 1, attempts: 1, leadTimeMedianMs: 4 * HOUR, failures: 1 },
      { start: mar(3), deployments: 1, attempts: 2, leadTimeMedianMs: 4 * HOUR, failures: 1 },
      { start: mar(4), deployments: 1, attempts: 1, leadTimeMedianMs: null, failures: 0 },
      { start: mar(5), deployments: 1, attempts: 1, leadTimeMedianMs: 168 * HOUR, failures: 1 },
      { start: mar(6), deployments: 0, attempts: 0, leadTimeMedianMs: null, failures: 0 },
      { start: mar(7), deployments: 0, attempts: 0, leadTimeMedianMs: null, failures: 0 },
      { start: mar(8), deployments: 0, attempts: 0, leadTimeMedianMs: null, failures: 0 },
    ]);
  });

  it('ignores what falls outside the window', () => {
    // The same history seen from 4 March: d1–d3 and i1 are before it.
    const later = computeDora({ ...input, windowStart: mar(4) });
    expect(later.changeFailureRate).toMatchObject({ deployments: 2, failures: 1 });
    // c5 (24 h) and c6 (312 h) remain → 168 h: "One month" bucket, medium.
    expect(later.leadTimeForChanges).toMatchObject({ medianMs: 168 * HOUR, band: 'medium', bucket: 'One month' });
    expect(later.timeToRestore).toMatchObject({ restored: 2, open: 1, medianMs: 75 * MINUTE });
  });
});

describe('bands at their edges', () => {
  const one = (over: Partial<DoraInput>) =>
    computeDora({ windowStart: mar(1), windowEnd: mar(29), changes: [], deployments: [], incidents: [], ...over });

  it('restore under an hour is elite, a week is low', () => {
    const quick = one({ incidents: [{ id: 'i', openedAt: mar(3), resolvedAt: mar(3) + 59 * MINUTE }] });
    expect(quick.timeToRestore).toMatchObject({ band: 'elite', bucket: 'One day' });
    const slow = one({ incidents: [{ id: 'i', openedAt: mar(3), resolvedAt: mar(10) }] });
    expect(slow.timeToRestore).toMatchObject({ band: 'low', bucket: 'One month' });
  });

  it('a 15 % failure rate is still elite, 16 % is not', () => {
    const deployments = (failed: number, total: number) =>
      Array.from({ length: total }, (_, i) => deploy(`d${i}`, mar(2) + i * HOUR, i >= failed));
    const fifteen = one({ deployments: deployments(3, 20) }).changeFailureRate;
    expect(fifteen).toMatchObject({ rate: 0.15, band: 'elite', bucket: '0-15%' });
    const sixteen = one({ deployments: deployments(4, 25) }).changeFailureRate;
    expect(sixteen).toMatchObject({ rate: 0.16, band: 'medium', bucket: '16-45%' });
  });

  it('a lead time of exactly one day is no longer elite', () => {
    const d = one({ changes: [{ sha: 'c', committedAt: mar(2) }], deployments: [deploy('d', mar(3), true, ['c'])] });
    expect(d.leadTimeForChanges).toMatchObject({ medianMs: DAY, band: 'high', bucket: 'One week' });
  });

  it('has no medians or rate without data, and refuses an empty window', () => {
    const d = one({});
    expect(d.leadTimeForChanges.medianMs).toBeNull();
    expect(d.changeFailureRate.rate).toBeNull();
    expect(d.timeToRestore).toMatchObject({ medianMs: null, band: null, open: 0 });
    expect(() => one({ windowEnd: mar(1) })).toThrow(RangeError);
  });

  it('does not blame an incident on a change that never shipped', () => {
    const d = one({
      deployments: [deploy('d', mar(2, 12), true, ['shipped'])],
      incidents: [{ id: 'i', openedAt: mar(3), resolvedAt: mar(3, 1), deploymentSha: 'unshipped' }],
    });
    expect(d.changeFailureRate.failures).toBe(0);
    expect(d.timeToRestore.medianMs).toBe(HOUR);
  });
});
