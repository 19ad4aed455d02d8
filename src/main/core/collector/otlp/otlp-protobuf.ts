// OTLP/HTTP protobuf bodies: opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest,
// read with the hand-written wire reader (field numbers from opentelemetry-proto's
// metrics/v1/metrics.proto and common/v1/common.proto). Unknown fields are skipped, as protobuf
// asks, so newer senders keep working; repeated scalars are read packed or not.

import { MAX_OTLP_ATTRIBUTE_DEPTH } from '../../../../shared/limits.ts';
import { Reader } from '../protobuf-reader.ts';
import {
  attrString,
  OtlpDecodeError,
  type Attributes,
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type NumberPoint,
  type OtlpData,
  type OtlpMetric,
  type OtlpRequest,
  type OtlpResourceMetrics,
  type SummaryPoint,
} from './otlp-model.ts';

const W_VARINT = 0;
const W_I64 = 1;
const W_LEN = 2;

/** AnyValue → the string a label gets. Arrays and maps become JSON, as Prometheus's translator
 * (pcommon.Value.AsString) writes them. */
function anyValue(r: Reader, depth: number): unknown {
  if (depth > MAX_OTLP_ATTRIBUTE_DEPTH) throw new Error(`attribute values nested deeper than ${MAX_OTLP_ATTRIBUTE_DEPTH}`);
  let v: unknown = '';
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) v = r.string();
    else if (f === 2 && w === W_VARINT) v = r.varint() !== 0;
    else if (f === 3 && w === W_VARINT) v = r.int64();
    else if (f === 4 && w === W_I64) v = r.double();
    else if (f === 5 && w === W_LEN) {
      const a = r.bytes();
      const list: unknown[] = [];
      a.fields((g, w2) => (g === 1 && w2 === W_LEN ? list.push(anyValue(a.bytes(), depth + 1)) : a.skip(w2)));
      v = list;
    } else if (f === 6 && w === W_LEN) {
      const kv = r.bytes();
      const obj: Record<string, unknown> = Object.create(null);
      kv.fields((g, w2) => {
        if (g === 1 && w2 === W_LEN) {
          const [k, val] = keyValue(kv.bytes(), depth + 1);
          obj[k] = val;
        } else kv.skip(w2);
      });
      v = obj;
    } else if (f === 7 && w === W_LEN) {
      const b = r.bytes();
      v = Buffer.from(b.buf.subarray(b.pos, b.end)).toString('base64');
    } else r.skip(w);
  });
  return v;
}

function keyValue(r: Reader, depth: number): [string, unknown] {
  let key = '';
  let value: unknown = '';
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) key = r.string();
    else if (f === 2 && w === W_LEN) value = anyValue(r.bytes(), depth);
    else r.skip(w);
  });
  return [key, value];
}

function attribute(r: Reader, out: Attributes): void {
  const [k, v] = keyValue(r, 0);
  out.push([k, attrString(v)]);
}

function numberPoint(r: Reader): NumberPoint {
  const p: NumberPoint = { attributes: [], value: 0, flags: 0 };
  r.fields((f, w) => {
    if (f === 7 && w === W_LEN) attribute(r.bytes(), p.attributes);
    else if (f === 4 && w === W_I64) p.value = r.double();
    else if (f === 6 && w === W_I64) p.value = r.sfixed64();
    else if (f === 8 && w === W_VARINT) p.flags = r.varint();
    else r.skip(w);
  });
  return p;
}

const fixed64 = (r: Reader) => r.fixed64();
const double = (r: Reader) => r.double();
const uvarint = (r: Reader) => r.varint();

function histogramPoint(r: Reader): HistogramPoint {
  const p: HistogramPoint = { attributes: [], count: 0, sum: null, bucketCounts: [], bounds: [], flags: 0 };
  r.fields((f, w) => {
    if (f === 9 && w === W_LEN) attribute(r.bytes(), p.attributes);
    else if (f === 4 && w === W_I64) p.count = r.fixed64();
    else if (f === 5 && w === W_I64) p.sum = r.double();
    else if (f === 6) r.repeated(w, W_I64, p.bucketCounts, fixed64);
    else if (f === 7) r.repeated(w, W_I64, p.bounds, double);
    else if (f === 10 && w === W_VARINT) p.flags = r.varint();
    else r.skip(w);
  });
  return p;
}

function buckets(r: Reader): ExponentialBuckets {
  const b: ExponentialBuckets = { offset: 0, counts: [] };
  r.fields((f, w) => {
    if (f === 1 && w === W_VARINT) b.offset = r.svarint();
    else if (f === 2) r.repeated(w, W_VARINT, b.counts, uvarint);
    else r.skip(w);
  });
  return b;
}

function exponentialPoint(r: Reader): ExponentialHistogramPoint {
  const p: ExponentialHistogramPoint = {
    attributes: [],
    count: 0,
    sum: null,
    scale: 0,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: { offset: 0, counts: [] },
    negative: { offset: 0, counts: [] },
    flags: 0,
  };
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) attribute(r.bytes(), p.attributes);
    else if (f === 4 && w === W_I64) p.count = r.fixed64();
    else if (f === 5 && w === W_I64) p.sum = r.double();
    else if (f === 6 && w === W_VARINT) p.scale = r.svarint();
    else if (f === 7 && w === W_I64) p.zeroCount = r.fixed64();
    else if (f === 8 && w === W_LEN) p.positive = buckets(r.bytes());
    else if (f === 9 && w === W_LEN) p.negative = buckets(r.bytes());
    else if (f === 10 && w === W_VARINT) p.flags = r.varint();
    else if (f === 14 && w === W_I64) p.zeroThreshold = r.double();
    else r.skip(w);
  });
  return p;
}

function summaryPoint(r: Reader): SummaryPoint {
  const p: SummaryPoint = { attributes: [], count: 0, sum: 0, quantiles: [], flags: 0 };
  r.fields((f, w) => {
    if (f === 7 && w === W_LEN) attribute(r.bytes(), p.attributes);
    else if (f === 4 && w === W_I64) p.count = r.fixed64();
    else if (f === 5 && w === W_I64) p.sum = r.double();
    else if (f === 6 && w === W_LEN) {
      const q = r.bytes();
      let quantile = NaN;
      let value = NaN;
      q.fields((g, w2) => (g === 1 && w2 === W_I64 ? (quantile = q.double()) : g === 2 && w2 === W_I64 ? (value = q.double()) : q.skip(w2)));
      p.quantiles.push([quantile, value]);
    } else if (f === 8 && w === W_VARINT) p.flags = r.varint();
    else r.skip(w);
  });
  return p;
}

/** Gauge, Sum, Histogram, ExponentialHistogram: data_points = 1, aggregation_temporality = 2,
 * is_monotonic = 3 (Sum only). */
function points<P>(r: Reader, one: (r: Reader) => P): { points: P[]; temporality: number; monotonic: boolean } {
  const out = { points: [] as P[], temporality: 0, monotonic: false };
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) out.points.push(one(r.bytes()));
    else if (f === 2 && w === W_VARINT) out.temporality = r.varint();
    else if (f === 3 && w === W_VARINT) out.monotonic = r.varint() !== 0;
    else r.skip(w);
  });
  return out;
}

function metric(r: Reader): OtlpMetric {
  const m: OtlpMetric = { name: '', description: '', unit: '', data: { kind: 'none' } };
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) m.name = r.string();
    else if (f === 2 && w === W_LEN) m.description = r.string();
    else if (f === 3 && w === W_LEN) m.unit = r.string();
    else if (w !== W_LEN) r.skip(w);
    else {
      let data: OtlpData | null = null;
      if (f === 5) data = { kind: 'gauge', points: points(r.bytes(), numberPoint).points };
      else if (f === 7) {
        const s = points(r.bytes(), numberPoint);
        data = { kind: 'sum', temporality: s.temporality, monotonic: s.monotonic, points: s.points };
      } else if (f === 9) {
        const h = points(r.bytes(), histogramPoint);
        data = { kind: 'histogram', temporality: h.temporality, points: h.points };
      } else if (f === 10) {
        const h = points(r.bytes(), exponentialPoint);
        data = { kind: 'exponential_histogram', temporality: h.temporality, points: h.points };
      } else if (f === 11) data = { kind: 'summary', points: points(r.bytes(), summaryPoint).points };
      else r.skip(w);
      if (data) m.data = data;
    }
  });
  return m;
}

function resourceMetrics(r: Reader): OtlpResourceMetrics {
  const rm: OtlpResourceMetrics = { resource: [], metrics: [] };
  r.fields((f, w) => {
    if (f === 1 && w === W_LEN) {
      const res = r.bytes();
      res.fields((g, w2) => (g === 1 && w2 === W_LEN ? attribute(res.bytes(), rm.resource) : res.skip(w2)));
    } else if (f === 2 && w === W_LEN) {
      const sm = r.bytes();
      sm.fields((g, w2) => (g === 2 && w2 === W_LEN ? rm.metrics.push(metric(sm.bytes())) : sm.skip(w2)));
    } else r.skip(w);
  });
  return rm;
}

/** Throws OtlpDecodeError for a body that is not an ExportMetricsServiceRequest. */
export function decodeOtlpProtobuf(body: Uint8Array): OtlpRequest {
  const req: OtlpRequest = { resourceMetrics: [] };
  const r = new Reader(body);
  try {
    r.fields((f, w) => (f === 1 && w === W_LEN ? req.resourceMetrics.push(resourceMetrics(r.bytes())) : r.skip(w)));
  } catch (e) {
    throw new OtlpDecodeError(`protobuf: ${(e as Error).message} (at byte ${r.pos} of ${body.length})`);
  }
  return req;
}

