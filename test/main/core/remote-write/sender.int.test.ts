// The remote-write sender against a fake receiver on 127.0.0.1 whose answers the test chooses:
// what is sent (labels, headers, order per series), retries on 5xx and 429, drops counted on 4xx,
// the cursor across a restart and a checkpoint, the metric allow-list, the backlog bound.
// Real Prometheus is the oracle in prometheus.int.test.ts; this pins the edge cases.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { uncompress } from 'snappyjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../../../src/shared/settings.ts';
import type { RemoteWriteSettingsInput } from '../../../../src/shared/remote-write-settings.ts';
import { Store } from '../../../../src/main/core/store/index.ts';
import { RemoteWriteSender } from '../../../../src/main/core/remote-write/sender.ts';
import { decodeWriteRequest } from '../../../../src/main/core/remote-write/protocol.ts';
import { nextBackoff, parseRetryAfter } from '../../../../src/main/core/remote-write/backoff.ts';
import { tempDir, waitFor } from '../../../helpers/core.ts';

interface Got {
  headers: IncomingMessage['headers'];
  series: Array<{ labels: Array<readonly [string, string]>; samples: Array<{ value: number; timestampMs: number }> }>;
}

/** A receiver that answers each request with the next planned status (then 204), recording what it accepted. */
class FakeReceiver {
  server!: Server;
  url = '';
  plan: Array<{ status: number; headers?: Record<string, string> }> = [];
  accepted: Got[] = [];
  attempts = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.attempts++;
        const next = this.plan.shift() ?? { status: 204 };
        if (next.status >= 200 && next.status < 300) {
          const body = decodeWriteRequest(uncompress(new Uint8Array(Buffer.concat(chunks))));
          this.accepted.push({ headers: req.headers, series: body.timeseries.map((t) => ({ labels: [...t.labels], samples: t.samples.map((s) => ({ value: s.value, timestampMs: s.timestampMs })) })) });
        }
        res.writeHead(next.status, next.headers ?? {});
        res.end(next.status >= 400 ? 'no thanks' : '');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/api/v1/write`;
  }
  samples(): Array<{ key: string; ts: number; v: number }> {
    return this.accepted.flatMap((g) => g.series.flatMap((s) => s.samples.map((x) => ({ key: JSON.stringify(s.labels), ts: x.timestampMs, v: x.value }))));
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const endpoint = (url: string, over: Partial<RemoteWriteSettingsInput> = {}) =>
  parseSettings({ remoteWrite: [{ id: 'fake', url, queue: { batchSendDeadline: 0, minBackoff: '5ms', maxBackoff: '20ms' }, ...over }] }).remoteWrite;

describe('remote write sender', () => {
  let dir: string;
  let store: Store;
  let rx: FakeReceiver;
  let sender: RemoteWriteSender | null;
  // The store's clock runs ahead on demand, so a checkpoint can be made due.
  let skew = 0;
  const open = () => new Store({ dir, now: () => Date.now() + skew, maxSeries: 10_000, hotWindowMs: 3_600_000, retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 }, checkpointIntervalMs: 1, log: () => {} });
  const mkSender = () => new RemoteWriteSender({ store, now: Date.now, log: () => {}, version: 'test', flushIntervalMs: 1_000 });
  /** Append `n` samples to each named series at consecutive times and commit, as one flush. */
  let t = Date.now() - 60_000;
  const flush = (names: string[], n = 1) => {
    for (let k = 0; k < n; k++) {
      t += 10;
      for (const name of names) store.append(store.resolve(name, [['job', 'test'], ['zone', 'a']])!, t, t % 1000);
    }
    store.commit();
    sender?.notify();
  };

  beforeEach(async () => {
    dir = tempDir('radiator-rw-');
    store = open();
    rx = new FakeReceiver();
    await rx.start();
    sender = null;
  });
  afterEach(async () => {
    await sender?.stop();
    store.close();
    await rx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends what flushes made durable, labels sorted with __name__, with the protocol headers and auth', async () => {
    sender = mkSender();
    await sender.set(endpoint(rx.url, { headers: { 'X-Scope-OrgID': 'team-a' }, auth: { type: 'bearer', token: 's3cret-token' } }));
    flush(['b_metric', 'a_metric'], 3);
    await waitFor(() => rx.samples().length === 6);
    const h = rx.accepted[0]!.headers;
    expect(h['content-encoding']).toBe('snappy');
    expect(h['content-type']).toBe('application/x-protobuf');
    expect(h['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(h['x-scope-orgid']).toBe('team-a');
    expect(h.authorization).toBe('Bearer s3cret-token');
    expect(h['user-agent']).toBe('Radiator/test');
    const labels = rx.accepted.flatMap((g) => g.series.map((s) => s.labels));
    expect(labels).toContainEqual([['__name__', 'a_metric'], ['job', 'test'], ['zone', 'a']]);
    await waitFor(() => sender!.queue('fake')!.position.seq === store.walPosition);
    const st = sender.stats()[0]!;
    expect(st.sent).toBe(6);
    expect(st.pending).toBe(0);
  });

  it('sends nothing stored before the endpoint was added', async () => {
    flush(['old_metric'], 2);
    sender = mkSender();
    await sender.set(endpoint(rx.url));
    flush(['new_metric'], 1);
    await waitFor(() => rx.samples().length === 1);
    expect(rx.samples()[0]!.key).toContain('new_metric');
  });

  it('retries 5xx and 429 (Retry-After honoured) with backoff, and each sample arrives once', async () => {
    rx.plan = [{ status: 503 }, { status: 500 }, { status: 429, headers: { 'Retry-After': '0' } }];
    sender = mkSender();
    await sender.set(endpoint(rx.url, { queue: { shards: 1, batchSendDeadline: 0, minBackoff: '5ms', maxBackoff: '20ms' } }));
    flush(['m'], 5);
    await waitFor(() => rx.samples().length === 5);
    expect(rx.attempts).toBe(4);
    const st = sender.stats()[0]!;
    expect(Object.fromEntries(st.failed)).toEqual({ http_5xx: 10, http_429: 5 });
    expect(st.sent).toBe(5);
    expect(st.dropped.size).toBe(0);
  });

  it('drops and counts a request refused with 4xx, and goes on with the next', async () => {
    rx.plan = [{ status: 400 }];
    sender = mkSender();
    await sender.set(endpoint(rx.url, { queue: { shards: 1, batchSendDeadline: 0 } }));
    flush(['m'], 3);
    await waitFor(() => sender!.stats()[0]!.dropped.get('http_4xx') === 3);
    flush(['m'], 2);
    await waitFor(() => rx.samples().length === 2);
    const st = sender.stats()[0]!;
    expect(st.failed.get('http_4xx')).toBe(3);
    expect(st.sent).toBe(2);
  });

  it('keeps samples of one series in order across shards and requests', async () => {
    sender = mkSender();
    await sender.set(endpoint(rx.url, { queue: { shards: 3, maxSamplesPerSend: 7, batchSendDeadline: 0 } }));
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (let f = 0; f < 5; f++) flush(names, 4);
    await waitFor(() => rx.samples().length === 200);
    const bySeries = new Map<string, number[]>();
    for (const s of rx.samples()) bySeries.set(s.key, [...(bySeries.get(s.key) ?? []), s.ts]);
    expect(bySeries.size).toBe(10);
    for (const ts of bySeries.values()) {
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      expect(new Set(ts).size).toBe(20);
    }
    expect(Math.max(...rx.accepted.map((g) => g.series.reduce((n, s) => n + s.samples.length, 0)))).toBeLessThanOrEqual(7);
  });

  it('resumes after a restart and a checkpoint: what was unsent during an outage is sent, once', async () => {
    rx.plan = Array.from({ length: 1_000 }, () => ({ status: 503 }));
    sender = mkSender();
    await sender.set(endpoint(rx.url));
    flush(['m'], 4);
    await waitFor(() => rx.attempts >= 2);
    // A checkpoint while the endpoint is down must not trim what it has not had.
    for (let i = 0; i < 20; i++) {
      skew += 10;
      store.maintain();
    }
    flush(['m'], 3);
    await sender.stop();
    sender = null;
    store.close();
    store = open();
    rx.plan = [];
    sender = mkSender();
    await sender.set(endpoint(rx.url));
    await waitFor(() => rx.samples().length >= 7);
    await waitFor(() => sender!.stats()[0]!.pending === 0);
    expect(rx.samples().length).toBe(7);
    expect(new Set(rx.samples().map((s) => s.ts)).size).toBe(7);
  });

  it('after a stop mid-segment, sends that segment again split exactly as before, even with new queue settings', async () => {
    // The first request is accepted, every later one fails: the segment stays in flight.
    rx.plan = [{ status: 204 }, ...Array.from({ length: 1_000 }, () => ({ status: 503 }))];
    sender = mkSender();
    await sender.set(endpoint(rx.url, { queue: { shards: 2, maxSamplesPerSend: 4, batchSendDeadline: 0, minBackoff: '5ms', maxBackoff: '10ms' } }));
    flush(['a', 'b', 'c', 'd', 'e'], 4);
    await waitFor(() => rx.accepted.length === 1 && rx.attempts >= 4);
    const firstRequest = rx.accepted[0]!.series;
    await sender.stop();
    expect(sender.queue('fake')).toBeUndefined();
    rx.plan = [];
    rx.accepted = [];
    sender = mkSender();
    await sender.set(endpoint(rx.url, { queue: { shards: 5, maxSamplesPerSend: 1_000, batchSendDeadline: 0 } }));
    await waitFor(() => sender!.stats()[0]!.pending === 0 && rx.samples().length === 20);
    // The same request again (the receiver decides what a repeat means), and the other requests
    // of the old split: at most 4 samples each.
    expect(rx.accepted.map((g) => g.series)).toContainEqual(firstRequest);
    expect(Math.max(...rx.accepted.map((g) => g.series.reduce((n, x) => n + x.samples.length, 0)))).toBeLessThanOrEqual(4);
    // Later segments use the new settings.
    flush(['a', 'b', 'c', 'd', 'e'], 4);
    await waitFor(() => rx.samples().length === 40);
    expect(Math.max(...rx.accepted.slice(-5).map((g) => g.series.reduce((n, x) => n + x.samples.length, 0)))).toBeGreaterThan(4);
  });

  it('sends only the metrics the rules keep', async () => {
    sender = mkSender();
    await sender.set(endpoint(rx.url, { writeRelabel: [{ action: 'keep', regex: 'app_.*' }, { action: 'drop', regex: 'app_debug_.*' }] }));
    flush(['app_requests', 'app_debug_x', 'go_goroutines'], 2);
    await waitFor(() => sender!.stats()[0]!.pending === 0 && rx.samples().length > 0);
    expect(new Set(rx.samples().map((s) => JSON.parse(s.key)[0][1]))).toEqual(new Set(['app_requests']));
  });

  it('drops (and counts) the oldest unsent samples once the endpoint is further behind than maxBacklog', async () => {
    rx.plan = Array.from({ length: 10_000 }, () => ({ status: 503 }));
    // One record per minute-long flush: maxBacklog 1m is one record.
    sender = new RemoteWriteSender({ store, now: Date.now, log: () => {}, version: 'test', flushIntervalMs: 60_000 });
    await sender.set(endpoint(rx.url, { queue: { maxBacklog: '1m', batchSendDeadline: 0, minBackoff: '5ms', maxBackoff: '10ms' } }));
    flush(['m'], 2);
    await waitFor(() => rx.attempts >= 1);
    flush(['m'], 2);
    flush(['m'], 2);
    await waitFor(() => (sender!.stats()[0]!.dropped.get('backlog') ?? 0) >= 4);
    rx.plan = [];
    await waitFor(() => sender!.stats()[0]!.pending === 0);
    const st = sender.stats()[0]!;
    expect(st.sent + (st.dropped.get('backlog') ?? 0)).toBe(6);
  });

  it('refuses a relabel regex RE2 cannot compile, naming it', async () => {
    const { remoteWriteProblems } = await import('../../../../src/main/core/remote-write/write-filter.ts');
    const s = parseSettings({ remoteWrite: [{ id: 'x', url: 'http://127.0.0.1:1/w', writeRelabel: [{ action: 'drop', regex: '(?=a)' }] }] });
    expect(remoteWriteProblems(s)[0]).toMatch(/^remoteWrite\.0\.writeRelabel\.0\.regex = "\(\?=a\)": invalid regular expression/);
    expect(() => parseSettings({ remoteWrite: [{ id: 'x', url: 'http://h/w', headers: { 'Content-Type': 'x' } }] })).toThrow(/remoteWrite\.0\.headers\.Content-Type = "Content-Type": is set by the remote-write protocol/);
    expect(() => parseSettings({ remoteWrite: [{ id: 'x', url: 'http://h/w', queue: { minBackoff: '10s', maxBackoff: '1s' } }] })).toThrow(/remoteWrite\.0\.queue\.minBackoff = 10000: must not be longer than maxBackoff/);
    expect(() => parseSettings({ remoteWrite: [{ id: 'x', url: 'http://a:b:c/w' }] })).toThrow(/remoteWrite\.0\.url = "http:\/\/a:b:c\/w": is not a valid URL/);
  });
});

describe('remote write backoff', () => {
  it('doubles from the minimum to the maximum', () => {
    const seq: number[] = [];
    let b = 0;
    for (let i = 0; i < 6; i++) seq.push((b = nextBackoff(b, 30, 500)));
    expect(seq).toEqual([30, 60, 120, 240, 480, 500]);
  });
  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 10:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('999999', now)).toBe(5 * 60_000);
  });
});
