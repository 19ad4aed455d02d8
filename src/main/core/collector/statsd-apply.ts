// The main-thread half of StatsD: applies a window's deltas (from statsd-accumulator.ts) to the
// aggregator, turns DogStatsD events and service checks into events and a status series, and
// moves the counts into the shared ingest stats. Every line the thread counted is applied or
// refused here with a reason: a counter window whose total would not be finite, a timestamped
// line the store refuses (`too_old`, `too_new`, `out_of_order`).

import { POSTABLE_EVENT_KINDS, type EventKind, type NewEvent } from '../../../shared/model.ts';
import { checkEscapedSeries } from '../labels.ts';
import type { Aggregator, Entry } from './aggregator.ts';
import type { IngestStats } from './ingest-stats.ts';
import type { StatsdDelta } from './statsd-accumulator.ts';
import type { StatsdEvent, StatsdServiceCheck } from './statsd-parser.ts';

export const STATSD_RECEIVER = 'statsd';

const STATUS_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export class StatsdApplier {
  private readonly agg: Aggregator;
  private readonly stats: IngestStats;
  private readonly onEvent: (e: NewEvent) => void;
  private readonly now: () => number;
  /** key id (dense) → the aggregator entry, or why it has none (type conflict, series limit).
   * StatsD entries are never removed (only pushed values are), so each is resolved once. */
  private readonly entries: Array<Entry | string | undefined> = [];
  private readonly checkStatus = new Map<string, number>();
  /** What the StatsD thread's bounded caches dropped, in total. */
  readonly evicted = { raw: 0, keys: 0 };

  constructor(agg: Aggregator, stats: IngestStats, onEvent: (e: NewEvent) => void, now: () => number = Date.now) {
    this.agg = agg;
    this.stats = stats;
    this.onEvent = onEvent;
    this.now = now;
  }

  private entryOf(id: number): Entry | string {
    return this.entries[id] ?? 'unknown_key';
  }

  apply(d: StatsdDelta): void {
    const now = this.now();
    // An id the thread freed and gave to a new key is overwritten here before any value for it.
    for (const k of d.newKeys) this.entries[k.id] = this.agg.entry(k.kind, k.name, k.labels);
    this.evicted.raw += d.evicted.raw;
    this.evicted.keys += d.evicted.keys;
    const refuse = (problem: string, lines: number) => this.stats.reject(STATSD_RECEIVER, problem, lines);
    const c = d.counters;
    for (let i = 0; i < c.ids.length; i++) {
      const e = this.entryOf(c.ids[i]!);
      if (typeof e === 'string') refuse(e, c.lines[i]!);
      else {
        // The window's lines were folded into one increment: they stand or fall together.
        const r = this.agg.counterAdd(e, c.incs[i]!);
        if (r !== 'ok') refuse(r, c.lines[i]!);
      }
    }
    const g = d.gauges;
    for (let i = 0; i < g.ids.length; i++) {
      const e = this.entryOf(g.ids[i]!);
      if (typeof e === 'string') {
        refuse(e, g.lines[i]!);
        continue;
      }
      const set = g.sets[i]!;
      // StatsD values are finite (the parser refuses others), so a non-finite sum is an overflow.
      const r = Number.isNaN(set)
        ? this.agg.gaugeAdd(e, g.adds[i]!)
        : Number.isFinite(set + g.adds[i]!)
          ? this.agg.gaugeSet(e, set + g.adds[i]!)
          : 'non_finite_result';
      if (r !== 'ok') refuse(r, g.lines[i]!);
    }
    for (const s of d.summaries) {
      const e = this.entryOf(s.id);
      if (typeof e === 'string') refuse(e, s.lines);
      else this.agg.observeMany(e, s.values, s.seen, s.weight, s.sum, now);
    }
    for (const s of d.sets) {
      const e = this.entryOf(s.id);
      if (typeof e === 'string') refuse(e, s.lines);
      else for (const m of s.members) this.agg.setAdd(e, m);
    }
    for (const t of d.timed) {
      const e = this.entryOf(t.id);
      if (typeof e === 'string') {
        refuse(e, 1);
        continue;
      }
      const r =
        t.op === 'inc' ? this.agg.counterAdd(e, t.value, t.tsMs) : t.op === 'set' ? this.agg.gaugeSet(e, t.value, t.tsMs) : this.agg.gaugeAdd(e, t.value, t.tsMs);
      if (r !== 'ok') refuse(r, 1);
    }
    for (const ev of d.events) this.event(ev);
    for (const sc of d.checks) this.serviceCheck(sc);
    this.stats.receive(STATSD_RECEIVER, d.received);
    for (const [reason, n] of d.rejects) this.stats.reject(STATSD_RECEIVER, reason, n);
  }

  private event(ev: StatsdEvent): void {
    const tags = [...ev.tags];
    const tag = (k: string) => tags.find((t) => t.startsWith(k + ':'))?.slice(k.length + 1) ?? null;
    if (ev.alertType !== 'info') tags.push(`alert_type:${ev.alertType}`);
    if (ev.priority !== 'normal') tags.push(`priority:${ev.priority}`);
    if (ev.hostname) tags.push(`host:${ev.hostname}`);
    if (ev.sourceType) tags.push(`source_type:${ev.sourceType}`);
    if (ev.aggregationKey) tags.push(`aggregation_key:${ev.aggregationKey}`);
    // A `kind:deploy` (or `event_type:deploy`) tag picks the kind; otherwise it is a note.
    const wanted = tag('kind') ?? tag('event_type');
    const kind: EventKind = (POSTABLE_EVENT_KINDS as readonly string[]).includes(wanted ?? '') ? (wanted as EventKind) : 'note';
    this.onEvent({ ts: ev.tsMs ?? this.now(), tsEnd: null, kind, title: ev.title, text: ev.text, tags, service: tag('service'), version: tag('version'), source: STATSD_RECEIVER });
  }

  /** A service check becomes `service_check_status{check="<name>",…}` (0 OK, 1 WARNING,
   * 2 CRITICAL, 3 UNKNOWN) and, when its status changes, a `check` event. */
  private serviceCheck(sc: StatsdServiceCheck): void {
    const pairs: Array<[string, string]> = [['check', sc.name]];
    if (sc.hostname) pairs.push(['host', sc.hostname]);
    for (const t of sc.tags) {
      const i = t.indexOf(':');
      if (i > 0 && i < t.length - 1) pairs.push([t.slice(0, i), t.slice(i + 1)]);
    }
    const checked = checkEscapedSeries('service_check_status', pairs);
    if (typeof checked === 'string') return this.stats.reject(STATSD_RECEIVER, checked);
    const e = this.agg.entry('gauge', checked.name, checked.labels);
    if (typeof e === 'string') return this.stats.reject(STATSD_RECEIVER, e);
    const r = this.agg.gaugeSet(e, sc.status, sc.tsMs ?? -1);
    if (r !== 'ok') return this.stats.reject(STATSD_RECEIVER, r);
    const before = this.checkStatus.get(e.key);
    this.checkStatus.set(e.key, sc.status);
    if (before === sc.status) return;
    this.onEvent({
      ts: sc.tsMs ?? this.now(),
      tsEnd: null,
      kind: 'check',
      title: `${sc.name}: ${before === undefined ? '' : STATUS_NAMES[before] + ' → '}${STATUS_NAMES[sc.status]}`,
      text: sc.message ?? '',
      tags: [`check:${sc.name}`, `status:${STATUS_NAMES[sc.status].toLowerCase()}`, ...sc.tags],
      service: null,
      version: null,
      source: STATSD_RECEIVER,
    });
  }
}
