// Roll-ups: per-series buckets (min, max, sum, count, last) at each of ROLLUP_RESOLUTIONS_MS,
// computed in the background once a bucket is past, recomputed when late or imported samples
// land in a bucket already rolled up, and read back for long ranges.

import { MAX_SELECT_SERIES, ROLLUP_RESOLUTIONS_MS } from '../../../shared/limits.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import { SelectLimitError } from './errors.ts';
import type { SlicedJob } from './maintenance.ts';
import type { Querier } from './querier.ts';
import type { SeriesIndex } from './series-index.ts';
import type { Series } from './series.ts';
import type { StoreDb } from './store-db.ts';

export interface RollupSamples {
  readonly series: Series;
  readonly ts: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly count: Float64Array;
  readonly last: Float64Array;
}

/** One stored roll-up bucket, as the `rollups` table holds it. */
export interface RollupRow {
  ts: number;
  min: number | null;
  max: number | null;
  sum: number | null;
  count: number;
  last: number | null;
}

/** A bucket is rolled up this long after it ends, so samples a flush or two late still count. */
const ROLLUP_GRACE_MS = 60_000;

export class Rollups {
  /** Per resolution: buckets starting before this are rolled up and stored. */
  readonly done = new Map<number, number>();
  /** Buckets already rolled up that late samples landed in: key → [res, seriesId, bucket]. */
  private readonly late = new Map<string, [number, number, number]>();
  /** The series and finest bucket `markLate` marked last (while still in `late`). */
  private readonly lastLate = { id: -1, bucket: NaN };
  private readonly disk: StoreDb;
  private readonly index: SeriesIndex;
  private readonly querier: Querier;

  constructor(disk: StoreDb, index: SeriesIndex, querier: Querier) {
    this.disk = disk;
    this.index = index;
    this.querier = querier;
  }

  /** Roll-up progress from the database; a new database starts rolling up from now. */
  loadProgress(now: number): void {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const row = this.disk.db.prepare('SELECT value FROM meta WHERE key = ?').get(`rollup_done_${res}`) as { value: string } | undefined;
      const done = row ? Number(row.value) : Math.floor(now / res) * res;
      this.done.set(res, done);
      if (!row) this.disk.st.setMeta.run(`rollup_done_${res}`, String(done));
    }
  }

  /** A sample at `ts` landed in series `id`'s buckets, which may be rolled up already. */
  markLate(id: number, ts: number): void {
    // Imports mark sample after sample of one series in time order: one mark per bucket of the
    // finest roll-up (each coarser bucket holds whole finer ones) instead of a key per sample.
    const finest = Math.floor(ts / ROLLUP_RESOLUTIONS_MS[0]!);
    if (id === this.lastLate.id && finest === this.lastLate.bucket) return;
    this.lastLate.id = id;
    this.lastLate.bucket = finest;
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const bucket = Math.floor(ts / res) * res;
      this.late.set(`${res}:${id}:${bucket}`, [res, id, bucket]);
    }
  }

  get hasLate(): boolean {
    return this.late.size > 0;
  }

  /** Write the roll-ups of imported samples older than the raw retention (no raw data is kept
   * for them to be rolled up from). Runs inside the import's transaction. */
  writeImported(id: number, tsIn: ArrayLike<number>, valuesIn: ArrayLike<number>, old: readonly number[]): void {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const buckets = new Map<number, RollupRow>();
      for (const i of old) {
        const t = tsIn[i]!;
        const v = valuesIn[i]!;
        const b = Math.floor(t / res) * res;
        let r = buckets.get(b);
        if (!r) buckets.set(b, (r = { ts: b, min: null, max: null, sum: null, count: 0, last: null }));
        r.last = v;
        if (Number.isNaN(v)) continue;
        r.min = r.min === null ? v : Math.min(r.min, v);
        r.max = r.max === null ? v : Math.max(r.max, v);
        r.sum = (r.sum ?? 0) + v;
        r.count++;
      }
      for (const r of buckets.values()) this.disk.st.upsertRollup.run(res, id, r.ts, r.min, r.max, r.sum, r.count, nanToNull(r.last));
    }
  }

  /** Roll-ups of matching series at resolution `res` (one of ROLLUP_RESOLUTIONS_MS), buckets
   * starting in [from, to]. Buckets not rolled up yet are computed from raw samples. */
  selectRollup(matchers: readonly LabelMatcher[], res: number, from: number, to: number): RollupSamples[] {
    if (!ROLLUP_RESOLUTIONS_MS.includes(res)) throw new Error(`no roll-up at ${res} ms; there are ${ROLLUP_RESOLUTIONS_MS.join(', ')}`);
    const found = this.index.select(matchers);
    if (found.length > MAX_SELECT_SERIES) {
      throw new SelectLimitError(`the selector matches ${found.length} series; the limit is ${MAX_SELECT_SERIES}`, MAX_SELECT_SERIES);
    }
    const done = this.done.get(res) ?? 0;
    const out: RollupSamples[] = [];
    for (const s of found) {
      if (s.lastTs < from) continue;
      const rows = this.disk.st.readRollups.all(res, s.id, from, Math.min(to, done - 1)) as unknown as RollupRow[];
      const live = to >= done ? this.fromRaw(s, res, Math.max(from, done), to) : [];
      const all = rows.concat(live);
      if (all.length === 0) continue;
      const n = all.length;
      const r: RollupSamples = {
        series: s,
        ts: new Float64Array(n),
        min: new Float64Array(n),
        max: new Float64Array(n),
        sum: new Float64Array(n),
        count: new Float64Array(n),
        last: new Float64Array(n),
      };
      all.forEach((row, i) => {
        r.ts[i] = row.ts;
        r.min[i] = row.min ?? NaN;
        r.max[i] = row.max ?? NaN;
        r.sum[i] = row.sum ?? NaN;
        r.count[i] = row.count;
        r.last[i] = row.last ?? NaN;
      });
      out.push(r);
    }
    out.sort((a, b) => (a.series.key < b.series.key ? -1 : 1));
    return out;
  }

  /** Buckets of `res` starting in [from, to], computed from raw samples. */
  fromRaw(s: Series, res: number, from: number, to: number): RollupRow[] {
    const start = Math.floor(from / res) * res;
    const { ts, values } = this.querier.readRaw(s, start, Math.floor(to / res) * res + res - 1);
    const rows: RollupRow[] = [];
    let cur: RollupRow | null = null;
    for (let i = 0; i < ts.length; i++) {
      const bucket = Math.floor(ts[i]! / res) * res;
      if (!cur || cur.ts !== bucket) {
        cur = { ts: bucket, min: null, max: null, sum: null, count: 0, last: null };
        rows.push(cur);
      }
      const v = values[i]!;
      cur.last = v;
      if (Number.isNaN(v)) continue;
      cur.min = cur.min === null ? v : Math.min(cur.min, v);
      cur.max = cur.max === null ? v : Math.max(cur.max, v);
      cur.sum = (cur.sum ?? 0) + v;
      cur.count++;
    }
    return rows;
  }

  /** Roll one series up into buckets of `res` for [from, to). The finest resolution reads raw
   * samples; coarser ones combine the next finer roll-up. */
  private rollupSeries(res: number, id: number, from: number, to: number): void {
    const s = this.index.byId(id);
    if (!s || s.lastTs < from) return;
    const idx = ROLLUP_RESOLUTIONS_MS.indexOf(res);
    let rows: RollupRow[];
    if (idx === 0) rows = this.fromRaw(s, res, from, to - 1);
    else {
      const finer = this.disk.st.readRollups.all(ROLLUP_RESOLUTIONS_MS[idx - 1]!, id, from, to - 1) as unknown as RollupRow[];
      rows = [];
      let cur: RollupRow | null = null;
      for (const f of finer) {
        const bucket = Math.floor(f.ts / res) * res;
        if (!cur || cur.ts !== bucket) {
          cur = { ts: bucket, min: null, max: null, sum: null, count: 0, last: null };
          rows.push(cur);
        }
        cur.last = f.last;
        if (f.count === 0) continue;
        cur.min = cur.min === null ? f.min : Math.min(cur.min, f.min!);
        cur.max = cur.max === null ? f.max : Math.max(cur.max, f.max!);
        cur.sum = (cur.sum ?? 0) + f.sum!;
        cur.count += f.count;
      }
    }
    for (const r of rows) {
      if (r.ts < from || r.ts >= to) continue;
      this.disk.st.upsertRollup.run(res, id, r.ts, r.min, r.max, r.sum, r.count, nanToNull(r.last));
    }
  }

  rerollLate(): void {
    const late = [...this.late.values()].sort((a, b) => a[0] - b[0]);
    this.late.clear();
    this.lastLate.id = -1;
    this.disk.transaction(() => {
      for (const [res, id, bucket] of late) {
        if (bucket < (this.done.get(res) ?? 0)) this.rollupSeries(res, id, bucket, bucket + res);
      }
    });
  }

  /** The next roll-up job due at `now` (null when all are current): a resolution's buckets from
   * where it stands, at most a day ahead, once the finer resolution it combines has got there. */
  nextJob(now: number, ids: () => number[]): SlicedJob | null {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const done = this.done.get(res)!;
      const target = Math.floor((now - ROLLUP_GRACE_MS) / res) * res;
      if (target <= done) continue;
      // Catch up at most one day per job, so a long downtime is worked off in steps.
      const to = Math.min(target, done + 86_400_000);
      const finer = ROLLUP_RESOLUTIONS_MS[ROLLUP_RESOLUTIONS_MS.indexOf(res) - 1];
      if (finer !== undefined && (this.done.get(finer) ?? 0) < to) continue; // coarser waits for finer
      return {
        ids: ids(),
        pos: 0,
        run: (slice) => {
          for (const id of slice) this.rollupSeries(res, id, done, to);
        },
        done: () => {
          this.done.set(res, to);
          this.disk.st.setMeta.run(`rollup_done_${res}`, String(to));
        },
      };
    }
    return null;
  }
}

const nanToNull = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);
