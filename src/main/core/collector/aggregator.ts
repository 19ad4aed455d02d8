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
  /** The series with this key, if the store has it (without making it). */
  find(key: string): Series | undefined;
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
const SET_WAS_NON_EMPTY = 4;
/** The kind is kept in the bits above the flags: its index in ENTRY_KINDS, plus one (0: no entry). */
const KIND_SHIFT = 4;

/** The numbers of every entry, a column each, at its series' id (a store's ids are dense; a
 * summary's is its first quantile's). As fields of the entry they were a pointer and a 16-byte
 * heap number each, plus a field for the flags: 48 bytes more per entry than 17 here. */
class EntryColumns {
  value = new Float64Array(1024);
  lastWrite = new Float64Array(1024).fill(-Infinity);
  bits = new Uint8Array(1024);

  /** Room for `id`: doubled, so growth costs a copy now and then, not per entry. */
  reserve(id: number): void {
    if (id < this.bits.length) return;
    const n = Math.max(this.bits.length * 2, id + 1);
    const value = new Float64Array(n);
    value.set(this.value);
    const lastWrite = new Float64Array(n).fill(-Infinity);
    lastWrite.set(this.lastWrite);
    const bits = new Uint8Array(n);
    bits.set(this.bits);
    this.value = value;
    this.lastWrite = lastWrite;
    this.bits = bits;
  }

  /** Whether an entry (of another identity) already writes through this series. */
  taken(id: number): boolean {
    return id < this.bits.length && this.bits[id]! >> KIND_SHIFT !== 0;
  }

  /** A new entry at `id`: its kind, no flags, a zero value, never written. */
  claim(id: number, kind: EntryKind): void {
    this.reserve(id);
    this.bits[id] = (ENTRY_KINDS.indexOf(kind) + 1) << KIND_SHIFT;
    this.value[id] = 0;
    this.lastWrite[id] = -Infinity;
  }
}

/** One current value: its series, what only a summary or a set needs (`extra`), and where its
 * numbers are (`cols`, at its series' id). A counter's, gauge's or value's key, name and labels
 * are its series' own (no second copy of the text per entry). */
export class Entry {
  /** The series written (a summary's first quantile; its others are in its part). */
  readonly series: Series;
  /** A summary's part, a set's members this interval, null for the rest. */
  private readonly extra: SummaryPart | Set<string> | null;
  private readonly cols: EntryColumns;

  constructor(series: Series, extra: SummaryPart | Set<string> | null, cols: EntryColumns) {
    this.series = series;
    this.extra = extra;
    this.cols = cols;
  }

  get kind(): EntryKind {
    return ENTRY_KINDS[(this.cols.bits[this.series.id]! >> KIND_SHIFT) - 1]!;
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

  /** The current value (a counter's total). */
  get value(): number {
    return this.cols.value[this.series.id]!;
  }
  set value(v: number) {
    this.cols.value[this.series.id] = v;
  }

  /** When it was last written (-Infinity: never). */
  get lastWrite(): number {
    return this.cols.lastWrite[this.series.id]!;
  }
  set lastWrite(t: number) {
    this.cols.lastWrite[this.series.id] = t;
  }

  private flag(bit: number): boolean {
    return (this.cols.bits[this.series.id]! & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    const id = this.series.id;
    const b = this.cols.bits[id]!;
    this.cols.bits[id] = on ? b | bit : b & ~bit;
  }

  get part(): SummaryPart {
    return this.extra as SummaryPart;
  }

  get members(): Set<string> {
    return this.extra as Set<string>;
  }

  /** The value arrived without a time, so it is written again every repeat interval. */
  get held(): boolean {
    return this.flag(HELD);
  }
  set held(b: boolean) {
    this.setFlag(HELD, b);
  }

  get dirty(): boolean {
    return this.flag(DIRTY);
  }
  set dirty(b: boolean) {
    this.setFlag(DIRTY, b);
  }

  /** A set that was non-empty at the last flush writes one 0 when it empties. */
  get setWasNonEmpty(): boolean {
    return this.flag(SET_WAS_NON_EMPTY);
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
  private readonly cols = new EntryColumns();
  /** Counters', gauges', sets' and values' entries, at their series' id: the store's own index
   * finds the series by key, so a map of keys here would be a second one (38 bytes an entry). */
  private readonly byId: Array<Entry | undefined> = [];
  /** Summaries by their own key (their series are named otherwise). */
  private readonly summaries = new Map<string, Entry>();
  private count = 0;
  private dirtyList: Entry[] = [];
  /** Sets written non-empty last flush: they write 0 at the next flush if nothing arrives. */
  private setsToZero: Entry[] = [];
  /** Entries removed since the last flush: they may still be in the two lists above, and a new
   * entry may already have their series' slot. */
  private removedSinceFlush = new Set<Entry>();
  private readonly sink: SeriesSink;
  private readonly opts: Required<AggregatorOptions>;

  constructor(sink: SeriesSink, opts: AggregatorOptions) {
    this.sink = sink;
    this.opts = { quantileIntervalMs: 10_000, random: Math.random, ...opts };
  }

  get size(): number {
    return this.count;
  }

  /** The entry of an identity, whatever its kind. */
  private find(key: string): Entry | undefined {
    const summary = this.summaries.size > 0 ? this.summaries.get(key) : undefined;
    if (summary) return summary;
    const s = this.sink.find(key);
    return s ? this.byId[s.id] : undefined;
  }

  /** The entry for a validated identity (labels sorted), created on first use. A summary may
   * ask for its own quantiles (browser telemetry wants p75); an existing entry keeps its own. */
  entry(kind: EntryKind, name: string, labels: LabelPairs, quantiles: readonly number[] = SUMMARY_QUANTILES): Entry | AggregatorProblem {
    const key = seriesKey(name, labels);
    const found = this.find(key);
    if (found) return found.kind === kind ? found : 'type_conflict';
    let outputs = this.resolveOutputs(kind, name, labels, false, quantiles);
    let entryKey = key;
    let entryLabels = labels;
    if (!outputs) {
      entryLabels = [['radiator_overflow', 'true']];
      entryKey = seriesKey(name, entryLabels);
      const overflow = this.find(entryKey);
      if (overflow) return overflow.kind === kind ? overflow : 'type_conflict';
      outputs = this.resolveOutputs(kind, name, entryLabels, true, quantiles);
      if (!outputs) return 'series_limit';
    }
    const first = outputs[0]!;
    // Another identity writes this series already (a gauge named like a summary's quantile).
    if (this.cols.taken(first.id)) return 'type_conflict';
    // One series has the entry's identity already (the store keeps it detached); a summary's
    // series are named otherwise, so it keeps its own, detached from the text it was parsed from.
    const extra =
      kind === 'summary'
        ? new SummaryPart({ key: entryKey, name: detachString(name), labels: detachLabels(entryLabels) }, quantiles, new SlidingSummary(this.opts.random), outputs)
        : kind === 'set'
          ? new Set<string>()
          : null;
    this.cols.claim(first.id, kind);
    const e = new Entry(first, extra, this.cols);
    if (kind === 'summary') this.summaries.set(e.key, e);
    else {
      const byId = this.byId;
      while (byId.length <= first.id) byId.push(undefined);
      byId[first.id] = e;
    }
    this.count++;
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
    if (e.kind === 'summary') {
      if (this.summaries.get(e.key) !== e) return;
      this.summaries.delete(e.key);
    } else {
      if (this.byId[e.series.id] !== e) return;
      this.byId[e.series.id] = undefined;
    }
    this.cols.bits[e.series.id] = 0;
    this.removedSinceFlush.add(e);
    this.count--;
  }

  get(name: string, labels: LabelPairs): Entry | undefined {
    return this.find(seriesKey(name, labels));
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
    const removed = this.removedSinceFlush;
    this.removedSinceFlush = new Set();
    // A removed entry is skipped before its slot is read: a new entry may hold it now.
    const gone = (e: Entry) => removed.size > 0 && removed.has(e);
    for (const e of this.setsToZero) if (!gone(e) && !e.dirty && e.setWasNonEmpty) emit(e, false);
    this.setsToZero = [];
    for (const e of dirty) {
      if (gone(e)) continue;
      e.dirty = false;
      emit(e, false);
      if (e.kind === 'set' && e.setWasNonEmpty) this.setsToZero.push(e);
    }
    const due = ts - this.opts.repeatIntervalMs;
    for (const entries of [this.byId, this.summaries.values()]) {
      for (const e of entries) if (e !== undefined && e.held && e.lastWrite <= due) emit(e, true);
    }
    return res;
  }
}
