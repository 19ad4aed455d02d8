// One remote-write endpoint's durable queue. The queue is the store's own write-ahead log: every
// flush is one WAL record, numbered in commit order, so the sender keeps only a cursor (the last
// record the endpoint acknowledged), persisted in the store's key-value table, and holds the log
// from being trimmed past it. It reads whole records after the cursor (a segment, bounded in
// samples), hashes each series to a shard (one shard sends a series' samples in order), sends
// each shard's requests one after another with backoff, and moves the cursor only when every
// request of the segment was answered 2xx (or refused with a 4xx, which is dropped and counted).
// A restart or a kill resumes at the cursor; the segment in flight is written down (end, shards,
// batch size) before sending, so after a kill it is sent again split the same way: each request
// then either reached the receiver whole before or did not at all.
// Not here: the HTTP/protobuf wire format (protocol.ts), choosing endpoints (sender.ts).

import { compress } from 'snappyjs';
import type { RemoteWriteSettings } from '../../../shared/remote-write-settings.ts';
import { REMOTE_WRITE_ERROR_BODY_CHARS, REMOTE_WRITE_SEGMENT_SAMPLES } from '../../../shared/limits.ts';
import { redactUrl } from '../../../shared/redact.ts';
import type { SampleBatch, Series, Store } from '../store/index.ts';
import { classifyStatus, nextBackoff, parseRetryAfter } from './backoff.ts';
import { CONTENT_TYPE_V1, encodeWriteRequest, VERSION_HEADER_V1, type TimeSeries } from './protocol.ts';
import { compileWriteFilter, type WriteFilter } from './write-filter.ts';

/** The store's key-value namespace of the cursors, keyed by endpoint id. */
export const CURSOR_NS = 'remote_write_cursor';

export interface Cursor {
  /** The last WAL record every sample of which the endpoint has (or refused). */
  seq: number;
  /** The URL the cursor belongs to: an endpoint given another URL starts afresh. */
  url: string;
  /** A segment being sent: after a restart it is sent again exactly as split before. */
  inflight?: { end: number; shards: number; maxPerSend: number };
}

export interface QueueDeps {
  store: Store;
  now: () => number;
  log: (line: string) => void;
  version: string;
  /** The collector's flush interval: one WAL record per flush, so maxBacklog in records. */
  flushIntervalMs: number;
  /** Tests may stand in for the network. */
  fetch?: typeof fetch;
}

export interface QueueStats {
  endpoint: string;
  pending: number;
  sent: number;
  /** Samples in attempts that failed, by reason (retried unless the reason is http_4xx/redirect). */
  failed: ReadonlyMap<string, number>;
  /** Samples given up on, by reason (http_4xx, redirect, backlog). */
  dropped: ReadonlyMap<string, number>;
  lagSeconds: number;
}

type Outcome = { kind: 'sent' } | { kind: 'retry' | 'drop'; reason: string; retryAfterMs: number | null; detail: string };

/** The segment's requests are given up (the endpoint fell further behind than maxBacklog). */
class Abandoned extends Error {}

const shardOf = (id: number, shards: number) => (Math.imul(id, 0x9e3779b1) >>> 0) % shards;

/** A series' labels as the protocol wants them: `__name__` among them, sorted by name, none empty. */
const labelCache = new WeakMap<Series, Array<readonly [string, string]>>();
function wireLabels(s: Series): Array<readonly [string, string]> {
  let l = labelCache.get(s);
  if (!l) {
    l = [['__name__', s.name] as const, ...s.labels.filter(([, v]) => v !== '')].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    labelCache.set(s, l);
  }
  return l;
}

export class RemoteWriteQueue {
  readonly id: string;
  private readonly cfg: RemoteWriteSettings;
  private readonly deps: QueueDeps;
  private readonly filter: WriteFilter | null;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly shownUrl: string;
  private readonly fetchFn: typeof fetch;
  private cursor: Cursor = { seq: 0, url: '' };
  /** The highest record whose samples `pending` counts. */
  private known = 0;
  private pending = 0;
  private sent = 0;
  private readonly failed = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  /** The first sample time of the segment being sent (null between segments). */
  private segmentFirstTs: number | null = null;
  /** When samples began waiting for the batch deadline (null: nothing waits). */
  private waitingSince: number | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private releaseHold: (() => void) | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly aborts = new Set<AbortController>();
  private failing: string | null = null;

  constructor(cfg: RemoteWriteSettings, deps: QueueDeps) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.deps = deps;
    this.filter = compileWriteFilter(cfg.writeRelabel);
    this.fetchFn = deps.fetch ?? fetch;
    // fetch refuses a URL with credentials in it: they become basic auth.
    const u = new URL(cfg.url);
    const headers: Record<string, string> = {
      ...cfg.headers,
      'Content-Encoding': 'snappy',
      'Content-Type': CONTENT_TYPE_V1,
      'User-Agent': `Radiator/${deps.version}`,
      'X-Prometheus-Remote-Write-Version': VERSION_HEADER_V1,
    };
    if (cfg.auth?.type === 'bearer') headers.Authorization = `Bearer ${cfg.auth.token}`;
    else if (cfg.auth?.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${cfg.auth.username}:${cfg.auth.password}`).toString('base64')}`;
    else if (u.username || u.password) headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
    this.url = u.toString();
    this.headers = headers;
    this.shownUrl = redactUrl(cfg.url);
  }

  /** Load the cursor (a new endpoint, or one whose URL changed, starts at the newest record),
   * hold the log from it, and start sending. */
  start(): void {
    const { store } = this.deps;
    const saved = store.kvList<Cursor>(CURSOR_NS).find(([k]) => k === this.id)?.[1];
    if (saved && saved.url === this.cfg.url && saved.seq <= store.walPosition) this.cursor = saved;
    else this.saveCursor({ seq: store.walPosition, url: this.cfg.url });
    this.releaseHold = store.holdWal(() => this.cursor.seq);
    this.known = this.cursor.seq;
    this.refreshPending();
    this.running = this.run();
  }

  /** A flush committed: count what it added and wake the sender. */
  notify(): void {
    this.refreshPending();
    this.wake();
  }

  /** Stop sending (a request in flight is abandoned; its segment is sent again at the next start).
   * Idempotent. `forget`: the endpoint was removed, so its cursor goes too. */
  async stop(forget = false): Promise<void> {
    this.stopped = true;
    for (const a of this.aborts) a.abort(new Error('stopped'));
    this.wake();
    await this.running;
    this.releaseHold?.();
    this.releaseHold = null;
    if (forget) this.deps.store.kvDelete(CURSOR_NS, this.id);
  }

  stats(): QueueStats {
    return {
      endpoint: this.id,
      pending: this.pending,
      sent: this.sent,
      failed: this.failed,
      dropped: this.dropped,
      // How long the oldest unsent sample has waited: the time of the segment being sent, or
      // since new records were first seen (0 when caught up).
      lagSeconds: this.pending > 0 ? Math.max(0, this.deps.now() - (this.segmentFirstTs ?? this.waitingSince ?? this.deps.now())) / 1000 : 0,
    };
  }

  /** The cursor as persisted (tests). */
  get position(): Cursor {
    return this.cursor;
  }

  // ── the loop ──────────────────────────────────────────────────────────────────────────

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      try {
        await this.step();
        backoff = 0;
      } catch (e) {
        // Not the network (requests retry themselves): a store read failed. Try again later.
        backoff = nextBackoff(backoff, this.cfg.queue.minBackoff, this.cfg.queue.maxBackoff);
        this.deps.log(`remote write ${this.id}: ${(e as Error).message}; trying again in ${backoff} ms`);
        await this.sleep(backoff);
      }
    }
  }

  private async step(): Promise<void> {
    const { store, now } = this.deps;
    const q = this.cfg.queue;
    if (store.walPosition <= this.cursor.seq) {
      this.waitingSince = null;
      await this.waitForWake();
      return;
    }
    this.skipPastBacklog();
    const inflight = this.cursor.inflight;
    if (!inflight) {
      // A small batch waits up to the deadline for more, as Prometheus's batch_send_deadline.
      this.waitingSince ??= now();
      const wait = this.waitingSince + q.batchSendDeadline - now();
      if (this.pending < q.maxSamplesPerSend && wait > 0) {
        await this.waitForWake(wait);
        return;
      }
    }
    const records = inflight
      ? store.readWal(this.cursor.seq, Infinity, Math.max(1, inflight.end - this.cursor.seq)).filter((r) => r.seq <= inflight.end)
      : store.readWal(this.cursor.seq, REMOTE_WRITE_SEGMENT_SAMPLES);
    if (records.length === 0) {
      // Nothing left after the cursor (the records were trimmed): start from the newest.
      this.saveCursor({ seq: store.walPosition, url: this.cfg.url });
      this.pending = 0;
      return;
    }
    this.segmentFirstTs = records[0]!.batch.ts[0] ?? null;
    const end = inflight?.end ?? records[records.length - 1]!.seq;
    const shards = inflight?.shards ?? q.shards;
    const maxPerSend = inflight?.maxPerSend ?? q.maxSamplesPerSend;
    this.saveCursor({ seq: this.cursor.seq, url: this.cfg.url, inflight: { end, shards, maxPerSend } });
    const total = await this.sendSegment(records, shards, maxPerSend, end);
    if (this.stopped && total < 0) return; // resent at the next start
    this.saveCursor({ seq: end, url: this.cfg.url });
    this.segmentFirstTs = null;
    this.pending = Math.max(0, this.pending - Math.abs(total));
    this.waitingSince = this.pending > 0 ? now() : null;
  }

  /** Send every sample of these records; returns how many there were (negated when stopped before
   * the end, so the cursor stays). */
  private async sendSegment(records: Array<{ seq: number; batch: SampleBatch }>, shards: number, maxPerSend: number, end: number): Promise<number> {
    const { store } = this.deps;
    const lanes = Array.from({ length: shards }, () => ({ series: [] as Series[], ts: [] as number[], values: [] as number[] }));
    let total = 0;
    for (const { batch } of records) {
      total += batch.ids.length;
      for (let i = 0; i < batch.ids.length; i++) {
        const id = batch.ids[i]!;
        const s = store.index.byId(id);
        if (!s || (this.filter && !this.filter(id, s.name))) continue;
        const lane = lanes[shardOf(id, shards)]!;
        lane.series.push(s);
        lane.ts.push(batch.ts[i]!);
        lane.values.push(batch.values[i]!);
      }
    }
    const abandon = { at: false };
    const results = await Promise.all(lanes.map((lane) => this.sendLane(lane, maxPerSend, end, abandon)));
    return results.every(Boolean) ? total : -total;
  }

  /** One shard's samples, in requests of at most maxPerSend, one after another. False when stopped. */
  private async sendLane(lane: { series: Series[]; ts: number[]; values: number[] }, maxPerSend: number, end: number, abandon: { at: boolean }): Promise<boolean> {
    for (let from = 0; from < lane.ts.length; from += maxPerSend) {
      const to = Math.min(lane.ts.length, from + maxPerSend);
      if (abandon.at) {
        this.count(this.dropped, 'backlog', to - from);
        continue;
      }
      const bySeries = new Map<Series, TimeSeries>();
      for (let i = from; i < to; i++) {
        const s = lane.series[i]!;
        let ts = bySeries.get(s);
        if (!ts) bySeries.set(s, (ts = { labels: wireLabels(s), samples: [] }));
        ts.samples.push({ value: lane.values[i]!, timestampMs: lane.ts[i]! });
      }
      const body = compress(encodeWriteRequest({ timeseries: [...bySeries.values()], metadata: [] }));
      try {
        if (!(await this.deliver(body, to - from, end))) return false;
      } catch (e) {
        if (!(e instanceof Abandoned)) throw e;
        abandon.at = true;
        this.count(this.dropped, 'backlog', to - from);
        continue;
      }
    }
    return true;
  }

  /** One request until it is answered 2xx or 4xx; retried with backoff otherwise. False when
   * stopped first. Throws Abandoned when the endpoint falls past maxBacklog while retrying. */
  private async deliver(body: Uint8Array, n: number, end: number): Promise<boolean> {
    const q = this.cfg.queue;
    let backoff = 0;
    while (!this.stopped) {
      const r = await this.post(body);
      if (this.stopped) return false;
      if (r.kind === 'sent') {
        this.sent += n;
        if (this.failing) this.deps.log(`remote write ${this.id}: sending to ${this.shownUrl} again`);
        this.failing = null;
        return true;
      }
      this.count(this.failed, r.reason, n);
      if (r.kind === 'drop') {
        this.count(this.dropped, r.reason, n);
        this.deps.log(`remote write ${this.id}: ${this.shownUrl} refused ${n} samples (${r.reason}${r.detail ? `: ${r.detail}` : ''}); dropped`);
        return true;
      }
      if (this.failing !== r.reason) this.deps.log(`remote write ${this.id}: ${this.shownUrl} failed (${r.reason}${r.detail ? `: ${r.detail}` : ''}); retrying`);
      this.failing = r.reason;
      if (this.behindBy(end) > this.maxBacklogRecords()) throw new Abandoned();
      backoff = nextBackoff(backoff, q.minBackoff, q.maxBackoff);
      await this.sleep(r.retryAfterMs ?? backoff);
    }
    return false;
  }

  private async post(body: Uint8Array): Promise<Outcome> {
    const ac = new AbortController();
    this.aborts.add(ac);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(new Error(`no answer within ${this.cfg.timeout} ms`));
    }, this.cfg.timeout);
    try {
      const res = await this.fetchFn(this.url, { method: 'POST', headers: this.headers, body: body as Uint8Array<ArrayBuffer>, signal: ac.signal, redirect: 'manual' });
      const kind = classifyStatus(res.status);
      if (kind === 'sent') {
        await res.body?.cancel();
        return { kind };
      }
      const detail = (await res.text().catch(() => '')).slice(0, REMOTE_WRITE_ERROR_BODY_CHARS).trim();
      const reason = res.status === 429 ? 'http_429' : res.status >= 500 ? 'http_5xx' : res.status >= 400 ? 'http_4xx' : 'redirect';
      return { kind, reason, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.deps.now()), detail: reason === 'redirect' ? `HTTP ${res.status}; set the endpoint's final URL` : `HTTP ${res.status} ${detail}` };
    } catch (e) {
      return { kind: 'retry', reason: timedOut ? 'timeout' : 'network', retryAfterMs: null, detail: redactUrl(String((e as Error).cause ?? (e as Error).message)) };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(ac);
    }
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────

  private maxBacklogRecords(): number {
    return Math.max(1, Math.ceil(this.cfg.queue.maxBacklog / this.deps.flushIntervalMs));
  }

  private behindBy(seq: number): number {
    return this.deps.store.walPosition - seq;
  }

  /** Past maxBacklog, the oldest unsent records are dropped (counted) so the log stays bounded:
   * the cursor moves to leave a tenth of the room free. */
  private skipPastBacklog(): void {
    const max = this.maxBacklogRecords();
    if (this.cursor.inflight || this.behindBy(this.cursor.seq) <= max) return;
    const { store } = this.deps;
    const target = store.walPosition - Math.floor(max * 0.9);
    const skipped = store.walSamplesAfter(this.cursor.seq) - store.walSamplesAfter(target);
    this.count(this.dropped, 'backlog', skipped);
    this.pending = Math.max(0, this.pending - skipped);
    this.deps.log(`remote write ${this.id}: ${this.shownUrl} is more than ${Math.round(this.cfg.queue.maxBacklog / 60_000)} min behind; ${skipped} of the oldest unsent samples dropped`);
    this.saveCursor({ seq: target, url: this.cfg.url });
  }

  private refreshPending(): void {
    const pos = this.deps.store.walPosition;
    if (pos <= this.known) return;
    this.pending += this.deps.store.walSamplesAfter(this.known);
    this.known = pos;
  }

  private saveCursor(c: Cursor): void {
    this.deps.store.kvSet(CURSOR_NS, this.id, c);
    this.cursor = c;
    if (c.seq > this.known) this.known = c.seq;
  }

  private count(map: Map<string, number>, reason: string, n: number): void {
    if (n > 0) map.set(reason, (map.get(reason) ?? 0) + n);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Until `notify` or `stop` (or `ms` passes). */
  private waitForWake(ms?: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? null : setTimeout(done, ms);
      function done() {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** `ms`, cut short only by `stop`. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.aborts.delete(ac);
        resolve();
      }, ms);
      const ac = new AbortController();
      ac.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
      this.aborts.add(ac);
    });
  }
}
