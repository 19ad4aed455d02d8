// The embedded time-series store: a hot tier in memory (compressed chunks inside the hot window)
// and a durable tier in SQLite (closed chunks, a write-ahead log of each flush, roll-ups, events).
// This class is the facade; each part lives in its own module:
//
// - head.ts: series identity and the write path — `append` puts a sample in its series' open
//   chunk and in the pending batch; `commit` (once per flush) writes the batch as one WAL record
//   plus any chunks that closed, in one transaction; `importSamples` brings in history.
// - querier.ts: reads — raw samples from memory and disk, selections by matchers.
// - rollups.ts: roll-up buckets, computed in the background and read for long ranges.
// - maintenance.ts: `maintain` does the background work in bounded slices so no flush stalls:
//   checkpoints that let the WAL be trimmed, roll-ups, retention, and eviction from memory.
// - recovery.ts: at open, closed chunks and checkpointed open chunks are loaded, then the WAL is
//   replayed.
// - wal-feed.ts: the WAL read as a feed (remote write); kv.ts: small durable state.
// - store-db.ts: the SQLite statements and transactions they share; errors.ts: what fails.

import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelMatcher, LabelPairs } from '../../../shared/model.ts';
import { startFailure, type StoreDiskFullError } from './errors.ts';
import { EventStore } from './events.ts';
import { Head, type AppendResult, type ImportRefusal } from './head.ts';
import { describeOpenReport, openChecked, type OpenReport } from './integrity.ts';
import { KeyValueStore } from './kv.ts';
import { Maintenance } from './maintenance.ts';
import type { StoreOptions } from './options.ts';
import { Querier, type SeriesSamples } from './querier.ts';
import { recover } from './recovery.ts';
import { Rollups, type RollupSamples } from './rollups.ts';
import { SeriesIndex } from './series-index.ts';
import type { Series } from './series.ts';
import { StoreDb } from './store-db.ts';
import type { SampleBatch } from './wal-codec.ts';
import { WalFeed } from './wal-feed.ts';

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

export class Store {
  readonly index = new SeriesIndex();
  readonly events: EventStore;
  readonly file: string;
  /** What opening the database found: a damaged WAL, files moved aside by `repair`. */
  readonly openReport: OpenReport;
  private readonly disk: StoreDb;
  private readonly head: Head;
  private readonly querier: Querier;
  private readonly rollups: Rollups;
  private readonly maintenance: Maintenance;
  private readonly wal: WalFeed;
  private readonly kv: KeyValueStore;
  private closedDb = false;

  constructor(opts: StoreOptions) {
    const now = opts.now ?? Date.now;
    mkdirSync(opts.dir, { recursive: true });
    this.file = join(opts.dir, 'radiator.db');
    let opened: ReturnType<typeof openChecked>;
    try {
      opened = openChecked(this.file, { repair: opts.repair, now });
    } catch (e) {
      throw startFailure(e, this.file, opts.dir);
    }
    this.openReport = opened.report;
    for (const line of describeOpenReport(this.file, opened.report)) (opts.log ?? console.warn)(line);
    this.events = new EventStore(opened.db, now);
    const disk = (this.disk = new StoreDb(opened.db, this.file, opts.dir));
    const index = this.index;
    const wal = (this.wal = new WalFeed(disk));
    const querier = (this.querier = new Querier(disk, index, opts, now));
    const rollups = (this.rollups = new Rollups(disk, index, querier));
    const head = (this.head = new Head({ disk, index, wal, rollups, opts, now }));
    const maintenance = (this.maintenance = new Maintenance({ disk, index, events: this.events, head, wal, rollups, opts, now }));
    this.kv = new KeyValueStore(opened.db);
    try {
      recover({ disk, index, head, wal, rollups, maintenance, opts, now });
    } catch (e) {
      opened.db.close();
      throw startFailure(e, this.file, opts.dir);
    }
  }

  // ── identity ──────────────────────────────────────────────────────────────────────────

  /** The series for this identity, created if new. `labels` must be sorted and validated
   * (see `checkSeries`). Returns null when the series cap is reached; `overflow` series may use
   * a small reserve above the cap. */
  resolve(name: string, labels: LabelPairs, opts: { overflow?: boolean } = {}): Series | null {
    return this.head.resolve(name, labels, opts);
  }

  /** The series with this key (`seriesKey(name, labels)`), if there is one; never makes one. */
  find(key: string): Series | undefined {
    return this.head.find(key);
  }

  /** How many distinct series were refused at the cap since start. */
  get refusedSeries(): number {
    return this.head.refused;
  }

  // ── writes ────────────────────────────────────────────────────────────────────────────

  /** `repeat`: the collector writing a held value again, not new input. */
  append(s: Series, ts: number, value: number, repeat = false): AppendResult {
    return this.head.append(s, ts, value, repeat);
  }

  /** Bring in history (`POST /api/v1/import`); see Head.importSamples. */
  importSamples(
    s: Series,
    tsIn: ArrayLike<number>,
    valuesIn: ArrayLike<number>,
    weights?: ArrayLike<number>,
  ): { imported: number; refused: number; reasons: Map<ImportRefusal, number>; points: number } {
    return this.head.importSamples(s, tsIn, valuesIn, weights);
  }

  /** Write what was appended since the last commit, durably; see Head.commit. */
  commit(): SampleBatch {
    return this.head.commit();
  }

  /** Set while the disk holding the store is full: what receivers answer until it clears. */
  get diskFull(): StoreDiskFullError | null {
    return this.disk.full;
  }

  /** Samples taken but not yet durable (held while writes fail). */
  get pendingSamples(): number {
    return this.head.pendingSamples;
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────

  /** The newest time input arrived for any series the matchers select (-Infinity for none). */
  lastInput(matchers: readonly LabelMatcher[]): number {
    return this.querier.lastInput(matchers);
  }

  /** Raw samples of one series with from <= ts <= to, from memory and, where older, disk. */
  readRaw(s: Series, from: number, to: number): { ts: Float64Array; values: Float64Array } {
    return this.querier.readRaw(s, from, to);
  }

  /** Samples of every matching series in [from, to], bounded by MAX_SELECT_SERIES and
   * MAX_SELECT_POINTS; see Querier.select. */
  select(matchers: readonly LabelMatcher[], from: number, to: number): SeriesSamples[] {
    return this.querier.select(matchers, from, to);
  }

  /** As `select`, one series at a time and without a count limit; see Querier.selectEach. */
  selectEach(matchers: readonly LabelMatcher[], from: number, to: number, opts?: { reuse?: boolean; newest?: boolean }): Generator<SeriesSamples> {
    return this.querier.selectEach(matchers, from, to, opts);
  }

  /** Roll-ups of matching series at resolution `res` (one of ROLLUP_RESOLUTIONS_MS), buckets
   * starting in [from, to]. Buckets not rolled up yet are computed from raw samples. */
  selectRollup(matchers: readonly LabelMatcher[], res: number, from: number, to: number): RollupSamples[] {
    return this.rollups.selectRollup(matchers, res, from, to);
  }

  // ── maintenance ───────────────────────────────────────────────────────────────────────

  /** Call once per flush, after `commit`. Does at most one slice of background work. */
  maintain(): void {
    this.maintenance.maintain();
  }

  // ── the write-ahead log as a feed (remote write reads what was durably appended) ─────────

  /** The sequence number of the last committed WAL record (0 before the first). Records are
   * numbered in commit order and numbers never go back, across restarts too. */
  get walPosition(): number {
    return this.wal.seq;
  }

  /** Keep WAL records after `floor()` from being trimmed at checkpoints (they are trimmed as the
   * floor moves up). Returns the release. */
  holdWal(floor: () => number): () => void {
    return this.wal.hold(floor);
  }

  /** Committed records after `after`, in commit order: whole records until at least `maxSamples`
   * samples (at least one record, at most `maxRecords`). Records a checkpoint trimmed are gone;
   * hold them with `holdWal`. */
  readWal(after: number, maxSamples: number, maxRecords = 256): Array<{ seq: number; batch: SampleBatch }> {
    return this.wal.read(after, maxSamples, maxRecords);
  }

  /** Samples in the committed records after `after` (reads only each record's count). */
  walSamplesAfter(after: number): number {
    return this.wal.samplesAfter(after);
  }

  // ── small durable state ────────────────────────────────────────────────────────────────

  /** JSON values by namespace and key (silences, acknowledgements). */
  kvList<T>(ns: string): Array<[string, T]> {
    return this.kv.list<T>(ns);
  }

  kvSet(ns: string, key: string, value: unknown): void {
    this.kv.set(ns, key, value);
  }

  kvDelete(ns: string, key: string): void {
    this.kv.delete(ns, key);
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────

  getStats(): StoreStats {
    let samples = 0;
    let bytes = 0;
    this.index.forEach((s) => {
      samples += s.sampleCountInMemory;
      bytes += s.bytesInMemory;
    });
    let disk = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        disk += statSync(this.file + suffix).size;
      } catch {
        /* absent */
      }
    }
    const wal = this.disk.st.countWal.get() as { n: number };
    return {
      series: this.index.size,
      overflowSeries: this.head.overflowCount,
      refusedSeries: this.head.refused,
      samplesInMemory: samples,
      bytesInMemory: bytes,
      diskBytes: disk,
      walRecords: wal.n,
      walFramesDroppedAtStart: this.openReport.wal?.droppedFrames ?? 0,
      lastCommitMs: this.head.stats.lastCommitMs,
      lastCommitSamples: this.head.stats.lastCommitSamples,
    };
  }

  /** Commit what is pending and close the database. Idempotent. */
  close(): void {
    if (this.closedDb) return;
    this.closedDb = true;
    try {
      this.commit();
    } finally {
      this.disk.db.close();
    }
  }
}
