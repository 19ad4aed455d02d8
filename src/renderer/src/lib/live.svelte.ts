// Live series and events from the feed, as Svelte state. Large arrays are `$state.raw` and
// replaced, not mutated, so charts update with setData instead of re-rendering.

import type { AppendMessage, SnapshotMessage } from '../../../shared/feed-protocol.ts';
import type { LabelObject, RadiatorEvent } from '../../../shared/model.ts';
import { FeedClient, type ConnectionState } from './feed-client.ts';

export interface LiveSeries {
  sid: number;
  labels: LabelObject;
  ts: number[];
  values: Array<number | null>;
  lastChangeTs: number;
}

export class Live {
  state = $state<ConnectionState>('connecting');
  retryInMs = $state<number | null>(null);
  series = $state.raw<LiveSeries[]>([]);
  events = $state.raw<RadiatorEvent[]>([]);
  lastError = $state<string | null>(null);
  serverOffsetMs = $state(0);
  private bySid = new Map<number, LiveSeries>();
  private client: FeedClient;
  private readonly keepMs: number;
  private dirty = false;
  private raf: ReturnType<typeof setTimeout> | null = null;

  constructor(url: string, query: string, keepMs = 15 * 60_000) {
    this.keepMs = keepMs;
    this.client = new FeedClient(
      {
        state: (s, d) => {
          this.state = s;
          this.retryInMs = d.retryInMs;
        },
        snapshot: (m) => this.onSnapshot(m),
        append: (m) => this.onAppend(m),
        events: (_id, evs) => (this.events = evs.slice(0, 50)),
        event: (_id, ev) => (this.events = [ev, ...this.events].slice(0, 50)),
        error: (_id, message) => (this.lastError = message),
        serverTime: (t) => (this.serverOffsetMs = t - Date.now()),
      },
      { url },
    );
    this.client.subscribe({ type: 'subscribe', id: 'live', query, rangeMs: keepMs });
    this.client.subscribe({ type: 'subscribeEvents', id: 'events', rangeMs: 24 * 3_600_000 });
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
    if (this.raf) clearTimeout(this.raf);
  }

  private onSnapshot(m: SnapshotMessage): void {
    this.bySid.clear();
    for (const s of m.series) this.bySid.set(s.sid, { sid: s.sid, labels: s.labels, ts: s.ts, values: s.values, lastChangeTs: s.lastChangeTs });
    this.publish();
  }

  private onAppend(m: AppendMessage): void {
    for (const s of m.series) {
      if (!this.bySid.has(s.sid)) this.bySid.set(s.sid, { sid: s.sid, labels: s.labels, ts: [], values: [], lastChangeTs: 0 });
    }
    for (const [sid, ts, v] of m.points) {
      const s = this.bySid.get(sid);
      if (!s) continue;
      if (s.ts.length && ts <= s.ts[s.ts.length - 1]!) continue;
      if (v !== s.values[s.values.length - 1]) s.lastChangeTs = ts;
      s.ts.push(ts);
      s.values.push(v);
    }
    this.schedule();
  }

  /** Coalesce bursts of appends into one update per animation-ish frame. */
  private schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.raf = setTimeout(() => {
      this.dirty = false;
      this.publish();
    }, 100);
  }

  private publish(): void {
    const edge = Date.now() + this.serverOffsetMs - this.keepMs;
    const out: LiveSeries[] = [];
    for (const s of this.bySid.values()) {
      let k = 0;
      while (k < s.ts.length && s.ts[k]! < edge) k++;
      if (k > 0) {
        s.ts = s.ts.slice(k);
        s.values = s.values.slice(k);
      }
      // New arrays so charts see a change.
      out.push({ ...s, ts: s.ts.slice(), values: s.values.slice() });
    }
    this.series = out;
  }
}
