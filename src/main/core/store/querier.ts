// The read side: raw samples of a series from memory and, where older, from closed chunks on
// disk; selections by matchers, with roll-up buckets standing in beyond the raw retention.

import { MAX_SELECT_POINTS, MAX_SELECT_SERIES, ROLLUP_RESOLUTIONS_MS } from '../../../shared/limits.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import { decodeInto } from './chunk-codec.ts';
import { SelectLimitError } from './errors.ts';
import type { RollupRow } from './rollups.ts';
import type { SeriesIndex } from './series-index.ts';
import { trimToRange, type Series } from './series.ts';
import type { StoreDb } from './store-db.ts';
import type { StoreOptions } from './options.ts';

export interface SeriesSamples {
  readonly series: Series;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

export class Querier {
  private readonly disk: StoreDb;
  private readonly index: SeriesIndex;
  private readonly opts: StoreOptions;
  private readonly now: () => number;

  constructor(disk: StoreDb, index: SeriesIndex, opts: StoreOptions, now: () => number) {
    this.disk = disk;
    this.index = index;
    this.opts = opts;
    this.now = now;
  }

  /** The newest time input arrived for any series the matchers select (-Infinity for none). */
  lastInput(matchers: readonly LabelMatcher[]): number {
    let t = -Infinity;
    for (const s of this.index.select(matchers)) if (s.lastInputTs > t) t = s.lastInputTs;
    return t;
  }

  /** Raw samples of one series with from <= ts <= to, from memory and, where older, disk. */
  readRaw(s: Series, from: number, to: number): { ts: Float64Array; values: Float64Array } {
    if (to < from) return { ts: new Float64Array(0), values: new Float64Array(0) };
    const mem = to >= s.memFrom ? s.readMemory(Math.max(from, s.memFrom), to) : null;
    if (from >= s.memFrom || !s.onDisk) return mem ?? { ts: new Float64Array(0), values: new Float64Array(0) };
    const rows = this.disk.st.readChunks.all(s.id, from, to, s.memFrom) as Array<{ t_min: number; t_max: number; n: number; data: Uint8Array }>;
    let total = mem ? mem.ts.length : 0;
    for (const r of rows) total += r.n;
    const ts = new Float64Array(total);
    const values = new Float64Array(total);
    let n = 0;
    for (const r of rows) n += decodeInto(r.data, r.n, ts, values, n);
    const disk = trimToRange(ts.subarray(0, n), values.subarray(0, n), from, Math.min(to, s.memFrom - 1));
    if (!mem || mem.ts.length === 0) return disk;
    const outTs = new Float64Array(disk.ts.length + mem.ts.length);
    const outValues = new Float64Array(outTs.length);
    outTs.set(disk.ts);
    outTs.set(mem.ts, disk.ts.length);
    outValues.set(disk.values);
    outValues.set(mem.values, disk.ts.length);
    return { ts: outTs, values: outValues };
  }

  /** Samples of every matching series in [from, to]: raw where raw samples are kept; before the
   * raw retention edge, each roll-up bucket's last value stands for it at the bucket's end (the
   * 5-minute roll-up, then the 1-hour one further back) — as if that history had been scraped
   * every 5 minutes or every hour. Series with no samples there are left out. Sorted by series
   * key. Bounded by MAX_SELECT_SERIES and MAX_SELECT_POINTS: for callers that hold the whole
   * answer (the feed, the series API); the PromQL engine reads with `selectEach` under its own
   * samples limit instead. */
  select(matchers: readonly LabelMatcher[], from: number, to: number): SeriesSamples[] {
    const found = this.index.select(matchers);
    if (found.length > MAX_SELECT_SERIES) {
      throw new SelectLimitError(`the selector matches ${found.length} series; the limit is ${MAX_SELECT_SERIES}`, MAX_SELECT_SERIES);
    }
    const out: SeriesSamples[] = [];
    let points = 0;
    for (const s of found) {
      const got = this.samplesOf(s, from, to);
      if (!got) continue;
      points += got.ts.length;
      if (points > MAX_SELECT_POINTS) {
        throw new SelectLimitError(`the selection holds more than ${MAX_SELECT_POINTS} samples; narrow the range or the selector`, MAX_SELECT_POINTS);
      }
      out.push(got);
    }
    out.sort((a, b) => (a.series.key < b.series.key ? -1 : 1));
    return out;
  }

  /** As `select`, one series at a time and without a count limit: each series' samples are read
   * when the caller asks for the next, so a caller that folds them (PromQL's `sum(rate(…))`)
   * holds one series' samples at a time however many match. In series-key order. */
  *selectEach(matchers: readonly LabelMatcher[], from: number, to: number): Generator<SeriesSamples> {
    const found = this.index.select(matchers).filter((s) => s.lastTs >= from && s.firstTs <= to);
    found.sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const s of found) {
      const got = this.samplesOf(s, from, to);
      if (got) yield got;
    }
  }

  /** One series' samples in [from, to] as `select` reads them; null when it has none there. */
  private samplesOf(s: Series, from: number, to: number): SeriesSamples | null {
    if (s.lastTs < from || s.firstTs > to) return null;
    const now = this.now();
    const r = this.opts.retention;
    const rawEdge = now - r.rawMs;
    const [res5m, res1h] = ROLLUP_RESOLUTIONS_MS as [number, number];
    const edge5m = now - r.rollup5mMs;
    let { ts, values } = this.readRaw(s, Math.max(from, rawEdge), to);
    if (from < rawEdge) {
      // Older than raw retention: roll-up buckets that end before the raw edge.
      const older: Array<{ ts: number; last: number | null }> = [];
      if (from < edge5m) older.push(...this.bucketEnds(s, res1h, from, Math.min(to, edge5m)));
      older.push(...this.bucketEnds(s, res5m, Math.max(from, edge5m), Math.min(to, rawEdge)));
      if (older.length > 0) {
        const n = older.length + ts.length;
        const t2 = new Float64Array(n);
        const v2 = new Float64Array(n);
        older.forEach((o, i) => {
          t2[i] = o.ts;
          v2[i] = o.last ?? NaN;
        });
        t2.set(ts, older.length);
        v2.set(values, older.length);
        ts = t2;
        values = v2;
      }
    }
    return ts.length === 0 ? null : { series: s, ts, values };
  }

  /** Stored roll-up buckets of `res` whose end lies in [from, to), as (end time, last value). */
  private bucketEnds(s: Series, res: number, from: number, to: number): Array<{ ts: number; last: number | null }> {
    if (to <= from) return [];
    const rows = this.disk.st.readRollups.all(res, s.id, from - res, to - res) as unknown as RollupRow[];
    const out: Array<{ ts: number; last: number | null }> = [];
    for (const row of rows) {
      const end = row.ts + res;
      if (end >= from && end < to) out.push({ ts: end, last: row.last });
    }
    return out;
  }
}
