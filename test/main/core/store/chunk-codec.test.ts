import { describe, expect, it } from 'vitest';
import { chunkBytes, ChunkEncoder, decodeChunk } from '../../../../src/main/core/store/chunk-codec.ts';
import { decodeWalRecord, encodeWalRecord } from '../../../../src/main/core/store/wal-codec.ts';

function roundTrip(ts: number[], values: number[]) {
  const enc = new ChunkEncoder(4);
  ts.forEach((t, i) => enc.append(t, values[i]!));
  const out = decodeChunk(enc.snapshot(), enc.count);
  return { out, bytes: enc.pos };
}

describe('chunk codec', () => {
  it('decodes chunks read from disk as hex through one reused buffer, long after short and short after long', () => {
    const chunk = (n: number, v0: number) => {
      const enc = new ChunkEncoder(4);
      for (let i = 0; i < n; i++) enc.append(1_700_000_000_000 + i * 15_000, v0 + i * 3.5);
      return { hex: Buffer.from(enc.snapshot().subarray(0, enc.pos)).toString('hex'), n };
    };
    let prev = chunkBytes(chunk(2, 0).hex);
    for (const [n, v0] of [[5_000, 1], [3, 7e9], [120, -2], [1, 42]] as const) {
      const c = chunk(n, v0);
      const bytes = chunkBytes(c.hex);
      const out = decodeChunk(bytes, c.n);
      expect(out.values[0]).toBe(v0);
      expect(out.values[n - 1]).toBe(v0 + (n - 1) * 3.5);
      expect(out.ts[n - 1]).toBe(1_700_000_000_000 + (n - 1) * 15_000);
      if (n !== 5_000) expect(bytes).toBe(prev); // the same buffer unless a chunk outgrows it
      prev = bytes;
    }
  });

  it('round-trips awkward values bit for bit', () => {
    const values = [0, -0, 1, -1, 0.1, 1e-300, 1e300, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 53, 123456.789];
    const ts = values.map((_, i) => 1_700_000_000_000 + i * 1000);
    const { out } = roundTrip(ts, values);
    expect([...out.ts]).toEqual(ts);
    out.values.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
  });

  it('round-trips random series with irregular, large and negative deltas', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 120);
      const ts: number[] = [];
      const values: number[] = [];
      let t = Math.floor(rnd() * 2e12);
      let v = rnd() * 1000;
      for (let i = 0; i < n; i++) {
        t += 1 + Math.floor(rnd() < 0.1 ? rnd() * 1e9 : rnd() * 20_000);
        v = rnd() < 0.3 ? v : rnd() < 0.5 ? v + Math.floor(rnd() * 10) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 20);
        ts.push(t);
        values.push(v);
      }
      const { out } = roundTrip(ts, values);
      expect([...out.ts]).toEqual(ts);
      expect([...out.values]).toEqual(values);
    }
  });

  it('costs about two bytes a sample for a regular, slowly moving series', () => {
    const ts = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + i * 1000);
    const values = ts.map((_, i) => Math.floor(i / 10));
    const { bytes } = roundTrip(ts, values);
    expect(bytes).toBeLessThan(120 * 2.5);
  });

  it('rebuilds an encoder from its bytes and keeps appending', () => {
    const enc = new ChunkEncoder();
    for (let i = 0; i < 10; i++) enc.append(1000 + i * 10, i * 1.5);
    const again = ChunkEncoder.from(enc.snapshot(), enc.count);
    again.append(2000, 99);
    const out = decodeChunk(again.snapshot(), again.count);
    expect(out.ts[10]).toBe(2000);
    expect(out.values[10]).toBe(99);
    expect(out.values[9]).toBe(13.5);
  });
});

describe('write-ahead record codec', () => {
  it('round-trips a batch', () => {
    const batch = { ids: [1, 300, 70000, 1], ts: [1_700_000_000_000, 1_700_000_000_000, 1_699_999_000_000, 1_700_000_001_000], values: [1.5, NaN, -3, 1e20] };
    const back = decodeWalRecord(encodeWalRecord(batch));
    expect(back.ids).toEqual(batch.ids);
    expect(back.ts).toEqual(batch.ts);
    expect(back.values).toEqual(batch.values);
  });

  it('refuses a truncated record', () => {
    const bytes = encodeWalRecord({ ids: [1, 2], ts: [1, 2], values: [1, 2] });
    expect(() => decodeWalRecord(bytes.subarray(0, bytes.length - 12))).toThrow(/truncated|bounds|range/i);
  });
});
