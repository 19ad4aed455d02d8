// One PromQL subscription's data as Svelte state, kept the way uPlot wants it: one timestamp
// column on the query's step grid and one value column per series, aligned, with null where a
// series has no point. Appends extend the columns in place (a new step is a push, not a rebuild),
// so a chart of 10 series × 8,640 points costs a few pushes a second, and uPlot gets the same
// arrays back through setData.

import type { AppendMessage, SnapshotMessage } from '../../../shared/feed-protocol.ts';
import { labelObjectKey, type LabelObject } from '../../../shared/model.ts';

export interface QuerySeries {
  sid: number;
  /** The series' identity within its query: the canonical form of its full label set, stable
   * across reconnects (a `sid` is not). Lists key by it, never by the legend. */
  key: string;
  labels: LabelObject;
  /** The shared timestamp column (ms); `values` is aligned to it and null where this series has
   * no point. Do not modify. */
  ts: readonly number[];
  values: ReadonlyArray<number | null>;
}

export interface QueryKey {
  source: string;
  expr: string;
  rangeMs: number;
  stepMs: number;
}

export const keyOf = (k: QueryKey): string => `${k.source}\u0000${k.rangeMs}\u0000${k.stepMs}\u0000${k.expr}`;

export class QueryData {
  readonly key: QueryKey;
  loaded = $state(false);
  error = $state<string | null>(null);
  dataTs = $state<number | null>(null);
  /** Bumped once per published change; readers derive from it. */
  version = $state(0);
  /** Timestamps, ms and (for uPlot) seconds, in step order. */
  readonly xs: number[] = [];
  readonly xsSec: number[] = [];
  /** Per series: its labels, its value column, and the last row it has a value in. */
  private readonly cols = new Map<number, { key: string; labels: LabelObject; values: Array<number | null>; last: number }>();
  private pendingDataTs: number | null | undefined = undefined;

  constructor(key: QueryKey) {
    this.key = key;
  }

  get series(): QuerySeries[] {
    void this.version;
    return [...this.cols].map(([sid, c]) => ({ sid, key: c.key, labels: c.labels, ts: this.xs, values: c.values }));
  }

  snapshot(m: SnapshotMessage): void {
    this.xs.length = 0;
    this.xsSec.length = 0;
    this.cols.clear();
    const all = new Set<number>();
    for (const s of m.series) for (const t of s.ts) all.add(t);
    for (const t of [...all].sort((a, b) => a - b)) this.pushX(t);
    const pos = new Map(this.xs.map((t, i) => [t, i]));
    for (const s of m.series) {
      this.column(s.sid, s.labels);
      const c = this.cols.get(s.sid)!;
      for (let i = 0; i < s.ts.length; i++) {
        const row = pos.get(s.ts[i]!)!;
        c.values[row] = s.values[i]!;
        if (s.values[i] !== null) c.last = Math.max(c.last, row);
      }
    }
    this.dataTs = m.dataTs ?? null;
    this.loaded = true;
    this.error = null;
    this.version++;
  }

  /** Takes the points in; `publish()` makes them visible (the connection batches those). */
  append(m: AppendMessage, now: number): void {
    for (const s of m.series) this.column(s.sid, s.labels);
    for (const [sid, ts, v] of m.points) {
      const col = this.cols.get(sid);
      if (!col) continue;
      const i = this.indexFor(ts);
      if (i < 0) continue;
      col.values[i] = v;
      if (v !== null && i > col.last) col.last = i;
    }
    if (m.dataTs !== undefined) this.pendingDataTs = m.dataTs;
    this.trim(now);
  }

  publish(): void {
    if (this.pendingDataTs !== undefined) {
      this.dataTs = this.pendingDataTs;
      this.pendingDataTs = undefined;
    }
    this.error = null;
    this.version++;
  }

  fail(message: string): void {
    this.error = message;
    this.loaded = true;
  }

  recovered(): void {
    this.error = null;
  }

  private column(sid: number, labels: LabelObject): Array<number | null> {
    let c = this.cols.get(sid);
    if (!c) this.cols.set(sid, (c = { key: labelObjectKey(labels), labels, values: new Array<number | null>(this.xs.length).fill(null), last: -1 }));
    return c.values;
  }

  /** A step with no point at all is still a step: a gap in the line, not a bridge across it. */
  private pushX(t: number): void {
    const last = this.xs[this.xs.length - 1];
    if (last !== undefined && t - last > 1.5 * this.key.stepMs) {
      this.xs.push(last + this.key.stepMs);
      this.xsSec.push((last + this.key.stepMs) / 1000);
      for (const c of this.cols.values()) c.values.push(null);
    }
    this.xs.push(t);
    this.xsSec.push(t / 1000);
    for (const c of this.cols.values()) c.values.push(null);
  }

  /** The row for `ts`: the newest (the usual case), a new one after it, or an existing one. */
  private indexFor(ts: number): number {
    const n = this.xs.length;
    if (n === 0 || ts > this.xs[n - 1]!) {
      this.pushX(ts);
      return this.xs.length - 1;
    }
    if (ts === this.xs[n - 1]) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = this.xs[mid]!;
      if (x === ts) return mid;
      if (x < ts) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1; // between two steps: not on this query's grid
  }

  private trim(now: number): void {
    const edge = now - this.key.rangeMs - this.key.stepMs;
    let k = 0;
    while (k < this.xs.length && this.xs[k]! < edge) k++;
    if (k === 0) return;
    this.xs.splice(0, k);
    this.xsSec.splice(0, k);
    for (const [sid, c] of this.cols) {
      c.values.splice(0, k);
      c.last -= k;
      // A series with nothing left in the window has gone.
      if (c.last < 0) this.cols.delete(sid);
    }
  }

  /** The newest point of any series (ms), or null. */
  newestTs(): number | null {
    void this.version;
    for (let i = this.xs.length - 1; i >= 0; i--) {
      for (const c of this.cols.values()) if (c.values[i] !== null) return this.xs[i]!;
    }
    return null;
  }
}

/** The last non-null value of a series and when. */
export function lastPoint(s: QuerySeries): { ts: number; value: number } | null {
  for (let i = s.values.length - 1; i >= 0; i--) {
    const v = s.values[i];
    if (v !== null && v !== undefined) return { ts: s.ts[i]!, value: v };
  }
  return null;
}

/** The value at or just before `t`. */
export function valueAt(s: QuerySeries, t: number): number | null {
  let lo = 0;
  let hi = s.ts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.ts[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0; i--) if (s.values[i] !== null) return s.values[i]!;
  return null;
}
