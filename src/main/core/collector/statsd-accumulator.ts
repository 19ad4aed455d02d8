// The per-line half of StatsD, built to run on its own thread: parse lines, resolve each raw
// (name, type, tags) once to a key, and fold the lines of one flush window into per-key deltas —
// increments, gauge sets and moves, sampled observations, set members. `drain()` hands the
// window's deltas over (to statsd-apply.ts, on the main thread) and starts the next window.
// The main thread's work per flush is then proportional to distinct keys, not to lines.

import { MAX_SET_MEMBERS, MAX_STATSD_KEY_CACHE, SUMMARY_RESERVOIR_SIZE } from '../../../shared/limits.ts';
import { seriesKey, type LabelPairs } from '../../../shared/model.ts';
import { checkSeries, escapeMetricName } from '../labels.ts';
import type { EntryKind } from './aggregator.ts';
import {
  latin1ToUtf8,
  metricContainer,
  metricName,
  metricTags,
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

export interface StatsdKey {
  id: number;
  kind: EntryKind;
  name: string;
  labels: LabelPairs;
}

export interface StatsdDelta {
  /** Keys seen for the first time; later deltas refer to them by id. */
  newKeys: StatsdKey[];
  counters: { ids: Int32Array; incs: Float64Array; lines: Int32Array };
  /** `sets` is NaN where the window only moved the gauge. */
  gauges: { ids: Int32Array; sets: Float64Array; adds: Float64Array; lines: Int32Array };
  summaries: Array<{ id: number; values: Float64Array; seen: number; weight: number; sum: number; lines: number }>;
  sets: Array<{ id: number; members: string[]; lines: number }>;
  /** Counter and gauge lines with `|T`, in arrival order. */
  timed: Array<{ id: number; op: 'inc' | 'set' | 'add'; value: number; tsMs: number }>;
  events: StatsdEvent[];
  checks: StatsdServiceCheck[];
  received: number;
  rejects: Array<[string, number]>;
}

/** The window state of one key. */
class KeyState {
  readonly key: StatsdKey;
  lines = 0;
  inc = 0;
  set = NaN;
  add = 0;
  values: Float64Array | null = null;
  stored = 0;
  seen = 0;
  weight = 0;
  sum = 0;
  members: Set<string> | null = null;
  listed = false;
  constructor(key: StatsdKey) {
    this.key = key;
  }
}

/** What a raw (name, type, tags, container) resolved to: a key, or why not. Keyed by the raw
 * name's hash (an int: no string is made or hashed per line); names that share a hash, and
 * variants of one name (other types or tag sets), chain through `next`. */
interface Cached {
  nameLen: number;
  nameHash2: number;
  type: StatsdType;
  tagsHash: number;
  tagsLen: number;
  state: KeyState | null;
  problem: string | null;
  badTags: number;
  next: Cached | null;
}

export class StatsdAccumulator implements StatsdSink {
  private readonly cache = new Map<number, Cached>();
  private readonly byIdentity = new Map<string, KeyState>();
  private readonly scratch: ScannedMetric = newScannedMetric();
  private readonly random: () => number;
  private nextId = 1;
  private newKeys: StatsdKey[] = [];
  private touched: KeyState[] = [];
  private timed: StatsdDelta['timed'] = [];
  private events: StatsdEvent[] = [];
  private checks: StatsdServiceCheck[] = [];
  private received = 0;
  private rejects = new Map<string, number>();

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** One datagram, or several joined by newlines, or complete TCP lines. */
  ingest(data: string | Uint8Array): void {
    scanStatsd(data, this, this.scratch);
  }

  reject(reason: StatsdRejectReason | string, n = 1): void {
    this.received += n;
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + n);
  }

  metric(m: ScannedMetric): void {
    let c = this.cache.get(m.nameHash);
    const len = m.nameEnd - m.nameStart;
    while (
      c !== undefined &&
      !(c.nameHash2 === m.nameHash2 && c.nameLen === len && c.type === m.type && c.tagsHash === m.tagsHash && c.tagsLen === m.tagsLen)
    ) {
      c = c.next ?? undefined;
    }
    if (c === undefined) {
      c = this.resolve(m);
      if (this.cache.size >= MAX_STATSD_KEY_CACHE) this.cache.clear();
      c.next = this.cache.get(m.nameHash) ?? null;
      this.cache.set(m.nameHash, c);
    }
    if (c.badTags > 0) this.rejects.set('malformed_tag', (this.rejects.get('malformed_tag') ?? 0) + c.badTags);
    const st = c.state;
    if (st === null) return this.reject(c.problem!);
    this.received++;
    st.lines++;
    if (!st.listed) {
      st.listed = true;
      this.touched.push(st);
    }
    switch (m.type) {
      case 'c': {
        const v = m.sampleRate === 1 ? m.value : m.value / m.sampleRate;
        if (m.tsMs >= 0) this.timed.push({ id: st.key.id, op: 'inc', value: v, tsMs: m.tsMs });
        else st.inc += v;
        break;
      }
      case 'g':
        if (m.tsMs >= 0) this.timed.push({ id: st.key.id, op: m.relative ? 'add' : 'set', value: m.value, tsMs: m.tsMs });
        else if (m.relative) st.add += m.value;
        else {
          st.set = m.value;
          st.add = 0;
        }
        break;
      case 'ms':
        this.observe(st, m.value / 1000, 1 / m.sampleRate);
        break;
      case 'h':
      case 'd':
        this.observe(st, m.value, 1 / m.sampleRate);
        break;
      case 's': {
        const set = (st.members ??= new Set());
        if (set.size < MAX_SET_MEMBERS) set.add(latin1ToUtf8(m.member) ?? m.member);
        break;
      }
    }
  }

  /** Keep every observation of the window up to the reservoir size, then a uniform sample. */
  private observe(st: KeyState, v: number, weight: number): void {
    st.seen++;
    st.weight += weight;
    st.sum += v * weight;
    let vals = st.values;
    if (st.stored < SUMMARY_RESERVOIR_SIZE) {
      if (vals === null || st.stored === vals.length) {
        const next = new Float64Array(Math.min(SUMMARY_RESERVOIR_SIZE, Math.max(8, st.stored * 2)));
        if (vals) next.set(vals.subarray(0, st.stored));
        st.values = vals = next;
      }
      vals[st.stored++] = v;
    } else {
      const j = Math.floor(this.random() * st.seen);
      if (j < SUMMARY_RESERVOIR_SIZE) vals![j] = v;
    }
  }

  private resolve(m: ScannedMetric): Cached {
    const base = { nameLen: m.nameEnd - m.nameStart, nameHash2: m.nameHash2, type: m.type, tagsHash: m.tagsHash, tagsLen: m.tagsLen, next: null };
    const r = resolveName({ nameRaw: metricName(m), tagsRaw: metricTags(m), containerId: metricContainer(m) });
    if (typeof r === 'string') return { ...base, state: null, problem: r, badTags: 0 };
    const checked = checkSeries(
      escapeMetricName(r.name),
      r.tags.map(([k, v]) => [escapeMetricName(k), v] as const),
    );
    if (typeof checked === 'string') return { ...base, state: null, problem: checked, badTags: r.badTags };
    const kind = KIND[m.type];
    // The same series in another raw spelling (tags in another order) is the same key.
    const identity = seriesKey(checked.name, checked.labels);
    let st = this.byIdentity.get(identity);
    if (st && st.key.kind !== kind) return { ...base, state: null, problem: 'type_conflict', badTags: r.badTags };
    if (!st) {
      const key: StatsdKey = { id: this.nextId++, kind, name: checked.name, labels: checked.labels };
      st = new KeyState(key);
      this.byIdentity.set(identity, st);
      this.newKeys.push(key);
    }
    return { ...base, state: st, problem: null, badTags: r.badTags };
  }

  event(e: StatsdEvent): void {
    this.received++;
    this.events.push(e);
  }

  serviceCheck(c: StatsdServiceCheck): void {
    this.received++;
    this.checks.push(c);
  }

  /** The window's deltas; the next window starts empty. */
  drain(): StatsdDelta {
    const counters: number[] = [];
    const gauges: number[] = [];
    const summaries: StatsdDelta['summaries'] = [];
    const sets: StatsdDelta['sets'] = [];
    for (const st of this.touched) {
      if (st.key.kind === 'counter') counters.push(counters.length);
      else if (st.key.kind === 'gauge') gauges.push(gauges.length);
    }
    const cIds = new Int32Array(counters.length);
    const cIncs = new Float64Array(counters.length);
    const cLines = new Int32Array(counters.length);
    const gIds = new Int32Array(gauges.length);
    const gSets = new Float64Array(gauges.length);
    const gAdds = new Float64Array(gauges.length);
    const gLines = new Int32Array(gauges.length);
    let ci = 0;
    let gi = 0;
    for (const st of this.touched) {
      const id = st.key.id;
      switch (st.key.kind) {
        case 'counter':
          cIds[ci] = id;
          cIncs[ci] = st.inc;
          cLines[ci++] = st.lines;
          break;
        case 'gauge':
          gIds[gi] = id;
          gSets[gi] = st.set;
          gAdds[gi] = st.add;
          gLines[gi++] = st.lines;
          break;
        case 'summary':
          if (st.seen > 0) summaries.push({ id, values: st.values!.slice(0, st.stored), seen: st.seen, weight: st.weight, sum: st.sum, lines: st.lines });
          break;
        case 'set':
          sets.push({ id, members: [...(st.members ?? [])], lines: st.lines });
          break;
      }
      st.lines = 0;
      st.inc = 0;
      st.set = NaN;
      st.add = 0;
      st.stored = 0;
      st.seen = 0;
      st.weight = 0;
      st.sum = 0;
      st.members?.clear();
      st.listed = false;
    }
    const out: StatsdDelta = {
      newKeys: this.newKeys,
      counters: { ids: cIds, incs: cIncs, lines: cLines },
      gauges: { ids: gIds, sets: gSets, adds: gAdds, lines: gLines },
      summaries,
      sets,
      timed: this.timed,
      events: this.events,
      checks: this.checks,
      received: this.received,
      rejects: [...this.rejects],
    };
    this.newKeys = [];
    this.touched = [];
    this.timed = [];
    this.events = [];
    this.checks = [];
    this.received = 0;
    this.rejects = new Map();
    return out;
  }
}

/** The typed arrays a delta holds, for postMessage's transfer list. */
export function deltaTransferables(d: StatsdDelta): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [d.counters.ids, d.counters.incs, d.counters.lines, d.gauges.ids, d.gauges.sets, d.gauges.adds, d.gauges.lines]) {
    out.add(a.buffer as ArrayBuffer);
  }
  for (const s of d.summaries) out.add(s.values.buffer as ArrayBuffer);
  return [...out];
}
