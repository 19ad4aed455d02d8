// The one door in: every sample any receiver takes reaches the store through here. It owns the
// aggregator (StatsD, push, JSON, OTLP, logs, browser telemetry and the pipeline hold current
// values in it) and is that aggregator's only way to the store, so every write — flushed,
// timestamped, scraped or imported — is counted once (`samples_written`, refusals by reason).
// Receivers that write samples at their own time (scrape, import) hand a batch to `write` or
// `backfill`: names and labels are checked, the series cap folds new series into
// `name{radiator_overflow="true"}`, and every sample is counted received, then applied or refused
// by reason — received = applied + refused, per receiver.
//
// Receivers that send current values (StatsD, push, JSON, OTLP, logs, browser telemetry, the
// pipeline) hand each one to `apply`: the name and labels are checked (escaped the StatsD way when
// asked), the aggregator's entry is found or made (past the cap, the overflow entry), the
// operation is applied, the metadata recorded, and the sample counted received, then applied or
// refused by reason. Input a receiver cannot turn into a sample at all goes to `reject`.

import { seriesKey, type LabelPairs } from '../../../shared/model.ts';
import { checkEscapedSeries, checkSeries } from '../labels.ts';
import type { AppendResult, Series, Store } from '../store/index.ts';
import { Aggregator, Entry, type AggregatorOptions, type EntryKind, type FlushResult, type SeriesSink } from './aggregator.ts';
import type { MetricSample } from './host-metrics.ts';
import { IngestStats } from './ingest-stats.ts';
import { MetadataRegistry, type MetricMetadata, type MetricType } from './metadata.ts';

/** One sample from a receiver. `tsMs` null: at the time the batch is written (`write`), refused
 * as `missing_timestamp` by `backfill`. */
export interface IngestSample {
  name: string;
  labels: Iterable<readonly [string, string]>;
  value: number;
  tsMs: number | null;
  /** How samples of series past the cap combine in their overflow series at one time: `sum`
   * for cumulative values (counters, histogram and summary counts), `last` otherwise. */
  fold?: 'sum' | 'last';
}

export interface IngestResult {
  received: number;
  /** Stored, in their own series or folded into an overflow series. */
  applied: number;
  /** Of `applied`, those folded into an overflow series. */
  folded: number;
  refused: Map<string, number>;
  /** Keys of the series written (overflow series included), for scrape_series_added. */
  seriesKeys: Set<string>;
  /** Distinct valid identities in the batch (before folding). */
  identities: number;
}

/** A current value's series, as a receiver names it. */
export interface CurrentSeries {
  kind: EntryKind;
  name: string;
  labels: Iterable<readonly [string, string]>;
  /** StatsD-style (StatsD lines, JSON samples): the name and label names are escaped the
   * statsd_exporter way, and refused when outside ASCII (see checkEscapedSeries). */
  escape?: boolean;
  /** A summary's own quantiles (browser telemetry wants p75). */
  quantiles?: readonly number[];
}

/** A current value for the aggregator: its series, and what the sender declared it is (recorded
 * once the sample is applied; `keep` leaves an existing description alone). */
export interface CurrentSample extends CurrentSeries {
  meta?: Partial<MetricMetadata> & { type: MetricType; keep?: boolean };
}

/** What a sample does to its series' current value. `tsMs`: written at that time now, or refused
 * with the store's reason (counters and gauges only); without it, at the next flush. */
export type Operation =
  | { op: 'inc'; value: number; tsMs?: number }
  | { op: 'set'; value: number; tsMs?: number }
  | { op: 'add'; value: number; tsMs?: number }
  | { op: 'observe'; value: number; atMs: number; weight?: number }
  | { op: 'observe_many'; values: Float64Array; seen: number; weight: number; sum: number; atMs: number }
  | { op: 'members'; members: Iterable<string> };

/** Several samples received as one (an OTLP point: its buckets, sum and count): counted once when
 * it ends, applied if every sample was, otherwise refused with the first reason. */
export class IngestUnit {
  readonly receiver: string;
  readonly n: number;
  reason: string | null = null;
  constructor(receiver: string, n: number) {
    this.receiver = receiver;
    this.n = n;
  }
  /** Refused by the receiver itself (a value its protocol forbids). */
  refuse(reason: string): void {
    this.reason ??= reason;
  }
}

/** Who a sample is counted for: a receiver, a unit, or null (Radiator's own series). */
export type Counted = string | IngestUnit | null;

/** What the door needs of the store. */
export type IngestStore = Pick<Store, 'find' | 'resolve' | 'append' | 'importSamples'>;

export interface IngestOptions {
  store: IngestStore;
  repeatIntervalMs: number;
  stats?: IngestStats;
  metadata?: MetadataRegistry;
  aggregator?: Omit<AggregatorOptions, 'repeatIntervalMs'>;
}

const OVERFLOW_LABEL = 'radiator_overflow';
/** Labels an overflow series keeps, so a folded histogram or summary keeps its shape. */
const SHAPE_LABELS = new Set(['le', 'quantile']);

function overflowLabels(labels: LabelPairs): LabelPairs {
  const out: Array<readonly [string, string]> = [[OVERFLOW_LABEL, 'true']];
  for (const p of labels) if (SHAPE_LABELS.has(p[0])) out.push(p);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const bump = (m: Map<string, number>, k: string, n = 1) => {
  if (n > 0) m.set(k, (m.get(k) ?? 0) + n);
};

const stored = (r: AppendResult) => r === 'ok' || r === 'duplicate';

export class Ingest implements SeriesSink {
  readonly agg: Aggregator;
  readonly stats: IngestStats;
  readonly metadata: MetadataRegistry;
  private readonly store: IngestStore;
  /** Samples the store took through this door, whoever sent them. */
  written = 0;
  /** Samples the store refused, by reason (timestamped writes, flushes, scrapes, imports). */
  readonly storeRefused = new Map<string, number>();

  constructor(opts: IngestOptions) {
    this.store = opts.store;
    this.stats = opts.stats ?? new IngestStats();
    this.metadata = opts.metadata ?? new MetadataRegistry();
    this.agg = new Aggregator(this, { ...opts.aggregator, repeatIntervalMs: opts.repeatIntervalMs });
  }

  // ── the aggregator's way to the store ───────────────────────────────────────────────

  find(key: string): Series | undefined {
    return this.store.find(key);
  }

  resolve(name: string, labels: LabelPairs, opts?: { overflow?: boolean }): Series | null {
    return this.store.resolve(name, labels, opts);
  }

  append(s: Series, ts: number, value: number, repeat = false): AppendResult {
    const r = this.store.append(s, ts, value, repeat);
    if (r === 'ok') this.written++;
    else if (r !== 'duplicate') bump(this.storeRefused, r);
    return r;
  }

  /** Writes dirty current values at `ts` and the repeats that are due. */
  flush(ts: number): FlushResult {
    return this.agg.flush(ts);
  }

  // ── counting, for receivers that refuse before a batch exists (a bad body, a failed scrape) ──

  receive(receiver: string, n = 1): void {
    this.stats.receive(receiver, n);
  }

  refuse(receiver: string, reason: string, n = 1): void {
    this.stats.reject(receiver, reason, n);
  }

  /** What a metric is, as its sender declared it; `keep` leaves an existing description alone.
   * Named by an entry, the metric keeps the entry's name (text kept already), not a copy. */
  describe(what: string | Entry, meta: Partial<MetricMetadata> & { type: MetricType }, keep = false): void {
    const name = typeof what === 'string' ? what : what.name;
    if (keep && this.metadata.get(name)) return;
    this.metadata.set(name, meta, typeof what !== 'string');
  }

  // ── current values (the aggregating receivers) ──────────────────────────────────────

  /** Input counted as received and refused at once: it never became a sample (a malformed line,
   * a value the protocol forbids, a request refused whole). */
  reject(receiver: string, reason: string, n = 1): void {
    this.stats.receive(receiver, n);
    this.stats.reject(receiver, reason, n);
  }

  /** The aggregator entry of a series, checked; past the cap, its overflow entry. Not counted:
   * for a receiver that resolves a series once and applies to it many times (StatsD). */
  resolveCurrent(s: CurrentSeries): Entry | string {
    const checked = s.escape ? checkEscapedSeries(s.name, s.labels) : checkSeries(s.name, s.labels);
    if (typeof checked === 'string') return checked;
    return this.agg.entry(s.kind, checked.name, checked.labels, s.quantiles);
  }

  /** The one way in for a current value: checks the series (or takes an entry already resolved),
   * applies the operation, records the metadata, and counts `n` samples (a StatsD window folds
   * several lines into one) received, then applied or refused by reason. Returns the entry, or
   * the reason it was refused. */
  apply(who: Counted, target: CurrentSample | Entry, op: Operation, n = 1): Entry | string {
    const e = target instanceof Entry ? target : this.resolveCurrent(target);
    const r = typeof e === 'string' ? e : this.operate(e, op);
    if (r === 'ok' && !(target instanceof Entry) && target.meta) {
      const { keep, ...meta } = target.meta;
      this.describe(e as Entry, meta, keep);
    }
    if (r === 'ok' && who !== null) this.noteSource((e as Entry).name, who instanceof IngestUnit ? who.receiver : who);
    if (who instanceof IngestUnit) {
      if (r !== 'ok') who.refuse(r);
    } else if (who !== null) {
      this.stats.receive(who, n);
      if (r === 'ok') this.stats.accept(who, n);
      else this.stats.reject(who, r, n);
    }
    return r === 'ok' ? (e as Entry) : r;
  }

  /** Input applied that is not a sample (a StatsD event, stored as an event). */
  taken(receiver: string, n = 1): void {
    this.stats.receive(receiver, n);
    this.stats.accept(receiver, n);
  }

  /** Starts a unit of `n` received items (see IngestUnit); `end` counts it. */
  unit(receiver: string, n = 1): IngestUnit {
    return new IngestUnit(receiver, n);
  }

  end(u: IngestUnit): void {
    if (u.reason === null) {
      this.stats.receive(u.receiver, u.n);
      this.stats.accept(u.receiver, u.n);
    } else this.reject(u.receiver, u.reason, u.n);
  }

  private operate(e: Entry, o: Operation): string {
    const agg = this.agg;
    switch (o.op) {
      case 'inc':
        return agg.counterAdd(e, o.value, o.tsMs);
      case 'set':
        return agg.gaugeSet(e, o.value, o.tsMs);
      case 'add':
        return agg.gaugeAdd(e, o.value, o.tsMs);
      case 'observe':
        agg.observe(e, o.value, o.atMs, o.weight);
        return 'ok';
      case 'observe_many':
        agg.observeMany(e, o.values, o.seen, o.weight, o.sum, o.atMs);
        return 'ok';
      case 'members':
        for (const m of o.members) agg.setAdd(e, m);
        return 'ok';
    }
  }

  // ── samples at their own time ─────────────────────────────────────────────────────────

  /** Samples that exist at one time only (a scrape): each stored at its `tsMs` (or `defaultTs`),
   * or refused with the store's reason. `receiver` null: Radiator's own series (a target's `up`),
   * checked, capped and written like the rest but counted for no receiver. */
  write(receiver: string | null, samples: readonly IngestSample[], defaultTs: number): IngestResult {
    const res = this.result(samples.length);
    const folds = new Map<string, { series: Series; ts: number; value: number; n: number }>();
    const identities = new Set<string>();
    for (const smp of samples) {
      const got = this.seriesFor(smp, res, identities);
      if (!got) continue;
      if (receiver !== null) this.noteSource(got.series.name, receiver);
      const ts = smp.tsMs ?? defaultTs;
      if (got.folded) {
        const k = `${got.series.id}\u0000${ts}`;
        const f = folds.get(k);
        if (f) {
          f.value = smp.fold === 'sum' ? f.value + smp.value : smp.value;
          f.n++;
        } else folds.set(k, { series: got.series, ts, value: smp.value, n: 1 });
        continue;
      }
      const r = this.append(got.series, ts, smp.value);
      if (stored(r)) {
        res.applied++;
        res.seriesKeys.add(got.series.key);
      } else bump(res.refused, r);
    }
    for (const f of folds.values()) {
      const r = this.append(f.series, f.ts, f.value);
      if (stored(r)) {
        res.applied += f.n;
        res.folded += f.n;
        res.seriesKeys.add(f.series.key);
      } else bump(res.refused, r, f.n);
    }
    res.identities = identities.size;
    this.count(receiver, res);
    return res;
  }

  /** History (`POST /api/v1/import`): every sample needs its own time; before a series' oldest
   * sample it goes to disk as history, after its newest it is appended, in between it is refused
   * (see Store.importSamples). Past the series cap, samples fold into overflow series. */
  backfill(receiver: string, samples: readonly IngestSample[]): IngestResult {
    const res = this.result(samples.length);
    // Per series: its points; an overflow series combines the samples that share a time.
    const groups = new Map<number, { series: Series; ts: number[]; values: number[]; weights: number[]; at: Map<number, number> | null }>();
    const identities = new Set<string>();
    for (const smp of samples) {
      if (smp.tsMs === null) {
        bump(res.refused, 'missing_timestamp');
        continue;
      }
      const got = this.seriesFor(smp, res, identities);
      if (!got) continue;
      this.noteSource(got.series.name, receiver);
      let g = groups.get(got.series.id);
      if (!g) groups.set(got.series.id, (g = { series: got.series, ts: [], values: [], weights: [], at: got.folded ? new Map() : null }));
      const i = g.at?.get(smp.tsMs);
      if (g.at && i !== undefined) {
        g.values[i] = smp.fold === 'sum' ? g.values[i]! + smp.value : smp.value;
        g.weights[i]!++;
        continue;
      }
      g.at?.set(smp.tsMs, g.ts.length);
      g.ts.push(smp.tsMs);
      g.values.push(smp.value);
      g.weights.push(1);
    }
    for (const g of groups.values()) {
      const r = this.store.importSamples(g.series, g.ts, g.values, g.weights);
      res.applied += r.imported;
      if (g.at) res.folded += r.imported;
      if (r.imported > 0) res.seriesKeys.add(g.series.key);
      this.written += r.points;
      for (const [why, n] of r.reasons) {
        bump(res.refused, why, n);
        bump(this.storeRefused, why, n);
      }
    }
    res.identities = identities.size;
    this.count(receiver, res);
    return res;
  }

  /** Radiator's own current values (host and self metrics): held and repeated like a gauge. */
  setCurrent(samples: readonly MetricSample[]): void {
    for (const m of samples) {
      const checked = checkSeries(m.name, m.labels);
      if (typeof checked === 'string') continue;
      const e = this.agg.entry('value', checked.name, checked.labels);
      if (typeof e !== 'string') this.agg.gaugeSet(e, m.value);
      this.describe(m.name, { type: m.type, help: m.help }, true);
    }
  }

  /** `name`: a series' or an entry's (text kept already, so the registry holds it as it is). */
  private noteSource(name: string, receiver: string): void {
    this.metadata.noteSource(name, receiver);
  }

  private result(received: number): IngestResult {
    return { received, applied: 0, folded: 0, refused: new Map(), seriesKeys: new Set(), identities: 0 };
  }

  /** The sample's series: its own, or past the cap its overflow series; null when refused. */
  private seriesFor(smp: IngestSample, res: IngestResult, identities: Set<string>): { series: Series; folded: boolean } | null {
    const checked = checkSeries(smp.name, smp.labels);
    if (typeof checked === 'string') {
      bump(res.refused, checked);
      return null;
    }
    identities.add(seriesKey(checked.name, checked.labels));
    const own = this.store.resolve(checked.name, checked.labels);
    if (own) return { series: own, folded: false };
    const over = this.store.resolve(checked.name, overflowLabels(checked.labels), { overflow: true });
    if (over) return { series: over, folded: true };
    bump(res.refused, 'series_limit');
    return null;
  }

  private count(receiver: string | null, res: IngestResult): void {
    if (receiver === null) return;
    this.stats.receive(receiver, res.received);
    this.stats.accept(receiver, res.applied);
    for (const [why, n] of res.refused) this.stats.reject(receiver, why, n);
  }
}
