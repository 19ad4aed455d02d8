// The embedded time-series store: a hot tier in memory (compressed chunks inside the hot window)
// and a durable tier in SQLite (closed chunks, a write-ahead log of each flush, roll-ups, events).
//
// Write path: `append` puts a sample in its series' open chunk and in the pending batch;
// `commit` (once per flush) writes the batch as one WAL record plus any chunks that closed, in one
// transaction. `maintain` does the rest in bounded slices so no flush stalls: checkpoints that
// let the WAL be trimmed, roll-ups, retention, and eviction from memory.
// Recovery: closed chunks and checkpointed open chunks are loaded, then the WAL is replayed.

import { mkdirSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  CHECKPOINT_INTERVAL_MS,
  CHECKPOINT_SERIES_PER_TICK,
  CHUNK_MAX_SAMPLES,
  MAX_OVERFLOW_SERIES,
  MAX_SAMPLE_AGE_MS,
  MAX_SAMPLE_FUTURE_MS,
  MAX_SELECT_POINTS,
  MAX_SELECT_SERIES,
  RETENTION_DELETE_BATCH_ROWS,
  ROLLUP_RESOLUTIONS_MS,
} from '../../../shared/limits.ts';
import type { LabelMatcher, LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_PENDING_SAMPLES_WHILE_FULL } from '../../../shared/limits.ts';
import { ChunkEncoder, decodeInto } from './chunk-codec.ts';
import { EventStore } from './events.ts';
import { describeOpenReport, openChecked, type OpenReport } from './integrity.ts';
import { SeriesIndex } from './series-index.ts';
import { Series, trimToRange, type ClosedChunk } from './series.ts';
import { decodeWalRecord, encodeWalRecord, walRecordCount, type SampleBatch } from './wal-codec.ts';

export interface RetentionOptions {
  rawMs: number;
  rollup5mMs: number;
  rollup1hMs: number;
  eventsMs: number;
}

export interface StoreOptions {
  /** Directory for `radiator.db`; created if missing. */
  dir: string;
  maxSeries: number;
  hotWindowMs: number;
  retention: RetentionOptions;
  checkpointIntervalMs?: number;
  now?: () => number;
  /** A damaged database is moved aside (`<file>.damaged-<time>`) and the store starts empty,
   * instead of StoreDamagedError being thrown. */
  repair?: boolean;
  /** Where what the open found (a damaged WAL, files moved aside) is reported. */
  log?: (line: string) => void;
}

export type AppendResult = 'ok' | 'duplicate' | 'out_of_order' | 'too_old' | 'too_new' | 'store_disk_full';

/** SQLite's result code for a full disk (or database size limit): SQLITE_FULL. */
const SQLITE_FULL = 13;
/** SQLite's result code for a failed read or write (what a full disk gives at open). */
const SQLITE_IOERR = 10;
/** At start, an I/O error with less free space than this is taken for a full disk. */
const START_MIN_FREE_BYTES = 1 << 20;

/** Nothing new can be made durable: the disk holding the store is full. `held`: samples taken
 * and kept in memory, written when space frees. */
export class StoreDiskFullError extends RadiatorError {
  readonly path: string;
  constructor(path: string, detail: string, atStart = false) {
    const then = atStart ? 'free space on it and start again' : 'free space on it: samples already taken are held in memory and written when space frees';
    super('STORE_DISK_FULL', `the disk holding the store ${path} is full (${detail}); ${then}`, {
      extra: { path, retryAfterSeconds: 30 },
    });
    this.path = path;
  }
}

/** Bytes free for this process on the file system holding `path` (null when unknown). */
export function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Whether an error from SQLite means the disk is full. */
export function isDiskFull(e: unknown): boolean {
  const err = e as { errcode?: number; message?: string } | null;
  return ((err?.errcode ?? 0) & 0xff) === SQLITE_FULL || /database or disk is full|SQLITE_FULL|ENOSPC/i.test(err?.message ?? '');
}

/** A commit that could not be made durable. The samples stay pending (retried at the next
 * commit); `batch` is what was appended since the feed was last given a batch, so the boards stay
 * live from memory. */
export class StoreWriteError extends Error {
  readonly batch: SampleBatch;
  override readonly cause: Error;
  constructor(cause: Error, batch: SampleBatch) {
    super(cause.message);
    this.name = 'StoreWriteError';
    this.cause = cause;
    this.batch = batch;
  }
}

/** Why `importSamples` refused a sample. */
export type ImportRefusal = 'duplicate_timestamp' | 'too_new' | 'out_of_order';

export interface SeriesSamples {
  readonly series: Series;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

export interface RollupSamples {
  readonly series: Series;
  readonly ts: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly count: Float64Array;
  readonly last: Float64Array;
}

export interface StoreStats {
  series: number;
  overflowSeries: number;
  refusedSeries: number;
  samplesInMemory: number;
  bytesInMemory: number;
  diskBytes: number;
  walRecords: number;
  /** WAL frames SQLite did not replay at start because they were damaged (0 when intact). */
  walFramesDroppedAtStart: number;
  lastCommitMs: number;
  lastCommitSamples: number;
}

/** A limit was hit while reading; the message says which. */
export class SelectLimitError extends Error {
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.name = 'SelectLimitError';
    this.limit = limit;
  }
}

const ROLLUP_GRACE_MS = 60_000;
const MAINTAIN_RETENTION_EVERY_MS = 60_000;

interface SlicedJob {
  ids: number[];
  pos: number;
  run(ids: number[]): void;
  done(): void;
}

export class Store {
  readonly index = new SeriesIndex();
  readonly events: EventStore;
  readonly file: string;
  /** What opening the database found: a damaged WAL, files moved aside by `repair`. */
  readonly openReport: OpenReport;
  private readonly db: DatabaseSync;
  private readonly opts: StoreOptions;
  private readonly now: () => number;
  private nextId = 1;
  private walSeq = 0;
  private overflowCount = 0;
  private refused = 0;
  private pending: SampleBatch = { ids: [], ts: [], values: [] };
  /** How many of `pending` were already handed to the feed by a commit that failed. */
  private pendingPublished = 0;
  /** Set while writes fail for a full disk; cleared by the next commit that succeeds. */
  private full: StoreDiskFullError | null = null;
  private closedToPersist: Array<[Series, ClosedChunk]> = [];
  private newSeries: Series[] = [];
  private lateBuckets = new Map<string, [number, number, number]>(); // key → [res, seriesId, bucket]
  private lastCheckpoint: number;
  private lastRetention = 0;
  private jobs: SlicedJob[] = [];
  private rollupDone = new Map<number, number>();
  private closedDb = false;
  /** Readers of the write-ahead log (remote write) that still need records after a position. */
  private walHolds = new Set<() => number>();
  private stats = { lastCommitMs: 0, lastCommitSamples: 0 };
  private readonly st: Record<
    | 'insertSeries'
    | 'insertChunk'
    | 'insertWal'
    | 'deleteWalUpTo'
    | 'readChunks'
    | 'upsertRollup'
    | 'readRollups'
    | 'setMeta'
    | 'countWal'
    | 'readWal'
    | 'walCounts',
    StatementSync
  >;

  constructor(opts: StoreOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    mkdirSync(opts.dir, { recursive: true });
    this.file = join(opts.dir, 'radiator.db');
    let opened: ReturnType<typeof openChecked>;
    try {
      opened = openChecked(this.file, { repair: opts.repair, now: this.now });
    } catch (e) {
      throw startFailure(e, this.file, opts.dir);
    }
    this.db = opened.db;
    this.openReport = opened.report;
    for (const line of describeOpenReport(this.file, opened.report)) (opts.log ?? console.warn)(line);
    this.events = new EventStore(this.db, this.now);
    this.st = {
      insertSeries: this.db.prepare('INSERT INTO series (id, key, name, labels, created_ms) VALUES (?, ?, ?, ?, ?)'),
      insertChunk: this.db.prepare(
        'INSERT OR REPLACE INTO chunks (series_id, t_min, t_max, n, open, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertWal: this.db.prepare('INSERT INTO wal (seq, data) VALUES (?, ?)'),
      deleteWalUpTo: this.db.prepare('DELETE FROM wal WHERE seq <= ?'),
      readChunks: this.db.prepare(
        'SELECT t_min, t_max, n, data FROM chunks WHERE series_id = ? AND t_max >= ? AND t_min <= ? AND t_min < ? ORDER BY t_min',
      ),
      upsertRollup: this.db.prepare(
        'INSERT OR REPLACE INTO rollups (res, series_id, ts, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      readRollups: this.db.prepare(
        'SELECT ts, min, max, sum, count, last FROM rollups WHERE res = ? AND series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts',
      ),
      setMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      countWal: this.db.prepare('SELECT count(*) AS n FROM wal'),
      readWal: this.db.prepare('SELECT seq, data FROM wal WHERE seq > ? ORDER BY seq LIMIT ?'),
      walCounts: this.db.prepare('SELECT substr(data, 1, 10) AS head FROM wal WHERE seq > ? ORDER BY seq'),
    };
    this.lastCheckpoint = this.now();
    try {
      this.recover();
    } catch (e) {
      this.db.close();
      throw startFailure(e, this.file, opts.dir);
    }
  }

  // ── identity ──────────────────────────────────────────────────────────────────────────

  /** The series for this identity, created if new. `labels` must be sorted and validated
   * (see `checkSeries`). Returns null when the series cap is reached; `overflow` series may use
   * a small reserve above the cap. */
  resolve(name: string, labels: LabelPairs, opts: { overflow?: boolean } = {}): Series | null {
    const key = seriesKey(name, labels);
    const found = this.index.get(key);
    if (found) return found;
    const limit = this.opts.maxSeries + (opts.overflow ? MAX_OVERFLOW_SERIES : 0);
    if (this.index.size >= limit) {
      if (!opts.overflow) this.refused++;
      return null;
    }
    const s = new Series(this.nextId++, name, labels, key);
    this.index.add(s);
    this.newSeries.push(s);
    if (opts.overflow) this.overflowCount++;
    return s;
  }

  /** How many distinct series were refused at the cap since start. */
  get refusedSeries(): number {
    return this.refused;
  }

  // ── writes ────────────────────────────────────────────────────────────────────────────

  /** `repeat`: the collector writing a held value again, not new input. */
  append(s: Series, ts: number, value: number, repeat = false): AppendResult {
    // The bounds first: a sample a month old is `too_old` whatever the series holds.
    const now = this.now();
    if (ts < now - MAX_SAMPLE_AGE_MS) return 'too_old';
    if (ts > now + MAX_SAMPLE_FUTURE_MS) return 'too_new';
    if (ts <= s.lastTs) {
      if (ts === s.lastTs && Object.is(value, s.lastValue)) return 'duplicate';
      return 'out_of_order';
    }
    // While the disk is full, samples wait in memory, up to a bound; past it they are refused.
    if (this.full && this.pending.ids.length >= MAX_PENDING_SAMPLES_WHILE_FULL) return 'store_disk_full';
    this.appendUnchecked(s, ts, value, true);
    if (!repeat && ts > s.lastInputTs) s.lastInputTs = ts;
    return 'ok';
  }

  /** The newest time input arrived for any series the matchers select (-Infinity for none). */
  lastInput(matchers: readonly LabelMatcher[]): number {
    let t = -Infinity;
    for (const s of this.index.select(matchers)) if (s.lastInputTs > t) t = s.lastInputTs;
    return t;
  }

  private appendUnchecked(s: Series, ts: number, value: number, log: boolean): void {
    let enc = s.open;
    if (!enc) {
      enc = s.open = new ChunkEncoder(16);
      s.openPersisted = 0;
      if (s.memFrom === Infinity) s.memFrom = ts;
    }
    enc.append(ts, value);
    if (ts < s.firstTs) s.firstTs = ts;
    if (!Object.is(value, s.lastValue)) s.lastChangeTs = ts;
    s.lastTs = ts;
    s.lastValue = value;
    if (enc.count >= CHUNK_MAX_SAMPLES) {
      const chunk: ClosedChunk = { tMin: enc.tMin, tMax: enc.tMax, count: enc.count, bytes: enc.snapshot() };
      s.closed.push(chunk);
      s.open = null;
      s.openPersisted = 0;
      this.closedToPersist.push([s, chunk]);
    }
    if (log) {
      this.pending.ids.push(s.id);
      this.pending.ts.push(ts);
      this.pending.values.push(value);
      const done = this.rollupDone.get(ROLLUP_RESOLUTIONS_MS[0]!) ?? Infinity;
      if (ts < done) this.markLate(s.id, ts);
    }
  }

  private markLate(id: number, ts: number): void {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const bucket = Math.floor(ts / res) * res;
      this.lateBuckets.set(`${res}:${id}:${bucket}`, [res, id, bucket]);
    }
  }

  /** Bring in history (`POST /api/v1/import`): samples before the series' oldest one are written
   * straight to disk as closed chunks (and rolled up), samples after its newest one are appended;
   * samples in between would interleave with stored data and are refused. Samples older than the
   * raw retention only feed the roll-ups. Input need not be sorted.
   * `weights`: how many input samples each point stands for (the ingest door folds samples of
   * series past the cap into one overflow point); counts are in those units. Refusals by reason:
   * `duplicate_timestamp` (a second value for one time), `too_new`, `out_of_order` (inside or at
   * the edge of the time already stored). */
  importSamples(
    s: Series,
    tsIn: ArrayLike<number>,
    valuesIn: ArrayLike<number>,
    weights?: ArrayLike<number>,
  ): { imported: number; refused: number; reasons: Map<ImportRefusal, number>; points: number } {
    const order = Array.from({ length: tsIn.length }, (_, i) => i).sort((a, b) => tsIn[a]! - tsIn[b]!);
    const now = this.now();
    const rawEdge = now - this.opts.retention.rawMs;
    const hotEdge = now - this.opts.hotWindowMs;
    const empty = s.lastTs === -Infinity;
    const before: number[] = [];
    const after: number[] = [];
    const w = (i: number) => (weights ? weights[i]! : 1);
    const reasons = new Map<ImportRefusal, number>();
    let refused = 0;
    const refuse = (i: number, why: ImportRefusal) => {
      refused += w(i);
      reasons.set(why, (reasons.get(why) ?? 0) + w(i));
    };
    let prev = -Infinity;
    for (const i of order) {
      const t = tsIn[i]!;
      if (t === prev) {
        refuse(i, 'duplicate_timestamp');
        continue;
      }
      prev = t;
      if (t > now + MAX_SAMPLE_FUTURE_MS) refuse(i, 'too_new');
      else if (empty ? t < hotEdge : t < s.firstTs) before.push(i);
      else if (t > s.lastTs && (!empty || t >= hotEdge)) after.push(i);
      else refuse(i, 'out_of_order');
    }
    if (before.length > 0) {
      // Straight to disk, in chunks, for the part still inside raw retention.
      const raw = before.filter((i) => tsIn[i]! >= rawEdge);
      this.transaction(() => {
        for (let k = 0; k < raw.length; k += CHUNK_MAX_SAMPLES) {
          const enc = new ChunkEncoder(64);
          for (const i of raw.slice(k, k + CHUNK_MAX_SAMPLES)) enc.append(tsIn[i]!, valuesIn[i]!);
          this.st.insertChunk.run(s.id, enc.tMin, enc.tMax, enc.count, 0, enc.snapshot());
        }
        // Roll-ups: from the imported samples where raw data will not be kept, else recomputed
        // from raw by the late-bucket pass (which also merges with neighbouring stored data).
        const old = before.filter((i) => tsIn[i]! < rawEdge);
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
          for (const r of buckets.values()) this.st.upsertRollup.run(res, s.id, r.ts, r.min, r.max, r.sum, r.count, nanToNull(r.last));
        }
      });
      if (raw.length > 0) {
        s.onDisk = true;
        for (const i of raw) this.markLate(s.id, tsIn[i]!);
      }
      s.firstTs = Math.min(s.firstTs, tsIn[before[0]!]!);
      if (empty) s.lastTs = Math.max(s.lastTs, tsIn[before[before.length - 1]!]!);
    }
    let imported = 0;
    let points = before.length;
    for (const i of before) imported += w(i);
    for (const i of after) {
      if (tsIn[i]! <= s.lastTs) {
        refuse(i, 'out_of_order');
        continue;
      }
      this.appendUnchecked(s, tsIn[i]!, valuesIn[i]!, true);
      imported += w(i);
      points++;
    }
    if (s.lastTs > s.lastInputTs) s.lastInputTs = s.lastTs;
    return { imported, refused, reasons, points };
  }

  /** Write what was appended since the last commit, durably. Returns what was appended since the
   * feed was last given a batch. When the write fails, nothing is lost: the samples stay pending
   * for the next commit, and a StoreWriteError carries the batch for the feed (a full disk also
   * sets `diskFull` until a commit succeeds). */
  commit(): SampleBatch {
    const batch = this.pending;
    const fresh = this.pendingPublished === 0 ? batch : sliceBatch(batch, this.pendingPublished);
    if (batch.ids.length === 0 && this.closedToPersist.length === 0 && this.newSeries.length === 0) {
      // Nothing to write, but a full disk is only known to have cleared by a write that succeeds.
      if (this.full) {
        try {
          this.transaction(() => this.st.setMeta.run('write_probe_ms', String(this.now())));
        } catch (e) {
          throw new StoreWriteError(e as Error, fresh);
        }
      }
      return fresh;
    }
    const t0 = performance.now();
    const created = this.now();
    const seq = this.walSeq + 1;
    try {
      this.transaction(() => {
        for (const s of this.newSeries) {
          this.st.insertSeries.run(s.id, s.key, s.name, JSON.stringify(s.labels), created);
        }
        if (batch.ids.length > 0) this.st.insertWal.run(seq, encodeWalRecord(batch));
        for (const [s, c] of this.closedToPersist) this.st.insertChunk.run(s.id, c.tMin, c.tMax, c.count, 0, c.bytes);
      });
    } catch (e) {
      this.pendingPublished = batch.ids.length;
      throw new StoreWriteError(e as Error, fresh);
    }
    if (batch.ids.length > 0) this.walSeq = seq;
    for (const [s] of this.closedToPersist) s.onDisk = true;
    this.pending = { ids: [], ts: [], values: [] };
    this.pendingPublished = 0;
    this.newSeries = [];
    this.closedToPersist = [];
    this.stats.lastCommitMs = performance.now() - t0;
    this.stats.lastCommitSamples = batch.ids.length;
    return fresh;
  }

  /** Set while the disk holding the store is full: what receivers answer until it clears. */
  get diskFull(): StoreDiskFullError | null {
    return this.full;
  }

  /** Samples taken but not yet durable (held while writes fail). */
  get pendingSamples(): number {
    return this.pending.ids.length;
  }

  /** Runs `fn` in one transaction. SQLite rolls a transaction back itself when the disk fills
   * (SQLITE_FULL), so ROLLBACK is only sent while one is still open; a full disk is reported as
   * such (StoreDiskFullError) and remembered until a transaction succeeds. */
  private transaction(fn: () => void): void {
    this.db.exec('BEGIN');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // The original error says what went wrong.
        }
      }
      if (isDiskFull(e)) {
        const free = freeBytes(this.opts.dir);
        this.full = new StoreDiskFullError(this.file, free === null ? 'SQLite: database or disk is full' : `${free} bytes free`);
        throw this.full;
      }
      throw e;
    }
    this.full = null;
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────

  /** Raw samples of one series with from <= ts <= to, from memory and, where older, disk. */
  readRaw(s: Series, from: number, to: number): { ts: Float64Array; values: Float64Array } {
    if (to < from) return { ts: new Float64Array(0), values: new Float64Array(0) };
    const mem = to >= s.memFrom ? s.readMemory(Math.max(from, s.memFrom), to) : null;
    if (from >= s.memFrom || !s.onDisk) return mem ?? { ts: new Float64Array(0), values: new Float64Array(0) };
    const rows = this.st.readChunks.all(s.id, from, to, s.memFrom) as Array<{ t_min: number; t_max: number; n: number; data: Uint8Array }>;
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
    const rows = this.st.readRollups.all(res, s.id, from - res, to - res) as unknown as RollupRow[];
    const out: Array<{ ts: number; last: number | null }> = [];
    for (const row of rows) {
      const end = row.ts + res;
      if (end >= from && end < to) out.push({ ts: end, last: row.last });
    }
    return out;
  }

  /** Roll-ups of matching series at resolution `res` (one of ROLLUP_RESOLUTIONS_MS), buckets
   * starting in [from, to]. Buckets not rolled up yet are computed from raw samples. */
  selectRollup(matchers: readonly LabelMatcher[], res: number, from: number, to: number): RollupSamples[] {
    if (!ROLLUP_RESOLUTIONS_MS.includes(res)) throw new Error(`no roll-up at ${res} ms; there are ${ROLLUP_RESOLUTIONS_MS.join(', ')}`);
    const found = this.index.select(matchers);
    if (found.length > MAX_SELECT_SERIES) {
      throw new SelectLimitError(`the selector matches ${found.length} series; the limit is ${MAX_SELECT_SERIES}`, MAX_SELECT_SERIES);
    }
    const done = this.rollupDone.get(res) ?? 0;
    const out: RollupSamples[] = [];
    for (const s of found) {
      if (s.lastTs < from) continue;
      const rows = this.st.readRollups.all(res, s.id, from, Math.min(to, done - 1)) as unknown as RollupRow[];
      const live = to >= done ? this.rollupFromRaw(s, res, Math.max(from, done), to) : [];
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
  private rollupFromRaw(s: Series, res: number, from: number, to: number): RollupRow[] {
    const start = Math.floor(from / res) * res;
    const { ts, values } = this.readRaw(s, start, Math.floor(to / res) * res + res - 1);
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

  // ── maintenance ───────────────────────────────────────────────────────────────────────

  /** Call once per flush, after `commit`. Does at most one slice of background work. */
  maintain(): void {
    const now = this.now();
    if (this.jobs.length === 0) {
      if (now - this.lastCheckpoint >= (this.opts.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS)) this.startCheckpoint();
      else if (this.lateBuckets.size > 0) this.rerollLate();
      else this.startRollups(now);
    }
    const job = this.jobs[0];
    if (job) {
      const slice = job.ids.slice(job.pos, job.pos + CHECKPOINT_SERIES_PER_TICK);
      job.pos += slice.length;
      this.transaction(() => job.run(slice));
      if (job.pos >= job.ids.length) {
        this.jobs.shift();
        job.done();
      }
    }
    if (now - this.lastRetention >= MAINTAIN_RETENTION_EVERY_MS) {
      this.lastRetention = now;
      this.applyRetention(now);
      this.evictFromMemory(now);
    }
  }

  private allIds(): number[] {
    const ids: number[] = [];
    for (const s of this.index.all()) ids.push(s.id);
    return ids;
  }

  /** Write every open chunk that has unsaved samples, then trim the WAL up to where it stood
   * when the checkpoint began: every sample logged before then is now in a chunk on disk. */
  private startCheckpoint(): void {
    this.commit();
    const upTo = this.walSeq;
    this.lastCheckpoint = this.now();
    this.jobs.push({
      ids: this.allIds(),
      pos: 0,
      run: (ids) => {
        for (const id of ids) {
          const s = this.index.byId(id);
          const o = s?.open;
          if (!s || !o || o.count === s.openPersisted) continue;
          this.st.insertChunk.run(s.id, o.tMin, o.tMax, o.count, 1, o.snapshot());
          s.openPersisted = o.count;
          s.onDisk = true;
        }
      },
      done: () => {
        // Chunks that closed since the checkpoint began are persisted by commit().
        this.commit();
        // Recovery replays only what follows this; records a reader still holds stay for it.
        this.st.setMeta.run('wal_checkpoint_seq', String(upTo));
        this.st.deleteWalUpTo.run(Math.min(upTo, this.walFloor()));
      },
    });
  }

  private startRollups(now: number): void {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const done = this.rollupDone.get(res)!;
      const target = Math.floor((now - ROLLUP_GRACE_MS) / res) * res;
      if (target <= done) continue;
      // Catch up at most one day per job, so a long downtime is worked off in steps.
      const to = Math.min(target, done + 86_400_000);
      const finer = ROLLUP_RESOLUTIONS_MS[ROLLUP_RESOLUTIONS_MS.indexOf(res) - 1];
      if (finer !== undefined && (this.rollupDone.get(finer) ?? 0) < to) continue; // coarser waits for finer
      this.jobs.push({
        ids: this.allIds(),
        pos: 0,
        run: (ids) => {
          for (const id of ids) this.rollupSeries(res, id, done, to);
        },
        done: () => {
          this.rollupDone.set(res, to);
          this.st.setMeta.run(`rollup_done_${res}`, String(to));
        },
      });
      return;
    }
  }

  /** Roll one series up into buckets of `res` for [from, to). The finest resolution reads raw
   * samples; coarser ones combine the next finer roll-up. */
  private rollupSeries(res: number, id: number, from: number, to: number): void {
    const s = this.index.byId(id);
    if (!s || s.lastTs < from) return;
    const idx = ROLLUP_RESOLUTIONS_MS.indexOf(res);
    let rows: RollupRow[];
    if (idx === 0) rows = this.rollupFromRaw(s, res, from, to - 1);
    else {
      const finer = this.st.readRollups.all(ROLLUP_RESOLUTIONS_MS[idx - 1]!, id, from, to - 1) as unknown as RollupRow[];
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
      this.st.upsertRollup.run(res, id, r.ts, r.min, r.max, r.sum, r.count, nanToNull(r.last));
    }
  }

  private rerollLate(): void {
    const late = [...this.lateBuckets.values()].sort((a, b) => a[0] - b[0]);
    this.lateBuckets.clear();
    this.transaction(() => {
      for (const [res, id, bucket] of late) {
        if (bucket < (this.rollupDone.get(res) ?? 0)) this.rollupSeries(res, id, bucket, bucket + res);
      }
    });
  }

  private applyRetention(now: number): void {
    const r = this.opts.retention;
    const del = (sql: string, ...args: number[]) => this.db.prepare(sql).run(...args);
    const n = RETENTION_DELETE_BATCH_ROWS;
    this.transaction(() => {
      del(
        `DELETE FROM chunks WHERE (series_id, t_min) IN (SELECT series_id, t_min FROM chunks WHERE t_max < ? AND open = 0 LIMIT ${n})`,
        now - r.rawMs,
      );
      const [r5, r1h] = ROLLUP_RESOLUTIONS_MS;
      del(
        `DELETE FROM rollups WHERE (res, series_id, ts) IN (SELECT res, series_id, ts FROM rollups WHERE res = ? AND ts < ? LIMIT ${n})`,
        r5!,
        now - r.rollup5mMs,
      );
      del(
        `DELETE FROM rollups WHERE (res, series_id, ts) IN (SELECT res, series_id, ts FROM rollups WHERE res = ? AND ts < ? LIMIT ${n})`,
        r1h!,
        now - r.rollup1hMs,
      );
      this.events.deleteBefore(now - r.eventsMs, n);
    });
  }

  /** Closed chunks that left the hot window are dropped from memory (they are on disk). */
  private evictFromMemory(now: number): void {
    const edge = now - this.opts.hotWindowMs;
    for (const s of this.index.all()) {
      if (s.closed.length === 0 || s.closed[0]!.tMax >= edge) continue;
      let k = 0;
      while (k < s.closed.length && s.closed[k]!.tMax < edge) k++;
      s.closed = s.closed.slice(k);
      s.memFrom = s.closed[0]?.tMin ?? s.open?.tMin ?? Infinity;
    }
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────

  private recover(): void {
    const now = this.now();
    for (const row of this.db.prepare('SELECT id, key, name, labels FROM series ORDER BY id').iterate() as Iterable<{
      id: number;
      key: string;
      name: string;
      labels: string;
    }>) {
      const labels = JSON.parse(row.labels) as Array<[string, string]>;
      const s = new Series(row.id, row.name, labels, row.key);
      this.index.add(s);
      this.nextId = Math.max(this.nextId, row.id + 1);
    }
    // Last sample time of every series with data on disk (to keep appends in order).
    for (const row of this.db.prepare('SELECT series_id, min(t_min) AS f, max(t_max) AS t FROM chunks GROUP BY series_id').iterate() as Iterable<{
      series_id: number;
      f: number;
      t: number;
    }>) {
      const s = this.index.byId(row.series_id);
      if (s) {
        s.firstTs = row.f;
        s.lastTs = row.t;
        s.onDisk = true;
      }
    }
    const hotEdge = now - this.opts.hotWindowMs;
    const rows = this.db
      .prepare('SELECT series_id, t_min, t_max, n, open, data FROM chunks WHERE t_max >= ? OR open = 1 ORDER BY series_id, t_min')
      .iterate(hotEdge) as Iterable<{ series_id: number; t_min: number; t_max: number; n: number; open: number; data: Uint8Array }>;
    for (const r of rows) {
      const s = this.index.byId(r.series_id);
      if (!s) continue;
      if (r.open === 1 && r.t_max >= s.lastTs) {
        s.open = ChunkEncoder.from(r.data, r.n);
        s.openPersisted = r.n;
      } else {
        // A checkpointed open chunk that a later chunk superseded is closed in effect.
        s.closed.push({ tMin: r.t_min, tMax: r.t_max, count: r.n, bytes: r.data });
      }
      s.memFrom = Math.min(s.memFrom, r.t_min);
    }
    for (const s of this.index.all()) {
      // lastValue feeds duplicate detection; take it from the newest chunk in memory.
      const last = s.open ?? null;
      if (last && last.count > 0) {
        const { values } = s.readMemory(last.tMax, last.tMax);
        s.lastValue = values[values.length - 1] ?? NaN;
        s.lastChangeTs = last.tMax;
      } else if (s.closed.length > 0) {
        const c = s.closed[s.closed.length - 1]!;
        const { values } = s.readMemory(c.tMax, c.tMax);
        s.lastValue = values[values.length - 1] ?? NaN;
        s.lastChangeTs = c.tMax;
      }
    }
    // Replay the write-ahead log over what the chunks hold: the records after the last checkpoint
    // (older ones kept for a remote-write reader are in chunks already).
    const cp = this.db.prepare("SELECT value FROM meta WHERE key = 'wal_checkpoint_seq'").get() as { value: string } | undefined;
    const checkpointSeq = cp ? Number(cp.value) : 0;
    // Sequence numbers never go back, even when the log was trimmed empty: readers keep positions.
    let maxSeq = checkpointSeq;
    for (const row of this.db.prepare('SELECT seq, data FROM wal WHERE seq > ? ORDER BY seq').iterate(checkpointSeq) as Iterable<{ seq: number; data: Uint8Array }>) {
      maxSeq = row.seq;
      let batch: SampleBatch;
      try {
        batch = decodeWalRecord(row.data);
      } catch {
        continue; // a torn record cannot be committed, but be safe
      }
      for (let i = 0; i < batch.ids.length; i++) {
        const s = this.index.byId(batch.ids[i]!);
        if (!s || batch.ts[i]! <= s.lastTs) continue;
        this.appendUnchecked(s, batch.ts[i]!, batch.values[i]!, false);
      }
    }
    const last = this.db.prepare('SELECT max(seq) AS m FROM wal').get() as { m: number | null };
    this.walSeq = Math.max(maxSeq, last.m ?? 0);
    // Which stored samples were input and which repeats is not on disk: count the newest as input
    // (a sender that had stopped shows as stale once the screen's max age passes after a restart).
    for (const s of this.index.all()) s.lastInputTs = s.lastTs;
    // Chunks that closed during replay must reach disk before the WAL is trimmed.
    this.commit();
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(`rollup_done_${res}`) as { value: string } | undefined;
      const done = row ? Number(row.value) : Math.floor(now / res) * res;
      this.rollupDone.set(res, done);
      if (!row) this.st.setMeta.run(`rollup_done_${res}`, String(done));
    }
    if (maxSeq > checkpointSeq) this.lastCheckpoint = 0; // checkpoint soon so the replayed log can go
  }

  // ── the write-ahead log as a feed (remote write reads what was durably appended) ─────────

  /** The sequence number of the last committed WAL record (0 before the first). Records are
   * numbered in commit order and numbers never go back, across restarts too. */
  get walPosition(): number {
    return this.walSeq;
  }

  /** Keep WAL records after `floor()` from being trimmed at checkpoints (they are trimmed as the
   * floor moves up). Returns the release. */
  holdWal(floor: () => number): () => void {
    this.walHolds.add(floor);
    return () => void this.walHolds.delete(floor);
  }

  private walFloor(): number {
    let f = Infinity;
    for (const h of this.walHolds) f = Math.min(f, h());
    return f;
  }

  /** Committed records after `after`, in commit order: whole records until at least `maxSamples`
   * samples (at least one record, at most `maxRecords`). Records a checkpoint trimmed are gone;
   * hold them with `holdWal`. */
  readWal(after: number, maxSamples: number, maxRecords = 256): Array<{ seq: number; batch: SampleBatch }> {
    const out: Array<{ seq: number; batch: SampleBatch }> = [];
    let n = 0;
    for (const row of this.st.readWal.all(after, maxRecords) as Array<{ seq: number; data: Uint8Array }>) {
      let batch: SampleBatch;
      try {
        batch = decodeWalRecord(row.data);
      } catch {
        batch = { ids: [], ts: [], values: [] };
      }
      out.push({ seq: row.seq, batch });
      n += batch.ids.length;
      if (n >= maxSamples) break;
    }
    return out;
  }

  /** Samples in the committed records after `after` (reads only each record's count). */
  walSamplesAfter(after: number): number {
    let n = 0;
    for (const row of this.st.walCounts.iterate(after) as Iterable<{ head: Uint8Array }>) n += walRecordCount(row.head);
    return n;
  }

  // ── small durable state ────────────────────────────────────────────────────────────────

  /** JSON values by namespace and key (silences, acknowledgements). */
  kvList<T>(ns: string): Array<[string, T]> {
    return (this.db.prepare('SELECT key, value FROM kv WHERE ns = ? ORDER BY key').all(ns) as Array<{ key: string; value: string }>).map((r) => [r.key, JSON.parse(r.value) as T]);
  }

  kvSet(ns: string, key: string, value: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?, ?, ?)').run(ns, key, JSON.stringify(value));
  }

  kvDelete(ns: string, key: string): void {
    this.db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?').run(ns, key);
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────

  getStats(): StoreStats {
    let samples = 0;
    let bytes = 0;
    for (const s of this.index.all()) {
      samples += s.sampleCountInMemory;
      bytes += s.bytesInMemory;
    }
    let disk = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        disk += statSync(this.file + suffix).size;
      } catch {
        /* absent */
      }
    }
    const wal = this.st.countWal.get() as { n: number };
    return {
      series: this.index.size,
      overflowSeries: this.overflowCount,
      refusedSeries: this.refused,
      samplesInMemory: samples,
      bytesInMemory: bytes,
      diskBytes: disk,
      walRecords: wal.n,
      walFramesDroppedAtStart: this.openReport.wal?.droppedFrames ?? 0,
      lastCommitMs: this.stats.lastCommitMs,
      lastCommitSamples: this.stats.lastCommitSamples,
    };
  }

  /** Commit what is pending and close the database. Idempotent. */
  close(): void {
    if (this.closedDb) return;
    this.closedDb = true;
    try {
      this.commit();
    } finally {
      this.db.close();
    }
  }
}

interface RollupRow {
  ts: number;
  min: number | null;
  max: number | null;
  sum: number | null;
  count: number;
  last: number | null;
}

/** What opening the store failed for: a full disk named as such (SQLite says "disk I/O error"
 * when it cannot grow the WAL or its index on a full disk), anything else as it was. */
function startFailure(e: unknown, file: string, dir: string): unknown {
  if (e instanceof RadiatorError) return e;
  const free = freeBytes(dir);
  // Extended codes keep the primary one in the low byte (4874 is SQLITE_IOERR_SHMSIZE).
  const ioError = (((e as { errcode?: number } | null)?.errcode ?? 0) & 0xff) === SQLITE_IOERR;
  if (isDiskFull(e) || (ioError && free !== null && free < START_MIN_FREE_BYTES)) {
    return new StoreDiskFullError(file, free === null ? 'SQLite: database or disk is full' : `${free} bytes free`, true);
  }
  return e;
}

/** The samples of `b` from index `from` on. */
function sliceBatch(b: SampleBatch, from: number): SampleBatch {
  return { ids: b.ids.slice(from), ts: b.ts.slice(from), values: b.values.slice(from) };
}

const nanToNull = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);
