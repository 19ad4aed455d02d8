// The main-thread half of StatsD: hands a window's deltas (from statsd-accumulator.ts) to the
// door, and turns DogStatsD events and service checks into events and a status series. The thread
// checked and escaped names already (it needs the identity to fold lines); here every line it
// took is applied or refused through the door — the lines a window folded into one delta stand or
// fall together (a counter total that would not be finite, a series past the overflow reserve) —
// and every line it refused is counted with its reason. A tag the thread dropped (`malformed_tag`)
// is counted received and refused on its own; its line still counts as that line.

import { POSTABLE_EVENT_KINDS, type EventKind, type NewEvent } from '../../../shared/model.ts';
import type { Entry } from './aggregator.ts';
import type { Ingest, Operation } from './ingest.ts';
import type { MetricType } from './metadata.ts';
import type { StatsdDelta } from './statsd-accumulator.ts';
import type { StatsdEvent, StatsdServiceCheck } from './statsd-parser.ts';

export const STATSD_RECEIVER = 'statsd';

const STATUS_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

const STATSD_TYPE: Record<Entry['kind'], MetricType> = { counter: 'counter', gauge: 'gauge', summary: 'summary', set: 'gauge', value: 'unknown' };

export class StatsdApplier {
  private readonly door: Ingest;
  private readonly onEvent: (e: NewEvent) => void;
  private readonly now: () => number;
  /** key id (dense) → the aggregator entry, or why it has none (type conflict, series limit).
   * StatsD entries are never removed (only pushed values are), so each is resolved once. */
  private readonly entries: Array<Entry | string | undefined> = [];
  private readonly checkStatus = new Map<string, number>();
  /** What the StatsD thread's bounded caches dropped, in total. */
  readonly evicted = { raw: 0, keys: 0 };

  constructor(ingest: Ingest, onEvent: (e: NewEvent) => void, now: () => number = Date.now) {
    this.door = ingest;
    this.onEvent = onEvent;
    this.now = now;
  }

  private entryOf(id: number): Entry | string {
    return this.entries[id] ?? 'unknown_key';
  }

  apply(d: StatsdDelta): void {
    const now = this.now();
    // An id the thread freed and gave to a new key is overwritten here before any value for it.
    for (const k of d.newKeys) {
      const e = (this.entries[k.id] = this.door.resolveCurrent(k));
      // What statsd_exporter would declare: the screens tell a counter that did not move (zero)
      // from a sender that stopped (stale) by it. A sender's own description, if any, stays.
      if (typeof e !== 'string') this.door.describe(e, { type: STATSD_TYPE[e.kind] }, true);
    }
    this.evicted.raw += d.evicted.raw;
    this.evicted.keys += d.evicted.keys;
    const ingest = this.door;
    // An entry the door refused (type conflict, series limit) refuses the lines sent to it.
    const apply = (id: number, op: Operation, lines: number) => {
      const e = this.entryOf(id);
      if (typeof e === 'string') ingest.reject(STATSD_RECEIVER, e, lines);
      else ingest.apply(STATSD_RECEIVER, e, op, lines);
    };
    const c = d.counters;
    // The window's lines were folded into one increment: they stand or fall together.
    for (let i = 0; i < c.ids.length; i++) apply(c.ids[i]!, { op: 'inc', value: c.incs[i]! }, c.lines[i]!);
    const g = d.gauges;
    for (let i = 0; i < g.ids.length; i++) {
      const set = g.sets[i]!;
      const v = set + g.adds[i]!;
      // StatsD values are finite (the parser refuses others), so a non-finite sum is an overflow.
      const overflow = !Number.isNaN(set) && !Number.isFinite(v) && typeof this.entryOf(g.ids[i]!) !== 'string';
      if (overflow) ingest.reject(STATSD_RECEIVER, 'non_finite_result', g.lines[i]!);
      else apply(g.ids[i]!, Number.isNaN(set) ? { op: 'add', value: g.adds[i]! } : { op: 'set', value: v }, g.lines[i]!);
    }
    for (const s of d.summaries) apply(s.id, { op: 'observe_many', values: s.values, seen: s.seen, weight: s.weight, sum: s.sum, atMs: now }, s.lines);
    for (const s of d.sets) apply(s.id, { op: 'members', members: s.members }, s.lines);
    for (const t of d.timed) apply(t.id, { op: t.op, value: t.value, tsMs: t.tsMs }, 1);
    for (const ev of d.events) this.event(ev);
    for (const sc of d.checks) this.serviceCheck(sc);
    for (const [reason, n] of d.rejects) ingest.reject(STATSD_RECEIVER, reason, n);
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
    this.door.taken(STATSD_RECEIVER);
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
    const e = this.door.apply(STATSD_RECEIVER, { kind: 'gauge', name: 'service_check_status', labels: pairs, escape: true }, { op: 'set', value: sc.status, tsMs: sc.tsMs ?? undefined });
    if (typeof e === 'string') return;
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
