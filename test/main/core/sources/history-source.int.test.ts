// query.historySource against a real Prometheus 2.42: a range query on this Radiator takes its
// steps older than the live window from Prometheus (history this Radiator never had) and the newer
// ones from its own store, joined into one series; with Prometheus gone, the store answers alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, tempDir, type TestCore } from '../../../helpers/core.ts';
import { api, haveProm, PROMTOOL, startPrometheus, type RunningProcess } from '../../../helpers/prometheus.ts';
import { joinRanges } from '../../../../src/main/core/sources/history-source.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';

const MIN = 60_000;

describe.skipIf(!haveProm || !existsSync(PROMTOOL))('a history source', () => {
  const dir = tempDir('radiator-history-');
  let prom: RunningProcess;
  let rad: TestCore;
  const now = Math.floor(Date.now() / MIN) * MIN;
  const start = now - 180 * MIN;

  beforeAll(async () => {
    // Prometheus holds two hours of a series this Radiator never saw, ending 90 minutes ago.
    const lines = ['# TYPE hist_temp gauge'];
    for (let t = start; t <= now - 90 * MIN; t += MIN) lines.push(`hist_temp{room="lab"} ${20 + ((t / MIN) % 7)} ${(t / 1000).toFixed(3)}`);
    writeFileSync(join(dir, 'h.om'), lines.join('\n') + '\n# EOF\n');
    mkdirSync(join(dir, 'prom', 'data'), { recursive: true });
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'h.om'), join(dir, 'prom', 'data')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool failed: ${r.stderr}`);
    prom = await startPrometheus(join(dir, 'prom'), 'global:\n  scrape_interval: 1m\n', ['--storage.tsdb.retention.time=10y']);
    rad = await startTestCore({ sources: [{ id: 'prom', name: 'Prometheus', url: prom.url }], query: { historySource: 'prom', liveWindow: '1h' } });
    // …and this Radiator has the live part.
    for (let i = 0; i < 3; i++) {
      await fetch(`${rad.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'hist_temp', type: 'gauge', value: 42, labels: { room: 'lab' } }) });
      await rad.core.flush();
    }
  }, 60_000);

  afterAll(async () => {
    await rad?.stop();
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers older steps from the engine and the live window from the store, as one series', async () => {
    const end = Math.floor(Date.now() / MIN) * MIN + MIN;
    const r = await rad.core.sources.get('embedded')!.range('hist_temp', start, end, MIN);
    expect(r.result.map((s) => s.metric)).toEqual([{ __name__: 'hist_temp', room: 'lab' }]);
    const points = r.result[0]!.values;
    const edge = Date.now() - 60 * MIN;
    const older = points.filter(([t]) => t * 1000 < edge);
    const newer = points.filter(([t]) => t * 1000 >= edge);
    // The older steps are Prometheus's own answer for them.
    const p = await api(prom.url, '/api/v1/query_range', { query: 'hist_temp', start: String(start / 1000), end: String(older[older.length - 1]![0]), step: '60' });
    expect(older).toEqual((p.data!.result as Array<{ values: Array<[number, string]> }>)[0]!.values);
    expect(older.length).toBeGreaterThan(60);
    // The newer ones are the store's (Prometheus has nothing there).
    expect(newer.length).toBeGreaterThan(0);
    expect(newer.every(([, v]) => v === '42')).toBe(true);
  });

  it('answers from the store alone while the engine is down', async () => {
    await prom.stop();
    const end = Math.floor(Date.now() / MIN) * MIN + MIN;
    const r = await rad.core.sources.get('embedded')!.range('hist_temp', start, end, MIN);
    expect(r.result).toHaveLength(1);
    expect(r.result[0]!.values.every(([, v]) => v === '42')).toBe(true);
  });

  it('is refused naming the setting when it names no data source, or a live window past the raw retention', () => {
    expect(() => parseSettings({ query: { historySource: 'mimir' } })).toThrow(/query\.historySource = "mimir": no data source has this id/);
    expect(() => parseSettings({ sources: [{ id: 'm', name: 'M', url: 'http://m:9090' }], query: { historySource: 'm', liveWindow: '30d' }, store: { retention: { raw: '7d' } } })).toThrow(/query\.liveWindow = 2592000000: must be at most store\.retention\.raw/);
  });

  it('joins series by their labels, older points first', () => {
    const a = { resultType: 'matrix' as const, result: [{ metric: { a: '1' }, values: [[1, '1']] as Array<[number, string]> }] };
    const b = { resultType: 'matrix' as const, result: [{ metric: { a: '1' }, values: [[2, '2']] as Array<[number, string]> }, { metric: { a: '2' }, values: [[2, '3']] as Array<[number, string]> }] };
    expect(joinRanges(a, b).result).toEqual([
      { metric: { a: '1' }, values: [[1, '1'], [2, '2']] },
      { metric: { a: '2' }, values: [[2, '3']] },
    ]);
  });
});
