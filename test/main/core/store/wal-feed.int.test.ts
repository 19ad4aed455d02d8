// The store's write-ahead log read as a feed (what remote write out stands on): records numbered in
// commit order, read back in order after a position, counted without decoding, kept past a
// checkpoint while a reader holds them, and numbered on from where they were after a restart —
// even when a checkpoint had trimmed the log empty.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../src/main/core/store/index.ts';
import { tempDir } from '../../../helpers/core.ts';

describe('the write-ahead log as a feed', () => {
  let dir: string;
  let store: Store;
  let t = Date.now() - 60_000;
  // A clock that moves on at every maintenance slice, so a checkpoint is always due.
  let clock = Date.now();
  const open = () => new Store({ dir, now: () => clock, maxSeries: 1_000, hotWindowMs: 3_600_000, retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 }, checkpointIntervalMs: 1, log: () => {} });
  const flush = (n: number) => {
    const s = store.resolve('m', [['k', 'v']])!;
    for (let i = 0; i < n; i++) store.append(s, (t += 10), i);
    store.commit();
  };
  /** Run maintenance until a whole checkpoint has finished (bounded). */
  const checkpoint = () => {
    for (let i = 0; i < 20; i++) {
      clock += 10;
      store.maintain();
    }
  };

  beforeEach(() => {
    dir = tempDir('radiator-walfeed-');
    store = open();
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads whole records after a position, in commit order, and counts their samples', () => {
    expect(store.walPosition).toBe(0);
    flush(2);
    flush(3);
    flush(4);
    expect(store.walPosition).toBe(3);
    expect(store.readWal(0, Infinity).map((r) => [r.seq, r.batch.ids.length])).toEqual([[1, 2], [2, 3], [3, 4]]);
    expect(store.readWal(1, 3).map((r) => r.seq)).toEqual([2]); // whole records up to at least 3 samples
    expect(store.readWal(0, Infinity, 2).map((r) => r.seq)).toEqual([1, 2]);
    expect(store.walSamplesAfter(0)).toBe(9);
    expect(store.walSamplesAfter(2)).toBe(4);
  });

  it('keeps held records through a checkpoint and trims them once the hold moves on', () => {
    let floor = 0;
    const release = store.holdWal(() => floor);
    flush(2);
    flush(2);
    checkpoint();
    expect(store.readWal(0, Infinity).map((r) => r.seq)).toEqual([1, 2]);
    floor = 1;
    flush(1);
    checkpoint();
    expect(store.readWal(0, Infinity).map((r) => r.seq)).toEqual([2, 3]);
    release();
    checkpoint();
    expect(store.getStats().walRecords).toBe(0);
  });

  it('numbers on from where it was after a restart, even when the log was trimmed empty', () => {
    flush(1);
    flush(1);
    flush(1);
    checkpoint();
    expect(store.getStats().walRecords).toBe(0);
    store.close();
    store = open();
    expect(store.walPosition).toBe(3);
    flush(1);
    expect(store.readWal(3, Infinity).map((r) => r.seq)).toEqual([4]);
  });
});
