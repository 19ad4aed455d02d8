// The head: series identity and the write path. `append` puts a sample in its series' open
// chunk and in the pending batch; `commit` (once per flush) writes the batch as one WAL record
// plus any chunks that closed and any new series, in one transaction. `importSamples` brings in
// history, straight to disk where it lies before what the series holds.

import { CHUNK_MAX_SAMPLES, MAX_OVERFLOW_SERIES, MAX_PENDING_SAMPLES_WHILE_FULL, MAX_SAMPLE_AGE_MS, MAX_SAMPLE_FUTURE_MS, ROLLUP_RESOLUTIONS_MS } from '../../../shared/limits.ts';
import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import { ChunkEncoder } from './chunk-codec.ts';
import { StoreWriteError } from './errors.ts';
import type { StoreOptions } from './options.ts';
import type { Rollups } from './rollups.ts';
import type { SeriesIndex } from './series-index.ts';
import { Series, type ClosedChunk } from './series.ts';
import { SeriesTable } from './series-table.ts';
import type { StoreDb } from './store-db.ts';
import { encodeWalRecord, type SampleBatch } from './wal-codec.ts';
import type { WalFeed } from './wal-feed.ts';

export type AppendResult = 'ok' | 'duplicate' | 'out_of_order' | 'too_old' | 'too_new' | 'store_disk_full';

/** Why `importSamples` refused a sample. */
export type ImportRefusal = 'duplicate_timestamp' | 'too_new' | 'out_of_order';

export interface HeadParts {
  disk: StoreDb;
  index: SeriesIndex;
  wal: WalFeed;
  rollups: Rollups;
  opts: StoreOptions;
  now: () => number;
}

export class Head {
  /** Where the store's series keep their numbers and open chunks (see series-table.ts). */
  readonly table = new SeriesTable();
  /** The id the next new series gets (recovery moves it past the stored ones). */
  nextId = 1;
  overflowCount = 0;
  /** How many distinct series were refused at the cap since start. */
  refused = 0;
  readonly stats = { lastCommitMs: 0, lastCommitSamples: 0 };
  private pending: SampleBatch = { ids: [], ts: [], values: [] };
  /** How many of `pending` were already handed to the feed by a commit that failed. */
  private pendingPublished = 0;
  private closedToPersist: Array<[Series, ClosedChunk]> = [];
  private newSeries: Series[] = [];
  private readonly disk: StoreDb;
  private readonly index: SeriesIndex;
  private readonly wal: WalFeed;
  private readonly rollups: Rollups;
  private readonly opts: StoreOptions;
  private readonly now: () => number;

  constructor(parts: HeadParts) {
    this.disk = parts.disk;
    this.index = parts.index;
    this.wal = parts.wal;
    this.rollups = parts.rollups;
    this.opts = parts.opts;
    this.now = parts.now;
  }

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
    // Kept for the life of the series: detached from the text they were parsed from, label pairs
    // other series hold shared with them. Without labels the key is the name: one string, not two.
    const kept = this.index.keptName(name);
    const s = new Series(this.nextId++, kept, this.index.keptLabels(labels), labels.length === 0 ? kept : key, this.table);
    this.index.add(s);
    this.newSeries.push(s);
    if (opts.overflow) this.overflowCount++;
    return s;
  }

  /** The series with this key, if there is one. */
  find(key: string): Series | undefined {
    return this.index.get(key);
  }

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
    if (this.disk.full && this.pending.ids.length >= MAX_PENDING_SAMPLES_WHILE_FULL) return 'store_disk_full';
    this.appendUnchecked(s, ts, value, true);
    if (!repeat && ts > s.lastInputTs) s.lastInputTs = ts;
    return 'ok';
  }

  /** Append without the checks (replay, import): `log` puts it in the pending batch. */
  appendUnchecked(s: Series, ts: number, value: number, log: boolean): void {
    if (s.openCount === 0) {
      s.openPersisted = 0;
      if (s.memFrom === Infinity) s.memFrom = ts;
    }
    const count = s.appendOpen(ts, value);
    if (ts < s.firstTs) s.firstTs = ts;
    if (!Object.is(value, s.lastValue)) s.lastChangeTs = ts;
    s.lastTs = ts;
    s.lastValue = value;
    if (count >= CHUNK_MAX_SAMPLES) {
      const chunk = s.closeOpen();
      s.addClosed(chunk);
      s.openPersisted = 0;
      this.closedToPersist.push([s, chunk]);
    }
    if (log) {
      this.pending.ids.push(s.id);
      this.pending.ts.push(ts);
      this.pending.values.push(value);
      const done = this.rollups.done.get(ROLLUP_RESOLUTIONS_MS[0]!) ?? Infinity;
      if (ts < done) this.rollups.markLate(s.id, ts);
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
      this.disk.transaction(() => {
        for (let k = 0; k < raw.length; k += CHUNK_MAX_SAMPLES) {
          const enc = new ChunkEncoder(64);
          for (const i of raw.slice(k, k + CHUNK_MAX_SAMPLES)) enc.append(tsIn[i]!, valuesIn[i]!);
          this.disk.st.insertChunk.run(s.id, enc.tMin, enc.tMax, enc.count, 0, enc.snapshot());
        }
        // Roll-ups: from the imported samples where raw data will not be kept, else recomputed
        // from raw by the late-bucket pass (which also merges with neighbouring stored data).
        this.rollups.writeImported(s.id, tsIn, valuesIn, before.filter((i) => tsIn[i]! < rawEdge));
      });
      if (raw.length > 0) {
        s.onDisk = true;
        for (const i of raw) this.rollups.markLate(s.id, tsIn[i]!);
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
      if (this.disk.full) {
        try {
          this.disk.transaction(() => this.disk.st.setMeta.run('write_probe_ms', String(this.now())));
        } catch (e) {
          throw new StoreWriteError(e as Error, fresh);
        }
      }
      return fresh;
    }
    const t0 = performance.now();
    const created = this.now();
    const seq = this.wal.seq + 1;
    try {
      this.disk.transaction(() => {
        for (const s of this.newSeries) {
          this.disk.st.insertSeries.run(s.id, s.key, s.name, JSON.stringify(s.labels), created);
        }
        if (batch.ids.length > 0) this.disk.st.insertWal.run(seq, encodeWalRecord(batch));
        for (const [s, c] of this.closedToPersist) this.disk.st.insertChunk.run(s.id, c.tMin, c.tMax, c.count, 0, c.bytes);
      });
    } catch (e) {
      this.pendingPublished = batch.ids.length;
      throw new StoreWriteError(e as Error, fresh);
    }
    if (batch.ids.length > 0) this.wal.seq = seq;
    for (const [s] of this.closedToPersist) s.onDisk = true;
    this.pending = { ids: [], ts: [], values: [] };
    this.pendingPublished = 0;
    this.newSeries = [];
    this.closedToPersist = [];
    this.stats.lastCommitMs = performance.now() - t0;
    this.stats.lastCommitSamples = batch.ids.length;
    return fresh;
  }

  /** Samples taken but not yet durable (held while writes fail). */
  get pendingSamples(): number {
    return this.pending.ids.length;
  }
}

/** The samples of `b` from index `from` on. */
function sliceBatch(b: SampleBatch, from: number): SampleBatch {
  return { ids: b.ids.slice(from), ts: b.ts.slice(from), values: b.values.slice(from) };
}
