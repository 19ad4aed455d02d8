// The read side: raw samples of a series from memory and, where older, from closed chunks on
// disk; selections by matchers, with roll-up buckets standing in beyond the raw retention.

import { MAX_SELECT_POINTS, MAX_SELECT_SERIES, ROLLUP_RESOLUTIONS_MS } from '../../../shared/limits.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import { chunkBytes, decodeInto } from './chunk-codec.ts';
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

/** A closed chunk as read from disk: its bytes as hex (see store-db.ts's readChunks). */
interface DiskChunk {
  readonly t_min: number;
  readonly t_max: number;
  readonly n: number;
  readonly hex: string;
}

/** Two buffers a stream of series is decoded into one after another, grown as needed. */
export class Scratch {
  private ts = new Float64Array(256);
  private values = new Float64Array(256);
  /** A series' newest sample alone (see selectEach's `newest`). */
  readonly one = { ts: new Float64Array(1), values: new Float64Array(1) };

  /** Buffers of at least `n` (their first `n` to be written; the rest is stale). */
  take(n: number): { ts: Float64Array; values: Float64Array } {
    if (this.ts.length < n) {
      let size = this.ts.length * 2;
      while (size < n) size *= 2;
      this.ts = new Float64Array(size);
      this.values = new Float64Array(size);
    }
    return { ts: this.ts, values: this.values };
  }
}

/** Series whose disk chunks one statement reads (each id a few bytes of its JSON argument). */
const DISK_BATCH_SERIES = 256;

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

  /** Raw samples of one series with from <= ts <= to, from memory and, where older, disk.
   * `chunks`: the series' disk chunks over [from, to] when the caller already read them (a batch
   * read by `diskChunksOf`); otherwise they are read here. `scratch`: decode into its buffers
   * (the result is then only valid until its next use). */
  readRaw(s: Series, from: number, to: number, chunks?: readonly DiskChunk[], scratch?: Scratch): { ts: Float64Array; values: Float64Array } {
    if (to < from) return { ts: new Float64Array(0), values: new Float64Array(0) };
    if (from >= s.memFrom || !s.onDisk) {
      return to >= s.memFrom ? s.readMemory(Math.max(from, s.memFrom), to, scratch) : { ts: new Float64Array(0), values: new Float64Array(0) };
    }
    const rows = chunks ?? (this.disk.st.readChunks.all(s.id, from, to, s.memFrom) as unknown as DiskChunk[]);
    // Disk chunks, then memory's, decoded into one pair of arrays and trimmed in place.
    const memFrom = Math.max(from, s.memFrom);
    const memN = to >= s.memFrom ? s.memoryChunkCount(memFrom, to) : 0;
    let total = memN;
    for (const r of rows) if (r.t_min < s.memFrom) total += r.n;
    const { ts, values } = scratch ? scratch.take(total) : { ts: new Float64Array(total), values: new Float64Array(total) };
    let n = 0;
    for (const r of rows) if (r.t_min < s.memFrom) n += decodeInto(chunkBytes(r.hex), r.n, ts, values, n);
    const diskTo = Math.min(to, s.memFrom - 1);
    let a = 0;
    while (a < n && ts[a]! < from) a++;
    let b = n;
    while (b > a && ts[b - 1]! > diskTo) b--;
    if (memN === 0) return a === 0 && b === ts.length ? { ts, values } : { ts: ts.subarray(a, b), values: values.subarray(a, b) };
    // Memory's chunks land right after the disk part, whole (none holds a sample before
    // memFrom, by its definition); what lies past `to` is cut off.
    let end = b + s.decodeMemoryInto(memFrom, to, ts, values, b);
    while (end > b && ts[end - 1]! > to) end--;
    return a === 0 && end === ts.length ? { ts, values } : { ts: ts.subarray(a, end), values: values.subarray(a, end) };
  }

  /** The disk chunks over [from, to] of those of `batch` whose raw read reaches the disk, by
   * series id, in time order: one statement for the batch. At 20,000 series one statement per
   * series was most of a `sum(rate(x[5m]))` over data older than the hot window. */
  private diskChunksOf(batch: readonly Series[], from: number, to: number): Map<number, DiskChunk[]> {
    const out = new Map<number, DiskChunk[]>();
    const ids: number[] = [];
    for (const s of batch) {
      if (!s.onDisk || from >= s.memFrom || to < from) continue;
      ids.push(s.id);
      out.set(s.id, []);
    }
    if (ids.length === 0) return out;
    for (const r of this.disk.st.readChunksOf.all(JSON.stringify(ids), from, to) as unknown as Array<DiskChunk & { series_id: number }>) {
      out.get(r.series_id)!.push(r);
    }
    return out;
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
    for (const got of this.readBatched(found.filter((s) => s.lastTs >= from && s.firstTs <= to), from, to)) {
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
   * holds one series' samples at a time however many match. In series-key order.
   * `reuse`: the caller is done with each series before it asks for the next, so every series
   * is decoded into the same two buffers (valid until the next) instead of a new pair each. */
  *selectEach(matchers: readonly LabelMatcher[], from: number, to: number, opts: { reuse?: boolean; newest?: boolean } = {}): Generator<SeriesSamples> {
    const found = this.index.select(matchers).filter((s) => s.lastTs >= from && s.firstTs <= to);
    found.sort((a, b) => (a.key < b.key ? -1 : 1));
    yield* this.readBatched(found, from, to, opts.reuse ? new Scratch() : undefined, opts.newest ?? false);
  }

  /** Whether the newest sample of `s` in [from, to] is its last one, known without a read: its
   * time and value are kept with the series while that sample is in memory (appended, or loaded
   * at start from the newest chunk there). A series whose last sample is on disk only (imported
   * into the past, or not touched since before the hot window) is read. */
  private newestKnown(s: Series, from: number, to: number): boolean {
    return s.lastTs >= from && s.lastTs <= to && s.lastTs >= s.memFrom;
  }

  /** The samples of `series` in [from, to], in their order, their disk chunks read
   * DISK_BATCH_SERIES series at a time. The callers pass only series whose span meets [from, to];
   * any with no sample there is left out. */
  private *readBatched(series: readonly Series[], from: number, to: number, scratch?: Scratch, newest = false): Generator<SeriesSamples> {
    const now = this.now();
    const rawFrom = Math.max(from, now - this.opts.retention.rawMs);
    for (let k = 0; k < series.length; k += DISK_BATCH_SERIES) {
      const batch = series.slice(k, k + DISK_BATCH_SERIES);
      // `newest`: a series whose newest sample is known is not read at all. At 20,000 series an
      // instant `count(x)` whose 5-minute lookback reached back past the hot window read a chunk
      // of every series from disk (about 150 ms) to use one sample of each.
      const known = newest ? batch.map((s) => this.newestKnown(s, from, to)) : null;
      const chunks = this.diskChunksOf(known ? batch.filter((_, i) => !known[i]) : batch, rawFrom, to);
      for (let i = 0; i < batch.length; i++) {
        const s = batch[i]!;
        if (known?.[i]) {
          const one = scratch ? scratch.one : { ts: new Float64Array(1), values: new Float64Array(1) };
          one.ts[0] = s.lastTs;
          one.values[0] = s.lastValue;
          yield { series: s, ts: one.ts, values: one.values };
          continue;
        }
        const got = this.samplesOf(s, from, to, now, chunks.get(s.id), scratch);
        if (got) yield got;
      }
    }
  }

  /** One series' samples in [from, to] as `select` reads them; null when it has none there. */
  private samplesOf(s: Series, from: number, to: number, now: number, chunks?: readonly DiskChunk[], scratch?: Scratch): SeriesSamples | null {
    const r = this.opts.retention;
    const rawEdge = now - r.rawMs;
    const [res5m, res1h] = ROLLUP_RESOLUTIONS_MS as [number, number];
    const edge5m = now - r.rollup5mMs;
    let { ts, values } = this.readRaw(s, Math.max(from, rawEdge), to, chunks, scratch);
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
