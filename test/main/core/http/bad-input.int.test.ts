// Bad input gets a clear, coded error and loses nothing else: the collector keeps serving.
import dgram from 'node:dgram';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_JSON_BATCH_SAMPLES, MAX_JSON_DEPTH, MAX_JSON_NODES } from '../../../../src/shared/limits.ts';
import { parseSelector } from '../../../../src/main/core/store/index.ts';
import { latest, startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A raw request, so headers like Host can be anything. */
function request(method: string, path: string, body: string | Buffer | null, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.ports.http, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request('POST', path, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });

async function stillServing(): Promise<void> {
  const r = await json('/api/v1/metrics', { name: 'alive', value: 1, type: 'counter' });
  expect(r.status).toBe(200);
}

describe('HTTP bad input', () => {
  it('413 for a body over the limit, with the limit', async () => {
    const r = await json('/api/v1/metrics', 'x'.repeat(MAX_BODY_BYTES + 10));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'INGEST_BODY_TOO_LARGE', retryable: false, limit: MAX_BODY_BYTES });
    await stillServing();
  });

  it('413 for a gzip body that inflates past the limit (checked after gunzip)', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY_BYTES * 3, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const r = await json('/api/v1/metrics', '', {});
    expect(r.status).toBe(400); // empty body is not JSON
    const g = await request('POST', '/api/v1/metrics', bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(g.status).toBe(413);
    expect(g.body).toMatchObject({ code: 'INGEST_BODY_TOO_LARGE' });
    await stillServing();
  });

  it('accepts a gzipped body', async () => {
    const r = await request('POST', '/api/v1/metrics', gzipSync(JSON.stringify({ name: 'zipped', value: 3 })), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 1, rejected: [] });
  });

  it('400 for gzip that does not inflate; 415 for another encoding', async () => {
    const bad = await request('POST', '/api/v1/metrics', Buffer.from('not gzip'), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MALFORMED_BODY');
    const br = await request('POST', '/api/v1/metrics', Buffer.from('x'), { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    expect(br.status).toBe(415);
    expect(br.body.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
  });

  it('415 for the wrong content type', async () => {
    const r = await request('POST', '/api/v1/metrics', '{"name":"a","value":1}', { 'Content-Type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', retryable: false });
    expect(String(r.body.message)).toContain('application/json');
  });

  it('400 for malformed JSON', async () => {
    const r = await json('/api/v1/metrics', '{"name": ');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'MALFORMED_BODY', retryable: false });
  });

  it('400, not retryable, for a 20,000-deep value, and for too many values — each counted', async () => {
    const before = t.core.stats.rejectedCount('json', 'json_too_deep');
    const deep = await json('/api/v1/metrics', `{"name":"d","value":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ code: 'JSON_TOO_DEEP', limit: MAX_JSON_DEPTH, retryable: false });
    expect(t.core.stats.rejectedCount('json', 'json_too_deep')).toBe(before + 1);
    const wide = await json('/api/v1/metrics', `{"name":"w","value":[${'0,'.repeat(MAX_JSON_NODES)}0]}`);
    expect(wide.status).toBe(400);
    expect(wide.body).toMatchObject({ code: 'JSON_TOO_MANY_NODES', limit: MAX_JSON_NODES, retryable: false });
    // The same limits guard OTLP/JSON on 7070.
    const otlp = await request('POST', '/v1/metrics', '['.repeat(20_000) + ']'.repeat(20_000), { 'Content-Type': 'application/json' });
    expect(otlp.status).toBe(400);
    expect(otlp.body).toMatchObject({ code: 'JSON_TOO_DEEP', retryable: false });
    await stillServing();
  });

  it('timestamped samples: stored at their time, or refused with the reason in the reply and counted', async () => {
    const now = Date.now();
    const first = await json('/api/v1/metrics', [
      { name: 'dated_gauge', value: 1, ts: now - 1_000 },
      { name: 'dated_gauge', value: 2, ts: now - 61_000 },
      { name: 'dated_gauge', value: 3, ts: now - 30 * 86_400_000 },
      { name: 'dated_gauge', value: 4, ts: now + 86_400_000 },
      { name: 'dated_counter', value: 5, type: 'counter', ts: now - 2_000 },
      { name: 'dated_counter', value: 7, type: 'counter', ts: now - 3_000 },
    ]);
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(2);
    const reasons = (first.body.rejected as Array<{ index: number; reason: string }>).map((x) => [x.index, x.reason]);
    expect(reasons).toEqual([
      [1, 'out_of_order'],
      [2, 'too_old'],
      [3, 'too_new'],
      [5, 'out_of_order'],
    ]);
    expect(t.core.stats.rejectedCount('json', 'too_old')).toBeGreaterThanOrEqual(1);
    await t.core.flush();
    const s = t.core.store.index.select(parseSelector('dated_gauge'))[0]!;
    const raw = t.core.store.readRaw(s, 0, now + 86_400_000);
    expect([...raw.ts]).toEqual([now - 1_000]);
    expect([...raw.values]).toEqual([1]);
    const only = await json('/api/v1/metrics', { name: 'dated_gauge', value: 9, ts: now - 30 * 86_400_000 });
    expect(only.status).toBe(400);
    expect(only.body.message).toMatch(/more than 7 days old/);
  });

  it('a counter whose total would be +Inf is refused, not stored', async () => {
    const r = await json('/api/v1/metrics', [
      { name: 'huge_total', value: 1.7e308, type: 'counter' },
      { name: 'huge_total', value: 1.7e308, type: 'counter' },
    ]);
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toMatchObject([{ index: 1, reason: 'non_finite_result' }]);
    await waitFor(() => latest(t.core, 'huge_total').get('huge_total') === 1.7e308);
  });

  it('names that escaping would erase are refused, not merged into ___', async () => {
    const r = await json('/api/v1/metrics', [
      { name: '日本語', value: 1, type: 'counter' },
      { name: '中文字', value: 1, type: 'counter' },
      { name: 'labelled', value: 1, labels: { 名前: 'x' } },
      { name: 'labelled', value: 1, labels: { city: 'zürich' } },
    ]);
    expect(r.body.accepted).toBe(1);
    const rejected = r.body.rejected as Array<{ index: number; reason: string; message: string }>;
    expect(rejected.map((x) => [x.index, x.reason])).toEqual([
      [0, 'name_not_ascii'],
      [1, 'name_not_ascii'],
      [2, 'label_name_not_ascii'],
    ]);
    expect(rejected[0]!.message).toMatch(/escaping would erase it/);
    await t.core.flush();
    expect(latest(t.core, '___').size).toBe(0);
  });

  it('413 for a batch over the sample limit', async () => {
    const batch = Array.from({ length: MAX_JSON_BATCH_SAMPLES + 1 }, () => ({ name: 'a', value: 1 }));
    const r = await json('/api/v1/metrics', batch);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'INGEST_BATCH_TOO_LARGE', limit: MAX_JSON_BATCH_SAMPLES });
  });

  it('refuses bad samples one by one and keeps the good ones in the batch', async () => {
    const r = await json(
      '/api/v1/metrics',
      '[{"name":"good_one","value":1},{"name":"inf","value":1e400},{"name":"x","value":"NaN"},{"name":"' +
        'n'.repeat(10_000) +
        '","value":1},{"name":"p","value":1,"labels":{"__proto__":"x"}},{"name":"__proto__","value":2},{"name":"c","value":-1,"type":"counter"},{"name":"t","value":1,"type":"timer","ts":1}]',
    );
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    const reasons = (r.body.rejected as Array<{ index: number; reason: string }>).map((x) => [x.index, x.reason]);
    expect(reasons).toEqual([
      [1, 'malformed_value'],
      [2, 'malformed_value'],
      [3, 'name_too_long'],
      [4, 'label_name_reserved'],
      [6, 'negative_counter'],
      [7, 'ts_not_supported'],
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await waitFor(() => latest(t.core, '__proto__').size === 1);
  });

  it('400 with every reason when nothing in the request could be used', async () => {
    const r = await json('/api/v1/metrics', { name: 'x', value: 'a lot' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_SAMPLE');
    expect(r.body.message).toMatch(/"value" must be a finite number/);
  });

  it('400 for an invalid event, naming the field', async () => {
    const r = await json('/api/v1/events', { kind: 'party', title: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_EVENT');
    expect(r.body.message).toContain('"kind" must be one of deploy, change, incident, build, note');
    const ok = await json('/api/v1/events', { kind: 'deploy', title: 'v1', tags: { service: 'web' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'deploy', title: 'v1', tags: ['service:web'] });
  });

  it('400 for bad query parameters', async () => {
    const r = await request('GET', '/api/v1/events?from=yesterday', null);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    const c = await request('GET', '/api/v1/columns?match=' + encodeURIComponent('{a=~".*"}'), null);
    expect(c.status).toBe(400);
    expect(String(c.body.message)).toContain('does not match the empty string');
  });

  it('404 and 405 as JSON', async () => {
    expect((await request('GET', '/api/v1/nope', null)).body).toMatchObject({ code: 'NOT_FOUND' });
    const m = await request('DELETE', '/api/v1/metrics', null);
    expect(m.status).toBe(405);
    expect(m.body.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('cardinality', () => {
  it('folds a label explosion into an overflow series instead of growing without bound', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => ({ name: 'exploding', value: 1, type: 'counter', labels: { request_id: `r${i}` } }));
    const small = await startTestCore({ collector: { flushInterval: 100 }, store: { maxSeries: 200 } });
    try {
      const r = await fetch(`${small.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
      expect(r.status).toBe(200);
      const total = await waitFor(() => {
        let sum = 0;
        for (const v of latest(small.core, 'exploding').values()) sum += v;
        return sum === 500 ? sum : null;
      });
      expect(total).toBe(500);
      const m = latest(small.core, 'exploding');
      const direct = m.size - 1; // the collector's own series share the cap
      expect(direct).toBeLessThanOrEqual(200);
      expect(m.get('exploding{radiator_overflow="true"}')).toBe(500 - direct);
      expect(small.core.store.refusedSeries).toBeGreaterThanOrEqual(500 - direct);
      expect(small.core.store.index.size).toBeLessThanOrEqual(200 + 50);
    } finally {
      await small.stop();
    }
  });

});

describe('who may talk to the collector', () => {
  it('refuses a Host that is not this machine (DNS rebinding)', async () => {
    const r = await request('GET', '/api/v1/status', null, { Host: 'evil.example:7070' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('HOST_NOT_ALLOWED');
    expect((await request('GET', '/api/v1/status', null, { Host: `localhost:${t.ports.http}` })).status).toBe(200);
  });

  it('refuses a cross-site browser request', async () => {
    const r = await json('/api/v1/metrics', { name: 'csrf', value: 1 }, { Origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('ORIGIN_NOT_ALLOWED');
    const same = await json('/api/v1/metrics', { name: 'same_origin', value: 1 }, { Origin: `http://127.0.0.1:${t.ports.http}`, Host: `127.0.0.1:${t.ports.http}` });
    expect(same.status).toBe(200);
  });
});

describe('StatsD bad input', () => {
  it('survives random bytes and keeps counting the good lines around them', async () => {
    const s = dgram.createSocket('udp4');
    const send = (b: Buffer | string) => new Promise<void>((r) => s.send(b, t.ports.statsdUdp as number, '127.0.0.1', () => r()));
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 600) }, () => Math.floor(rnd() * 256)));
      await send(Buffer.concat([Buffer.from('fuzz_ok:1|c\n'), junk, Buffer.from('\nfuzz_ok:1|c')]));
    }
    s.close();
    await waitFor(() => latest(t.core, 'fuzz_ok').get('fuzz_ok') === 600, 10_000);
    expect(t.core.stats.rejectedCount('statsd')).toBeGreaterThan(0);
    await stillServing();
  });
});

// ── OTLP, logs and browser telemetry: coded errors, counted, and the collector keeps serving ──
describe('OTLP, logs and client bad input', () => {
  it('OTLP on 7070: 415, 400 not retryable, 413 after gunzip — each counted', async () => {
    const otlp = (body: string | Buffer, headers: Record<string, string>) => request('POST', '/v1/metrics', body, headers);
    expect((await otlp('x', { 'Content-Type': 'text/plain' })).body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const bad = await otlp('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asInt":"1e9"}]}}]}]}]}', { 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'MALFORMED_OTLP', retryable: false });
    expect(String(bad.body.message)).toContain('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt');
    const bomb = gzipSync(Buffer.alloc(9 * 1024 * 1024, 0x7b));
    expect((await otlp(bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(413);
    expect(t.core.stats.rejectedCount('otlp')).toBeGreaterThanOrEqual(3);
    await stillServing();
  });

  it('logs: 415, 413 for too many lines, 400 for a bad source; junk lines are counted, not fatal', async () => {
    const post = (body: string | Buffer, type: string, path = '/api/v1/logs') => request('POST', path, body, { 'Content-Type': type });
    expect((await post('x', 'application/xml')).body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const many = await post('x\n'.repeat(10_001), 'text/plain');
    expect(many.status).toBe(413);
    expect(many.body).toMatchObject({ code: 'LOGS_TOO_MANY_LINES', limit: 10_000 });
    expect((await post('x', 'text/plain', '/api/v1/logs?source=' + encodeURIComponent('a b'))).body).toMatchObject({ code: 'INVALID_PARAMETER' });
    const junk = Buffer.concat([Buffer.from('{"level":"error"\n'), Buffer.from([0xff, 0xfe, 0x00, 0x0a]), Buffer.from('y'.repeat(20_000) + '\n'), Buffer.from('{"__proto__":{"x":1},"level":"warn"}\n')]);
    const ok = await post(junk, 'application/x-ndjson');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ accepted: 4 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(t.core.stats.rejectedCount('logs', 'line_truncated')).toBe(1);
    expect(t.core.stats.rejectedCount('logs', 'logs_too_many_lines')).toBe(1);
    await stillServing();
  });

  it('client: 403 for a foreign origin, 400 for junk, values out of range refused one by one', async () => {
    const beacon = (body: string, headers: Record<string, string> = {}) => request('POST', '/api/v1/client', body, { 'Content-Type': 'text/plain', ...headers });
    const foreign = await beacon('{"items":[]}', { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(t.core.stats.rejectedCount('client', 'origin_not_allowed')).toBe(1);
    expect((await beacon('not json')).body).toMatchObject({ code: 'MALFORMED_BODY' });
    expect((await beacon('{"items": 5}')).body).toMatchObject({ code: 'MALFORMED_BODY' });
    expect((await beacon('x'.repeat(70_000))).status).toBe(413);
    const items = [
      { t: 'lcp', p: '/ok', v: 1200 },
      { t: 'lcp', p: '/ok', v: -1 },
      { t: 'cls', p: '/ok', v: 1e9 },
      { t: 'inp', p: '/ok', v: 'fast' },
      { t: 'teleport', p: '/ok', v: 1 },
      { t: 'error', p: 5 },
      { t: 'error', p: '/ok', n: 1e12 },
      ...Array.from({ length: 120 }, () => ({ t: 'cls', p: '/ok', v: 0.01 })),
    ];
    expect((await beacon(JSON.stringify({ release: '../../etc', items }))).status).toBe(204);
    expect(t.core.stats.rejectedCount('client', 'malformed_value')).toBe(4);
    expect(t.core.stats.rejectedCount('client', 'unknown_item')).toBe(1);
    expect(t.core.stats.rejectedCount('client', 'malformed_page')).toBe(1);
    expect(t.core.stats.rejectedCount('client', 'too_many_items')).toBe(27);
    await waitFor(() => latest(t.core, 'client_lcp_count').get('client_lcp_count{page="/ok"}') === 1);
    await stillServing();
  });
});
