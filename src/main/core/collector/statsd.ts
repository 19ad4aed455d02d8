// StatsD into the aggregator: each scanned metric is looked up by its raw key (name, type and
// tag sections as they arrived), so a known series costs one Map lookup and no tag parsing.
// The sockets (statsd-udp.ts, statsd-tcp.ts) only move bytes into `ingest`.

import { MAX_STATSD_KEY_CACHE } from '../../../shared/limits.ts';
import type { NewEvent } from '../../../shared/model.ts';
import { POSTABLE_EVENT_KINDS, type EventKind } from '../../../shared/model.ts';
import { checkSeries, escapeMetricName } from '../labels.ts';
import type { Aggregator, Entry, EntryKind } from './aggregator.ts';
import type { IngestStats } from './ingest-stats.ts';
import {
  latin1ToUtf8,
  newScannedMetric,
  resolveName,
  scanStatsd,
  type ScannedMetric,
  type StatsdEvent,
  type StatsdRejectReason,
  type StatsdServiceCheck,
  type StatsdSink,
  type StatsdType,
} from './statsd-parser.ts';

const KIND: Record<StatsdType, EntryKind> = { c: 'counter', g: 'gauge', ms: 'summary', h: 'summary', d: 'summary', s: 'set' };

interface Cached {
  entry: Entry | null;
  problem: string | null;
  badTags: number;
}

export const STATSD_RECEIVER = 'statsd';

export class StatsdIngest implements StatsdSink {
  private readonly agg: Aggregator;
  private readonly stats: IngestStats;
  private readonly onEvent: (e: NewEvent) => void;
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached>();
  private readonly scratch: ScannedMetric = newScannedMetric();
  private readonly checkStatus = new Map<string, number>();
  private received = 0;
  private readonly rejects = new Map<string, number>();
  private tick = 0;

  constructor(agg: Aggregator, stats: IngestStats, onEvent: (e: NewEvent) => void, now: () => number = Date.now) {
    this.agg = agg;
    this.stats = stats;
    this.onEvent = onEvent;
    this.now = now;
  }

  /** One datagram, or a batch of complete lines from a TCP stream. */
  ingest(data: string | Uint8Array): void {
    this.tick = this.now();
    scanStatsd(data, this, this.scratch);
  }

  /** Move the counts gathered on the hot path into the shared stats. */
  syncStats(): void {
    this.stats.receive(STATSD_RECEIVER, this.received);
    this.received = 0;
    for (const [reason, n] of this.rejects) this.stats.reject(STATSD_RECEIVER, reason, n);
    this.rejects.clear();
  }

  reject(reason: StatsdRejectReason | string): void {
    this.received++;
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
  }

  metric(m: ScannedMetric): void {
    let c = this.cache.get(m.key);
    if (c === undefined || (c.entry !== null && c.entry.removed)) {
      c = this.resolve(m);
      if (this.cache.size >= MAX_STATSD_KEY_CACHE) this.cache.clear();
      this.cache.set(m.key, c);
    }
    if (c.badTags > 0) this.rejects.set('malformed_tag', (this.rejects.get('malformed_tag') ?? 0) + c.badTags);
    const e = c.entry;
    if (e === null) return this.reject(c.problem!);
    this.received++;
    const agg = this.agg;
    switch (m.type) {
      case 'c':
        agg.counterAdd(e, m.sampleRate === 1 ? m.value : m.value / m.sampleRate, m.tsMs);
        break;
      case 'g':
        if (m.relative) agg.gaugeAdd(e, m.value, m.tsMs);
        else agg.gaugeSet(e, m.value, m.tsMs);
        break;
      case 'ms':
        agg.observe(e, m.value / 1000, this.tick, 1 / m.sampleRate);
        break;
      case 'h':
      case 'd':
        agg.observe(e, m.value, this.tick, 1 / m.sampleRate);
        break;
      case 's':
        agg.setAdd(e, latin1ToUtf8(m.member) ?? m.member);
        break;
    }
  }

  private resolve(m: ScannedMetric): Cached {
    const r = resolveName(m);
    if (typeof r === 'string') return { entry: null, problem: r, badTags: 0 };
    const name = escapeMetricName(r.name);
    const checked = checkSeries(
      name,
      r.tags.map(([k, v]) => [escapeMetricName(k), v] as const),
    );
    if (typeof checked === 'string') return { entry: null, problem: checked, badTags: r.badTags };
    const e = this.agg.entry(KIND[m.type], checked.name, checked.labels);
    if (typeof e === 'string') return { entry: null, problem: e, badTags: r.badTags };
    return { entry: e, problem: null, badTags: r.badTags };
  }

  event(ev: StatsdEvent): void {
    this.received++;
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
    this.onEvent({
      ts: ev.tsMs ?? this.now(),
      tsEnd: null,
      kind,
      title: ev.title,
      text: ev.text,
      tags,
      service: tag('service'),
      version: tag('version'),
      source: STATSD_RECEIVER,
    });
  }

  /** A service check becomes `service_check_status{check="<name>",…}` (0 OK, 1 WARNING,
   * 2 CRITICAL, 3 UNKNOWN) and, when its status changes, a `check` event. */
  serviceCheck(sc: StatsdServiceCheck): void {
    const pairs: Array<[string, string]> = [['check', sc.name]];
    if (sc.hostname) pairs.push(['host', sc.hostname]);
    for (const t of sc.tags) {
      const i = t.indexOf(':');
      if (i > 0 && i < t.length - 1) pairs.push([escapeMetricName(t.slice(0, i)), t.slice(i + 1)]);
    }
    const checked = checkSeries('service_check_status', pairs);
    if (typeof checked === 'string') return this.reject(checked);
    const e = this.agg.entry('gauge', checked.name, checked.labels);
    if (typeof e === 'string') return this.reject(e);
    this.received++;
    const ts = sc.tsMs ?? -1;
    this.agg.gaugeSet(e, sc.status, ts);
    const before = this.checkStatus.get(e.key);
    this.checkStatus.set(e.key, sc.status);
    if (before !== sc.status) {
      const names = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];
      this.onEvent({
        ts: sc.tsMs ?? this.now(),
        tsEnd: null,
        kind: 'check',
        title: `${sc.name}: ${before === undefined ? '' : names[before] + ' → '}${names[sc.status]}`,
        text: sc.message ?? '',
        tags: [`check:${sc.name}`, `status:${names[sc.status]!.toLowerCase()}`, ...sc.tags],
        service: null,
        version: null,
        source: STATSD_RECEIVER,
      });
    }
  }
}
