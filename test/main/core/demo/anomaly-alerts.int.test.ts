// The shipped p95 anomaly rule on the demo, on simulated time: the demo (with its six hours of
// backfilled history) and the core run on one clock that the test moves 15 s at a time; every
// tick the demo sends what its shop sends, the core flushes and every shipped rule evaluates.
// Every bad deploy must raise the anomaly alert within 2 minutes of its latency rising and resolve
// after its rollback; between bad deploys no anomaly alert fires and no rule changes state more
// than once in 10 minutes; and the anomaly rule, the σ-band rule and the p95 stat panel's
// thresholds agree on what is abnormal.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertState } from '../../../../src/shared/alert-rules.ts';
import { DEFAULT_RULES } from '../../../../src/shared/default-rules.ts';
import { DEFAULT_BOARDS } from '../../../../src/shared/default-boards.ts';
import { startDemo, type Demo } from '../../../../src/main/core/demo/simulator.ts';
import { demoSettings, demoWebhooks } from '../../../../src/main/core/demo/pipeline.ts';
import { deployState, isBadDeploy, DEPLOY_EVERY_MS } from '../../../../src/main/core/demo/model.ts';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

const STEP = 15_000;
const HOURS = 4;
const ANOMALY = 'latency-p95-anomaly';
const P95 = 'max(http_request_duration{quantile="0.95"})';
const SIGMA = 'latency-p95-sigma';

interface Sample {
  t: number;
  states: Map<string, AlertState>;
  p95: number | null;
}

/** Four simulated hours of the demo from `startMs` (with six hours of history before it): every
 * alert state and the p95 stat panel's value, every 15 s. */
async function simulate(startMs: number): Promise<Sample[]> {
  let clock = startMs;
  const timeline: Sample[] = [];
  const webhooks = demoWebhooks();
  const t: TestCore = await startTestCore(
    {
      ...(demoSettings(webhooks, clock - 6 * 3_600_000) as object),
      collector: { flushInterval: '1m' },
      alerts: {
        // The shipped rules, plus the σ-band rule a user would add for the p95 stat panel, as the
        // settings UI proposes it, set to the side latency goes wrong on: "above mean + 3σ of the
        // last hour".
        rules: [...DEFAULT_RULES, { id: SIGMA, name: 'p95 latency outside its 3σ band', expr: P95, condition: { type: 'sigma', k: 3, window: '1h', hysteresis: 0.5, direction: 'above' }, for: '1m', noData: 'normal' }],
      },
    },
    { now: () => clock },
  );
  const demo: Demo = await startDemo({ host: '127.0.0.1', httpPort: t.ports.http, statsdPort: null, pushPort: null, historyMs: 6 * 3_600_000, now: () => clock, tickMs: STEP, autoTick: false, webhooks });
  try {
    const rules = [...DEFAULT_RULES.map((r) => r.id), SIGMA];
    for (let i = 0; i < (HOURS * 3_600_000) / STEP; i++) {
      clock += STEP;
      await demo.tick();
      await t.core.flush();
      for (const id of rules) await t.core.alerts.evaluate(id);
      const states = new Map<string, AlertState>();
      for (const a of t.core.alerts.alerts()) {
        if (a.ruleId === ANOMALY || a.ruleId === SIGMA) states.set(`${a.ruleId}${a.labels.route ?? ''}`, a.state);
        else states.set(a.ruleId, a.state);
      }
      const r = await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(P95)}&time=${clock / 1000}`);
      const body = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
      timeline.push({ t: clock, states, p95: body.data.result[0] ? Number(body.data.result[0].value[1]) : null });
    }
  } finally {
    await demo.stop();
    await t.stop();
  }
  return timeline;
}

const firing = (s: Sample, prefix: string) => [...s.states].some(([k, v]) => k.startsWith(prefix) && v === 'firing');

/** The bad deploys that begin inside the simulated span (with room to be seen and to resolve). */
function badDeploys(timeline: Sample[]): Array<{ start: number; rollback: number }> {
  const out: Array<{ start: number; rollback: number }> = [];
  const first = timeline[0]!.t;
  const last = timeline[timeline.length - 1]!.t;
  for (let n = Math.ceil(first / DEPLOY_EVERY_MS); n * DEPLOY_EVERY_MS < last - 20 * 60_000; n++) {
    const start = n * DEPLOY_EVERY_MS;
    if (deployState(start).bad) out.push({ start, rollback: start + 6 * 60_000 });
  }
  return out;
}

// Two mornings, each with its own bad deploys (they come at no fixed rhythm), so the rules are not
// checked on one lucky stretch; every run simulates the same ones.
for (const day of [13, 16]) describe(`the shipped p95 anomaly rule on the demo, 2026-03-${day} (simulated time)`, () => {
  // A weekday morning, on the deploy grid; the store's limits follow the simulated clock.
  const start = Math.floor(Date.UTC(2026, 2, day, 8, 0) / DEPLOY_EVERY_MS) * DEPLOY_EVERY_MS + 8 * 60_000;
  let timeline: Sample[] = [];
  beforeAll(async () => {
    timeline = await simulate(start);
  }, 600_000);

  it('covers several bad deploys', () => {
    expect(badDeploys(timeline).length).toBeGreaterThanOrEqual(3);
  });

  it('raises the anomaly alert within 2 minutes of each bad deploy, and resolves after the rollback', () => {
    for (const d of badDeploys(timeline)) {
      const during = timeline.filter((s) => s.t > d.start && s.t <= d.start + 2 * 60_000);
      expect(during.some((s) => firing(s, ANOMALY)), `bad deploy at ${new Date(d.start).toISOString()}`).toBe(true);
      // Resolved once the rollback's effect has left the 10-minute summary window.
      const after = timeline.filter((s) => s.t > d.rollback + 12 * 60_000 && s.t <= d.start + DEPLOY_EVERY_MS * 2);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((s) => !firing(s, ANOMALY)), `still firing after the rollback at ${new Date(d.rollback).toISOString()}`).toBe(true);
    }
  });

  it('fires no anomaly alert between bad deploys, and no rule changes state more than once in 10 minutes there', () => {
    // The first minutes after the demo starts are left out: the collector's 10-minute summary
    // window is still filling with live samples, and its p95 is noisier than it will be.
    const live = timeline[0]!.t + 12 * 60_000;
    const quiet = (s: Sample) => s.t >= live && badDeploys(timeline).every((d) => s.t < d.start || s.t > d.rollback + 12 * 60_000) && !isBadDeploy(deployState(s.t).n);
    const calm = timeline.filter(quiet);
    expect(calm.length).toBeGreaterThan(100);
    for (const s of calm) expect([...s.states].filter(([k]) => k.startsWith(ANOMALY)), new Date(s.t).toISOString()).toEqual([]);
    // State changes per rule instance, over the calm stretches.
    const changes = new Map<string, number[]>();
    let prev = new Map<string, AlertState>();
    for (const s of timeline) {
      for (const k of new Set([...prev.keys(), ...s.states.keys()])) {
        if ((prev.get(k) ?? 'normal') !== (s.states.get(k) ?? 'normal') && quiet(s)) changes.set(k, [...(changes.get(k) ?? []), s.t]);
      }
      prev = s.states;
    }
    for (const [k, ts] of changes) for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!, `${k} changed twice within 10 minutes`).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it('agrees with the p95 stat panel: the anomaly and σ-band rules fire when the panel is critical, not when it is ok', () => {
    const stat = DEFAULT_BOARDS.flatMap((b) => b.panels ?? []).find((p) => p.type === 'stat' && p.queries?.[0]?.expr === P95)!;
    const line = (state: string) => stat.thresholds!.find((x) => x.state === state)!.value;
    const critical = line('crit');
    const warning = line('warn');
    // Sustained critical (a minute and a half on, so the rules' `for` has run): both fire.
    const criticalSamples = timeline.filter((s, i) => i >= 6 && timeline.slice(i - 6, i + 1).every((x) => x.p95 !== null && x.p95 >= critical));
    expect(criticalSamples.length).toBeGreaterThan(10);
    for (const s of criticalSamples) {
      expect(firing(s, ANOMALY), `p95 ${s.p95} at ${new Date(s.t).toISOString()}`).toBe(true);
      expect(firing(s, SIGMA), `p95 ${s.p95} at ${new Date(s.t).toISOString()}`).toBe(true);
    }
    // Ok on the panel (below its warning line) for the last 15 minutes: neither fires.
    const okSamples = timeline.filter((s, i) => i >= 60 && timeline.slice(i - 60, i + 1).every((x) => x.p95 !== null && x.p95 < warning));
    expect(okSamples.length).toBeGreaterThan(100);
    for (const s of okSamples) {
      expect(firing(s, ANOMALY), `p95 ${s.p95} at ${new Date(s.t).toISOString()}`).toBe(false);
      expect(firing(s, SIGMA), `p95 ${s.p95} at ${new Date(s.t).toISOString()}`).toBe(false);
    }
  });
});
