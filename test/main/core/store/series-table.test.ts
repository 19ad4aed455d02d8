// A series' numbers live in shared columns (series-table.ts), not in the object: each series must
// still read back only its own, across page boundaries, and start from the same defaults.
import { describe, expect, it } from 'vitest';
import { Series } from '../../../../src/main/core/store/index.ts';

describe('series numbers in columns', () => {
  it('start as a series without samples', () => {
    const s = new Series(1, 'x', [], 'x');
    expect([s.lastTs, s.firstTs, s.lastChangeTs, s.lastInputTs, s.memFrom]).toEqual([-Infinity, Infinity, -Infinity, -Infinity, Infinity]);
    expect(s.lastValue).toBeNaN();
    expect(s.onDisk).toBe(false);
    expect(s.openPersisted).toBe(0);
  });

  it('each series reads back its own, across pages', () => {
    const all: Series[] = [];
    for (let i = 0; i < 2500; i++) {
      const s = new Series(i, `m${i}`, [], `m${i}`);
      s.lastTs = 1_800_000_000_000 + i;
      s.firstTs = 1_700_000_000_000 - i;
      s.lastValue = i === 7 ? -0 : i / 3;
      s.lastChangeTs = i * 2;
      s.lastInputTs = i * 3;
      s.memFrom = i * 5;
      s.onDisk = i % 2 === 0;
      s.openPersisted = i % 120;
      all.push(s);
    }
    all.forEach((s, i) => {
      expect([s.lastTs, s.firstTs, s.lastChangeTs, s.lastInputTs, s.memFrom]).toEqual([1_800_000_000_000 + i, 1_700_000_000_000 - i, i * 2, i * 3, i * 5]);
      expect(Object.is(s.lastValue, i === 7 ? -0 : i / 3)).toBe(true);
      expect(s.onDisk).toBe(i % 2 === 0);
      expect(s.openPersisted).toBe(i % 120);
    });
  });
});
