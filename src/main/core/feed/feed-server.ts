// The live feed: WebSocket clients subscribe to series selectors and receive a snapshot, then the
// points each flush appends, plus events and a heartbeat. Nothing is buffered without bound: a
// slow client's updates are coalesced to the latest point per series and its subscribe requests
// wait (one per id) until its socket drains, so no snapshot is built for a client that is not
// reading; past a bound it is closed with 1013, and past its byte budget with 4001.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RadiatorError } from '../../../shared/errors.ts';
import {
  FEED_CLOSE,
  FEED_PROTOCOL_VERSION,
  type AppendMessage,
  type ClientMessage,
  type FeedSeries,
  type ServerMessage,
  type SnapshotMessage,
} from '../../../shared/feed-protocol.ts';
import {
  FEED_CLIENT_BUDGET_BYTES,
  FEED_HEARTBEAT_INTERVAL_MS,
  FEED_HIGH_WATER_BYTES,
  FEED_MAX_BACKLOG_MS,
  FEED_MAX_CLIENTS,
  FEED_MAX_PAYLOAD_BYTES,
  FEED_MAX_QUEUED_POINTS,
  FEED_APPEND_MAX_POINTS,
  FEED_MAX_RANGE_MS,
  FEED_MAX_SNAPSHOT_BYTES,
  FEED_MAX_SNAPSHOT_POINTS,
  FEED_MAX_SUBSCRIPTIONS_PER_CLIENT,
  FEED_MAX_SUBSCRIBE_MESSAGE_CHARS,
  FEED_MIN_STEP_MS,
  FEED_REMOTE_MIN_INTERVAL_MS,
  FEED_MAX_QUERY_RANGE_MS,
  FEED_MAX_QUERY_STEPS,
} from '../../../shared/limits.ts';
import type { RangeResult } from '../promql/index.ts';
import type { AlertInstance } from '../../../shared/alert-rules.ts';
import type { ScreenConfig } from '../../../shared/feed-protocol.ts';
import { EVENT_KINDS, labelsToObject, type EventKind, type RadiatorEvent } from '../../../shared/model.ts';
import type { Guard } from '../http/guard.ts';
import { compileMatcher, matchesSeries, parseSelector, type SampleBatch, type Store } from '../store/index.ts';
import { FeedClient, SidState, SidStates, type QuerySub, type SeriesSub, type SubscribeRequest } from './feed-client.ts';

/** Evaluates PromQL on a named source (the core wires in its data sources). */
export type RangeEvaluator = (source: string, query: string, startMs: number, endMs: number, stepMs: number) => Promise<RangeResult>;

export interface FeedOptions {
  store: Store;
  evaluate?: RangeEvaluator;
  /** Whether a source is remote (asked at most every FEED_REMOTE_MIN_INTERVAL_MS). */
  isRemote?: (source: string) => boolean;
  /** When input last arrived for any series a PromQL query reads (null: not known, a remote source). */
  dataTs?: (source: string, query: string) => number | null;
  guard: Guard;
  flushIntervalMs: number;
  now?: () => number;
  /** Backpressure bounds; the defaults come from limits.ts. */
  highWaterBytes?: number;
  maxQueuedPoints?: number;
  maxBacklogMs?: number;
  /** Unsent bytes one client may hold, and the largest snapshot (FEED_CLIENT_BUDGET_BYTES,
   * FEED_MAX_SNAPSHOT_BYTES). */
  budgetBytes?: number;
  maxSnapshotBytes?: number;
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

export class FeedServer {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<FeedClient>();
  private readonly opts: FeedOptions;
  private readonly now: () => number;
  private heartbeat: NodeJS.Timeout | null = null;
  closedSlow = 0;
  closedOverBudget = 0;

  constructor(opts: FeedOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: FEED_MAX_PAYLOAD_BYTES, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.beat(), FEED_HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Subscribe requests waiting for their clients' sockets to drain. */
  get waitingRequestCount(): number {
    let n = 0;
    for (const c of this.clients) n += c.pending.size;
    return n;
  }

  private get highWater(): number {
    return this.opts.highWaterBytes ?? FEED_HIGH_WATER_BYTES;
  }

  /** Clients currently behind (their updates are being coalesced). */
  get slowClientCount(): number {
    let n = 0;
    for (const c of this.clients) if (c.backlog !== null) n++;
    return n;
  }

  /** Called by the HTTP server for `GET /feed` with `Upgrade: websocket`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    try {
      this.opts.guard.check(req, url);
      if (this.clients.size >= FEED_MAX_CLIENTS) throw new RadiatorError('OVERLOADED', `too many feed clients (at most ${FEED_MAX_CLIENTS}); close a screen or retry later`);
    } catch (e) {
      const err = e instanceof RadiatorError ? e : new RadiatorError('INTERNAL', String(e));
      const body = JSON.stringify(err.toBody());
      socket.end(
        `HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    const c = new FeedClient(ws, this.opts.budgetBytes ?? FEED_CLIENT_BUDGET_BYTES, () => this.closedOverBudget++);
    this.clients.add(c);
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(c, isBinary ? null : data.toString()));
    ws.on('close', () => {
      c.stopCatchingUp();
      c.pending.clear();
      this.clients.delete(c);
    });
    ws.on('error', () => ws.terminate());
    c.send({
      type: 'hello',
      protocol: FEED_PROTOCOL_VERSION,
      serverTime: this.now(),
      flushIntervalMs: this.opts.flushIntervalMs,
      heartbeatIntervalMs: FEED_HEARTBEAT_INTERVAL_MS,
    });
  }

  private onMessage(c: FeedClient, text: string | null): void {
    if (c.closing) return; // closed for a reason; what it still sends is not read
    let msg: ClientMessage;
    try {
      if (text === null) throw new Error('binary frames are not part of the protocol');
      msg = JSON.parse(text) as ClientMessage;
      if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'string' || msg.id.length > 200) {
        throw new Error('every message needs a string "id"');
      }
    } catch (e) {
      return void c.send({ type: 'error', code: 'BAD_MESSAGE', message: (e as Error).message });
    }
    switch (msg.type) {
      case 'subscribe':
      case 'subscribeEvents':
      case 'subscribeAlerts':
      case 'subscribeConfig': {
        // Refused before it can wait: what waits is held as sent (FEED_MAX_SUBSCRIBE_MESSAGE_CHARS).
        if (text.length > FEED_MAX_SUBSCRIBE_MESSAGE_CHARS) {
          return void c.send({ type: 'error', id: msg.id, code: 'BAD_SUBSCRIPTION', message: `a subscribe request may be at most ${FEED_MAX_SUBSCRIBE_MESSAGE_CHARS} characters (this one is ${text.length})` });
        }
        // One subscription per id: a request for an id in use (or waiting) replaces it.
        if (!c.has(msg.id) && !c.pending.has(msg.id) && c.subscriptionCount >= FEED_MAX_SUBSCRIPTIONS_PER_CLIENT) {
          return void c.send({ type: 'error', id: msg.id, code: 'BAD_SUBSCRIPTION', message: `at most ${FEED_MAX_SUBSCRIPTIONS_PER_CLIENT} subscriptions per connection` });
        }
        if (c.pending.size > 0 || c.backlog !== null || c.ws.bufferedAmount > this.highWater) {
          // Behind: no snapshot is built until the socket drains (catchUp), and only the newest
          // request per id is kept.
          c.pending.delete(msg.id);
          c.pending.set(msg.id, msg);
          return this.watch(c);
        }
        return this.runSubscribe(c, msg);
      }
      case 'unsubscribe':
        c.pending.delete(msg.id);
        return c.forget(msg.id);
      default: {
        const unknown = msg as { id: string; type: unknown };
        return void c.send({ type: 'error', id: unknown.id, code: 'BAD_SUBSCRIPTION', message: `unknown message type ${JSON.stringify(unknown.type)}` });
      }
    }
  }

  private runSubscribe(c: FeedClient, msg: SubscribeRequest): void {
    c.forget(msg.id);
    try {
      switch (msg.type) {
        case 'subscribe':
          if (msg.stepMs !== undefined) return void this.subscribeQuery(c, msg.id, msg.query, msg.rangeMs, msg.stepMs, msg.source);
          return this.subscribe(c, msg.id, msg.query, msg.rangeMs);
        case 'subscribeEvents':
          return this.subscribeEvents(c, msg.id, msg.rangeMs, msg.kinds);
        case 'subscribeAlerts':
          c.alertSubs.add(msg.id);
          return void c.send({ type: 'alerts', id: msg.id, alerts: this.currentAlerts });
        case 'subscribeConfig':
          c.configSubs.add(msg.id);
          return void c.send({ type: 'config', id: msg.id, config: this.currentConfig });
      }
    } catch (e) {
      c.send({ type: 'error', id: msg.id, code: 'BAD_SUBSCRIPTION', message: (e as Error).message });
    }
  }

  /** Send a snapshot unless it is larger than one client may be owed at once. */
  private sendSnapshot(c: FeedClient, snap: SnapshotMessage): void {
    const text = JSON.stringify(snap);
    const bytes = Buffer.byteLength(text);
    const max = this.opts.maxSnapshotBytes ?? FEED_MAX_SNAPSHOT_BYTES;
    if (bytes > max) throw new Error(`the snapshot would be ${bytes} bytes (limit ${max}); narrow the selector or the range`);
    c.sendText(text);
  }

  private range(rangeMs: unknown): number {
    if (typeof rangeMs !== 'number' || !Number.isFinite(rangeMs) || rangeMs < 0) throw new Error('"rangeMs" must be a number of ms >= 0');
    return Math.min(rangeMs, FEED_MAX_RANGE_MS);
  }

  private subscribe(c: FeedClient, id: string, query: unknown, rangeMs: unknown): void {
    if (typeof query !== 'string') throw new Error('"query" must be a series selector string');
    const range = this.range(rangeMs);
    const matchers = parseSelector(query).map(compileMatcher);
    const to = this.now();
    const from = to - range;
    const found = this.opts.store.select(matchers, from, to);
    let points = 0;
    for (const f of found) points += f.ts.length;
    if (points > FEED_MAX_SNAPSHOT_POINTS) {
      throw new Error(`the snapshot would hold ${points} points (limit ${FEED_MAX_SNAPSHOT_POINTS}); narrow the selector or the range`);
    }
    const sub: SeriesSub = { id, matchers, sids: new SidStates(), snapshotLast: new Map() };
    const snap: SnapshotMessage = { type: 'snapshot', id, from, to, series: [] };
    for (const f of found) {
      const s = f.series;
      sub.sids.set(s.id, SidState.Announced);
      sub.snapshotLast.set(s.id, f.ts[f.ts.length - 1]!);
      snap.series.push({
        sid: s.id,
        labels: labelsToObject(s),
        ts: Array.from(f.ts),
        values: Array.from(f.values, num),
        lastChangeTs: s.lastChangeTs,
        lastInputTs: Number.isFinite(s.lastInputTs) ? s.lastInputTs : null,
      });
    }
    this.sendSnapshot(c, snap);
    c.subs.set(id, sub);
  }

  private async subscribeQuery(c: FeedClient, id: string, query: unknown, rangeMs: unknown, stepMs: unknown, source: unknown): Promise<void> {
    try {
      if (typeof query !== 'string' || query.length > 10_000) throw new Error('"query" must be a PromQL expression');
      if (typeof stepMs !== 'number' || !Number.isFinite(stepMs) || stepMs < FEED_MIN_STEP_MS) throw new Error(`"stepMs" must be a number of ms >= ${FEED_MIN_STEP_MS}`);
      if (source !== undefined && typeof source !== 'string') throw new Error('"source" must be a data source id');
      if (!this.opts.evaluate) throw new Error('PromQL subscriptions are not available here');
      // A PromQL subscription is bounded by its steps, not its span: boards show up to 90 days.
      if (typeof rangeMs !== 'number' || !Number.isFinite(rangeMs) || rangeMs < 0) throw new Error('"rangeMs" must be a number of ms >= 0');
      const step = Math.round(stepMs);
      const range = Math.min(rangeMs, FEED_MAX_QUERY_RANGE_MS);
      if (range / step > FEED_MAX_QUERY_STEPS) throw new Error(`rangeMs / stepMs is ${Math.ceil(range / step)} steps; at most ${FEED_MAX_QUERY_STEPS}`);
      const now = this.now();
      const end = Math.floor(now / step) * step;
      const start = end - Math.floor(range / step) * step;
      const sub: QuerySub = { id, query, source: source ?? 'embedded', stepMs: step, lastStep: end, sids: new Map(), nextSid: 1, busy: true, lastRemoteAt: now, failing: false };
      c.querySubs.set(id, sub);
      const result = await this.opts.evaluate(sub.source, query, start, end, step);
      if (c.querySubs.get(id) !== sub) return; // replaced or unsubscribed meanwhile
      const snap: SnapshotMessage = { type: 'snapshot', id, from: start, to: end, series: [], dataTs: this.dataTs(sub) };
      for (const r of result.result) {
        const ts = r.values.map((v) => v[0] * 1000);
        const values = r.values.map((v) => num(Number(v[1])));
        let lastChangeTs = ts[0] ?? 0;
        for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) lastChangeTs = ts[i]!;
        snap.series.push({ sid: this.sidOf(sub, r.metric), labels: r.metric, ts, values, lastChangeTs });
      }
      sub.busy = false;
      try {
        this.sendSnapshot(c, snap);
      } catch (e) {
        c.querySubs.delete(id); // refused: no appends for a snapshot the client never got
        throw e;
      }
    } catch (e) {
      const sub = c.querySubs.get(id);
      if (sub) {
        sub.busy = false;
        sub.failing = true;
      }
      c.send({ type: 'error', id, code: (e as { code?: string }).code ?? 'BAD_SUBSCRIPTION', message: (e as Error).message });
    }
  }

  private dataTs(sub: QuerySub): number | null {
    const t = this.opts.dataTs?.(sub.source, sub.query) ?? null;
    return t === null || !Number.isFinite(t) ? null : t;
  }

  private sidOf(sub: QuerySub, metric: Record<string, string>): number {
    const key = JSON.stringify(Object.entries(metric).sort());
    let sid = sub.sids.get(key);
    if (sid === undefined) sub.sids.set(key, (sid = sub.nextSid++));
    return sid;
  }

  /** Called every flush: evaluate the steps that came due for each PromQL subscription. */
  tick(): void {
    const now = this.now();
    for (const c of this.clients) {
      for (const sub of c.querySubs.values()) {
        const due = Math.floor(now / sub.stepMs) * sub.stepMs;
        if (sub.busy || due <= sub.lastStep) continue;
        if (this.opts.isRemote?.(sub.source) && now - sub.lastRemoteAt < FEED_REMOTE_MIN_INTERVAL_MS) continue;
        void this.advance(c, sub, due, now);
      }
    }
  }

  private async advance(c: FeedClient, sub: QuerySub, due: number, now: number): Promise<void> {
    sub.busy = true;
    sub.lastRemoteAt = now;
    const start = sub.lastStep + sub.stepMs;
    try {
      const result = await this.opts.evaluate!(sub.source, sub.query, start, due, sub.stepMs);
      if (c.querySubs.get(sub.id) !== sub) return;
      const series: FeedSeries[] = [];
      const points: Array<[number, number, number | null]> = [];
      for (const r of result.result) {
        const known = sub.sids.has(JSON.stringify(Object.entries(r.metric).sort()));
        const sid = this.sidOf(sub, r.metric);
        if (!known) series.push({ sid, labels: r.metric });
        for (const [t, v] of r.values) points.push([sid, t * 1000, num(Number(v))]);
      }
      sub.lastStep = due;
      if (sub.failing) {
        sub.failing = false;
        c.send({ type: 'status', id: sub.id, state: 'ok' });
      }
      this.deliver(c, { type: 'append', id: sub.id, series, points, coalesced: false, dataTs: this.dataTs(sub) });
    } catch (e) {
      // A failing source is an error state on the screen, never an empty chart.
      sub.failing = true;
      c.send({ type: 'status', id: sub.id, state: 'error', code: (e as { code?: string }).code ?? 'QUERY_FAILED', message: (e as Error).message });
    } finally {
      sub.busy = false;
    }
  }

  private subscribeEvents(c: FeedClient, id: string, rangeMs: unknown, kinds: unknown): void {
    const range = this.range(rangeMs);
    let kindSet: Set<string> | null = null;
    if (kinds !== undefined) {
      if (!Array.isArray(kinds) || !kinds.every((k) => (EVENT_KINDS as readonly string[]).includes(k))) {
        throw new Error(`"kinds" must be a list of ${EVENT_KINDS.join(', ')}`);
      }
      kindSet = new Set(kinds as string[]);
    }
    const now = this.now();
    const events = this.opts.store.events.query({ from: now - range, to: now + 86_400_000, kinds: kindSet ? ([...kindSet] as EventKind[]) : undefined });
    c.eventSubs.set(id, { id, kinds: kindSet });
    c.send({ type: 'events', id, events });
  }

  /** Send what one flush committed to every subscriber it concerns. */
  publish(batch: SampleBatch): void {
    if (batch.ids.length === 0 || this.clients.size === 0) return;
    const index = this.opts.store.index;
    for (const c of this.clients) {
      for (const sub of c.subs.values()) {
        let points: Array<[number, number, number | null]> = [];
        let series: FeedSeries[] = [];
        for (let i = 0; i < batch.ids.length; i++) {
          const sid = batch.ids[i]!;
          let state = sub.sids.get(sid);
          if (state === SidState.Unknown) {
            const s = index.byId(sid);
            state = s !== undefined && matchesSeries(sub.matchers, s.name, s.labels) ? SidState.Match : SidState.NoMatch;
            sub.sids.set(sid, state);
          }
          if (state === SidState.NoMatch) continue;
          const ts = batch.ts[i]!;
          if (sub.snapshotLast.size > 0) {
            const snapLast = sub.snapshotLast.get(sid);
            if (snapLast !== undefined) {
              if (ts <= snapLast) continue;
              sub.snapshotLast.delete(sid);
            }
          }
          if (state === SidState.Match) {
            sub.sids.set(sid, SidState.Announced);
            const s = index.byId(sid)!;
            series.push({ sid, labels: labelsToObject(s) });
          }
          points.push([sid, ts, num(batch.values[i]!)]);
          if (points.length >= FEED_APPEND_MAX_POINTS) {
            // A series is announced in the message that carries its first point.
            this.deliver(c, { type: 'append', id: sub.id, series, points, coalesced: false });
            points = [];
            series = [];
          }
        }
        if (points.length === 0 && series.length === 0) continue;
        this.deliver(c, { type: 'append', id: sub.id, series, points, coalesced: false });
      }
    }
  }

  private deliver(c: FeedClient, msg: AppendMessage): void {
    if (c.closing) return;
    if (c.backlog === null && c.ws.bufferedAmount <= this.highWater) return void c.send(msg);
    // Slow client: keep only the latest point per series until the socket drains.
    if (c.backlog === null) {
      c.backlog = new Map();
      this.watch(c);
    }
    let m = c.backlog.get(msg.id);
    if (!m) c.backlog.set(msg.id, (m = new Map()));
    for (const [sid, ts, v] of msg.points) {
      if (!m.has(sid)) c.backlogPoints++;
      m.set(sid, [ts, v]);
    }
    c.pendingSeries.push(...msg.series);
    if (msg.dataTs !== undefined) c.backlogDataTs.set(msg.id, msg.dataTs);
    const tooMany = c.backlogPoints > (this.opts.maxQueuedPoints ?? FEED_MAX_QUEUED_POINTS);
    const tooLong = this.now() - c.behindSince > (this.opts.maxBacklogMs ?? FEED_MAX_BACKLOG_MS);
    if (tooMany || tooLong) return this.closeSlow(c);
    if (c.ws.bufferedAmount <= this.highWater) this.catchUp(c);
  }

  private closeSlow(c: FeedClient): void {
    this.closedSlow++;
    c.close(FEED_CLOSE.TOO_SLOW, 'client too slow');
  }

  /** The client fell behind: catch it up as soon as its socket drains, not at the next flush. */
  private watch(c: FeedClient): void {
    if (c.catchUpTimer) return;
    c.behindSince = this.now();
    c.catchUpTimer = setInterval(() => this.catchUp(c), 100);
    c.catchUpTimer.unref();
  }

  /** Send what a client is owed, oldest first, while its socket stays below high water: the
   * coalesced updates, then the waiting subscribe requests one at a time. */
  private catchUp(c: FeedClient): void {
    if (c.closing) return;
    if (c.ws.bufferedAmount > this.highWater) {
      if (this.now() - c.behindSince > (this.opts.maxBacklogMs ?? FEED_MAX_BACKLOG_MS)) this.closeSlow(c);
      return;
    }
    this.drain(c);
    for (const [id, req] of c.pending) {
      if (c.closing || c.ws.bufferedAmount > this.highWater) return;
      c.pending.delete(id);
      this.runSubscribe(c, req);
    }
    if (c.backlog === null && c.pending.size === 0) c.stopCatchingUp();
  }

  private drain(c: FeedClient): void {
    const backlog = c.backlog;
    if (!backlog) return;
    c.backlog = null;
    c.backlogPoints = 0;
    const pending = c.pendingSeries;
    c.pendingSeries = [];
    for (const [id, m] of backlog) {
      const points: Array<[number, number, number | null]> = [];
      for (const [sid, [ts, v]] of m) points.push([sid, ts, v]);
      const series = pending.filter((s) => m.has(s.sid));
      const dataTs = c.backlogDataTs.get(id);
      c.send({ type: 'append', id, series, points, coalesced: true, ...(dataTs !== undefined ? { dataTs } : {}) });
    }
    c.backlogDataTs.clear();
  }

  private currentAlerts: AlertInstance[] = [];

  /** The alert list changed: send it to every alert subscriber. */
  publishAlerts(alerts: AlertInstance[]): void {
    this.currentAlerts = alerts;
    for (const c of this.clients) for (const id of c.alertSubs) c.send({ type: 'alerts', id, alerts });
  }

  private currentConfig: ScreenConfig | null = null;

  /** Boards, playlists or display settings changed: send them to every screen that asked. */
  publishConfig(config: ScreenConfig): void {
    this.currentConfig = config;
    for (const c of this.clients) for (const id of c.configSubs) c.send({ type: 'config', id, config });
  }

  publishEvent(ev: RadiatorEvent): void {
    for (const c of this.clients) {
      for (const sub of c.eventSubs.values()) {
        if (sub.kinds && !sub.kinds.has(ev.kind)) continue;
        c.send({ type: 'event', id: sub.id, event: ev });
      }
    }
  }

  private beat(): void {
    const now = this.now();
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
      if (c.catchUpTimer) this.catchUp(c);
      c.send({ type: 'heartbeat', serverTime: now });
    }
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) {
      c.stopCatchingUp();
      c.ws.close(FEED_CLOSE.GOING_AWAY, 'server stopping');
    }
    this.clients.clear();
    this.wss.close();
  }
}
