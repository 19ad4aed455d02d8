// Prometheus remote write on the wire: the protobuf messages of protocol 1.0
// (`prometheus.WriteRequest`, prompb/remote.proto + types.proto) decoded and encoded, and 2.0's
// (`io.prometheus.write.v2.Request`, a symbols table) decoded into the same shape. Pure functions
// over bytes, shared by the receiver (`POST /api/v1/write`) and the sender; snappy, HTTP and
// what a sample means to the store are the callers' business. Native histograms and exemplars
// are counted, not decoded: the store holds floats only.

import { Reader } from '../collector/protobuf-reader.ts';
import { Writer } from '../collector/protobuf-writer.ts';
import type { MetricType } from '../collector/metadata.ts';

/** Content-Type of a 1.0 request (no `proto` parameter means 1.0 too). */
export const CONTENT_TYPE_V1 = 'application/x-protobuf';
export const PROTO_V1 = 'prometheus.WriteRequest';
export const PROTO_V2 = 'io.prometheus.write.v2.Request';
/** What a sender puts in `X-Prometheus-Remote-Write-Version` for 1.0. */
export const VERSION_HEADER_V1 = '0.1.0';

/** Prometheus's staleness marker: a NaN with this exact payload ends a series. */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

export interface Sample {
  value: number;
  timestampMs: number;
  /** The value is Prometheus's staleness marker (a NaN with its own bit pattern), not a number. */
  stale?: boolean;
}

export interface TimeSeries {
  /** Label pairs as sent, `__name__` among them, in the sender's order. */
  labels: ReadonlyArray<readonly [string, string]>;
  samples: Sample[];
  /** Native histogram samples in the series (not decoded). */
  histograms?: number;
  /** Exemplars in the series (not decoded). */
  exemplars?: number;
}

export interface MetricMetadata {
  type: MetricType;
  /** The metric family's name (a histogram's without `_bucket`). */
  family: string;
  help: string;
  unit: string;
}

export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
}

/** Bounds checked while decoding, so a hostile body stops early. */
export interface DecodeLimits {
  maxSeries: number;
  maxLabelsPerSeries: number;
  /** Label pairs and samples in the whole request (each becomes an object: this bounds the memory
   * one request takes, whatever its shape). */
  maxEntries?: number;
}

/** The body is not a well-formed message of the protocol it claims. */
export class RemoteWriteDecodeError extends Error {}

/** A well-formed message past a bound of `DecodeLimits`. */
export class RemoteWriteLimitError extends Error {
  readonly limit: number;
  /** Which bound: series in the request, labels of one series, or entries in the request. */
  readonly bound: 'series' | 'labels' | 'entries';
  constructor(message: string, limit: number, bound: 'series' | 'labels' | 'entries' = 'series') {
    super(message);
    this.limit = limit;
    this.bound = bound;
  }
}

// Both versions number the metric types alike (UNKNOWN/UNSPECIFIED = 0 … STATESET = 7).
const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
const typeOf = (n: number): MetricType => METRIC_TYPES[n] ?? 'unknown';

const NO_LIMITS: DecodeLimits = { maxSeries: Infinity, maxLabelsPerSeries: Infinity };

/** What is left of a request's `maxEntries` as it is decoded. */
class Budget {
  left: number;
  readonly limit: number;
  constructor(limit = Infinity) {
    this.limit = limit;
    this.left = limit;
  }
  take(n = 1): void {
    this.left -= n;
    if (this.left < 0) throw new RemoteWriteLimitError(`the request holds more than ${this.limit} labels and samples; send smaller requests`, this.limit, 'entries');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A string field's value. Label names and values are short and mostly ASCII: those are built
 * byte by byte, which is several times cheaper than a TextDecoder call; the rest are decoded
 * (and refused when not UTF-8). */
function text(r: Reader): string {
  const len = r.varint();
  const start = r.pos;
  const end = start + len;
  if (end > r.end) throw new Error('truncated field');
  r.pos = end;
  const b = r.buf;
  if (len <= 64) {
    let out = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8.decode(b.subarray(start, end));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return utf8.decode(b.subarray(start, end));
}

/** Bytes a snappy block says it decompresses to (its leading varint), read without
 * decompressing; null when the header itself is malformed. */
export function snappyUncompressedLength(block: Uint8Array): number | null {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    v += (b & 127) * mul;
    if (!(b & 128)) return v <= 0xffffffff ? v : null;
    mul *= 128;
  }
  return null;
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RemoteWriteDecodeError || e instanceof RemoteWriteLimitError) throw e;
    throw new RemoteWriteDecodeError(`the body is not a ${what}: ${(e as Error).message}`);
  }
}

/** A timestamp (int64): a plain varint when it is a sane epoch-ms number, else read as int64. */
function timestamp(r: Reader): number {
  const at = r.pos;
  const v = r.varint();
  if (v <= Number.MAX_SAFE_INTEGER) return v;
  r.pos = at;
  return r.int64();
}

/** A double, noting whether its bits are the staleness marker (a NaN payload a float read may
 * not keep). */
function sample(r: Reader, out: Sample[]): void {
  let value = 0;
  let ts = 0;
  let stale = false;
  while (!r.done) {
    const key = r.varint();
    const f = Math.floor(key / 8);
    const w = key & 7;
    if (f === 1 && w === 1) {
      const p = r.pos;
      value = r.double();
      if (value !== value) {
        const b = r.buf;
        const lo = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
        const hi = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24);
        stale = hi >>> 0 === STALE_NAN_HI && lo >>> 0 === STALE_NAN_LO;
      }
    } else if (f === 2 && w === 0) ts = timestamp(r);
    else r.skip(w);
  }
  out.push(stale ? { value, timestampMs: ts, stale } : { value, timestampMs: ts });
}

// ── 1.0 ─────────────────────────────────────────────────────────────────────────────────

/** Decodes a (decompressed) `prometheus.WriteRequest`. Throws RemoteWriteDecodeError for bytes
 * that are not one, RemoteWriteLimitError past `limits`. */
export function decodeWriteRequest(buf: Uint8Array, limits: DecodeLimits = NO_LIMITS): WriteRequest {
  return wrap('prometheus.WriteRequest', () => {
    const out: WriteRequest = { timeseries: [], metadata: [] };
    const r = new Reader(buf);
    const budget = new Budget(limits.maxEntries);
    r.fields((f, w) => {
      if (f === 1 && w === 2) {
        if (out.timeseries.length >= limits.maxSeries) {
          throw new RemoteWriteLimitError(`the request holds more than ${limits.maxSeries} series; lower the sender's max_samples_per_send`, limits.maxSeries);
        }
        out.timeseries.push(timeSeriesV1(r.bytes(), limits, budget));
      } else if (f === 3 && w === 2) out.metadata.push(metadataV1(r.bytes()));
      else r.skip(w);
    });
    return out;
  });
}

function timeSeriesV1(r: Reader, limits: DecodeLimits, budget: Budget): TimeSeries {
  const labels: Array<readonly [string, string]> = [];
  const samples: Sample[] = [];
  let histograms = 0;
  let exemplars = 0;
  while (!r.done) {
    const key = r.varint();
    if (key === 10) {
      if (labels.length >= limits.maxLabelsPerSeries) {
        throw new RemoteWriteLimitError(`a series has more than ${limits.maxLabelsPerSeries} labels`, limits.maxLabelsPerSeries, 'labels');
      }
      budget.take();
      labels.push(labelPair(r.bytes()));
    } else if (key === 18) {
      budget.take();
      sample(r.bytes(), samples);
    } else if (key === 26) {
      r.bytes();
      exemplars++;
    } else if (key === 34) {
      r.bytes();
      histograms++;
    } else r.skip(key & 7);
  }
  const ts: TimeSeries = { labels, samples };
  if (histograms > 0) ts.histograms = histograms;
  if (exemplars > 0) ts.exemplars = exemplars;
  return ts;
}

function labelPair(r: Reader): readonly [string, string] {
  let name = '';
  let value = '';
  while (!r.done) {
    const key = r.varint();
    if (key === 10) name = text(r);
    else if (key === 18) value = text(r);
    else r.skip(key & 7);
  }
  return [name, value];
}

function metadataV1(r: Reader): MetricMetadata {
  const m: MetricMetadata = { type: 'unknown', family: '', help: '', unit: '' };
  r.fields((f, w) => {
    if (f === 1 && w === 0) m.type = typeOf(r.varint());
    else if (f === 2 && w === 2) m.family = text(r);
    else if (f === 4 && w === 2) m.help = text(r);
    else if (f === 5 && w === 2) m.unit = text(r);
    else r.skip(w);
  });
  return m;
}

/** Encodes a `prometheus.WriteRequest` (1.0), ready for snappy. Labels are written in the order
 * given; the spec wants them sorted by name, with `__name__` among them. */
export function encodeWriteRequest(req: WriteRequest): Uint8Array {
  const w = new Writer(4096);
  for (const ts of req.timeseries) {
    w.fork(1);
    for (const [name, value] of ts.labels) {
      w.fork(1).string(1, name).string(2, value).join();
    }
    for (const s of ts.samples) {
      w.fork(2);
      if (s.stale) w.tag(1, 1).bits64(STALE_NAN_HI, STALE_NAN_LO);
      else w.doubleField(1, s.value);
      w.int64Field(2, s.timestampMs).join();
    }
    w.join();
  }
  for (const m of req.metadata) {
    w.fork(3)
      .uint(1, Math.max(0, METRIC_TYPES.indexOf(m.type)))
      .string(2, m.family)
      .string(4, m.help)
      .string(5, m.unit)
      .join();
  }
  return w.finish();
}

// ── 2.0 ─────────────────────────────────────────────────────────────────────────────────

/** Decodes a (decompressed) `io.prometheus.write.v2.Request` into the 1.0 shape: each series'
 * label refs resolved through the symbols table, its metadata listed once per family. Throws
 * RemoteWriteDecodeError for bytes that are not one (a ref past the table, an odd number of
 * refs), RemoteWriteLimitError past `limits`. */
export function decodeWriteRequestV2(buf: Uint8Array, limits: DecodeLimits = NO_LIMITS): WriteRequest {
  return wrap(PROTO_V2, () => {
    const symbols: string[] = [];
    const raw: Array<{ refs: number[]; samples: Sample[]; histograms: number; exemplars: number; meta: [number, number, number] | null }> = [];
    const r = new Reader(buf);
    const budget = new Budget(limits.maxEntries);
    r.fields((f, w) => {
      if (f === 4 && w === 2) {
        budget.take();
        symbols.push(text(r));
      } else if (f === 5 && w === 2) {
        if (raw.length >= limits.maxSeries) {
          throw new RemoteWriteLimitError(`the request holds more than ${limits.maxSeries} series`, limits.maxSeries);
        }
        raw.push(timeSeriesV2(r.bytes(), limits, budget));
      } else r.skip(w);
    });
    const sym = (i: number): string => {
      const s = symbols[i];
      if (s === undefined) throw new RemoteWriteDecodeError(`the body is not a ${PROTO_V2}: symbol reference ${i} is past the table of ${symbols.length}`);
      return s;
    };
    const out: WriteRequest = { timeseries: [], metadata: [] };
    const families = new Set<string>();
    for (const t of raw) {
      if (t.refs.length % 2 !== 0) throw new RemoteWriteDecodeError(`the body is not a ${PROTO_V2}: a series has an odd number (${t.refs.length}) of label references`);
      const labels: Array<readonly [string, string]> = [];
      let name = '';
      for (let i = 0; i < t.refs.length; i += 2) {
        const pair = [sym(t.refs[i]!), sym(t.refs[i + 1]!)] as const;
        if (pair[0] === '__name__') name = pair[1];
        labels.push(pair);
      }
      const ts: TimeSeries = { labels, samples: t.samples };
      if (t.histograms > 0) ts.histograms = t.histograms;
      if (t.exemplars > 0) ts.exemplars = t.exemplars;
      out.timeseries.push(ts);
      if (t.meta && name !== '') {
        const type = typeOf(t.meta[0]);
        const family = familyOf(name, type);
        if (!families.has(family)) {
          families.add(family);
          out.metadata.push({ type, family, help: sym(t.meta[1]), unit: sym(t.meta[2]) });
        }
      }
    }
    return out;
  });
}

/** 2.0 sends metadata per series; a histogram's or summary's series share their family's. */
function familyOf(name: string, type: MetricType): string {
  if (type === 'histogram' || type === 'gaugehistogram' || type === 'summary') {
    const m = /^(.+?)(_bucket|_sum|_count|_gcount|_gsum)$/.exec(name);
    if (m) return m[1]!;
  }
  return name;
}

function timeSeriesV2(r: Reader, limits: DecodeLimits, budget: Budget) {
  const refs: number[] = [];
  const samples: Sample[] = [];
  let histograms = 0;
  let exemplars = 0;
  let meta: [number, number, number] | null = null;
  r.fields((f, w) => {
    if (f === 1) {
      const before = refs.length;
      r.repeated(w, 0, refs, (x) => x.varint());
      if (refs.length > limits.maxLabelsPerSeries * 2) {
        throw new RemoteWriteLimitError(`a series has more than ${limits.maxLabelsPerSeries} labels`, limits.maxLabelsPerSeries, 'labels');
      }
      budget.take((refs.length - before) / 2);
    } else if (f === 2 && w === 2) {
      budget.take();
      sample(r.bytes(), samples);
    }
    else if (f === 3 && w === 2) {
      r.bytes();
      histograms++;
    } else if (f === 4 && w === 2) {
      r.bytes();
      exemplars++;
    } else if (f === 5 && w === 2) {
      const m: [number, number, number] = [0, 0, 0];
      const mr = r.bytes();
      mr.fields((mf, mw) => {
        if (mf === 1 && mw === 0) m[0] = mr.varint();
        else if (mf === 3 && mw === 0) m[1] = mr.varint();
        else if (mf === 4 && mw === 0) m[2] = mr.varint();
        else mr.skip(mw);
      });
      meta = m;
    } else r.skip(w);
  });
  return { refs, samples, histograms, exemplars, meta };
}

/** Encodes a 2.0 request (for tests and senders that speak 2.0): symbols de-duplicated, the empty
 * string first as the spec requires; each series carries its family's metadata when listed. */
export function encodeWriteRequestV2(req: WriteRequest): Uint8Array {
  const symbols = new Map<string, number>([['', 0]]);
  const ref = (s: string): number => {
    let i = symbols.get(s);
    if (i === undefined) symbols.set(s, (i = symbols.size));
    return i;
  };
  const meta = new Map(req.metadata.map((m) => [m.family, m]));
  const body = new Writer(4096);
  for (const ts of req.timeseries) {
    body.fork(5);
    const refs: number[] = [];
    let name = '';
    for (const [k, v] of ts.labels) {
      refs.push(ref(k), ref(v));
      if (k === '__name__') name = v;
    }
    body.packedVarints(1, refs);
    for (const s of ts.samples) {
      body.fork(2);
      if (s.stale) body.tag(1, 1).bits64(STALE_NAN_HI, STALE_NAN_LO);
      else body.doubleField(1, s.value);
      body.int64Field(2, s.timestampMs).join();
    }
    const m = meta.get(name) ?? [...meta.values()].find((x) => familyOf(name, x.type) === x.family);
    if (m) {
      body.fork(5)
        .uint(1, Math.max(0, METRIC_TYPES.indexOf(m.type)))
        .uint(3, ref(m.help))
        .uint(4, ref(m.unit))
        .join();
    }
    body.join();
  }
  const w = new Writer(4096);
  for (const s of symbols.keys()) w.string(4, s, true);
  const head = w.finish();
  const tail = body.finish();
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
