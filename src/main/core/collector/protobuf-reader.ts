// A small protobuf wire-format reader: enough for the two schemas Radiator reads by hand (the
// Prometheus exposition and OTLP metrics). Every read is bounds-checked and throws on a
// truncated or malformed field, so a hostile body costs at most one pass over its bytes.

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class Reader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  private readonly dv: DataView;
  /** `dv`: a view of `buf` to share (a nested message's reader reuses its parent's, so reading
   * many small messages does not make a DataView for each). */
  constructor(buf: Uint8Array, pos = 0, end = buf.length, dv?: DataView) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.dv = dv ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  /** An unsigned varint as a double (exact up to 2^53; larger ones lose low bits, as counts may). */
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      v += (b & 127) * mul;
      if (!(b & 128)) return v;
      mul *= 128;
    }
    throw new Error('varint too long');
  }
  /** A signed int64 varint (two's complement: negative numbers take ten bytes). */
  int64(): number {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 127) << shift;
      if (!(b & 128)) return Number(BigInt.asIntN(64, v));
      shift += 7n;
    }
    throw new Error('varint too long');
  }
  /** sint32/sint64: zigzag-encoded. */
  svarint(): number {
    const u = this.varint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated double');
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  fixed64(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated fixed64');
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }
  sfixed64(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated sfixed64');
    const v = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }
  bytes(): Reader {
    const len = this.varint();
    if (this.pos + len > this.end) throw new Error('truncated field');
    const r = new Reader(this.buf, this.pos, this.pos + len, this.dv);
    this.pos += len;
    return r;
  }
  string(): string {
    const r = this.bytes();
    return utf8.decode(this.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.advance(4);
    else throw new Error(`unsupported wire type ${wire}`);
  }
  private advance(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated field');
    this.pos += n;
  }
  /** Iterate fields: calls fn(fieldNumber, wireType) which must consume the value. */
  fields(fn: (field: number, wire: number) => void): void {
    while (!this.done) {
      const key = this.varint();
      fn(Math.floor(key / 8), key & 7);
    }
  }
  /** A repeated scalar, packed (wire type 2) or not: pushes each element read by `one`. */
  repeated(wire: number, scalarWire: number, out: number[], one: (r: Reader) => number): void {
    if (wire === 2) {
      const r = this.bytes();
      while (!r.done) out.push(one(r));
    } else if (wire === scalarWire) out.push(one(this));
    else this.skip(wire);
  }
}
