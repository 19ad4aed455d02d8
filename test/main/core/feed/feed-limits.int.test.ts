// The feed never buffers without bound (issue 17, item 1): a client that floods subscribe
// messages and never reads leaves memory and the API alone; re-subscribing an id replaces it;
// a client past its byte budget is closed with 4001 and a reason; a snapshot too large is refused;
// requests that waited while a client was behind are answered once it drains. Loopback only.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FEED_CLOSE } from '../../../../src/shared/feed-protocol.ts';
import { FEED_MAX_SUBSCRIPTIONS_PER_CLIENT } from '../../../../src/shared/limits.ts';
import type { RadiatorEvent } from '../../../../src/shared/model.ts';
import { FeedServer, type FeedOptions } from '../../../../src/main/core/feed/feed-server.ts';
import { Guard } from '../../../../src/main/core/http/guard.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';
import { FeedClient } from '../../../helpers/feed-client.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});


/** A WebSocket client that never reads: a raw socket that does the handshake, then stops reading
 * for good (a `ws` client cannot: its receiver resumes the socket after a large message). */
async function neverReadingClient(port: number) {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  sock.write(
    `GET /feed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      sock.off('data', onData);
      sock.pause();
      resolve(got);
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return {
    /** One masked text frame, as a client must send it. */
    send(m: unknown): void {
      const payload = Buffer.from(JSON.stringify(m));
      const mask = randomBytes(4);
      const len = payload.length;
      const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
      sock.write(Buffer.concat([header, mask, payload.map((b, i) => b ^ mask[i % 4]!)]));
    },
    flushed: () => waitFor(() => sock.writableLength === 0),
    destroy: () => sock.destroy(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 100 series × 1,200 points: a snapshot of `heavy` is ~4 MB of JSON. */
let heavy: Promise<void> | null = null;
function heavyData(): Promise<void> {
  heavy ??= (async () => {
    const now = Date.now();
    for (let k = 0; k < 100; k++) {
      const s = t.core.store.resolve('heavy', [['k', String(k)]])!;
      for (let i = 1_200; i > 0; i--) t.core.store.append(s, now - i * 1_000, Math.random());
    }
    await t.core.flush();
  })();
  return heavy;
}
const MB = 1024 * 1024;

/** A FeedServer on its own port with small bounds, over the shared store. */
async function smallFeed(over: Partial<FeedOptions>) {
  const feed = new FeedServer({
    store: t.core.store,
    guard: new Guard({ bindHost: '127.0.0.1', allowedHosts: [], corsOrigins: [], token: null }),
    flushIntervalMs: 100,
    ...over,
  });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/feed`;
  return {
    feed,
    url,
    stop() {
      feed.close();
      server.close();
    },
  };
}

describe('a client that floods subscribe messages and never reads', () => {
  it('leaves RSS within +50 MB and the HTTP API answering', { timeout: 60_000 }, async () => {
    // 60 snapshots of ~4 MB buffered for a client that never reads would be ~240 MB.
    await heavyData();

    // Warm up with one reader, so the baseline includes one snapshot's worth of heap.
    const reader = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await reader.opened();
    reader.send({ type: 'subscribe', id: 'warm', query: 'heavy', rangeMs: 3_600_000 });
    expect((await waitFor(() => reader.of('snapshot', 'warm')[0], 20_000)).series).toHaveLength(100);
    reader.ws.close();
    await sleep(300);
    const before = process.memoryUsage().rss;

    const c = await neverReadingClient(t.ports.http);
    for (let i = 0; i < 60; i++) c.send({ type: 'subscribe', id: `heavy-${i}`, query: 'heavy', rangeMs: 3_600_000 });
    for (let i = 0; i < 100; i++) c.send({ type: 'subscribe', id: 'heavy-0', query: 'heavy', rangeMs: 3_600_000 });
    await c.flushed();
    // Server and test share this process: the sleep ends only after the server has handled
    // every message (before the fix, after it had built and buffered all 60 snapshots).
    await sleep(500);

    const grown = process.memoryUsage().rss - before;
    expect(grown, `RSS grew by ${(grown / MB).toFixed(0)} MB`).toBeLessThan(50 * MB);
    const r = await fetch(`${t.url}/api/v1/query?query=count(heavy)`, { signal: AbortSignal.timeout(10_000) });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]!.value[1]).toBe('100');
    // The requests wait, one per id, instead of becoming snapshots nobody reads.
    expect(t.core.feed.waitingRequestCount).toBeGreaterThan(40);
    expect(t.core.feed.waitingRequestCount).toBeLessThanOrEqual(60);
    c.destroy();
    await waitFor(() => t.core.feed.waitingRequestCount === 0);
  });
});

describe('one subscription per id', () => {
  it('re-subscribing the same id 200 times keeps one subscription, whatever its kind', async () => {
    await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'same_metric', value: 1 }) });
    await waitFor(() => (t.core.store.index.get('same_metric')?.lastTs ?? 0) > 0);
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    const kinds = [
      { type: 'subscribeEvents', rangeMs: 60_000 },
      { type: 'subscribe', query: 'same_metric * 2', rangeMs: 60_000, stepMs: 1_000 },
      { type: 'subscribeAlerts' },
      { type: 'subscribeConfig' },
      { type: 'subscribe', query: 'same_metric', rangeMs: 60_000 },
    ];
    for (let i = 0; i < 200; i++) c.send({ id: 'same', ...kinds[i % kinds.length] }); // the last is a selector
    // Every other slot is still free…
    for (let i = 0; i < FEED_MAX_SUBSCRIPTIONS_PER_CLIENT - 1; i++) c.send({ type: 'subscribeAlerts', id: `fill-${i}` });
    await waitFor(() => c.of('alerts').filter((m) => m.id.startsWith('fill-')).length === FEED_MAX_SUBSCRIPTIONS_PER_CLIENT - 1);
    // …and the cap holds.
    c.send({ type: 'subscribeAlerts', id: 'one-too-many' });
    const refused = await waitFor(() => c.of('error', 'one-too-many')[0]);
    expect(refused.message).toBe(`at most ${FEED_MAX_SUBSCRIPTIONS_PER_CLIENT} subscriptions per connection`);
    expect(c.of('error').map((e) => e.id)).toEqual(['one-too-many']);
    expect(c.of('snapshot', 'same').length).toBeGreaterThanOrEqual(40);

    // Only the last subscription lives: one append per new point, not one per re-subscribe.
    await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'same_metric', value: 42 }) });
    await waitFor(() => c.of('append', 'same').some((m) => m.points.some((p) => p[2] === 42)));
    const promqlAppendsBefore = c.messages.filter((m) => m.type === 'append' && m.id === 'same' && m.dataTs !== undefined).length;
    await sleep(300);
    const points = c.of('append', 'same').flatMap((m) => m.points.filter((p) => p[2] === 42));
    expect(points).toHaveLength(1);
    expect(promqlAppendsBefore).toBe(0); // no PromQL subscription left behind under the same id
    // Unsubscribing frees the slot.
    c.send({ type: 'unsubscribe', id: 'same' });
    c.send({ type: 'subscribeAlerts', id: 'now-fits' });
    await waitFor(() => c.of('alerts', 'now-fits')[0]);
    expect(c.of('error', 'now-fits')).toHaveLength(0);
    c.ws.close();
  });
});

describe('byte budget and snapshot size', () => {
  const event = (id: number): RadiatorEvent => ({
    id,
    ts: Date.now(),
    tsEnd: null,
    kind: 'deploy',
    title: `deploy ${id}`,
    text: 'x'.repeat(10_000),
    tags: [],
    service: null,
    version: null,
    source: 'test',
  });

  it('closes a client that holds more unsent bytes than its budget with 4001 and a reason', { timeout: 30_000 }, async () => {
    const s = await smallFeed({ budgetBytes: 512 * 1024 });
    const c = new FeedClient(s.url);
    await c.opened();
    c.send({ type: 'subscribeEvents', id: 'ev', rangeMs: 1_000 });
    await waitFor(() => c.of('events', 'ev')[0]);
    c.pause();
    // Events are not coalesced: without the budget they would queue in the server forever.
    for (let i = 0; i < 20_000 && s.feed.closedOverBudget === 0; i++) {
      s.feed.publishEvent(event(i));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(s.feed.closedOverBudget).toBe(1);
    c.resume();
    await waitFor(() => c.closeCode, 10_000);
    expect(c.closeCode).toBe(FEED_CLOSE.OVER_BUDGET);
    expect(c.closeReason).toMatch(/^over byte budget: \d+ bytes unsent, limit 524288$/);
    await waitFor(() => s.feed.clientCount === 0);
    s.stop();
  });

  it('refuses a snapshot larger than the limit, and keeps the connection', async () => {
    await heavyData();
    const s = await smallFeed({ maxSnapshotBytes: 10_000 });
    const c = new FeedClient(s.url);
    await c.opened();
    c.send({ type: 'subscribe', id: 'big', query: 'heavy', rangeMs: 3_600_000 });
    c.send({ type: 'subscribe', id: 'bigq', query: 'heavy', rangeMs: 3_600_000, stepMs: 1_000 });
    c.send({ type: 'subscribe', id: 'small', query: 'heavy{k="1"}', rangeMs: 10_000 });
    await waitFor(() => c.of('snapshot', 'small')[0]);
    expect(c.of('error', 'big')[0]?.message).toMatch(/the snapshot would be \d+ bytes \(limit 10000\)/);
    expect(c.of('snapshot', 'big')).toHaveLength(0);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    s.stop();
  });

  it('answers requests that waited while the client was behind, in order, one per id', { timeout: 30_000 }, async () => {
    await heavyData();
    const s = await smallFeed({ highWaterBytes: 1 });
    const c = new FeedClient(s.url);
    await c.opened();
    await waitFor(() => c.of('hello')[0]);
    c.pause();
    // ~12 MB of snapshots: more than the kernel's buffers hold, so the socket backs up.
    for (const id of ['big1', 'big2', 'big3']) c.send({ type: 'subscribe', id, query: 'heavy', rangeMs: 3_600_000 });
    c.send({ type: 'subscribe', id: 'a', query: 'heavy{k="1"}', rangeMs: 10_000 });
    c.send({ type: 'subscribe', id: 'b', query: 'heavy{k="2"}', rangeMs: 10_000 });
    c.send({ type: 'subscribe', id: 'c', query: 'heavy{k="3"}', rangeMs: 10_000 });
    c.send({ type: 'subscribe', id: 'b', query: 'heavy{k="4"}', rangeMs: 10_000 });
    await c.flushed();
    await sleep(300);
    expect(s.feed.waitingRequestCount).toBeGreaterThanOrEqual(3); // a, c, b at least
    c.resume();
    await waitFor(() => s.feed.waitingRequestCount === 0 && c.of('snapshot', 'b')[0], 20_000);
    const order = c.of('snapshot').map((m) => m.id);
    expect(order.slice(-3)).toEqual(['a', 'c', 'b']);
    // The waiting request for b was replaced, not added to.
    expect(c.of('snapshot', 'b')).toHaveLength(1);
    expect(c.of('snapshot', 'b')[0]!.series[0]!.labels.k).toBe('4');
    expect(c.of('error')).toHaveLength(0);
    c.ws.close();
    s.stop();
  });
});
