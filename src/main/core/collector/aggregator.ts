// The collector's current values. Receivers apply operations (add to a counter, set a gauge,
// observe a timing, add a set member, set a pushed value); every flush writes what changed to the
// store, and writes unchanged current values again every repeat interval so PromQL's lookback
// keeps seeing them, as a Prometheus scraping statsd_exporter or a Pushgateway would.
//
// Mapping (statsd_exporter's defaults): counters are cumulative; gauges hold their value; timings
// become a summary (`name{quantile=…}`, `name_sum`, `name_count`); a set becomes a gauge of the
// distinct members seen in the last flush interval (Etsy statsd's meaning).
// Past the series cap, a new series is folded into `name{radiator_overflow="true"}` so totals
// survive a cardinality explosion; the refusal is counted.
//
// A timestamped counter or gauge sample is written at its own time, at once, and becomes the
// current value only if the store took it; otherwise the caller gets the store's reason
// (`too_old`, `too_new`, `out_of_order`) to report and count. It is not repeated at later times:
// only values that arrived without a time are held and written again.

import { MAX_SET_MEMBERS, SUMMARY_QUANTILES } from '../../../shared/limits.ts';
import type { LabelPairs } from '../../../shared/model.ts';
import { detachLabels, detachString, seriesKey } from '../../../shared/model.ts';
import type { AppendResult, Series } from '../store/index.ts';
import { SlidingSummary } from './summary.ts';

export type EntryKind = 'counter' | 'gauge' | 'summary' | 'set' | 'value';
const ENTRY_KINDS: readonly EntryKind[] = ['counter', 'gauge', 'summary', 'set', 'value'];

/** The store as the aggregator sees it. */
export interface SeriesSink {
  resolve(name: string, labels: LabelPairs, opts?: { overflow?: boolean }): Series | null;
  append(s: Series, ts: number, value: number, repeat?: boolean): AppendResult;
}

export interface AggregatorOptions {
  repeatIntervalMs: number;
  /** Quantiles change slowly over a 10-minute window; computing them for every dirty summary
   * every flush would cost a sort each. */
  quantileIntervalMs?: number;
  random?: () => number;
}

export type AggregatorProblem = 'type_conflict' | 'series_limit';

/** Why a counter or gauge operation was refused: the store's reason for a timestamped sample, or
 * a counter total (or moved gauge) that would not be a finite number. */
export type WriteProblem = 'too_old' | 'too_new' | 'out_of_order' | 'non_finite_result' | 'store_disk_full';
export type WriteResult = 'ok' | WriteProblem;

/** What names an entry: its key, name and labels. */
interface Identity {
  readonly key: string;
  readonly name: string;
  readonly labels: LabelPairs;
}

/** What a summary keeps beyond a counter: its own identity (its series are named otherwise, so
 * none of them can lend it theirs), its quantiles, its sliding window, and its series. */
class SummaryPart implements Identity {
  readonly key: string;
  readonly name: string;
  readonly labels: LabelPairs;
  /** SUMMARY_QUANTILES unless the receiver asked for others. */
  readonly quantiles: readonly number[];
  readonly window: SlidingSummary;
  /** The quantiles' series, then _sum's, then _count's. */
  readonly outputs: Series[];
  lastQuantiles = -Infinity;

  constructor(identity: Identity, quantiles: readonly number[], window: SlidingSummary, outputs: Series[]) {
    this.key = identity.key;
    this.name = identity.name;
    this.labels = identity.labels;
    this.quantiles = quantiles;
    this.window = window;
    this.outputs = outputs;
  }
}

const HELD = 1;
const DIRTY = 2;
const REMOVED = 4;
const SET_WAS_NON_EMPTY = 8;

/** One current value. Kept small, one per series: what only a summary or a set needs is in
 * `extra`, the flags share one small integer, and a counter's, gauge's or value's key, name and
 * labels are its series' own (no second copy of the text per entry). */
export class Entry {
  readonly kind: EntryKind;
  /** The series written (a summary's first quantile; its others are in its part). */
  readonly series: Series;
  /** A summary's part, a set's members this interval, null for the rest. */
  private readonly extra: SummaryPart | Set<string> | null;
  value = 0;
  lastWrite = -Infinity;
  private flags = 0;

  constructor(kind: EntryKind, series: Series, extra: SummaryPart | Set<string> | null) {
    // The literal, not the caller's string: a kind that came from the StatsD thread is a copy of
    // its own per message (24 bytes per entry, 2.3 MB at 100,000 series).
    this.kind = ENTRY_KINDS.find((k) => k === kind) ?? kind;
    this.series = series;
    this.extra = extra;
  }

  private get identity(): Identity {
    return this.extra instanceof SummaryPart ? this.extra : this.series;
  }

  get key(): string {
    return this.identity.key;
  }

  get name(): string {
    return this.identity.name;
  }

  get labels(): LabelPairs {
    return this.identity.labels;
  }

  private setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  get part(): SummaryPart {
    return this.extra as SummaryPart;
  }

  get members(): Set<string> {
    return this.extra as Set<string>;
  }

  /** The value arrived without a time, so it is written again every repeat interval. */
  get held(): boolean {
    return (this.flags & HELD) !== 0;
  }
  set held(b: boolean) {
    this.setFlag(HELD, b);
  }

  get dirty(): boolean {
    return (this.flags & DIRTY) !== 0;
  }
  set dirty(b: boolean) {
    this.setFlag(DIRTY, b);
  }

  get removed(): boolean {
    return (this.flags & REMOVED) !== 0;
  }
  set removed(b: boolean) {
    this.setFlag(REMOVED, b);
  }

  /** A set that was non-empty at the last flush writes one 0 when it empties. */
  get setWasNonEmpty(): boolean {
    return (this.flags & SET_WAS_NON_EMPTY) !== 0;
  }
  set setWasNonEmpty(b: boolean) {
    this.setFlag(SET_WAS_NON_EMPTY, b);
  }
}

export interface FlushResult {
  written: number;
  rejected: Map<AppendResult, number>;
}

export class Aggregator {
  private readonly entries = new Map<string, Entry>();
  private dirtyList: Entry[] = [];
  /** Sets written non-empty last flush: they write 0 at the next flush if nothing arrives. */
  private setsToZero: Entry[] = [];
  private readonly sink: SeriesSink;
  private readonly opts: Required<AggregatorOptions>;

  constructor(sink: SeriesSink, opts: AggregatorOptions) {
    this.sink = sink;
    this.opts = { quantileIntervalMs: 10_000, random: Math.random, ...opts };
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for a validated identity (labels sorted), created on first use. A summary may
   * ask for its own quantiles (browser telemetry wants p75); an existing entry keeps its own. */
  entry(kind: EntryKind, name: string, labels: LabelPairs, quantiles: readonly number[] = SUMMARY_QUANTILES): Entry | AggregatorProblem {
    const key = seriesKey(name, labels);
    const found = this.entries.get(key);
    if (found) return found.kind === kind ? found : 'type_conflict';
    let outputs = this.resolveOutputs(kind, name, labels, false, quantiles);
    let entryKey = key;
    let entryLabels = labels;
    if (!outputs) {
      entryLabels = [['radiator_overflow', 'true']];
      entryKey = seriesKey(name, entryLabels);
      const overflow = this.entries.get(entryKey);
      if (overflow) return overflow.kind === kind ? overflow : 'type_conflict';
      outputs = this.resolveOutputs(kind, name, entryLabels, true, quantiles);
      if (!outputs) return 'series_limit';
    }
    // One series has the entry's identity already (the store keeps it detached); a summary's
    // series are named otherwise, so it keeps its own, detached from the text it was parsed from.
    const extra =
      kind === 'summary'
        ? new SummaryPart({ key: entryKey, name: detachString(name), labels: detachLabels(entryLabels) }, quantiles, new SlidingSummary(this.opts.random), outputs)
        : kind === 'set'
          ? new Set<string>()
          : null;
    const e = new Entry(kind, outputs[0]!, extra);
    // Keyed by the string its series or summary part keeps (equal to entryKey), not by entryKey
    // itself: a second copy of every key, 40 B per series at 100,000 StatsD counters.
    this.entries.set(e.key === entryKey ? e.key : entryKey, e);
    return e;
  }

  private resolveOutputs(kind: EntryKind, name: string, labels: LabelPairs, overflow: boolean, quantiles: readonly number[]): Series[] | null {
    if (kind !== 'summary') {
      const s = this.sink.resolve(name, labels, { overflow });
      return s ? [s] : null;
    }
    const out: Series[] = [];
    for (const q of quantiles) {
      const ql = [...labels, ['quantile', String(q)] as const].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const s = this.sink.resolve(name, ql, { overflow });
      if (!s) return null;
      out.push(s);
    }
    for (const suffix of ['_sum', '_count']) {
      const s = this.sink.resolve(name + suffix, labels, { overflow });
      if (!s) return null;
      out.push(s);
    }
    return out;
  }

  private markDirty(e: Entry): void {
    e.held = true;
    if (!e.dirty) {
      e.dirty = true;
      this.dirtyList.push(e);
    }
  }

  /** With `tsMs`, the new total is written at that time right away instead of at the flush. */
  counterAdd(e: Entry, delta: number, tsMs = -1): WriteResult {
    const v = e.value + delta;
    if (!Number.isFinite(v)) return 'non_finite_result';
    return this.setValue(e, v, tsMs);
  }

  /** Any value, NaN and ±Inf included (a pushed gauge may be one). */
  gaugeSet(e: Entry, v: number, tsMs = -1): WriteResult {
    return this.setValue(e, v, tsMs);
  }

  gaugeAdd(e: Entry, delta: number, tsMs = -1): WriteResult {
    const v = e.value + delta;
    if (!Number.isFinite(v) && Number.isFinite(e.value) && Number.isFinite(delta)) return 'non_finite_result';
    return this.setValue(e, v, tsMs);
  }

  /** Without a time: the current value, written at the next flush. With one: written at that
   * time now, and current only if the store took it. */
  private setValue(e: Entry, v: number, tsMs: number): WriteResult {
    if (tsMs < 0) {
      e.value = v;
      this.markDirty(e);
      return 'ok';
    }
    const r = this.sink.append(e.series, tsMs, v);
    if (r !== 'ok' && r !== 'duplicate') return r;
    e.value = v;
    e.held = false;
    if (tsMs > e.lastWrite) e.lastWrite = tsMs;
    return 'ok';
  }

  observe(e: Entry, v: number, now: number, weight = 1): void {
    e.part.window.observe(v, now, weight);
    this.markDirty(e);
  }

  observeMany(e: Entry, values: Float64Array, seen: number, weight: number, sum: number, now: number): void {
    e.part.window.observeMany(values, seen, weight, sum, now);
    this.markDirty(e);
  }

  setAdd(e: Entry, member: string): void {
    const m = e.members;
    if (m.size < MAX_SET_MEMBERS || m.has(member)) m.add(member);
    this.markDirty(e);
  }

  /** Stop writing an entry (a deleted push group). Its series keep their history. */
  remove(e: Entry): void {
    e.removed = true;
    this.entries.delete(e.key);
  }

  get(name: string, labels: LabelPairs): Entry | undefined {
    return this.entries.get(seriesKey(name, labels));
  }

  /** Write dirty entries at `ts`, and current values due for a repeat. */
  flush(ts: number): FlushResult {
    const res: FlushResult = { written: 0, rejected: new Map() };
    let repeating = false;
    const write = (s: Series, v: number) => {
      const r = this.sink.append(s, ts, v, repeating);
      if (r === 'ok') res.written++;
      else if (r !== 'duplicate') res.rejected.set(r, (res.rejected.get(r) ?? 0) + 1);
    };
    const emit = (e: Entry, repeat: boolean) => {
      repeating = repeat;
      switch (e.kind) {
        case 'counter':
        case 'gauge':
        case 'value':
          write(e.series, e.value);
          break;
        case 'set': {
          const n = e.members.size;
          if (n > 0 || e.setWasNonEmpty || repeat) write(e.series, n);
          e.setWasNonEmpty = n > 0;
          e.members.clear();
          break;
        }
        case 'summary': {
          const p = e.part;
          const s = p.window;
          const nq = p.quantiles.length;
          if (repeat || ts - p.lastQuantiles >= this.opts.quantileIntervalMs) {
            const qs = s.quantiles(ts, p.quantiles);
            for (let i = 0; i < nq; i++) write(p.outputs[i]!, qs[i]!);
            p.lastQuantiles = ts;
          }
          write(p.outputs[nq]!, s.sum);
          write(p.outputs[nq + 1]!, s.count);
          break;
        }
      }
      e.lastWrite = ts;
    };
    const dirty = this.dirtyList;
    this.dirtyList = [];
    for (const e of this.setsToZero) if (!e.dirty && !e.removed && e.setWasNonEmpty) emit(e, false);
    this.setsToZero = [];
    for (const e of dirty) {
      e.dirty = false;
      if (!e.removed) emit(e, false);
      if (e.kind === 'set' && e.setWasNonEmpty) this.setsToZero.push(e);
    }
    const due = ts - this.opts.repeatIntervalMs;
    for (const e of this.entries.values()) {
      if (e.held && e.lastWrite <= due) emit(e, true);
    }
    return res;
  }
}
