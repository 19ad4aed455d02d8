// OTLP metrics as Radiator reads them: the protobuf and JSON decoders both produce this shape,
// and the receiver maps it onto series. Scopes are flattened (their metrics keep nothing of the
// scope); timestamps, exemplars and min/max are not kept (see docs/telemetry.md for why).

/** Attribute key → its value as a label value (strings as they are, others formatted). */
export type Attributes = Array<[string, string]>;

export const TEMPORALITY_UNSPECIFIED = 0;
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point says "no value" (Prometheus writes a
 * staleness marker; we skip it). */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface NumberPoint {
  attributes: Attributes;
  value: number;
  flags: number;
}

export interface HistogramPoint {
  attributes: Attributes;
  count: number;
  sum: number | null;
  /** Per bucket (not cumulative), one more than `bounds`. */
  bucketCounts: number[];
  bounds: number[];
  flags: number;
}

export interface ExponentialBuckets {
  offset: number;
  counts: number[];
}

export interface ExponentialHistogramPoint {
  attributes: Attributes;
  count: number;
  sum: number | null;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  flags: number;
}

export interface SummaryPoint {
  attributes: Attributes;
  count: number;
  sum: number;
  quantiles: Array<[number, number]>;
  flags: number;
}

export type OtlpData =
  | { kind: 'gauge'; points: NumberPoint[] }
  | { kind: 'sum'; temporality: number; monotonic: boolean; points: NumberPoint[] }
  | { kind: 'histogram'; temporality: number; points: HistogramPoint[] }
  | { kind: 'exponential_histogram'; temporality: number; points: ExponentialHistogramPoint[] }
  | { kind: 'summary'; points: SummaryPoint[] }
  /** A metric with no data field set: nothing to store, but its points do not exist either. */
  | { kind: 'none' };

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  data: OtlpData;
}

export interface OtlpResourceMetrics {
  resource: Attributes;
  metrics: OtlpMetric[];
}

export interface OtlpRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

/** Data points in a decoded request (for the rate budget and `radiator_received_total`). */
export function countPoints(req: OtlpRequest): number {
  let n = 0;
  for (const rm of req.resourceMetrics) for (const m of rm.metrics) if (m.data.kind !== 'none') n += m.data.points.length;
  return n;
}

/** A number as an attribute value: integers plainly, other doubles the way Go's
 * strconv.FormatFloat(v, 'g', -1, 64) would not quite — JavaScript's shortest round-trip form. */
export function formatAttrNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

/** An attribute's value as a label value: arrays and maps as JSON, as Prometheus's translator
 * (pcommon.Value.AsString) writes them. */
export function attrString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatAttrNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v) ?? '';
}

export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
