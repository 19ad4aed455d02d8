// The Prometheus HTTP API as clients see it: envelope, status codes, parameters, limits, import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../../src/shared/feed-protocol.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
const now = Date.now();
const T = Math.floor(now / 60_000) * 60_000 - 30 * 60_000;

beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 }, query: { maxSamples: 200_000 }, sources: [{ id: 'nowhere', name: 'Nowhere', url: 'http://127.0.0.1:9/', timeout: 300 }] });
  // 20 minutes of two series every 15 s, imported.
  let text = '# TYPE api_requests_total counter\n';
  for (const code of ['200', '500']) for (let i = 0; i <= 80; i++) text += `api_requests_total{code="${code}"} ${i * (code === '200' ? 10 : 1)} ${T + i * 15_000}\n`;
  text += 'no_timestamp 1\n';
  const r = await fetch(`${t.url}/api/v1/import`, { method: 'POST', body: text });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { data: { imported: number }; warnings: string[] };
  expect(body.data.imported).toBe(162);
  expect(body.warnings).toEqual(['1 samples without a timestamp were skipped (an import needs timestamps)']);
});
afterAll(async () => {
  await t.stop();
});

async function get(path: string, params: Record<string, string | string[]> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
  const r = await fetch(`${t.url}${path}?${sp}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('Prometheus HTTP API', () => {
  const at = String((T + 10 * 60_000) / 1000);

  it('answers instant queries in the Prometheus envelope, by GET and by POST form', async () => {
    const r = await get('/api/v1/query', { query: 'sum(rate(api_requests_total[5m]))', time: at });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Number(at), expect.any(String)] }] } });
    const data = r.body.data as { result: Array<{ value: [number, string] }> };
    expect(Number(data.result[0]!.value[1])).toBeCloseTo(11 / 15);
    const post = await fetch(`${t.url}/api/v1/query`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: 'count(api_requests_total)', time: at }) });
    expect(((await post.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]!.value[1]).toBe('2');
  });

  it('answers range queries, and refuses too many points per series', async () => {
    const r = await get('/api/v1/query_range', { query: 'api_requests_total{code="500"}', start: String(T / 1000), end: String((T + 20 * 60_000) / 1000), step: '5m' });
    expect((r.body.data as { result: Array<{ values: unknown[] }> }).result[0]!.values).toHaveLength(5);
    const big = await get('/api/v1/query_range', { query: 'up', start: '0', end: '100000', step: '1' });
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ status: 'error', errorType: 'bad_data', error: expect.stringContaining('exceeded maximum resolution of 11000 points per timeseries') });
  });

  it('uses Prometheus status codes: 400 bad_data, 422 execution', async () => {
    const bad = await get('/api/v1/query', { query: 'sum(' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data', error: expect.stringContaining('parse error') });
    const unsupported = await get('/api/v1/query', { query: 'holt_winters(x[5m], 0.1, 0.1)' });
    expect(unsupported.body.error).toContain('unknown function "holt_winters"');
    const exec = await get('/api/v1/query', { query: 'api_requests_total + on() api_requests_total', time: at });
    expect(exec.status).toBe(422);
    expect(exec.body).toMatchObject({ errorType: 'execution', error: expect.stringContaining('many-to-many matching not allowed') });
    const badTime = await get('/api/v1/query', { query: 'up', time: 'yesterday' });
    expect(badTime.body.error).toBe('invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
  });

  it('refuses a query that would load more samples than the limit', async () => {
    const r = await get('/api/v1/query', { query: 'count_over_time(api_requests_total[30m:5ms])', time: at });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/too many samples/);
  });

  it('times out with 503', async () => {
    const r = await get('/api/v1/query_range', { query: 'count_over_time(api_requests_total[20m:50ms])', start: String(T / 1000), end: String((T + 20 * 60_000) / 1000), step: '15', timeout: '0.001' });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ errorType: 'timeout' });
  });

  it('lists series, label names, label values, metadata and buildinfo', async () => {
    expect((await get('/api/v1/series', { 'match[]': 'api_requests_total' })).body.data).toEqual([
      { __name__: 'api_requests_total', code: '200' },
      { __name__: 'api_requests_total', code: '500' },
    ]);
    expect((await get('/api/v1/labels', { 'match[]': 'api_requests_total' })).body.data).toEqual(['__name__', 'code']);
    expect((await get('/api/v1/label/code/values')).body.data).toEqual(['200', '500']);
    expect((await get('/api/v1/label/__name__/values')).body.data).toContain('api_requests_total');
    expect((await get('/api/v1/metadata', { metric: 'api_requests_total' })).body.data).toEqual({ api_requests_total: [{ type: 'counter', help: '', unit: '' }] });
    expect((await get('/api/v1/status/buildinfo')).body.data).toMatchObject({ version: '2.42.0', application: 'radiator' });
    expect((await get('/api/v1/series')).status).toBe(400);
  });

  it('refuses to import samples inside the time a series already holds', async () => {
    const r = await fetch(`${t.url}/api/v1/import`, { method: 'POST', body: `api_requests_total{code="500"} 5 ${T + 60_000}\n` });
    const body = (await r.json()) as { data: { imported: number; refused: number }; warnings: string[] };
    expect(body.data).toMatchObject({ imported: 0, refused: 1 });
    expect(body.warnings[0]).toMatch(/inside the time already stored/);
  });
});

describe('the feed speaks PromQL', () => {
  it('sends a snapshot evaluated at aligned steps, then the steps that come due', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.ports.http}/feed`);
    const msgs: ServerMessage[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'live_gauge', value: 3 }) });
    await waitFor(() => (t.core.store.index.get('live_gauge')?.lastTs ?? 0) > 0);
    ws.send(JSON.stringify({ type: 'subscribe', id: 'q', query: 'live_gauge * 2', rangeMs: 60_000, stepMs: 1_000 }));
    const snap = await waitFor(() => msgs.find((m) => m.type === 'snapshot'));
    // The snapshot ends at the last whole step; the sample may be newer than that.
    expect(snap.type === 'snapshot' && snap.to % 1000).toBe(0);
    const append = await waitFor(() => msgs.find((m) => m.type === 'append' && m.points.length > 0), 5_000);
    expect(append.type === 'append' && append.points[0]![2]).toBe(6);
    expect(append.type === 'append' && append.points[0]![1] % 1000).toBe(0);
    expect(append.type === 'append' && append.series.concat(snap.type === 'snapshot' ? snap.series : [])[0]!.labels).toEqual({});
    ws.close();
  });

  it('shows a failing source as an error state, not an empty chart', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.ports.http}/feed`);
    const msgs: ServerMessage[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', id: 'far', query: 'up', rangeMs: 60_000, stepMs: 1_000, source: 'nowhere' }));
    ws.send(JSON.stringify({ type: 'subscribe', id: 'unknown', query: 'up', rangeMs: 60_000, stepMs: 1_000, source: 'no-such-source' }));
    const errs = await waitFor(() => (msgs.filter((m) => m.type === 'error').length >= 2 ? msgs.filter((m) => m.type === 'error') : null));
    expect(errs.find((e) => e.type === 'error' && e.id === 'far')).toMatchObject({ code: 'SOURCE_UNREACHABLE' });
    expect(errs.find((e) => e.type === 'error' && e.id === 'unknown')).toMatchObject({ code: 'SOURCE_UNKNOWN' });
    expect(msgs.some((m) => m.type === 'snapshot')).toBe(false);
    ws.close();
  });
});

describe('import past the series cap', () => {
  it('folds history of series past the cap into overflow series, and counts every sample: received = applied + refused', async () => {
    const small = await startTestCore({ collector: { flushInterval: 100 }, store: { maxSeries: 200 } });
    try {
      const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
      let text = '# TYPE jobs_total counter\n';
      for (let i = 0; i < 300; i++) for (let k = 0; k < 3; k++) text += `jobs_total{id="${i}"} ${k + 1} ${base + k * 15_000}\n`;
      text += 'no_timestamp 1\nbad{__x="1"} 1 ' + base + '\n';
      const r = await fetch(`${small.url}/api/v1/import`, { method: 'POST', body: text });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { data: { imported: number; refused: number; folded: number; series: number }; warnings: string[] };
      expect(body.data.imported).toBe(900);
      expect(body.data.refused).toBe(2);
      expect(body.data.folded).toBeGreaterThan(0);
      expect(body.data.series).toBe(300);
      expect(body.warnings).toContain(`${body.data.folded} samples of series past the series cap were folded into overflow series (radiator_overflow="true")`);
      const stats = small.core.stats;
      expect(stats.received.get('import')).toBe(902);
      expect(stats.rejectedCount('import')).toBe(2);
      expect(stats.rejectedCount('import', 'missing_timestamp')).toBe(1);
      expect(stats.rejectedCount('import', 'label_name_reserved')).toBe(1);
      // The totals survive: at each time, own series plus the overflow series add up to 300 × (k+1).
      const over = small.core.store.index.get('jobs_total{radiator_overflow="true"}')!;
      const own = small.core.store.index.select([{ name: '__name__', op: '=', value: 'jobs_total' }, { name: 'id', op: '=~', value: '.+' }]);
      const back = small.core.store.readRaw(over, base, base + 60_000);
      expect(Array.from(back.ts)).toEqual([base, base + 15_000, base + 30_000]);
      expect(Array.from(back.values)).toEqual([1, 2, 3].map((v) => v * (300 - own.length)));
      expect(own.length + body.data.folded / 3).toBe(300);
      // Import writes count as written samples, on /metrics too.
      const self = await (await fetch(`${small.url}/metrics`)).text();
      expect(self).toMatch(/radiator_received_total\{receiver="import"\} 902\b/);
      expect(small.core.ingest.written).toBeGreaterThanOrEqual(own.length * 3 + 3);
    } finally {
      await small.stop();
    }
  });
});
