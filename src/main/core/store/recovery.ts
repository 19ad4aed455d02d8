// Recovery at open: the series, then closed chunks and checkpointed open chunks inside the hot
// window, then the write-ahead log replayed over them; what closed during replay is committed
// before anything trims the log.

import type { Head } from './head.ts';
import type { Maintenance } from './maintenance.ts';
import type { StoreOptions } from './options.ts';
import type { Rollups } from './rollups.ts';
import type { SeriesIndex } from './series-index.ts';
import { Series } from './series.ts';
import type { StoreDb } from './store-db.ts';
import { decodeWalRecord, type SampleBatch } from './wal-codec.ts';
import type { WalFeed } from './wal-feed.ts';

export interface RecoveryParts {
  disk: StoreDb;
  index: SeriesIndex;
  head: Head;
  wal: WalFeed;
  rollups: Rollups;
  maintenance: Maintenance;
  opts: StoreOptions;
  now: () => number;
}

/** Load what the database holds into memory and replay the log. */
export function recover(p: RecoveryParts): void {
  const now = p.now();
  for (const row of p.disk.db.prepare('SELECT id, key, name, labels FROM series ORDER BY id').iterate() as Iterable<{
    id: number;
    key: string;
    name: string;
    labels: string;
  }>) {
    const labels = JSON.parse(row.labels) as Array<[string, string]>;
    // Without labels the key is the name (one string); names and label pairs other series hold
    // are shared with them (see SeriesIndex.keptLabels).
    const bare = labels.length === 0;
    const name = p.index.keptName(row.name);
    const s = new Series(row.id, name, p.index.keptLabels(labels), bare ? name : row.key, p.head.table);
    p.index.add(s);
    p.head.nextId = Math.max(p.head.nextId, row.id + 1);
  }
  // Last sample time of every series with data on disk (to keep appends in order).
  for (const row of p.disk.db.prepare('SELECT series_id, min(t_min) AS f, max(t_max) AS t FROM chunks GROUP BY series_id').iterate() as Iterable<{
    series_id: number;
    f: number;
    t: number;
  }>) {
    const s = p.index.byId(row.series_id);
    if (s) {
      s.firstTs = row.f;
      s.lastTs = row.t;
      s.onDisk = true;
    }
  }
  const hotEdge = now - p.opts.hotWindowMs;
  const rows = p.disk.db
    .prepare('SELECT series_id, t_min, t_max, n, open, data FROM chunks WHERE t_max >= ? OR open = 1 ORDER BY series_id, t_min')
    .iterate(hotEdge) as Iterable<{ series_id: number; t_min: number; t_max: number; n: number; open: number; data: Uint8Array }>;
  for (const r of rows) {
    const s = p.index.byId(r.series_id);
    if (!s) continue;
    if (r.open === 1 && r.t_max >= s.lastTs) {
      s.loadOpen(r.data, r.n);
      s.openPersisted = r.n;
    } else {
      // A checkpointed open chunk that a later chunk superseded is closed in effect.
      // Into the shared slab like a chunk closed while running (SQLite's blob has a buffer of its own).
      s.addClosed(p.head.table.keepClosed(r.t_min, r.t_max, r.n, r.data));
    }
    s.memFrom = Math.min(s.memFrom, r.t_min);
  }
  for (const s of p.index.all()) {
    // lastValue feeds duplicate detection; take it from the newest chunk in memory.
    if (s.openCount > 0) {
      const tMax = s.openTMax;
      const { values } = s.readMemory(tMax, tMax);
      s.lastValue = values[values.length - 1] ?? NaN;
      s.lastChangeTs = tMax;
    } else if (s.closed.length > 0) {
      const c = s.closed[s.closed.length - 1]!;
      const { values } = s.readMemory(c.tMax, c.tMax);
      s.lastValue = values[values.length - 1] ?? NaN;
      s.lastChangeTs = c.tMax;
    }
  }
  // Replay the write-ahead log over what the chunks hold: the records after the last checkpoint
  // (older ones kept for a remote-write reader are in chunks already).
  const cp = p.disk.db.prepare("SELECT value FROM meta WHERE key = 'wal_checkpoint_seq'").get() as { value: string } | undefined;
  const checkpointSeq = cp ? Number(cp.value) : 0;
  // Sequence numbers never go back, even when the log was trimmed empty: readers keep positions.
  let maxSeq = checkpointSeq;
  for (const row of p.disk.db.prepare('SELECT seq, data FROM wal WHERE seq > ? ORDER BY seq').iterate(checkpointSeq) as Iterable<{ seq: number; data: Uint8Array }>) {
    maxSeq = row.seq;
    let batch: SampleBatch;
    try {
      batch = decodeWalRecord(row.data);
    } catch {
      continue; // a torn record cannot be committed, but be safe
    }
    for (let i = 0; i < batch.ids.length; i++) {
      const s = p.index.byId(batch.ids[i]!);
      if (!s || batch.ts[i]! <= s.lastTs) continue;
      p.head.appendUnchecked(s, batch.ts[i]!, batch.values[i]!, false);
    }
  }
  const last = p.disk.db.prepare('SELECT max(seq) AS m FROM wal').get() as { m: number | null };
  p.wal.seq = Math.max(maxSeq, last.m ?? 0);
  // Which stored samples were input and which repeats is not on disk: count the newest as input
  // (a sender that had stopped shows as stale once the screen's max age passes after a restart).
  for (const s of p.index.all()) s.lastInputTs = s.lastTs;
  // Chunks that closed during replay must reach disk before the WAL is trimmed.
  p.head.commit();
  p.rollups.loadProgress(now);
  if (maxSeq > checkpointSeq) p.maintenance.lastCheckpoint = 0; // checkpoint soon so the replayed log can go
}
