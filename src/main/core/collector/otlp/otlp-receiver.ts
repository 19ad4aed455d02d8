// The OTLP metrics receiver: a decoded ExportMetricsServiceRequest becomes current values in the
// aggregator, like a push. Mapping (see docs/telemetry.md for the reasons):
//   resource  `service.name` (with `service.namespace/` in front when set) → `job`,
//             `service.instance.id` → `instance`, the rest → one `target_info` series (value 1);
//             `receivers.otlp.promoteResourceAttributes` copies chosen ones onto every series.
//   gauge     → the value, set.            sum, cumulative → the value, set (`_total` if monotonic).
//   sum, delta → added to what Radiator holds (a counter that starts at 0 when Radiator does).
//   histogram → `_bucket{le}` (cumulative), `_sum`, `_count`; delta points are added up.
//   exponential histogram → the same, at power-of-two `le` bounds (otlp-exponential.ts).
//   summary   → `name{quantile}`, `_sum`, `_count`.
// Values are written at the next flush (point timestamps are not used: a sender's clock may be
// off, and an out-of-order write would be refused). Refused points are counted per reason and
// reported back in `partialSuccess`. Counting, through the door: a point is one unit (its buckets,
// sum and count applied or refused together, by the first reason); a resource's `target_info`
// is a sample of its own.

import type { LabelPairs } from '../../../../shared/model.ts';
import { checkSeries, withLabel } from '../../labels.ts';
import type { Ingest, IngestUnit, Operation } from '../ingest.ts';
import type { MetricType } from '../metadata.ts';
import { exponentialToBuckets, type CumulativeBuckets } from './otlp-exponential.ts';
import {
  FLAG_NO_RECORDED_VALUE,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
  type Attributes,
  type HistogramPoint,
  type OtlpMetric,
  type OtlpRequest,
} from './otlp-model.ts';
import { otlpLabelName, otlpLabels, otlpMetricName, otlpUnitName, type OtlpNameKind } from './otlp-names.ts';

export const OTLP_RECEIVER = 'otlp';

/** At most this many refusal messages go back in `partialSuccess.errorMessage`. */
const MAX_MESSAGES = 5;
/** Histogram series whose `le` set is remembered for delta accumulation (see addHistogram). */
const MAX_TRACKED_HISTOGRAMS = 100_000;

export interface OtlpResult {
  accepted: number;
  rejected: number;
  /** Why, for the first few refusals. */
  messages: string[];
}

const RESOURCE_IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

function leString(v: number): string {
  return v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

/** The cumulative count at `le` of a point's buckets (values ≤ le). */
function cumAt(b: CumulativeBuckets, le: number): number {
  let n = 0;
  for (const [ub, c] of b) {
    if (ub > le) break;
    n = c;
  }
  return n;
}

class Refusal {
  readonly reason: string;
  readonly message: string;
  constructor(reason: string, message: string) {
    this.reason = reason;
    this.message = message;
  }
}

export interface OtlpReceiverOptions {
  /** Resource attributes copied as labels onto every series (besides job and instance). */
  promoteResourceAttributes?: readonly string[];
}

export class OtlpReceiver {
  private readonly door: Ingest;
  private readonly promote: ReadonlySet<string>;
  /** Per delta-histogram series (name + labels without `le`): the `le` bounds seen, ascending. */
  private readonly les = new Map<string, number[]>();

  constructor(ingest: Ingest, opts: OtlpReceiverOptions = {}) {
    this.door = ingest;
    this.promote = new Set(opts.promoteResourceAttributes ?? []);
  }

  apply(req: OtlpRequest): OtlpResult {
    const res: OtlpResult = { accepted: 0, rejected: 0, messages: [] };
    const refuse = (n: number, r: Refusal) => {
      res.rejected += n;
      this.door.reject(OTLP_RECEIVER, r.reason, n);
      if (res.messages.length < MAX_MESSAGES) res.messages.push(r.message);
    };
    for (const rm of req.resourceMetrics) {
      const base = this.resourceLabels(rm.resource);
      for (const m of rm.metrics) {
        if (m.data.kind === 'none') continue;
        const n = m.data.points.length;
        try {
          this.metric(m, base, res, refuse);
        } catch (e) {
          if (!(e instanceof Refusal)) throw e;
          refuse(n, e);
        }
      }
    }
    return res;
  }

  /** job, instance and promoted attributes; writes target_info for the rest. */
  private resourceLabels(resource: Attributes): Map<string, string> {
    const attrs = new Map(resource);
    const labels = new Map<string, string>();
    for (const key of this.promote) {
      const v = attrs.get(key);
      const name = otlpLabelName(key);
      if (v !== undefined && name !== '') labels.set(name, v);
    }
    const service = attrs.get('service.name');
    const ns = attrs.get('service.namespace');
    if (service !== undefined && service !== '') labels.set('job', ns ? `${ns}/${service}` : service);
    const instance = attrs.get('service.instance.id');
    if (instance !== undefined && instance !== '') labels.set('instance', instance);
    const rest = resource.filter(([k]) => !RESOURCE_IDENTITY.has(k) && !this.promote.has(k));
    // As Prometheus: target_info only when it can be joined on job/instance, and has something.
    if (rest.length > 0 && (labels.has('job') || labels.has('instance'))) {
      const info = otlpLabels(rest);
      if (info) {
        const idLabels = [...info];
        for (const k of ['job', 'instance']) if (labels.has(k)) idLabels.push([k, labels.get(k)!]);
        const e = this.door.apply(OTLP_RECEIVER, { kind: 'value', name: 'target_info', labels: idLabels }, { op: 'set', value: 1 });
        if (typeof e !== 'string') this.setMeta('target_info', 'gauge', 'Target metadata', '');
      }
    }
    return labels;
  }

  private setMeta(name: string, type: MetricType, help: string, unit: string): void {
    const prev = this.door.metadata.get(name);
    if (!prev || prev.type !== type || (help && prev.help !== help)) this.door.describe(name, { type, help, unit });
  }

  /** Point attributes + resource labels (which win, as in Prometheus) → validated labels. */
  private labelsFor(name: string, attrs: Attributes, base: Map<string, string>): LabelPairs {
    const l = otlpLabels(attrs);
    if (!l) throw new Refusal('label_name_invalid', `${name}: an attribute name translates to an empty label name`);
    for (const [k, v] of base) l.set(k, v);
    const checked = checkSeries(name, l);
    if (typeof checked === 'string') throw new Refusal(checked, `${name}: ${checked.replace(/_/g, ' ')}`);
    return checked.labels;
  }

  /** The door's refusal, as a Refusal with a message for `partialSuccess`. */
  private refusal(name: string, reason: string): Refusal {
    const message =
      reason === 'type_conflict'
        ? `${name}: already exists with another type (from another receiver)`
        : reason === 'series_limit'
          ? `${name}: the series limit is reached`
          : `${name}: ${reason.replace(/_/g, ' ')}`;
    return new Refusal(reason, message);
  }

  private entry(name: string, labels: LabelPairs) {
    const e = this.door.resolveCurrent({ kind: 'value', name, labels });
    if (typeof e === 'string') throw this.refusal(name, e);
    return e;
  }

  private write(u: IngestUnit, name: string, labels: LabelPairs, op: Operation): void {
    const e = this.door.apply(u, { kind: 'value', name, labels }, op);
    if (typeof e === 'string') throw this.refusal(name, e);
  }

  private set(u: IngestUnit, name: string, labels: LabelPairs, v: number): void {
    this.write(u, name, labels, { op: 'set', value: v });
  }

  private add(u: IngestUnit, name: string, labels: LabelPairs, d: number): void {
    this.write(u, name, labels, { op: 'add', value: d });
  }

  private metric(m: OtlpMetric, base: Map<string, string>, res: OtlpResult, refuse: (n: number, r: Refusal) => void): void {
    const d = m.data;
    if (d.kind === 'none') return;
    const kind: OtlpNameKind = d.kind === 'sum' ? (d.monotonic ? 'monotonic_counter' : 'non_monotonic_counter') : d.kind;
    const name = otlpMetricName(m.name, m.unit, kind);
    if (name === '') throw new Refusal('name_invalid', `metric ${JSON.stringify(m.name.slice(0, 80))}: its name translates to nothing usable`);
    if ((d.kind === 'sum' || d.kind === 'histogram' || d.kind === 'exponential_histogram') && d.temporality !== TEMPORALITY_DELTA && d.temporality !== TEMPORALITY_CUMULATIVE) {
      throw new Refusal('invalid_temporality', `${name}: aggregation temporality must be delta or cumulative (got ${d.temporality})`);
    }
    const metaType: MetricType = kind === 'monotonic_counter' ? 'counter' : kind === 'gauge' || kind === 'non_monotonic_counter' ? 'gauge' : kind === 'summary' ? 'summary' : 'histogram';
    this.setMeta(name, metaType, m.description, otlpUnitName(m.unit));
    // One point, one unit: counted by the door when it ends.
    const one = (fn: (u: IngestUnit) => void) => {
      const u = this.door.unit(OTLP_RECEIVER);
      try {
        fn(u);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        u.refuse(e.reason);
        if (res.messages.length < MAX_MESSAGES) res.messages.push(e.message);
      }
      this.door.end(u);
      if (u.reason === null) res.accepted++;
      else res.rejected++;
    };
    switch (d.kind) {
      case 'gauge':
      case 'sum': {
        const delta = d.kind === 'sum' && d.temporality === TEMPORALITY_DELTA;
        for (const p of d.points) {
          if (p.flags & FLAG_NO_RECORDED_VALUE) continue;
          one((u) => {
            const labels = this.labelsFor(name, p.attributes, base);
            if (delta) {
              if (!Number.isFinite(p.value)) throw new Refusal('non_finite_value', `${name}: a delta must be a finite number`);
              if (kind === 'monotonic_counter' && p.value < 0) throw new Refusal('negative_counter', `${name}: a monotonic sum's delta may not be negative`);
              this.add(u, name, labels, p.value);
            } else this.set(u, name, labels, p.value);
          });
        }
        return;
      }
      case 'histogram':
      case 'exponential_histogram': {
        const delta = d.temporality === TEMPORALITY_DELTA;
        for (const p of d.points) {
          if (p.flags & FLAG_NO_RECORDED_VALUE) continue;
          one((u) => {
            const labels = this.labelsFor(name, p.attributes, base);
            const buckets = d.kind === 'histogram' ? classicBuckets(name, p as HistogramPoint) : exponentialToBuckets(p as Parameters<typeof exponentialToBuckets>[0]);
            this.histogram(u, name, labels, p.count, p.sum, buckets, delta);
          });
        }
        return;
      }
      case 'summary':
        for (const p of d.points) {
          if (p.flags & FLAG_NO_RECORDED_VALUE) continue;
          one((u) => {
            const labels = this.labelsFor(name, p.attributes, base);
            for (const [q, v] of p.quantiles) {
              if (!(q >= 0 && q <= 1)) throw new Refusal('invalid_quantile', `${name}: quantile ${q} is outside 0…1`);
              this.set(u, name, withLabel(labels, 'quantile', String(q)), v);
            }
            this.set(u, name + '_sum', labels, p.sum);
            this.set(u, name + '_count', labels, p.count);
          });
        }
        return;
    }
  }

  private histogram(u: IngestUnit, name: string, labels: LabelPairs, count: number, sum: number | null, buckets: CumulativeBuckets, delta: boolean): void {
    const bucketName = name + '_bucket';
    if (!delta) {
      for (const [ub, c] of buckets) this.set(u, bucketName, withLabel(labels, 'le', leString(ub)), c);
      if (sum !== null) this.set(u, name + '_sum', labels, sum);
      this.set(u, name + '_count', labels, count);
      return;
    }
    if (sum !== null && !Number.isFinite(sum)) throw new Refusal('non_finite_value', `${name}: a delta histogram's sum must be finite`);
    // Delta: every bound ever seen for this series gets this point's count of values ≤ it. A
    // bound new to the series starts from the total of the nearest bound below it (nothing was
    // counted between them: bounds only appear beyond the ends of the emitted range).
    const key = bucketName + JSON.stringify(labels);
    let known = this.les.get(key);
    if (!known) {
      known = [];
      if (this.les.size < MAX_TRACKED_HISTOGRAMS) this.les.set(key, known);
    }
    const bounds = new Set<number>(known);
    for (const [ub] of buckets) bounds.add(ub);
    const all = [...bounds].sort((a, b) => a - b);
    // The total of the bound below, before this point was added.
    let below = 0;
    for (const ub of all) {
      const l = withLabel(labels, 'le', leString(ub));
      const isNew = !this.door.agg.get(bucketName, l);
      const e = this.entry(bucketName, l);
      if (isNew) this.door.apply(u, e, { op: 'set', value: below });
      below = e.value;
      this.door.apply(u, e, { op: 'add', value: ub === Infinity ? count : cumAt(buckets, ub) });
    }
    if (known.length !== all.length) {
      known.length = 0;
      known.push(...all);
    }
    if (sum !== null) this.add(u, name + '_sum', labels, sum);
    this.add(u, name + '_count', labels, count);
  }
}

function classicBuckets(name: string, p: HistogramPoint): CumulativeBuckets {
  const out: CumulativeBuckets = [];
  if (p.bucketCounts.length === 0) return [[Infinity, p.count]];
  if (p.bucketCounts.length !== p.bounds.length + 1) {
    throw new Refusal('malformed_histogram', `${name}: ${p.bucketCounts.length} bucket counts for ${p.bounds.length} bounds (want one more count than bounds)`);
  }
  let cum = 0;
  for (let i = 0; i < p.bounds.length; i++) {
    const b = p.bounds[i]!;
    if (Number.isNaN(b) || (i > 0 && b <= p.bounds[i - 1]!)) throw new Refusal('malformed_histogram', `${name}: explicit bounds must increase`);
    cum += p.bucketCounts[i]!;
    out.push([b, cum]);
  }
  out.push([Infinity, Math.max(p.count, cum + p.bucketCounts[p.bounds.length]!)]);
  return out;
}
