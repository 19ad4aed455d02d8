// One write-ahead record per flush: every sample appended in that flush, as
// [count][base ts f64]([series id varint][ts - base zigzag varint][value f64])*.

import { unzigzag, writeVarint, zigzag } from './chunk-codec.ts';

export interface SampleBatch {
  ids: number[];
  ts: number[];
  values: number[];
}

export function encodeWalRecord(b: SampleBatch): Uint8Array {
  const n = b.ids.length;
  const buf = new Uint8Array(10 + 8 + n * (8 + 10 + 8));
  const dv = new DataView(buf.buffer);
  let pos = writeVarint(buf, 0, n);
  const base = n > 0 ? b.ts[0]! : 0;
  dv.setFloat64(pos, base, true);
  pos += 8;
  for (let i = 0; i < n; i++) {
    pos = writeVarint(buf, pos, b.ids[i]!);
    pos = writeVarint(buf, pos, zigzag(b.ts[i]! - base));
    dv.setFloat64(pos, b.values[i]!, true);
    pos += 8;
  }
  return buf.slice(0, pos);
}

export function decodeWalRecord(buf: Uint8Array): SampleBatch {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const readVarint = (): number => {
    let z = 0;
    let mul = 1;
    let b: number;
    do {
      if (pos >= buf.length) throw new Error('write-ahead record is truncated');
      b = buf[pos++]!;
      z += (b & 127) * mul;
      mul *= 128;
    } while (b & 128);
    return z;
  };
  const n = readVarint();
  const base = dv.getFloat64(pos, true);
  pos += 8;
  const out: SampleBatch = { ids: new Array(n), ts: new Array(n), values: new Array(n) };
  for (let i = 0; i < n; i++) {
    out.ids[i] = readVarint();
    out.ts[i] = base + unzigzag(readVarint());
    out.values[i] = dv.getFloat64(pos, true);
    pos += 8;
  }
  return out;
}

/** The number of samples in a record, from its first bytes alone. */
export function walRecordCount(head: Uint8Array): number {
  let z = 0;
  let mul = 1;
  for (let pos = 0; pos < head.length; pos++) {
    const b = head[pos]!;
    z += (b & 127) * mul;
    if (!(b & 128)) return z;
    mul *= 128;
  }
  throw new Error('write-ahead record is truncated');
}
