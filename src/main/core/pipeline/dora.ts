// DORA's four keys over a window, computed the way Google's Four Keys project
// (github.com/dora-team/fourkeys, queries/ and dashboard/fourkeys_dashboard.json) computes them,
// with the differences listed in docs/pipeline-stats.md. Days, weeks and months are UTC, as there.

import { median } from 'simple-statistics';

export interface Change {
  sha: string;
  committedAt: number;
}

export interface Deployment {
  id: string;
  sha: string;
  finishedAt: number;
  success: boolean;
  /** The shas this deployment shipped, when known; the head sha alone otherwise. */
  changes?: string[];
}

export interface Incident {
  id: string;
  openedAt: number;
  resolvedAt: number | null;
  /** The change that caused it, when known. */
  deploymentSha?: string;
}

export interface DoraInput {
  changes: Change[];
  deployments: Deployment[];
  incidents: Incident[];
  windowStart: number;
  /** Exclusive. */
  windowEnd: number;
}

export type Band = 'elite' | 'high' | 'medium' | 'low';

/** Four Keys' dashboard buckets, kept so a board can show the same words. */
export type FrequencyBucket = 'Daily' | 'Weekly' | 'Monthly' | 'Yearly';
export type DurationBucket = 'One day' | 'One week' | 'One month' | 'Six months' | 'One year';
export type FailureRateBucket = '0-15%' | '16-45%' | '46-60%';

export interface DoraResult {
  /** The period the figures cover: from the window's start, or from the first data when that is
   * later (a new install has hours, not the nominal 30 days), to the window's end. A panel names
   * this period, not the nominal window. */
  period: { from: number; to: number; nominalMs: number; partial: boolean };
  deploymentFrequency: {
    /** Successful deployments per day since the window (or the data) began. */
    perDay: number;
    band: Band;
    /** UTC days with at least one successful deployment. */
    daysWithDeploy: number;
    deployments: number;
    bucket: FrequencyBucket;
    /** Four Keys' three medians over Sunday-started UTC weeks, which pick the bucket. */
    medianDaysDeployedPerWeek: number;
    medianWeekDeployed: number;
    medianDeployedWeeksPerMonth: number;
  };
  leadTimeForChanges: { medianMs: number | null; band: Band | null; bucket: DurationBucket | null; changes: number };
  changeFailureRate: {
    rate: number | null;
    band: Band | null;
    bucket: FailureRateBucket | null;
    failures: number;
    deployments: number;
  };
  timeToRestore: {
    medianMs: number | null;
    band: Band | null;
    bucket: DurationBucket | null;
    restored: number;
    /** Incidents in the window not yet resolved; they have no restore time yet. */
    open: number;
  };
  /** One per UTC day overlapping the window, for a trend chart. */
  buckets: Array<{
    start: number;
    /** Successful deployments (Four Keys' "Daily Deployments"). */
    deployments: number;
    /** All deployments, failed ones too: the denominator of the day's change failure rate. */
    attempts: number;
    leadTimeMedianMs: number | null;
    /** Failed deployments plus successful ones an incident was traced to. */
    failures: number;
  }>;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const dayOf = (t: number) => Math.floor(t / DAY) * DAY;

/** Four Keys' lead-time and restore buckets (hours: 24, 168, 730, 730·6). */
export function durationBucket(ms: number): DurationBucket {
  if (ms < 24 * HOUR) return 'One day';
  if (ms < 168 * HOUR) return 'One week';
  if (ms < 730 * HOUR) return 'One month';
  if (ms < 730 * 6 * HOUR) return 'Six months';
  return 'One year';
}

/** Lead time band: the Four Keys buckets as its dashboard colours them (day elite … months low). */
export function leadTimeBand(ms: number): Band {
  const bucket = durationBucket(ms);
  return bucket === 'One day' ? 'elite' : bucket === 'One week' ? 'high' : bucket === 'One month' ? 'medium' : 'low';
}

/**
 * Restore band. Four Keys' buckets start at "One day"; the DORA report it follows puts elite at
 * under an hour, so that one threshold is added in front (docs).
 */
export function timeToRestoreBand(ms: number): Band {
  if (ms < HOUR) return 'elite';
  const bucket = durationBucket(ms);
  return bucket === 'One day' ? 'high' : bucket === 'One week' ? 'medium' : 'low';
}

export function failureRateBucket(rate: number): FailureRateBucket {
  return rate <= 0.15 ? '0-15%' : rate < 0.46 ? '16-45%' : '46-60%';
}

/** Four Keys has three failure-rate buckets (green, yellow, red): elite, medium, low; never high. */
export function failureRateBand(rate: number): Band {
  const bucket = failureRateBucket(rate);
  return bucket === '0-15%' ? 'elite' : bucket === '16-45%' ? 'medium' : 'low';
}

const FREQUENCY_BAND: Record<FrequencyBucket, Band> = {
  Daily: 'elite',
  Weekly: 'high',
  Monthly: 'medium',
  Yearly: 'low',
};

export interface FrequencyMedians {
  bucket: FrequencyBucket;
  medianDaysDeployedPerWeek: number;
  medianWeekDeployed: number;
  medianDeployedWeeksPerMonth: number;
}

/**
 * Four Keys' deployment-frequency bucket over a list of UTC days: group the days into weeks
 * (BigQuery's TIMESTAMP_TRUNC(day, WEEK), Sunday-started); per week count the days with a deploy
 * and whether it had one; per week also the number of deployed weeks in that week's month. Then
 * Daily if the median days-per-week ≥ 3, Weekly if the median week-deployed ≥ 1, Monthly if the
 * median deployed-weeks-per-month (one row per week) ≥ 1, else Yearly.
 */
export function frequencyBucket(
  days: readonly number[],
  deployedDays: ReadonlySet<number>,
): FrequencyMedians {
  const weeks = new Map<number, { days: number; deployed: number }>();
  for (const day of days) {
    const week = day - new Date(day).getUTCDay() * DAY;
    const w = weeks.get(week) ?? { days: 0, deployed: 0 };
    if (deployedDays.has(day)) w.days++;
    w.deployed = w.days > 0 ? 1 : 0;
    weeks.set(week, w);
  }
  const monthOf = (week: number) => {
    const d = new Date(week);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const deployedWeeksInMonth = new Map<number, number>();
  for (const [week, w] of weeks) {
    const month = monthOf(week);
    deployedWeeksInMonth.set(month, (deployedWeeksInMonth.get(month) ?? 0) + w.deployed);
  }
  const rows = [...weeks.entries()];
  if (rows.length === 0) {
    return { bucket: 'Yearly', medianDaysDeployedPerWeek: 0, medianWeekDeployed: 0, medianDeployedWeeksPerMonth: 0 };
  }
  const medianDaysDeployedPerWeek = median(rows.map(([, w]) => w.days));
  const medianWeekDeployed = median(rows.map(([, w]) => w.deployed));
  const medianDeployedWeeksPerMonth = median(rows.map(([week]) => deployedWeeksInMonth.get(monthOf(week))!));
  const bucket: FrequencyBucket =
    medianDaysDeployedPerWeek >= 3
      ? 'Daily'
      : medianWeekDeployed >= 1
        ? 'Weekly'
        : medianDeployedWeeksPerMonth >= 1
          ? 'Monthly'
          : 'Yearly';
  return { bucket, medianDaysDeployedPerWeek, medianWeekDeployed, medianDeployedWeeksPerMonth };
}

/** The shas a deployment shipped: its change list when known, always its head. */
function shasOf(d: Deployment): string[] {
  return d.changes ? [d.sha, ...d.changes] : [d.sha];
}

/** Compute the four keys over [windowStart, windowEnd). */
export function computeDora(input: DoraInput): DoraResult {
  const { windowStart, windowEnd } = input;
  if (!(windowEnd > windowStart)) throw new RangeError('windowEnd must be after windowStart');
  const inWindow = (t: number) => t >= windowStart && t < windowEnd;

  // A deployment id seen twice (a webhook retried, a status that changed) counts once, as its
  // latest report says (Four Keys counts DISTINCT deploy_id).
  const byId = new Map<string, Deployment>();
  for (const d of input.deployments) {
    const seen = byId.get(d.id);
    if (!seen || d.finishedAt >= seen.finishedAt) byId.set(d.id, d);
  }
  const deployments = [...byId.values()].sort((a, b) => a.finishedAt - b.finishedAt);
  const successful = deployments.filter((d) => d.success);

  const committedAt = new Map<string, number>();
  for (const c of input.changes) {
    const seen = committedAt.get(c.sha);
    if (seen === undefined || c.committedAt < seen) committedAt.set(c.sha, c.committedAt);
  }

  // The successful deployment that first shipped each sha: where its lead time ends and what an
  // incident naming it is blamed on.
  const firstShipped = new Map<string, Deployment>();
  for (const d of successful) for (const sha of shasOf(d)) if (!firstShipped.has(sha)) firstShipped.set(sha, d);

  // Lead time: commit → first successful deployment, for deployments in the window. Four Keys drops
  // lead times under a minute (TIMESTAMP_DIFF(…, MINUTE) > 0) as automated pushes, not changes.
  const leadTimesByDeploy = new Map<string, number[]>();
  const leadTimes: number[] = [];
  for (const [sha, d] of firstShipped) {
    const at = committedAt.get(sha);
    if (at === undefined || !inWindow(d.finishedAt)) continue;
    const lead = d.finishedAt - at;
    if (lead < MINUTE) continue;
    leadTimes.push(lead);
    const list = leadTimesByDeploy.get(d.id) ?? [];
    list.push(lead);
    leadTimesByDeploy.set(d.id, list);
  }

  // The deployment an incident names: by its commit's full sha, or a short one (an issue's
  // "root cause: 0d1a26e") that begins exactly one shipped commit.
  const causeOf = (s: string | undefined): Deployment | undefined => {
    if (s === undefined) return undefined;
    const exact = firstShipped.get(s);
    if (exact || s.length >= 40 || s.length < 7) return exact;
    const hits = [...firstShipped.keys()].filter((k) => k.startsWith(s));
    return hits.length === 1 ? firstShipped.get(hits[0]!) : undefined;
  };

  // Change failures: a failed deployment, or a successful one an incident was traced to.
  const blamed = new Set<string>();
  for (const i of input.incidents) {
    const d = causeOf(i.deploymentSha);
    if (d) blamed.add(d.id);
  }
  const isFailure = (d: Deployment) => !d.success || blamed.has(d.id);
  const windowDeployments = deployments.filter((d) => inWindow(d.finishedAt));
  const failures = windowDeployments.filter(isFailure).length;

  // Restore time: from the deployment that caused the incident, or its opening if earlier or
  // unknown (Four Keys takes MIN of the two), to its resolution.
  const restoreTimes: number[] = [];
  let open = 0;
  for (const i of input.incidents) {
    const causedAt = causeOf(i.deploymentSha)?.finishedAt;
    const start = causedAt === undefined ? i.openedAt : Math.min(i.openedAt, causedAt);
    if (!inWindow(start)) continue;
    if (i.resolvedAt === null) open++;
    else if (i.resolvedAt >= start) restoreTimes.push(i.resolvedAt - start);
  }

  // Frequency: over the days since the window began, or since the first data if that is later (Four
  // Keys starts at the first event, so a new install is not judged on weeks before it existed).
  let firstData = Infinity;
  for (const c of input.changes) firstData = Math.min(firstData, c.committedAt);
  for (const d of input.deployments) firstData = Math.min(firstData, d.finishedAt);
  for (const i of input.incidents) firstData = Math.min(firstData, i.openedAt);
  const effectiveStart = Math.min(Math.max(windowStart, firstData), windowEnd - 1);
  const days: number[] = [];
  for (let day = dayOf(effectiveStart); day <= dayOf(windowEnd - 1); day += DAY) days.push(day);
  const shipped = successful.filter((d) => inWindow(d.finishedAt));
  const deployedDays = new Set(shipped.map((d) => dayOf(d.finishedAt)));
  const frequency = frequencyBucket(days, deployedDays);

  const buckets: DoraResult['buckets'] = [];
  const bucketIndex = new Map<number, number>();
  for (let day = dayOf(windowStart); day <= dayOf(windowEnd - 1); day += DAY) {
    bucketIndex.set(day, buckets.length);
    buckets.push({ start: day, deployments: 0, attempts: 0, leadTimeMedianMs: null, failures: 0 });
  }
  const dayLeadTimes = new Map<number, number[]>();
  for (const d of windowDeployments) {
    const b = buckets[bucketIndex.get(dayOf(d.finishedAt))!]!;
    b.attempts++;
    if (d.success) b.deployments++;
    if (isFailure(d)) b.failures++;
    const leads = leadTimesByDeploy.get(d.id);
    if (leads) dayLeadTimes.set(b.start, [...(dayLeadTimes.get(b.start) ?? []), ...leads]);
  }
  for (const [day, leads] of dayLeadTimes) buckets[bucketIndex.get(day)!]!.leadTimeMedianMs = median(leads);

  const leadMedian = leadTimes.length > 0 ? median(leadTimes) : null;
  const restoreMedian = restoreTimes.length > 0 ? median(restoreTimes) : null;
  const rate = windowDeployments.length > 0 ? failures / windowDeployments.length : null;
  return {
    period: { from: effectiveStart, to: windowEnd, nominalMs: windowEnd - windowStart, partial: effectiveStart > windowStart },
    deploymentFrequency: {
      // At least a day, so data that began minutes ago does not read as hundreds a day.
      perDay: shipped.length / Math.max(1, (windowEnd - effectiveStart) / DAY),
      band: FREQUENCY_BAND[frequency.bucket],
      daysWithDeploy: deployedDays.size,
      deployments: shipped.length,
      ...frequency,
    },
    leadTimeForChanges: {
      medianMs: leadMedian,
      band: leadMedian === null ? null : leadTimeBand(leadMedian),
      bucket: leadMedian === null ? null : durationBucket(leadMedian),
      changes: leadTimes.length,
    },
    changeFailureRate: {
      rate,
      band: rate === null ? null : failureRateBand(rate),
      bucket: rate === null ? null : failureRateBucket(rate),
      failures,
      deployments: windowDeployments.length,
    },
    timeToRestore: {
      medianMs: restoreMedian,
      band: restoreMedian === null ? null : timeToRestoreBand(restoreMedian),
      bucket: restoreMedian === null ? null : durationBucket(restoreMedian),
      restored: restoreTimes.length,
      open,
    },
    buckets,
  };
}
