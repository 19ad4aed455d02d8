// What a receiver keeps must not keep the request it came in. V8 holds a substring of 13
// characters or more as a view into its parent, and a large request body decoded to a string is
// an external string of its full size: a metric name cut out of a 2 MB import body kept all 2 MB
// alive for as long as the series lived (100,000 imported series held 1.7 GB of bodies). Series
// names and labels, aggregator entries and metadata are detached when they are created.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BODIES = 24;
const FILLER_SERIES = 12_000; // about 1.5 MB of text per body

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(async () => {
  await t.stop();
});

const external = () => {
  gc();
  gc();
  return process.memoryUsage().external;
};

describe('text a receiver keeps', () => {
  it('does not hold the request bodies its series and metadata were parsed from', async () => {
    const base = Date.now() - 30 * 60_000;
    // Each body: many samples of one filler series (long lines, so the body is large), then one
    // new series whose name, labels and HELP are long enough to be kept as views into the body.
    const before = external();
    for (let b = 0; b < BODIES; b++) {
      let text = `# HELP retained_text_probe_${b}_total help text long enough to be a view into the body\n# TYPE retained_text_probe_${b}_total counter\n`;
      text += `retained_text_probe_${b}_total{instance="host-number-${b}.example.internal",route="/api/v1/some/long/route/${b}"} 1 ${base / 1000}\n`;
      let filler = '';
      for (let i = 0; i < FILLER_SERIES; i++) filler += `retained_text_filler_${b}{pad="${'p'.repeat(80)}",i="${i % 3}"} ${i} ${(base + i * 10) / 1000}\n`;
      const r = await fetch(`${t.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body: text + filler + '# EOF\n' });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: { series: number } }).data.series).toBe(4);
    }
    const kept = external() - before;
    // The probes are stored and answer by their full name and labels.
    const q = await fetch(`${t.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"retained_text_probe_.*"}')}`);
    const series = ((await q.json()) as { data: Array<Record<string, string>> }).data;
    expect(series.length).toBe(BODIES);
    expect(series.find((s) => s.__name__ === 'retained_text_probe_7_total')).toMatchObject({ instance: 'host-number-7.example.internal' });
    // 24 bodies of about 1.5 MB: about 36 MB if any of them were still held.
    expect(kept / 1e6).toBeLessThan(8);
  }, 120_000);
});
