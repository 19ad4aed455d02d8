// Compressed chunks of (timestamp ms, float64) samples, appended one at a time.
// Timestamps: the first as 8 bytes, then the delta, then delta-of-delta, zigzag varints, so a
// regular flush interval costs one byte a sample. Values: XOR with the previous value's 64 bits
// (Gorilla's idea), written byte-aligned as a control byte (leading and trailing zero bytes)
// plus the bytes in between; an unchanged value costs one byte. Byte alignment trades a little
// size for decode speed in JavaScript.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: [0] = low word, [1] = high word

export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

export const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

function ctzBytes(x: number): number {
  // trailing zero bytes of a non-zero 32-bit word
  return (31 - Math.clz32(x & -x)) >> 3;
}

/** What an encoder carries from one sample to the next (a ChunkEncoder, or a store's columns of
 * open chunks, see series-table.ts). */
export interface EncoderState {
  /** Bytes written. */
  pos: number;
  count: number;
  tMin: number;
  tMax: number;
  prevDelta: number;
  /** The previous value's high and low 32 bits. */
  prevHi: number;
  prevLo: number;
}

/** Room one sample may take: a full timestamp and value, or a varint and a control byte and up
 * to 8 bytes; the writer makes this much room before each sample. */
export const SAMPLE_ROOM = 20;

/** Writes one sample at `buf[base + st.pos]` (SAMPLE_ROOM bytes there must be free) and advances
 * `st`. Timestamps must increase; the caller (the store) enforces it. */
export function encodeSample(buf: Uint8Array, base: number, st: EncoderState, ts: number, value: number): void {
  let pos = base + st.pos;
  f64[0] = value;
  const hi = u32[1]!;
  const lo = u32[0]!;
  if (st.count === 0) {
    f64[0] = ts;
    for (let i = 0; i < 8; i++) buf[pos + i] = (i < 4 ? u32[0]! >>> (i * 8) : u32[1]! >>> ((i - 4) * 8)) & 255;
    pos += 8;
    writeRaw(buf, pos, hi, lo);
    pos += 8;
    st.tMin = ts;
  } else {
    const delta = ts - st.tMax;
    pos = writeVarint(buf, pos, zigzag(st.count === 1 ? delta : delta - st.prevDelta));
    st.prevDelta = delta;
    const xh = (hi ^ st.prevHi) >>> 0;
    const xl = (lo ^ st.prevLo) >>> 0;
    if (xh === 0 && xl === 0) {
      buf[pos++] = 0;
    } else {
      const lead = xh !== 0 ? Math.clz32(xh) >> 3 : 4 + (Math.clz32(xl) >> 3);
      const trail = xl !== 0 ? ctzBytes(xl) : 4 + ctzBytes(xh);
      buf[pos++] = 1 + lead * 8 + trail;
      for (let b = lead; b < 8 - trail; b++) buf[pos++] = b < 4 ? (xh >>> ((3 - b) * 8)) & 255 : (xl >>> ((7 - b) * 8)) & 255;
    }
  }
  st.pos = pos - base;
  st.prevHi = hi;
  st.prevLo = lo;
  st.tMax = ts;
  st.count++;
}

export class ChunkEncoder implements EncoderState {
  bytes: Uint8Array;
  pos = 0;
  count = 0;
  tMin = 0;
  tMax = 0;
  prevDelta = 0;
  prevHi = 0;
  prevLo = 0;

  constructor(initialBytes = 32) {
    this.bytes = new Uint8Array(initialBytes);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  /** Timestamps must increase; the caller (the store) enforces it. */
  append(ts: number, value: number): void {
    this.ensure(SAMPLE_ROOM);
    encodeSample(this.bytes, 0, this, ts, value);
  }

  /** The encoded bytes (a copy, safe to keep after more appends). */
  snapshot(): Uint8Array {
    return this.bytes.slice(0, this.pos);
  }

  static from(bytes: Uint8Array, count: number): ChunkEncoder {
    const enc = new ChunkEncoder(Math.max(32, bytes.length * 2));
    const { ts, values } = decodeChunk(bytes, count);
    for (let i = 0; i < count; i++) enc.append(ts[i]!, values[i]!);
    return enc;
  }
}

function writeRaw(buf: Uint8Array, pos: number, hi: number, lo: number): void {
  for (let i = 0; i < 4; i++) buf[pos + i] = (lo >>> (i * 8)) & 255;
  for (let i = 0; i < 4; i++) buf[pos + 4 + i] = (hi >>> (i * 8)) & 255;
}

export interface DecodedChunk {
  ts: Float64Array;
  values: Float64Array;
}

export function decodeChunk(bytes: Uint8Array, count: number): DecodedChunk {
  const ts = new Float64Array(count);
  const values = new Float64Array(count);
  decodeInto(bytes, count, ts, values, 0);
  return { ts, values };
}

/** One buffer every chunk read from disk as hex is decoded from in turn, grown as needed. */
let chunkBuf = Buffer.alloc(4096);

/** A chunk's bytes from its hex text (how queries read them from disk; store-db.ts says why), in
 * the shared buffer: valid until the next call. */
export function chunkBytes(hex: string): Uint8Array {
  const n = hex.length >>> 1;
  if (chunkBuf.length < n) chunkBuf = Buffer.alloc(Math.max(n, chunkBuf.length * 2));
  chunkBuf.write(hex, 0, n, 'hex');
  return chunkBuf;
}

/** Decode `count` samples into the arrays at `offset`. Returns the number written. The chunk
 * starts at `bytes[start]`. */
export function decodeInto(bytes: Uint8Array, count: number, outTs: Float64Array, outValues: Float64Array, offset: number, start = 0): number {
  if (count === 0) return 0;
  let pos = start;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 4; i++) lo |= bytes[pos + i]! << (i * 8);
  for (let i = 0; i < 4; i++) hi |= bytes[pos + 4 + i]! << (i * 8);
  u32[0] = lo;
  u32[1] = hi;
  let t = f64[0]!;
  pos += 8;
  lo = 0;
  hi = 0;
  for (let i = 0; i < 4; i++) lo |= bytes[pos + i]! << (i * 8);
  for (let i = 0; i < 4; i++) hi |= bytes[pos + 4 + i]! << (i * 8);
  pos += 8;
  u32[0] = lo;
  u32[1] = hi;
  outTs[offset] = t;
  outValues[offset] = f64[0]!;
  let delta = 0;
  for (let i = 1; i < count; i++) {
    // varint
    let z = 0;
    let mul = 1;
    let b: number;
    do {
      b = bytes[pos++]!;
      z += (b & 127) * mul;
      mul *= 128;
    } while (b & 128);
    const d = unzigzag(z);
    delta = i === 1 ? d : delta + d;
    t += delta;
    const ctl = bytes[pos++]!;
    if (ctl !== 0) {
      const lead = (ctl - 1) >> 3;
      const trail = (ctl - 1) & 7;
      let xh = 0;
      let xl = 0;
      for (let k = lead; k < 8 - trail; k++) {
        const byte = bytes[pos++]!;
        if (k < 4) xh |= byte << ((3 - k) * 8);
        else xl |= byte << ((7 - k) * 8);
      }
      hi ^= xh;
      lo ^= xl;
      u32[0] = lo;
      u32[1] = hi;
    }
    outTs[offset + i] = t;
    outValues[offset + i] = f64[0]!;
  }
  return count;
}
