// The remote-write receiver's contract, path by path: what is stored, the status a sender acts on
// (204; 400 for what it must not retry, partial writes naming their counts; 413; 415; 503 with
// Retry-After), and the door's books for `remote_write` — received = applied + refused by reason —
// after every request.
import http from 'node:http';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Ingest, type IngestStore } from '../../../../src/main/core/collector/ingest.ts';
import { Writer } from '../../../../src/main/core/collector/protobuf-writer.ts';
import type { Series } from '../../../../src/main/core/store/index.ts';
import { RemoteWriteRoute, type RemoteWriteRouteOptions } from '../../../../src/main/core/http/remote-write-route.ts';
import { encodeWriteRequest, encodeWriteRequestV2, PROTO_V2, type TimeSeries, type WriteRequest } from '../../../../src/main/core/remote-write/protocol.ts';
import { REMOTE_WRITE_RECEIVER, RemoteWriteReceiver } from '../../../../src/main/core/remote-write/receiver.ts';
import { startTestCore } from '../../../helpers/core.ts';
import { H, NOW, useDoors, type Door } from '../../../helpers/door.ts';

const door = useDoors();
const R = REMOTE_WRITE_RECEIVER;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { code?: string; message?: string; limit?: number; retryable?: boolean; received?: number; written?: number; refused?: Record<string, number> };
}

let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function serve(d: Door, opts: RemoteWriteRouteOptions = {}): Promise<number> {
  const route = new RemoteWriteRoute(new RemoteWriteReceiver(d.ingest, { maxMetadataPerRequest: 100 }), d.ingest.stats, opts);
  const server = http.createServer((req, res) => void route.handle(req, res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function post(port: number, body: Uint8Array, headers: Record<string, string> = {}, method = 'POST'): Promise<Reply> {
  const h = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0', ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/api/v1/write', headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const v1 = (req: WriteRequest) => snappy.compress(encodeWriteRequest(req));
const series = (name: string, labels: Record<string, string>, samples: Array<[number, number]>): TimeSeries => ({
  labels: [['__name__', name], ...Object.entries(labels)],
  samples: samples.map(([t, v]) => ({ timestampMs: t, value: v })),
});
const req = (...timeseries: TimeSeries[]): WriteRequest => ({ timeseries, metadata: [] });
const T = NOW - 60_000;
const stored = (d: Door, key: string) => d.store.index.get(key);

describe('POST /api/v1/write (1.0)', () => {
  it('stores every sample at its own time and answers 204; metadata goes to the registry', async () => {
    const d = door(100);
    const port = await serve(d);
    const body = v1({
      timeseries: [series('http_requests_total', { job: 'api', code: '200' }, [[T, 5], [T + 15_000, 7]]), series('temp_celsius', { room: 'a' }, [[T, 21.5]])],
      metadata: [{ type: 'counter', family: 'http_requests_total', help: 'Requests.', unit: '' }, { type: 'gauge', family: 'temp_celsius', help: 'Temperature.', unit: 'celsius' }],
    });
    const r = await post(port, body);
    expect(r.status).toBe(204);
    expect(stored(d, 'http_requests_total{code="200",job="api"}')).toMatchObject({ lastTs: T + 15_000, lastValue: 7 });
    expect(stored(d, 'temp_celsius{room="a"}')).toMatchObject({ lastTs: T, lastValue: 21.5 });
    expect(d.ingest.metadata.get('temp_celsius')).toEqual({ type: 'gauge', help: 'Temperature.', unit: 'celsius' });
    expect(d.ingest.metadata.get('http_requests_total')?.type).toBe('counter');
    expect(d.balanced(R)).toEqual({ received: 3, applied: 3, refused: {} });
  });

  it('takes a body sent without Content-Type or Content-Encoding as 1.0 snappy, as Prometheus does', async () => {
    const d = door(100);
    const port = await serve(d);
    const r = await new Promise<number>((resolve, reject) => {
      const q = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/write' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      q.on('error', reject);
      q.end(v1(req(series('up', {}, [[T, 1]]))));
    });
    expect(r).toBe(204);
    expect(d.balanced(R)).toEqual({ received: 1, applied: 1, refused: {} });
  });

  it('a request sent again (a retry after a 5xx) stores nothing twice and is still a success', async () => {
    const d = door(100);
    const port = await serve(d);
    const body = v1(req(series('up', { job: 'a' }, [[T, 1]]), series('up', { job: 'b' }, [[T, 0]])));
    expect((await post(port, body)).status).toBe(204);
    expect((await post(port, body)).status).toBe(204);
    expect(d.store.index.get('up{job="a"}')).toMatchObject({ lastTs: T, lastValue: 1 });
    expect(d.balanced(R)).toEqual({ received: 4, applied: 4, refused: {} });
  });

  it('staleness markers end nothing in the store, are counted as stale_marker, and are no error (204)', async () => {
    const d = door(100);
    const port = await serve(d);
    const r = await post(port, v1(req({ labels: [['__name__', 'gone'], ['job', 'x']], samples: [{ timestampMs: T, value: 3 }, { timestampMs: T + 15_000, value: NaN, stale: true }] })));
    expect(r.status).toBe(204);
    expect(stored(d, 'gone{job="x"}')).toMatchObject({ lastTs: T, lastValue: 3 });
    expect(d.balanced(R)).toEqual({ received: 2, applied: 1, refused: { stale_marker: 1 } });
  });

  it('an ordinary NaN is a value, stored as Prometheus stores it', async () => {
    const d = door(100);
    const port = await serve(d);
    expect((await post(port, v1(req(series('ratio', {}, [[T, NaN]]))))).status).toBe(204);
    expect(Number.isNaN(stored(d, 'ratio')!.lastValue)).toBe(true);
    expect(d.balanced(R)).toEqual({ received: 1, applied: 1, refused: {} });
  });

  it('out-of-order and too-old samples: the rest is written, 400 names the counts (not retried)', async () => {
    const d = door(100);
    const port = await serve(d);
    expect((await post(port, v1(req(series('q', {}, [[T, 1]]))))).status).toBe(204);
    const r = await post(port, v1(req(series('q', {}, [[T - 30_000, 0], [T + 30_000, 2]]), series('old', {}, [[NOW - 30 * 24 * H, 1]]), series('fine', {}, [[T, 9]]))));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'REMOTE_WRITE_SAMPLES_REFUSED', retryable: false, received: 4, written: 2, refused: { out_of_order: 1, too_old: 1 } });
    expect(r.body.message).toBe('2 of 4 samples refused (out_of_order 1, too_old 1); 2 written');
    expect(r.headers['retry-after']).toBeUndefined();
    expect(stored(d, 'q')).toMatchObject({ lastTs: T + 30_000, lastValue: 2 });
    expect(stored(d, 'fine')).toMatchObject({ lastValue: 9 });
    expect(d.balanced(R)).toEqual({ received: 5, applied: 3, refused: { out_of_order: 1, too_old: 1 } });
  });

  it('invalid names and labels, a label sent twice, a series without a name: refused per series, 400', async () => {
    const d = door(100);
    const port = await serve(d);
    const r = await post(
      port,
      v1(
        req(
          series('ok', {}, [[T, 1]]),
          series('bad-name', {}, [[T, 1]]),
          series('x', { 'bad-label': 'v' }, [[T, 1], [T + 1, 2]]),
          { labels: [['__name__', 'dup'], ['a', '1'], ['a', '2']], samples: [{ timestampMs: T, value: 1 }] },
          // Past 16 labels the duplicate check takes another path.
          { labels: [['__name__', 'wide'], ...Array.from({ length: 20 }, (_, i) => [`l${i}`, 'v'] as const), ['l3', 'again']], samples: [{ timestampMs: T, value: 1 }] },
          { labels: [['job', 'nameless']], samples: [{ timestampMs: T, value: 1 }] },
        ),
      ),
    );
    expect(r.status).toBe(400);
    expect(r.body.refused).toEqual({ name_invalid: 1, label_name_invalid: 2, label_name_duplicate: 2, name_missing: 1 });
    expect(d.balanced(R)).toEqual({ received: 7, applied: 1, refused: { name_invalid: 1, label_name_invalid: 2, label_name_duplicate: 2, name_missing: 1 } });
  });

  it('past the series cap, new series fold into the overflow series (still 204)', async () => {
    const d = door(3);
    const port = await serve(d);
    const many = Array.from({ length: 5 }, (_, i) => series('reqs_total', { pod: `p${i}` }, [[T, i + 1]]));
    const r = await post(port, v1(req(...many)));
    expect(r.status).toBe(204);
    const c = d.balanced(R);
    expect(c).toEqual({ received: 5, applied: 5, refused: {} });
    // Three own series fit; the other two (a counter's: they add up) go to the overflow series.
    expect(d.overflow('reqs_total')).toBe(4 + 5);
  });

  it('samples the store cannot hold for a full disk: 503 with Retry-After, so the sender retries instead of dropping', async () => {
    const d = door(100);
    // The door over the same store, with every append to one series refused as the full store refuses.
    const store = { find: d.store.find.bind(d.store), resolve: d.store.resolve.bind(d.store), importSamples: d.store.importSamples.bind(d.store), append: (s: Series, ts: number, v: number) => (s.name === 'full' ? 'store_disk_full' : d.store.append(s, ts, v)) } as IngestStore;
    const ingest = new Ingest({ store, repeatIntervalMs: 15_000 });
    const route = new RemoteWriteRoute(new RemoteWriteReceiver(ingest, { maxMetadataPerRequest: 100 }), ingest.stats);
    const server = http.createServer((req, res) => void route.handle(req, res));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const r = await post((server.address() as { port: number }).port, v1(req(series('ok', {}, [[T, 1]]), series('full', {}, [[T, 2]]))));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.body).toMatchObject({ code: 'STORE_DISK_FULL', retryable: true, written: 1, refused: { store_disk_full: 1 } });
    expect(ingest.stats.received.get(R)).toBe(2);
    expect(ingest.stats.rejectedCount(R, 'store_disk_full')).toBe(1);
  });

  it('native histograms are counted and refused (the store holds floats), 400', async () => {
    const d = door(100);
    const port = await serve(d);
    const w = new Writer();
    w.fork(1).fork(1).string(1, '__name__').string(2, 'lat').join().fork(2).doubleField(1, 1).int64Field(2, T).join().fork(4).uint(1, 3).join().join();
    const r = await post(port, snappy.compress(w.finish()));
    expect(r.status).toBe(400);
    expect(r.body.refused).toEqual({ native_histogram: 1 });
    expect(d.balanced(R)).toEqual({ received: 2, applied: 1, refused: { native_histogram: 1 } });
  });
});

describe('refused whole (one request received, one refused)', () => {
  const whole = (d: Door, reason: string) => expect(d.balanced(R)).toEqual({ received: 1, applied: 0, refused: { [reason]: 1 } });

  it('bad snappy: 400 MALFORMED_REMOTE_WRITE', async () => {
    const d = door(100);
    const port = await serve(d);
    const r = await post(port, Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0x01, 0x02]));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'MALFORMED_REMOTE_WRITE', retryable: false });
    expect(r.body.message).toMatch(/snappy/);
    whole(d, 'malformed_remote_write');
  });

  it('truncated protobuf inside good snappy: 400, nothing applied', async () => {
    const d = door(100);
    const port = await serve(d);
    const full = encodeWriteRequest(req(series('a', {}, [[T, 1]]), series('b', {}, [[T, 1]])));
    const r = await post(port, snappy.compress(full.subarray(0, full.length - 5)));
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/prometheus\.WriteRequest: truncated/);
    expect(stored(d, 'a')).toBeUndefined();
    whole(d, 'malformed_remote_write');
  });

  it('a body past the limit: 413 (by Content-Length, before reading)', async () => {
    const d = door(100);
    const port = await serve(d, { maxBodyBytes: 1000 });
    const r = await post(port, new Uint8Array(5000));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'INGEST_BODY_TOO_LARGE', limit: 1000 });
    whole(d, 'ingest_body_too_large');
  });

  it('a small body whose snappy header claims more than the limit: 413 without decompressing', async () => {
    const d = door(100);
    const port = await serve(d, { maxDecompressedBytes: 1 << 20 });
    // Header: 64 MiB, then a few bytes of nothing: decompressing would fail (400); the header is read first.
    const r = await post(port, Uint8Array.from([0x80, 0x80, 0x80, 0x20, 0x00, 0x01]));
    expect(r.status).toBe(413);
    expect(r.body.message).toBe(`the body decompresses to ${64 << 20} bytes, more than the limit of ${1 << 20} bytes`);
    whole(d, 'ingest_body_too_large');
  });

  it('more series than a request may hold: 413 naming the limit', async () => {
    const d = door(100);
    const port = await serve(d, { maxSeriesPerRequest: 2 });
    const r = await post(port, v1(req(series('a', {}, [[T, 1]]), series('b', {}, [[T, 1]]), series('c', {}, [[T, 1]]))));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'INGEST_BATCH_TOO_LARGE', limit: 2 });
    whole(d, 'ingest_batch_too_large');
  });

  it('more labels and samples than a request may hold: 413, whatever the number of series', async () => {
    const d = door(100);
    const port = await serve(d, { maxEntriesPerRequest: 100 });
    const r = await post(port, v1(req(series('a', {}, Array.from({ length: 200 }, (_, i) => [T + i, i] as [number, number])))));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ code: 'INGEST_BATCH_TOO_LARGE', limit: 100 });
    whole(d, 'ingest_batch_too_large');
  });

  it.each([
    ['text/plain', {}, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-protobuf;proto=io.prometheus.write.v3.Request', {}, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-protobuf', { 'Content-Encoding': 'gzip' }, 'UNSUPPORTED_CONTENT_ENCODING'],
  ])('Content-Type %s %j: 415 %s', async (type, extra, code) => {
    const d = door(100);
    const port = await serve(d);
    const r = await post(port, v1(req(series('a', {}, [[T, 1]]))), { 'Content-Type': type, ...extra });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe(code);
    if (code === 'UNSUPPORTED_MEDIA_TYPE') expect(r.body.message).toContain(`proto=${PROTO_V2}`);
    whole(d, code.toLowerCase());
  });

  it('GET: 405', async () => {
    const d = door(100);
    const port = await serve(d);
    expect((await post(port, new Uint8Array(0), {}, 'GET')).status).toBe(405);
  });

  it('busy (too many requests at once, or samples a second): 503 with Retry-After, retried by every sender', async () => {
    const d = door(100);
    const none = await serve(d, { maxInflight: 0 });
    const r = await post(none, v1(req(series('a', {}, [[T, 1]]))));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.body).toMatchObject({ code: 'REMOTE_WRITE_BUSY', retryable: true, limit: 0 });
    whole(d, 'remote_write_busy');

    const d2 = door(100);
    const slow = await serve(d2, { samplesPerSecond: 2 });
    const body = v1(req(series('a', {}, [[T, 1], [T + 1, 2], [T + 2, 3], [T + 3, 4]])));
    expect((await post(slow, body)).status).toBe(204);
    const again = await post(slow, body);
    expect(again.status).toBe(503);
    expect(again.headers['retry-after']).toBe('1');
    expect(d2.balanced(R)).toEqual({ received: 5, applied: 4, refused: { remote_write_busy: 1 } });
  });
});

describe('remote write 2.0', () => {
  it('decodes the symbols-table message and answers with the X-Prometheus-Remote-Write-*-Written headers', async () => {
    const d = door(100);
    const port = await serve(d);
    const body = snappy.compress(
      encodeWriteRequestV2({
        timeseries: [series('rpc_seconds_count', { svc: 'a' }, [[T, 10]]), series('rpc_seconds_sum', { svc: 'a' }, [[T, 2.5]])],
        metadata: [{ type: 'summary', family: 'rpc_seconds', help: 'RPC time.', unit: 'seconds' }],
      }),
    );
    const r = await post(port, body, { 'Content-Type': `application/x-protobuf;proto=${PROTO_V2}`, 'X-Prometheus-Remote-Write-Version': '2.0.0' });
    expect(r.status).toBe(204);
    expect(r.headers['x-prometheus-remote-write-samples-written']).toBe('2');
    expect(r.headers['x-prometheus-remote-write-histograms-written']).toBe('0');
    expect(r.headers['x-prometheus-remote-write-exemplars-written']).toBe('0');
    expect(stored(d, 'rpc_seconds_sum{svc="a"}')).toMatchObject({ lastValue: 2.5 });
    expect(d.ingest.metadata.get('rpc_seconds')).toEqual({ type: 'summary', help: 'RPC time.', unit: 'seconds' });
    expect(d.balanced(R)).toEqual({ received: 2, applied: 2, refused: {} });
  });

  it('a partial write says what was written in its headers too', async () => {
    const d = door(100);
    const port = await serve(d);
    const body = snappy.compress(encodeWriteRequestV2(req(series('ok', {}, [[T, 1]]), series('bad-name', {}, [[T, 1]]))));
    const r = await post(port, body, { 'Content-Type': `application/x-protobuf;proto=${PROTO_V2}` });
    expect(r.status).toBe(400);
    expect(r.headers['x-prometheus-remote-write-samples-written']).toBe('1');
  });
});

describe('wired into the core on 7070', () => {
  it('a request is queryable through PromQL, metadata through /api/v1/metadata, and /metrics shows the balance', async () => {
    const t = await startTestCore();
    try {
      const now = Date.now();
      const body = v1({
        timeseries: [series('jobs_done_total', { queue: 'mail' }, [[now - 2_000, 41], [now - 1_000, 42]]), { labels: [['__name__', 'jobs_done_total'], ['queue', 'sms']], samples: [{ timestampMs: now - 1_000, value: NaN, stale: true }] }],
        metadata: [{ type: 'counter', family: 'jobs_done_total', help: 'Jobs done.', unit: '' }],
      });
      const ok = await fetch(`${t.url}/api/v1/write`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' }, body });
      expect(ok.status).toBe(204);
      const bad = await fetch(`${t.url}/api/v1/write`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'up 1' });
      expect(bad.status).toBe(415);
      const q = (await (await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent('jobs_done_total')}&time=${now / 1000}`)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      expect(q.data.result).toEqual([{ metric: { __name__: 'jobs_done_total', queue: 'mail' }, value: [now / 1000, '42'] }]);
      const meta = (await (await fetch(`${t.url}/api/v1/metadata?metric=jobs_done_total`)).json()) as { data: Record<string, Array<{ type: string; help: string }>> };
      expect(meta.data.jobs_done_total?.[0]).toMatchObject({ type: 'counter', help: 'Jobs done.' });
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const line = (name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(line('radiator_received_total', 'receiver="remote_write"')).toBe(4);
      expect(line('radiator_applied_total', 'receiver="remote_write"')).toBe(2);
      expect(line('radiator_rejected_total', 'reason="stale_marker",receiver="remote_write"')).toBe(1);
      expect(line('radiator_rejected_total', 'reason="unsupported_media_type",receiver="remote_write"')).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
