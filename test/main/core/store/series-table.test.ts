// A series' numbers and its open chunk live in shared columns and slabs (series-table.ts), not
// in the object: each series must still read back only its own, across page boundaries, start
// from the same defaults, and its open chunk must hold exactly what ChunkEncoder would write.
import { describe, expect, it } from 'vitest';
import { ChunkEncoder, decodeChunk } from '../../../../src/main/core/store/chunk-codec.ts';
import { Series } from '../../../../src/main/core/store/index.ts';
import { SeriesTable, type ClosedChunk } from '../../../../src/main/core/store/series-table.ts';

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

describe('open chunks in shared slabs', () => {
  it('hold the bytes ChunkEncoder writes, while other series grow, close and move around them; closed ones keep theirs', () => {
    const table = new SeriesTable();
    const N = 3000;
    const series: Series[] = [];
    const encoders: ChunkEncoder[] = [];
    for (let i = 0; i < N; i++) {
      series.push(new Series(i, `s${i}`, [], `s${i}`, table));
      encoders.push(new ChunkEncoder(16));
    }
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const t = new Float64Array(N).fill(1_800_000_000_000);
    const kept: Array<[ClosedChunk, { tMin: number; tMax: number; count: number; bytes: Uint8Array }]> = [];
    const seen = (c: ClosedChunk) => ({ tMin: c.tMin, tMax: c.tMax, count: c.count, bytes: c.bytes });
    for (let round = 0; round < 40_000; round++) {
      // Series append at different rates, so regions of every size are taken and freed in turn.
      const i = Math.floor(rnd() ** 2 * N);
      t[i] += 1 + Math.floor(rnd() * (rnd() < 0.1 ? 1e9 : 1000));
      const v = rnd() < 0.3 ? i : rnd() < 0.5 ? rnd() * 1e6 : rnd() < 0.5 ? NaN : -rnd();
      const n = series[i]!.appendOpen(t[i]!, v);
      encoders[i]!.append(t[i]!, v);
      expect(n).toBe(encoders[i]!.count);
      if (n === 120 || rnd() < 0.02) {
        const c = series[i]!.closeOpen();
        const want = { tMin: encoders[i]!.tMin, tMax: encoders[i]!.tMax, count: encoders[i]!.count, bytes: encoders[i]!.snapshot() };
        expect(seen(c)).toEqual(want);
        kept.push([c, want]);
        expect(series[i]!.openCount).toBe(0);
        encoders[i] = new ChunkEncoder(16);
      }
    }
    // Closed chunks share slabs: each still holds its own bytes after everything closed since.
    expect(kept.length).toBeGreaterThan(500);
    for (const [c, want] of kept) {
      expect(seen(c)).toEqual(want);
      expect(c.length).toBe(want.bytes.length);
      const ts = new Float64Array(c.count + 2);
      const values = new Float64Array(c.count + 2);
      expect(c.decodeInto(ts, values, 2)).toBe(c.count);
      const d = decodeChunk(want.bytes, want.count);
      expect([...ts.subarray(2)]).toEqual([...d.ts]);
      expect([...values.subarray(2)]).toEqual([...d.values]);
    }
    for (let i = 0; i < N; i++) {
      const s = series[i]!;
      const e = encoders[i]!;
      expect(s.openCount).toBe(e.count);
      expect(s.openSnapshot()).toEqual(e.snapshot());
      // Its region: the smallest size (32 bytes, doubled) that holds the bytes.
      expect(s.bytesInMemory).toBe(e.count === 0 ? 0 : Math.max(32, 2 ** Math.ceil(Math.log2(e.pos))));
      if (e.count === 0) continue;
      expect([s.openTMin, s.openTMax]).toEqual([e.tMin, e.tMax]);
      const mem = s.readMemory(-Infinity, Infinity);
      const want = decodeChunk(e.snapshot(), e.count);
      expect([...mem.ts]).toEqual([...want.ts]);
      expect([...mem.values]).toEqual([...want.values]);
    }
  });

  it('a loaded chunk (recovery) is the open chunk, and appends go on from it', () => {
    const enc = new ChunkEncoder(16);
    for (let k = 0; k < 50; k++) enc.append(1000 + k * 1000, k % 3);
    const s = new Series(1, 'x', [], 'x', new SeriesTable());
    s.appendOpen(1, 1);
    s.loadOpen(enc.snapshot(), enc.count);
    expect(s.openSnapshot()).toEqual(enc.snapshot());
    s.appendOpen(60_000, 9);
    enc.append(60_000, 9);
    expect(s.openSnapshot()).toEqual(enc.snapshot());
    expect([s.openCount, s.openTMin, s.openTMax]).toEqual([51, 1000, 60_000]);
  });
});
