// The live feed over a real WebSocket: snapshot, appends, events, heartbeat, refusals, and a slow
// client closed with 1013.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FeedServer } from '../../../../src/main/core/feed/feed-server.ts';
import { Guard } from '../../../../src/main/core/http/guard.ts';
import { FEED_APPEND_MAX_POINTS } from '../../../../src/shared/limits.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';
import { FeedClient } from '../../../helpers/feed-client.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});


const post = (path: string, body: unknown) =>
  fetch(t.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('feed', () => {
  it('says hello, sends a snapshot, then the points each flush appends', async () => {
    await post('/api/v1/metrics', { name: 'feed_gauge', value: 1, labels: { room: 'a' } });
    await waitFor(() => (t.core.store.index.get('feed_gauge{room="a"}')?.lastTs ?? 0) > 0);
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.send({ type: 'subscribe', id: 's1', query: 'feed_gauge', rangeMs: 60_000 });
    const snap = await waitFor(() => c.of('snapshot', 's1')[0]);
    expect(c.messages[0]).toMatchObject({ type: 'hello', protocol: 1, flushIntervalMs: 100 });
    expect(snap.series).toHaveLength(1);
    expect(snap.series[0]).toMatchObject({ labels: { __name__: 'feed_gauge', room: 'a' }, values: [1] });

    await post('/api/v1/metrics', [
      { name: 'feed_gauge', value: 2, labels: { room: 'a' } },
      { name: 'feed_gauge', value: 5, labels: { room: 'b' } },
      { name: 'other_metric', value: 9 },
    ]);
    const appends = await waitFor(() => {
      const a = c.of('append', 's1');
      const pts = a.flatMap((m) => m.points);
      return pts.length >= 2 ? a : null;
    });
    const points = appends.flatMap((m) => m.points);
    const announced = appends.flatMap((m) => m.series);
    expect(announced.map((s) => s.labels.room)).toEqual(['b']); // a was in the snapshot
    expect(points.map((p) => p[2]).sort()).toEqual([2, 5]);
    expect(points.every((p) => p[0] !== t.core.store.index.get('other_metric')?.id)).toBe(true);
    c.ws.close();
  });

  it('a flush of 10,000 matching series arrives in appends of at most FEED_APPEND_MAX_POINTS points, each series announced with its first point', async () => {
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.send({ type: 'subscribe', id: 'many', query: 'feed_many', rangeMs: 60_000 });
    await waitFor(() => c.of('snapshot', 'many')[0]);
    const body = Array.from({ length: 10_000 }, (_, i) => ({ name: 'feed_many', value: i, labels: { k: `k${i}` } }));
    expect((await post('/api/v1/metrics', body)).status).toBe(200);
    const appends = await waitFor(() => {
      const a = c.of('append', 'many');
      return a.flatMap((m) => m.points).length >= 10_000 ? a : null;
    }, 10_000);
    expect(appends.length).toBeGreaterThanOrEqual(Math.ceil(10_000 / FEED_APPEND_MAX_POINTS));
    expect(appends.every((m) => m.points.length <= FEED_APPEND_MAX_POINTS)).toBe(true);
    const announced = new Set<number>();
    for (const m of appends) {
      for (const s of m.series) announced.add(s.sid);
      for (const [sid] of m.points) expect(announced.has(sid)).toBe(true);
    }
    expect(announced.size).toBe(10_000);
    expect(appends.flatMap((m) => m.points.map((p) => p[2])).sort((a, b) => a! - b!)).toEqual(body.map((b) => b.value));
    c.ws.close();
  });

  it('tells a PromQL subscriber when input last arrived, not when a held value was repeated', async () => {
    const r = await startTestCore({ collector: { flushInterval: 100, repeatInterval: 1_000 } });
    try {
      const sent = Date.now();
      await fetch(`${r.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'held_gauge', value: 7 }) });
      await r.core.flush();
      const input = r.core.store.index.get('held_gauge')!.lastInputTs;
      expect(input).toBeGreaterThanOrEqual(sent - 200);
      // The collector repeats the held value every flush; input stays where it was.
      await waitFor(() => r.core.store.index.get('held_gauge')!.lastTs > input + 1_500, 5_000);
      expect(r.core.store.index.get('held_gauge')!.lastInputTs).toBe(input);
      const c = new FeedClient(`ws://127.0.0.1:${r.ports.http}/feed`);
      await c.opened();
      c.send({ type: 'subscribe', id: 'q', query: 'sum(held_gauge) * 2', rangeMs: 60_000, stepMs: 1_000 });
      const snap = await waitFor(() => c.of('snapshot', 'q')[0]);
      expect(snap.dataTs).toBe(input);
      expect(snap.series[0]!.values.at(-1)).toBe(14);
      c.send({ type: 'subscribe', id: 'raw', query: 'held_gauge', rangeMs: 60_000 });
      const raw = await waitFor(() => c.of('snapshot', 'raw')[0]);
      expect(raw.series[0]!.lastInputTs).toBe(input);
      expect(raw.series[0]!.ts.at(-1)).toBeGreaterThan(input);
      // New input moves it.
      await fetch(`${r.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'held_gauge', value: 7 }) });
      await r.core.flush();
      expect(r.core.store.index.get('held_gauge')!.lastInputTs).toBeGreaterThan(input);
      c.send({ type: 'subscribe', id: 'none', query: 'vector(1)', rangeMs: 60_000, stepMs: 1_000 });
      expect((await waitFor(() => c.of('snapshot', 'none')[0])).dataTs).toBeNull();
      c.ws.close();
    } finally {
      await r.stop();
    }
  });

  it('a StatsD counter that did not move is as fresh as its sender: a quiet 5xx is zero, not stale', async () => {
    const r = await startTestCore({ collector: { flushInterval: 100, repeatInterval: 1_000 } });
    const sock = dgram.createSocket('udp4');
    const send = (line: string) => new Promise<void>((res) => sock.send(line, r.ports.statsdUdp as number, '127.0.0.1', () => res()));
    try {
      await send('http.requests:1|c|#status:500');
      await waitFor(async () => {
        await r.core.flush();
        return r.core.store.index.get('http_requests{status="500"}');
      });
      const errorAt = r.core.store.index.get('http_requests{status="500"}')!.lastInputTs;
      // statsd_exporter's type, so the screens know a counter.
      const meta = (await (await fetch(`${r.url}/api/v1/metadata?metric=http_requests`)).json()) as { data: Record<string, Array<{ type: string }>> };
      expect(meta.data.http_requests![0]!.type).toBe('counter');
      // The sender keeps counting 200s; no more errors.
      await new Promise((res) => setTimeout(res, 1_200));
      await send('http.requests:5|c|#status:200');
      await waitFor(async () => {
        await r.core.flush();
        return (r.core.store.index.get('http_requests{status="200"}')?.lastInputTs ?? 0) > errorAt + 1_000;
      });
      const okAt = r.core.store.index.get('http_requests{status="200"}')!.lastInputTs;
      const c = new FeedClient(`ws://127.0.0.1:${r.ports.http}/feed`);
      await c.opened();
      c.send({ type: 'subscribe', id: 'errors', query: 'sum(rate(http_requests{status="500"}[1m]))', rangeMs: 60_000, stepMs: 1_000 });
      const snap = await waitFor(() => c.of('snapshot', 'errors')[0]);
      expect(snap.dataTs).toBe(okAt);
      c.ws.close();
    } finally {
      sock.close();
      await r.stop();
    }
  });

  it('streams events to event subscribers, filtered by kind', async () => {
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.send({ type: 'subscribeEvents', id: 'ev', rangeMs: 3_600_000, kinds: ['deploy'] });
    await waitFor(() => c.of('events', 'ev')[0]);
    await post('/api/v1/events', { kind: 'build', title: 'ignored build' });
    await post('/api/v1/events', { kind: 'deploy', title: 'Deploy 2.0', version: '2.0' });
    const ev = await waitFor(() => c.of('event', 'ev')[0]);
    expect(ev.event).toMatchObject({ kind: 'deploy', title: 'Deploy 2.0', version: '2.0' });
    expect(c.of('event', 'ev')).toHaveLength(1);
    c.ws.close();
  });

  it('answers a bad subscription with an error and keeps the connection', async () => {
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.send({ type: 'subscribe', id: 'bad', query: 'x{', rangeMs: 1000 });
    c.send('not json at all');
    c.send({ type: 'subscribe', id: 'bad2', query: '{a=~".*"}', rangeMs: 1000 });
    const errors = await waitFor(() => (c.of('error').length >= 3 ? c.of('error') : null));
    expect(errors.map((e) => e.code)).toEqual(['BAD_SUBSCRIPTION', 'BAD_MESSAGE', 'BAD_SUBSCRIPTION']);
    expect(errors[2]!.message).toMatch(/does not match the empty string/);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('refuses an upgrade from a foreign Host or Origin', async () => {
    await expect(new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`, { Host: 'attacker.example' }).opened()).rejects.toThrow('HTTP 403');
    await expect(new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`, { Origin: 'https://attacker.example' }).opened()).rejects.toThrow('HTTP 403');
  });

  it('sets maxPayload: an oversized client message closes that client only', async () => {
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.ws.send('x'.repeat(100 * 1024));
    await waitFor(() => c.closeCode);
    expect(c.closeCode).toBe(1009);
  });
});

describe('backpressure', () => {
  async function slowSetup(maxQueuedPoints: number) {
    // A feed with tiny bounds on the same store, so a test can reach them.
    const feed = new FeedServer({
      store: t.core.store,
      guard: new Guard({ bindHost: '127.0.0.1', allowedHosts: [], corsOrigins: [], token: null }),
      flushIntervalMs: 100,
      highWaterBytes: 1,
      maxQueuedPoints,
      maxBacklogMs: 60_000,
    });
    const http = await import('node:http');
    const server = http.createServer();
    server.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head, new URL(req.url ?? '/', 'http://x')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const c = new FeedClient(`ws://127.0.0.1:${port}/feed`);
    await c.opened();
    c.send({ type: 'subscribe', id: 'all', query: '{__name__=~"slow_.*"}', rangeMs: 1000 });
    await waitFor(() => c.of('snapshot', 'all')[0]);
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    const series = Array.from({ length: 2000 }, (_, i) => t.core.store.resolve(`slow_${i}`, [])!);
    let ts = Date.now();
    let round = 0;
    /** Publish rounds while the client does not read, until the feed reacts. */
    const flood = async (until: () => boolean, rounds = 400) => {
      socket.pause();
      for (const end = round + rounds; round < end && !until(); round++) {
        ts += 1;
        feed.publish({ ids: series.map((s) => s.id), ts: series.map(() => ts), values: series.map(() => round) });
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const stop = () => {
      feed.close();
      server.close();
    };
    return { feed, c, socket, flood, stop, lastRound: () => round - 1 };
  }

  it('coalesces a slow client to the latest point per series, and catches it up', async () => {
    const s = await slowSetup(100_000);
    await s.flood(() => s.feed.slowClientCount > 0);
    expect(s.feed.slowClientCount).toBe(1);
    // Three more rounds land in the backlog, each replacing every series' point.
    await s.flood(() => false, 3);
    s.socket.resume();
    const coalesced = await waitFor(() => s.c.of('append', 'all').find((m) => m.coalesced), 10_000);
    expect(coalesced.points).toHaveLength(2000);
    expect(new Set(coalesced.points.map((p) => p[0])).size).toBe(2000);
    expect(new Set(coalesced.points.map((p) => p[2]))).toEqual(new Set([s.lastRound()]));
    expect(s.feed.closedSlow).toBe(0);
    s.stop();
  });

  it('closes a client that falls too far behind with 1013', async () => {
    const s = await slowSetup(1_000);
    await s.flood(() => s.feed.closedSlow > 0);
    expect(s.feed.closedSlow).toBe(1);
    s.socket.resume();
    await waitFor(() => s.c.closeCode, 5_000);
    expect(s.c.closeCode).toBe(1013);
    s.stop();
  });
});
