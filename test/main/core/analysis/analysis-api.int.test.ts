// A chart's anomalies over HTTP: the ensemble run over a range query marks the spike in a
// backfilled series, says why, and returns the band it expected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
const STEP = 60_000;
const end = Math.floor(Date.now() / STEP) * STEP - STEP;
const spikeAt = end - 30 * STEP;

beforeAll(async () => {
  t = await startTestCore();
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let body = '# TYPE chart_load gauge\n';
  for (let ts = end - 24 * 3_600_000; ts <= end; ts += STEP) body += `chart_load{host="a"} ${(ts === spikeAt ? 250 : 50 + (rand() - 0.5) * 6).toFixed(2)} ${ts}\n`;
  expect((await fetch(`${t.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body })).status).toBeLessThan(300);
});
afterAll(() => t.stop());

describe('anomaly analysis API', () => {
  it('marks the spike, explains it, and returns the expected band', async () => {
    const q = new URLSearchParams({ query: 'chart_load', start: String(end - 24 * 3_600_000), end: String(end), step: String(STEP) });
    const r = (await (await fetch(`${t.url}/api/v1/analysis/anomalies?${q}`)).json()) as {
      series: Array<{ labels: Record<string, string>; anomalies: Array<{ t: number; v: number; explanation: string }>; band: Array<[number, number, number]> }>;
    };
    expect(r.series).toHaveLength(1);
    const s = r.series[0]!;
    expect(s.labels).toMatchObject({ host: 'a' });
    expect(s.anomalies.map((a) => a.t)).toContain(spikeAt);
    expect(s.anomalies.find((a) => a.t === spikeAt)!.explanation).toMatch(/^anomalous: \d of \d/);
    // Quiet noise is not flagged elsewhere (at most a stray point).
    expect(s.anomalies.length).toBeLessThanOrEqual(3);
    const band = s.band.find(([bt]) => bt === spikeAt - STEP)!;
    expect(band[1]).toBeLessThan(50);
    expect(band[2]).toBeGreaterThan(50);
  });

  it('refuses a bad window', async () => {
    expect((await fetch(`${t.url}/api/v1/analysis/anomalies?query=x&start=10&end=5&step=1000`)).status).toBe(400);
    expect((await fetch(`${t.url}/api/v1/analysis/anomalies?start=0&end=5000&step=1000`)).status).toBe(400);
  });
});
