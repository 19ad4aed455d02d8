// A small protobuf wire-format writer, the counterpart of protobuf-reader.ts: enough to encode
// the messages Radiator sends by hand (Prometheus remote write). One growable buffer; a nested
// message is written in place and its length patched in afterwards (`fork`/`join`), so encoding
// never builds a tree of sub-buffers. No schema, no reflection.

const utf8 = new TextEncoder();

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

const varintSize = (n: number): number => {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

export class Writer {
  private buf: Uint8Array;
  private dv: DataView;
  pos = 0;
  /** Start of each open nested message's body; its length is patched in by `join`. */
  private readonly open: number[] = [];

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
    this.dv = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** An unsigned varint of a non-negative whole number up to 2^53. */
  varint(n: number): this {
    this.room(10);
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** An int64 varint: negative numbers as two's complement, ten bytes. */
  int64(n: number): this {
    if (n >= 0) return this.varint(n);
    let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
    this.room(10);
    while (v >= 128n) {
      this.buf[this.pos++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  double(v: number): this {
    this.room(8);
    this.dv.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  /** Eight bytes exactly as given (a NaN's payload, such as Prometheus's stale marker, which a
   * float64 write need not keep). */
  bits64(hi: number, lo: number): this {
    this.room(8);
    this.dv.setUint32(this.pos, lo, true);
    this.dv.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
    return this;
  }

  // ── fields ──────────────────────────────────────────────────────────────────────────────

  /** A varint field; proto3 leaves a zero out. */
  uint(field: number, n: number): this {
    return n === 0 ? this : this.tag(field, WIRE_VARINT).varint(n);
  }

  int64Field(field: number, n: number): this {
    return n === 0 ? this : this.tag(field, WIRE_VARINT).int64(n);
  }

  doubleField(field: number, v: number): this {
    return Object.is(v, 0) ? this : this.tag(field, WIRE_FIXED64).double(v);
  }

  /** A string field; proto3 leaves an empty one out unless `always`. */
  string(field: number, s: string, always = false): this {
    if (s === '' && !always) return this;
    this.tag(field, WIRE_LEN);
    // At most 3 bytes per UTF-16 unit; the length prefix is written once the size is known.
    const max = s.length * 3;
    const lenBytes = varintSize(max);
    this.room(lenBytes + max);
    const start = this.pos + lenBytes;
    const { written } = utf8.encodeInto(s, this.buf.subarray(start, start + max));
    const need = varintSize(written);
    if (need !== lenBytes) this.buf.copyWithin(this.pos + need, start, start + written);
    this.varint(written);
    this.pos += written;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Packed repeated varints (proto3's default for repeated scalars). */
  packedVarints(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.fork(field);
    for (let i = 0; i < values.length; i++) this.varint(values[i]!);
    return this.join();
  }

  /** Opens a nested message (or packed field) in `field`; close it with `join`. */
  fork(field: number): this {
    this.tag(field, WIRE_LEN);
    // One byte reserved for the length: most nested messages here are shorter than 128 bytes.
    this.room(1);
    this.pos++;
    this.open.push(this.pos);
    return this;
  }

  /** Closes the innermost `fork`: writes its length, moving the body if the length needs more
   * than the one byte reserved. */
  join(): this {
    const start = this.open.pop();
    if (start === undefined) throw new Error('join without fork');
    const len = this.pos - start;
    const need = varintSize(len);
    if (need > 1) {
      this.room(need - 1);
      this.buf.copyWithin(start + need - 1, start, this.pos);
    }
    const end = this.pos + need - 1;
    this.pos = start - 1;
    this.varint(len);
    this.pos = end;
    return this;
  }

  /** The bytes written so far (a copy: the writer may be reused). */
  finish(): Uint8Array {
    if (this.open.length > 0) throw new Error(`${this.open.length} nested message(s) not joined`);
    return this.buf.slice(0, this.pos);
  }
}
