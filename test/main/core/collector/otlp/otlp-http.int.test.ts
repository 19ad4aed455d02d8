// The OTLP/HTTP contract: partialSuccess for refused points (JSON and protobuf), status codes
// for what cannot be decoded (400, not retryable), is too large after gunzip (413), has another
// content type (415), and 429 with Retry-After when the receiver is at its limits.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingest } from '../../../../../src/main/core/collector/ingest.ts';
import { OtlpReceiver } from '../../../../../src/main/core/collector/otlp/otlp-receiver.ts';
import { Reader } from '../../../../../src/main/core/collector/protobuf-reader.ts';
import { OtlpRoute } from '../../../../../src/main/core/http/otlp-route.ts';
import { MAX_OTLP_BODY_BYTES } from '../../../../../src/shared/limits.ts';
import { latest, startTestCore, waitFor, type TestCore } from '../../../../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function post(port: number, body: Buffer | string, headers: Record<string, string>, path = '/v1/metrics'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (body: unknown, port = t.ports.otlp!) => post(port, JSON.stringify(body), { 'Content-Type': 'application/json' });

const sum = (name: string, points: unknown[], temporality = 2, monotonic = true) => ({ name, sum: { dataPoints: points, aggregationTemporality: temporality, isMonotonic: monotonic } });
const request = (metrics: unknown[], resource: Record<string, string> = { 'service.name': 'svc' }) => ({
  resourceMetrics: [
    {
      resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } })) },
      scopeMetrics: [{ scope: { name: 'test' }, metrics }],
    },
  ],
});

// ── a tiny protobuf writer for hand-made bodies ───────────────────────────────────────
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const len = (field: number, payload: number[]): number[] => [...varint(field * 8 + 2), ...varint(payload.length), ...payload];
const str = (field: number, s: string) => len(field, [...Buffer.from(s)]);
const dbl = (field: number, v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [field * 8 + 1, ...b];
};
const vint = (field: number, v: number) => [field * 8, ...varint(v)];

describe('partial success', () => {
  it('JSON: good points are kept, refused ones counted and reported', async () => {
    const r = await json(
      request([
        sum('good.total', [{ asDouble: 5, attributes: [{ key: 'k', value: { stringValue: 'v' } }] }]),
        sum('bad.temporality', [{ asDouble: 1 }], 0),
        { name: 'bad.histogram', histogram: { aggregationTemporality: 2, dataPoints: [{ count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] }] } },
        sum('neg.delta', [{ asInt: '-3' }], 1),
        { name: 'no.data' },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedDataPoints).toBe('3');
    expect(body.partialSuccess.errorMessage).toContain('aggregation temporality must be delta or cumulative');
    expect(body.partialSuccess.errorMessage).toContain('2 bucket counts for 2 bounds');
    expect(body.partialSuccess.errorMessage).toContain("a monotonic sum's delta may not be negative");
    await waitFor(() => latest(t.core, 'good_total').get('good_total{job="svc",k="v"}') === 5);
    expect(t.core.stats.rejectedCount('otlp', 'invalid_temporality')).toBe(1);
    expect(t.core.stats.rejectedCount('otlp', 'malformed_histogram')).toBe(1);
    expect(t.core.stats.rejectedCount('otlp', 'negative_counter')).toBe(1);
  });

  it('JSON: all-good requests get an empty response; 7070 takes them too', async () => {
    const r = await post(t.ports.http, JSON.stringify(request([{ name: 'on.api.port', gauge: { dataPoints: [{ asInt: 7 }] } }])), { 'Content-Type': 'application/json' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({});
    await waitFor(() => latest(t.core, 'on_api_port').get('on_api_port{job="svc"}') === 7);
  });

  it('protobuf: partial_success in an ExportMetricsServiceResponse', async () => {
    const badSum = len(7, [...len(1, dbl(4, 1)), ...vint(2, 0)]); // temporality unspecified
    const goodGauge = len(5, len(1, [...dbl(4, 2.5), ...len(7, [...str(1, 'a.b'), ...len(2, str(1, 'x'))])]));
    const body = Buffer.from(
      len(1, [
        ...len(1, len(1, [...str(1, 'service.name'), ...len(2, str(1, 'pb'))])),
        ...len(2, [...len(2, [...str(1, 'bad.sum'), ...badSum]), ...len(2, [...str(1, 'pb.gauge'), ...goodGauge])]),
      ]),
    );
    const r = await post(t.ports.otlp!, body, { 'Content-Type': 'application/x-protobuf' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    let rejected = -1;
    let message = '';
    const outer = new Reader(r.body);
    outer.fields((f, w) => {
      if (f !== 1) return outer.skip(w);
      const ps = outer.bytes();
      ps.fields((g, w2) => (g === 1 ? (rejected = ps.varint()) : g === 2 ? (message = ps.string()) : ps.skip(w2)));
    });
    expect(rejected).toBe(1);
    expect(message).toContain('bad_sum');
    await waitFor(() => latest(t.core, 'pb_gauge').get('pb_gauge{a_b="x",job="pb"}') === 2.5);
  });
});

describe('refusals', () => {
  it('400, not retryable, for a body that does not decode — JSON as JSON, protobuf as a google.rpc.Status', async () => {
    const j = await post(t.ports.otlp!, '{"resourceMetrics": 5}', { 'Content-Type': 'application/json' });
    expect(j.status).toBe(400);
    expect(JSON.parse(j.body.toString())).toMatchObject({ code: 'MALFORMED_OTLP', retryable: false });
    expect(JSON.parse(j.body.toString()).message).toContain('resourceMetrics must be an array');
    expect(j.headers['retry-after']).toBeUndefined();
    const bad = await post(t.ports.otlp!, '{"resourceMetrics": [', { 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);

    const p = await post(t.ports.otlp!, Buffer.from([0x0a, 0xff, 0xff, 0x01]), { 'Content-Type': 'application/x-protobuf' });
    expect(p.status).toBe(400);
    expect(p.headers['content-type']).toBe('application/x-protobuf');
    let code = -1;
    let message = '';
    const r = new Reader(p.body);
    r.fields((f, w) => (f === 1 ? (code = r.varint()) : f === 2 ? (message = r.string()) : r.skip(w)));
    expect(code).toBe(3); // INVALID_ARGUMENT
    expect(message).toMatch(/^MALFORMED_OTLP: .*truncated/);
    expect(t.core.stats.rejectedCount('otlp', 'malformed_otlp')).toBeGreaterThanOrEqual(3);
  });

  it('413 for a gzip body that inflates past the limit (checked after gunzip), 415 for other types and encodings', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_OTLP_BODY_BYTES + 1024, 0x20));
    expect(bomb.length).toBeLessThan(MAX_OTLP_BODY_BYTES / 100);
    const r = await post(t.ports.otlp!, bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body.toString())).toMatchObject({ code: 'INGEST_BODY_TOO_LARGE', limit: MAX_OTLP_BODY_BYTES });
    const ok = await post(t.ports.otlp!, gzipSync(JSON.stringify(request([{ name: 'zipped', gauge: { dataPoints: [{ asDouble: 1 }] } }]))), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(ok.status).toBe(200);
    const txt = await post(t.ports.otlp!, 'x 1', { 'Content-Type': 'text/plain' });
    expect(txt.status).toBe(415);
    expect(JSON.parse(txt.body.toString()).message).toContain('application/x-protobuf or application/json');
    const br = await post(t.ports.otlp!, 'x', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    expect(br.status).toBe(415);
    expect(t.core.stats.rejectedCount('otlp', 'ingest_body_too_large')).toBe(1);
    expect(t.core.stats.rejectedCount('otlp', 'unsupported_media_type')).toBe(1);
  });

  it('404 elsewhere on the OTLP port, 405 for GET', async () => {
    const r = await fetch(`http://127.0.0.1:${t.ports.otlp}/v1/traces`, { method: 'POST' });
    expect(r.status).toBe(404);
    const g = await fetch(`http://127.0.0.1:${t.ports.otlp}/v1/metrics`);
    expect(g.status).toBe(405);
  });
});

describe('overload', () => {
  it('429 with Retry-After past the data-point budget or the concurrency limit, and nothing applied', async () => {
    const applied: number[] = [];
    const notUsed = () => {
      throw new Error('not used');
    };
    const ingest = new Ingest({ store: { find: () => undefined, resolve: () => null, append: () => 'ok', importSamples: notUsed }, repeatIntervalMs: 15_000 });
    const stats = ingest.stats;
    const receiver = new OtlpReceiver(ingest);
    const orig = receiver.apply.bind(receiver);
    receiver.apply = (req) => {
      applied.push(1);
      return orig(req);
    };
    const route = new OtlpRoute(receiver, stats, { pointsPerSecond: 3, maxInflight: 1 });
    const server = http.createServer((req, res) => void route.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      // 100 points against a budget of 3 a second: 30 s before there is room again.
      const five = request([{ name: 'g', gauge: { dataPoints: Array.from({ length: 100 }, (_, v) => ({ asDouble: v, attributes: [{ key: 'i', value: { intValue: String(v) } }] })) } }]);
      expect((await json(five, port)).status).toBe(200); // takes the budget below zero
      const r = await json(five, port);
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('1');
      expect(JSON.parse(r.body.toString())).toMatchObject({ code: 'OVERLOADED', retryable: true, limit: 3 });
      expect(applied).toHaveLength(1);
      expect(stats.rejectedCount('otlp', 'overloaded')).toBe(1);

      // Concurrency: a request whose body is still arriving holds the only slot.
      const slow = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/metrics', headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' } });
      slow.on('error', () => {});
      slow.write('{');
      await new Promise((r) => setTimeout(r, 50));
      const busy = await post(port, '{}', { 'Content-Type': 'application/x-protobuf' });
      expect(busy.status).toBe(429);
      let code = -1;
      const rd = new Reader(busy.body);
      rd.fields((f, w) => (f === 1 ? (code = rd.varint()) : rd.skip(w)));
      expect(code).toBe(8); // RESOURCE_EXHAUSTED
      slow.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
