// An "anomaly" rule end to end: the detectors warm up on the rule's history, a single odd point
// does nothing, a level jump that lasts fires once confirmed, the alert keeps firing while the
// jump lasts (held against the band expected before it, anomaly-episode.ts), and it resolves after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
const STEP = 15_000;
// The rule evaluates on 15 s steps; the test moves the core's clock a step at a time.
// Each value is sent with the step's timestamp: it is what the rule sees at that step.
let clock = Math.floor(Date.now() / STEP) * STEP - 60_000;

beforeAll(async () => {
  t = await startTestCore({
    // Held values are repeated every 4 min: no repeat lands on a step this test writes to.
    collector: { flushInterval: 100, repeatInterval: '240s' },
    alerts: {
      rules: [
        {
          id: 'orders-odd',
          name: 'Orders anomalous',
          expr: 'max(anomaly_orders)',
          condition: { type: 'anomaly', threshold: 0.6, warmup: '6h' },
          interval: '15s',
          noData: 'normal',
        },
      ],
    },
  }, { now: () => clock });
  // Six hours of an ordinary day: noise around 100, every 15 s, ending just before now.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const end = Math.floor(clock / STEP) * STEP - STEP;
  let body = '# TYPE anomaly_orders gauge\n';
  for (let ts = end - 6 * 3_600_000; ts <= end; ts += STEP) body += `anomaly_orders ${(100 + (rand() - 0.5) * 10).toFixed(2)} ${ts}\n`;
  const r = await fetch(`${t.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body });
  expect(r.status).toBeLessThan(300);
});

afterAll(async () => {
  await t.stop();
});

const set = async (value: number) => {
  clock += STEP;
  await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'anomaly_orders', value, type: 'gauge', ts: clock }) });
  await t.core.flush();
};
const state = () => t.core.alerts.alerts().find((a) => a.ruleId === 'orders-odd')?.state ?? 'normal';

describe('anomaly rule', () => {
  it('stays quiet on ordinary values after warming up on history', async () => {
    await set(101);
    await t.core.alerts.evaluate('orders-odd');
    expect(state()).toBe('normal');
  });

  it('does not even go pending on a single odd point', async () => {
    await set(400);
    await t.core.alerts.evaluate('orders-odd');
    expect(state()).toBe('normal');
    await set(100);
    await t.core.alerts.evaluate('orders-odd');
    expect(state()).toBe('normal');
    for (let i = 0; i < 4; i++) {
      await set(100 + i);
      await t.core.alerts.evaluate('orders-odd');
    }
    expect(state()).toBe('normal');
  });

  it('fires on a jump that lasts, keeps firing while it lasts, says why, and resolves after', async () => {
    await set(400);
    await t.core.alerts.evaluate('orders-odd');
    expect(state()).toBe('normal'); // an onset, confirmed by the next point (confirm: 2)
    await set(401);
    await t.core.alerts.evaluate('orders-odd');
    expect(state()).toBe('firing');
    const a = t.core.alerts.alerts().find((x) => x.ruleId === 'orders-odd')!;
    expect(a.reason).toMatch(/^401 against the expected [\d.]+–[\d.]+, anomalous since /);
    // It stays high: still firing, though the detectors would have adapted to the new level.
    for (let i = 0; i < 20; i++) {
      await set(400 + i);
      await t.core.alerts.evaluate('orders-odd');
      expect(state()).toBe('firing');
    }
    for (let i = 0; i < 3; i++) {
      await set(100 + i);
      await t.core.alerts.evaluate('orders-odd');
    }
    expect(state()).toBe('normal');
  });
});
