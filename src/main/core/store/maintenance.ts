// Background work, a bounded slice per flush so no flush stalls: checkpoints (open chunks
// written out so the write-ahead log can be trimmed), roll-ups, retention, and eviction from
// memory of chunks that left the hot window.

import { CHECKPOINT_INTERVAL_MS, CHECKPOINT_SERIES_PER_TICK, RETENTION_DELETE_BATCH_ROWS, ROLLUP_RESOLUTIONS_MS } from '../../../shared/limits.ts';
import type { EventStore } from './events.ts';
import type { Head } from './head.ts';
import type { StoreOptions } from './options.ts';
import type { Rollups } from './rollups.ts';
import { NO_CHUNKS } from './series.ts';
import type { SeriesIndex } from './series-index.ts';
import type { StoreDb } from './store-db.ts';
import type { WalFeed } from './wal-feed.ts';

const MAINTAIN_RETENTION_EVERY_MS = 60_000;

/** Work over every series, done a slice of series at a time. */
export interface SlicedJob {
  ids: number[];
  pos: number;
  run(ids: number[]): void;
  done(): void;
}

export interface MaintenanceParts {
  disk: StoreDb;
  index: SeriesIndex;
  events: EventStore;
  head: Head;
  wal: WalFeed;
  rollups: Rollups;
  opts: StoreOptions;
  now: () => number;
}

export class Maintenance {
  /** When the last checkpoint began (0: one is due). */
  lastCheckpoint: number;
  private lastRetention = 0;
  private jobs: SlicedJob[] = [];
  private readonly p: MaintenanceParts;

  constructor(parts: MaintenanceParts) {
    this.p = parts;
    this.lastCheckpoint = parts.now();
  }

  /** Call once per flush, after `commit`. Does at most one slice of background work. */
  maintain(): void {
    const now = this.p.now();
    if (this.jobs.length === 0) {
      if (now - this.lastCheckpoint >= (this.p.opts.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS)) this.startCheckpoint();
      else if (this.p.rollups.hasLate) this.p.rollups.rerollLate();
      else {
        const next = this.p.rollups.nextJob(now, () => this.allIds());
        if (next) this.jobs.push(next);
      }
    }
    const job = this.jobs[0];
    if (job) {
      const slice = job.ids.slice(job.pos, job.pos + CHECKPOINT_SERIES_PER_TICK);
      job.pos += slice.length;
      this.p.disk.transaction(() => job.run(slice));
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
    for (const s of this.p.index.all()) ids.push(s.id);
    return ids;
  }

  /** Write every open chunk that has unsaved samples, then trim the WAL up to where it stood
   * when the checkpoint began: every sample logged before then is now in a chunk on disk. */
  private startCheckpoint(): void {
    this.p.head.commit();
    const upTo = this.p.wal.seq;
    this.lastCheckpoint = this.p.now();
    this.jobs.push({
      ids: this.allIds(),
      pos: 0,
      run: (ids) => {
        for (const id of ids) {
          const s = this.p.index.byId(id);
          const n = s?.openCount ?? 0;
          if (!s || n === 0 || n === s.openPersisted) continue;
          this.p.disk.st.insertChunk.run(s.id, s.openTMin, s.openTMax, n, 1, s.openSnapshot());
          s.openPersisted = n;
          s.onDisk = true;
        }
      },
      done: () => {
        // Chunks that closed since the checkpoint began are persisted by commit().
        this.p.head.commit();
        // Recovery replays only what follows this; records a reader still holds stay for it.
        this.p.disk.st.setMeta.run('wal_checkpoint_seq', String(upTo));
        this.p.disk.st.deleteWalUpTo.run(Math.min(upTo, this.p.wal.floor()));
      },
    });
  }

  private applyRetention(now: number): void {
    const r = this.p.opts.retention;
    const del = (sql: string, ...args: number[]) => this.p.disk.db.prepare(sql).run(...args);
    const n = RETENTION_DELETE_BATCH_ROWS;
    this.p.disk.transaction(() => {
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
      this.p.events.deleteBefore(now - r.eventsMs, n);
    });
  }

  /** Closed chunks that left the hot window are dropped from memory (they are on disk). */
  private evictFromMemory(now: number): void {
    const edge = now - this.p.opts.hotWindowMs;
    for (const s of this.p.index.all()) {
      if (s.closed.length === 0 || s.closed[0]!.tMax >= edge) continue;
      let k = 0;
      while (k < s.closed.length && s.closed[k]!.tMax < edge) k++;
      s.closed = k === s.closed.length ? NO_CHUNKS : s.closed.slice(k);
      s.memFrom = s.closed[0]?.tMin ?? (s.openCount > 0 ? s.openTMin : Infinity);
    }
  }
}
