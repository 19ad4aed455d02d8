// Hypothesis cards and on-call over the API: an experiment's counts come from counters with a
// variant label (sent through a receiver), its analysis is the statistics module's; the rotation
// says who is on call, and alerts name them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
const started = new Date(Date.now() - 3 * 86_400_000).toISOString();

beforeAll(async () => {
  t = await startTestCore({
    collector: { flushInterval: 100 },
    experiments: [
      {
        id: 'one-click',
        name: 'One-click checkout',
        believe: 'a one-click checkout for returning customers',
        willResultIn: 'more completed checkouts',
        proceedWhen: 'checkout conversion rises by 10 % within two weeks',
        exposures: 'exp_exposures{experiment="one_click"}',
        conversions: 'exp_conversions{experiment="one_click"}',
        minimumEffect: 0.1,
        horizon: '14d',
        startedAt: started,
        baselineRate: 0.1,
      },
    ],
    oncall: [{ id: 'payments', name: 'Payments', people: ['ana', 'ben', 'chloe'], handoffWeekday: 1, handoffTime: '09:00', timeZone: 'Europe/Berlin', start: '2026-11-02T08:00:00Z' }],
    alerts: { rules: [{ id: 'q', name: 'Queue long', expr: 'max(oc_queue)', condition: { type: 'threshold', op: 'above', threshold: 10 }, interval: '1h', noData: 'normal' }] },
  });
});
afterAll(() => t.stop());

const post = (body: unknown) => fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('experiments', () => {
  it('says it is collecting before any exposure', async () => {
    const r = (await (await fetch(`${t.url}/api/v1/experiments/one-click`)).json()) as { counts: unknown[]; analysis: unknown; error: string | null };
    expect(r).toMatchObject({ counts: [], analysis: null, error: null });
  });

  it('reads exposures and conversions per variant and analyses them', async () => {
    const labels = (variant: string) => ({ experiment: 'one_click', variant });
    // Two flushes so increase() has a start and an end.
    await post([
      { name: 'exp_exposures', type: 'counter', value: 0, labels: labels('control') },
      { name: 'exp_exposures', type: 'counter', value: 0, labels: labels('treatment') },
      { name: 'exp_conversions', type: 'counter', value: 0, labels: labels('control') },
      { name: 'exp_conversions', type: 'counter', value: 0, labels: labels('treatment') },
    ]);
    await t.core.flush();
    await new Promise((r) => setTimeout(r, 120));
    await post([
      { name: 'exp_exposures', type: 'counter', value: 5_000, labels: labels('control') },
      { name: 'exp_exposures', type: 'counter', value: 5_000, labels: labels('treatment') },
      { name: 'exp_conversions', type: 'counter', value: 500, labels: labels('control') },
      { name: 'exp_conversions', type: 'counter', value: 650, labels: labels('treatment') },
    ]);
    await t.core.flush();
    const r = (await (await fetch(`${t.url}/api/v1/experiments/one-click`)).json()) as {
      counts: Array<{ name: string; exposures: number; conversions: number }>;
      analysis: { verdict: string; variants: Array<{ name: string; rate: number; liftVsControl: number | null }>; srm: { mismatch: boolean } };
    };
    expect(r.counts).toEqual([
      { name: 'control', exposures: 5_000, conversions: 500 },
      { name: 'treatment', exposures: 5_000, conversions: 650 },
    ]);
    expect(r.analysis.variants.find((v) => v.name === 'treatment')).toMatchObject({ rate: 0.13 });
    expect(r.analysis.variants.find((v) => v.name === 'treatment')!.liftVsControl).toBeCloseTo(0.3);
    expect(r.analysis.srm.mismatch).toBe(false);
    // 10 % vs 13 % on 5,000 each is far past both tests: a win.
    expect(r.analysis.verdict).toBe('significant_win');
    const list = (await (await fetch(`${t.url}/api/v1/experiments`)).json()) as { experiments: unknown[] };
    expect(list.experiments).toHaveLength(1);
    expect((await fetch(`${t.url}/api/v1/experiments/nope`)).status).toBe(404);
  });

  it('refuses an experiment whose counters are not series selectors', async () => {
    const current = t.core.settingsStore.current.experiments;
    const r = await fetch(`${t.url}/api/v1/config/experiments`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ ...current[0], exposures: 'sum(rate(x[5m]))' }]) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { problems: string[] }).problems[0]).toMatch(/^experiments\.0\.exposures = .*must be a series selector/);
  });
});

describe('on-call', () => {
  it('says who is on call now and next', async () => {
    const r = (await (await fetch(`${t.url}/api/v1/oncall/payments`)).json()) as { person: string; next: { person: string; at: number }; until: number };
    expect(['ana', 'ben', 'chloe']).toContain(r.person);
    expect(r.next.person).not.toBe(r.person);
    expect(r.until).toBe(r.next.at);
    expect(new Date(r.next.at).getUTCDay()).toBe(1); // a Monday, 09:00 in Berlin
  });

  it('names the person on call in the alert', async () => {
    await post({ name: 'oc_queue', value: 50 });
    await t.core.flush();
    await t.core.alerts.evaluate('q');
    const who = ((await (await fetch(`${t.url}/api/v1/oncall/payments`)).json()) as { person: string }).person;
    expect(t.core.alerts.alerts().find((a) => a.ruleId === 'q')).toMatchObject({ state: 'firing', onCall: who });
  });
});
