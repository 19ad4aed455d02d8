// The write-ahead log as a feed: remote write reads what was durably appended, by sequence
// number, and holds the records it still needs against the checkpoint's trimming.

import type { StoreDb } from './store-db.ts';
import { decodeWalRecord, walRecordCount, type SampleBatch } from './wal-codec.ts';

export class WalFeed {
  /** The sequence number of the last committed WAL record (0 before the first). Records are
   * numbered in commit order and numbers never go back, across restarts too. */
  seq = 0;
  /** Readers of the write-ahead log (remote write) that still need records after a position. */
  private readonly holds = new Set<() => number>();
  private readonly disk: StoreDb;

  constructor(disk: StoreDb) {
    this.disk = disk;
  }

  /** Keep WAL records after `floor()` from being trimmed at checkpoints (they are trimmed as the
   * floor moves up). Returns the release. */
  hold(floor: () => number): () => void {
    this.holds.add(floor);
    return () => void this.holds.delete(floor);
  }

  /** The lowest position a reader still holds (Infinity for none). */
  floor(): number {
    let f = Infinity;
    for (const h of this.holds) f = Math.min(f, h());
    return f;
  }

  /** Committed records after `after`, in commit order: whole records until at least `maxSamples`
   * samples (at least one record, at most `maxRecords`). Records a checkpoint trimmed are gone;
   * hold them with `hold`. */
  read(after: number, maxSamples: number, maxRecords = 256): Array<{ seq: number; batch: SampleBatch }> {
    const out: Array<{ seq: number; batch: SampleBatch }> = [];
    let n = 0;
    for (const row of this.disk.st.readWal.all(after, maxRecords) as Array<{ seq: number; data: Uint8Array }>) {
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
  samplesAfter(after: number): number {
    let n = 0;
    for (const row of this.disk.st.walCounts.iterate(after) as Iterable<{ head: Uint8Array }>) n += walRecordCount(row.head);
    return n;
  }
}
