// The screen's one connection to the core: the feed (data, events, alerts, configuration) and the
// HTTP API, with the access token when the screen was opened with one. Panels ask for queries by
// key; identical queries on the current and the next board share one subscription.

import type { AlertInstance } from '../../../shared/alert-rules.ts';
import type { ArrivingReport } from '../../../shared/arriving.ts';
import type { ScreenConfig } from '../../../shared/feed-protocol.ts';
import type { RadiatorEvent } from '../../../shared/model.ts';
import { FeedClient, type ConnectionState } from './feed-client.ts';
import { QueryData, keyOf, type QueryKey } from './query-data.svelte.ts';

export interface ServerStatus {
  version: string;
  ports: { http: number; statsdUdp: number | false; statsdTcp: number | false; push: number | false };
  appSeries: number;
  flushIntervalMs: number;
}

const EVENTS_RANGE_MS = 24 * 3_600_000;
const MAX_EVENTS = 500;

export class Connection {
  state = $state<ConnectionState>('connecting');
  retryInMs = $state<number | null>(null);
  /** Since when the feed has been lost (null while open). */
  lostSince = $state<number | null>(null);
  config = $state.raw<ScreenConfig | null>(null);
  alerts = $state.raw<AlertInstance[]>([]);
  /** Newest first. */
  events = $state.raw<RadiatorEvent[]>([]);
  status = $state.raw<ServerStatus | null>(null);
  /** What has arrived from apps and which boards have data (GET /api/v1/arriving); null until
   * first loaded, and kept when a later load fails. */
  arriving = $state.raw<ArrivingReport | null>(null);
  serverOffsetMs = $state(0);
  private readonly client: FeedClient;
  private readonly queries = new Map<string, { data: QueryData; refs: number; id: string }>();
  private readonly byId = new Map<string, QueryData>();
  private nextId = 1;
  private readonly dirty = new Set<QueryData>();
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  readonly token: string | null;
  readonly base: string;

  constructor(base: string, token: string | null) {
    this.base = base;
    this.token = token;
    const wsBase = base.replace(/^http/, 'ws');
    const url = `${wsBase}/feed${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    this.client = new FeedClient(
      {
        state: (s, d) => {
          const was = this.state;
          this.state = s;
          this.retryInMs = d.retryInMs;
          if (s === 'lost' && this.lostSince === null) this.lostSince = Date.now();
          if (s === 'open') {
            this.lostSince = null;
            if (was !== 'open') void this.loadStatus();
          }
        },
        snapshot: (m) => this.byId.get(m.id)?.snapshot(m),
        append: (m) => {
          const q = this.byId.get(m.id);
          if (!q) return;
          q.append(m, this.now());
          this.dirty.add(q);
          this.schedulePublish();
        },
        // Newest first, as the feed sends them.
        events: (_id, evs) => (this.events = evs.slice(0, MAX_EVENTS)),
        event: (_id, ev) => (this.events = [ev, ...this.events.filter((e) => e.id !== ev.id)].slice(0, MAX_EVENTS)),
        error: (id, message) => {
          if (id) this.byId.get(id)?.fail(message);
        },
        status: (m) => {
          const q = this.byId.get(m.id);
          if (m.state === 'error') q?.fail(m.message ?? m.code ?? 'the source failed');
          else q?.recovered();
        },
        serverTime: (t) => (this.serverOffsetMs = t - Date.now()),
        alerts: (_id, list) => (this.alerts = list),
        config: (_id, c) => {
          if (c) this.config = c;
        },
      },
      { url },
    );
    this.client.subscribe({ type: 'subscribeConfig', id: 'config' });
    this.client.subscribe({ type: 'subscribeAlerts', id: 'alerts' });
    this.client.subscribe({ type: 'subscribeEvents', id: 'events', rangeMs: EVENTS_RANGE_MS });
  }

  /** The feed sends a flush's updates as one message per query, a few ms apart. Charts redraw
   * once for the lot: one frame of work a second instead of one per panel. */
  private schedulePublish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      const list = [...this.dirty];
      this.dirty.clear();
      for (const q of list) q.publish();
    }, 40);
  }

  /** The server's clock, as well as the screen knows it. */
  now(): number {
    return Date.now() + this.serverOffsetMs;
  }

  start(): void {
    this.client.start();
    void this.loadStatus();
  }

  stop(): void {
    this.client.stop();
  }

  async loadStatus(): Promise<void> {
    try {
      const r = await this.fetch('/api/v1/status');
      if (r.ok) this.status = (await r.json()) as ServerStatus;
    } catch {
      /* the banner shows the connection state */
    }
  }

  async loadArriving(): Promise<void> {
    try {
      const r = await this.fetch('/api/v1/arriving');
      if (r.ok) this.arriving = (await r.json()) as ArrivingReport;
    } catch {
      /* as loadStatus */
    }
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('Authorization', `Bearer ${this.token}`);
    return fetch(this.base + path, { ...init, headers });
  }

  /** A query's live data; call the returned release when the panel goes away. */
  acquire(key: QueryKey): { data: QueryData; release: () => void } {
    const k = keyOf(key);
    let q = this.queries.get(k);
    if (!q) {
      const id = `q${this.nextId++}`;
      q = { data: new QueryData(key), refs: 0, id };
      this.queries.set(k, q);
      this.byId.set(id, q.data);
      this.client.subscribe({ type: 'subscribe', id, query: key.expr, rangeMs: key.rangeMs, stepMs: key.stepMs, source: key.source });
    }
    q.refs++;
    const entry = q;
    let released = false;
    return {
      data: q.data,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        // Let go a moment later: the same query on the next board picks it up without a gap.
        setTimeout(() => {
          if (entry.refs > 0 || this.queries.get(k) !== entry) return;
          this.queries.delete(k);
          this.byId.delete(entry.id);
          this.client.unsubscribe(entry.id);
        }, 2_000);
      },
    };
  }

  get subscriptionCount(): number {
    return this.queries.size;
  }
}
