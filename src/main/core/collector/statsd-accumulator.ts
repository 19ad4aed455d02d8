// The per-line half of StatsD, built to run on its own thread: parse lines, resolve each raw
// (name, type, tags) once to a key, and fold the lines of one flush window into per-key deltas —
// increments, gauge sets and moves, sampled observations, set members. `drain()` hands the
// window's deltas over (to statsd-apply.ts, on the main thread) and starts the next window.
// The main thread's work per flush is then proportional to distinct keys, not to lines.
//
// A line finds its key with one hash lookup on its whole raw identity (name, type, tags), so the
// cost per line does not grow with the tag sets of a name. Both caches are bounded: the raw one
// starts over when full, the identity one drops its least recently seen keys at a drain (their
// ids are reused); what each dropped is counted in the delta (`evicted`).

import { MAX_SET_MEMBERS, MAX_STATSD_KEY_CACHE, MAX_STATSD_KEYS, SUMMARY_RESERVOIR_SIZE } from '../../../shared/limits.ts';
import { NO_LABELS, seriesKey, type LabelPairs } from '../../../shared/model.ts';
import { checkEscapedSeries } from '../labels.ts';
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
  /** Cache entries dropped since the last drain: raw spellings (`raw`) and keys (`keys`). */
  evicted: { raw: number; keys: number };
}

/** What a summary key folds in a window: the observations kept (a uniform sample once past the
 * reservoir size), how many were seen, their weight and their sum. */
class Observations {
  values: Float64Array | null = null;
  stored = 0;
  seen = 0;
  weight = 0;
  sum = 0;
}

/** One key: its identity and its window state. Kept small, one per key: what only a summary (its
 * observations) or a set (its members) folds is in `extra`. */
class KeyState {
  readonly id: number;
  readonly kind: EntryKind;
  readonly name: string;
  readonly labels: LabelPairs;
  lines = 0;
  /** Lines with `|T`: they travel in `timed`, one by one, not in the window's fold. */
  timedLines = 0;
  inc = 0;
  set = NaN;
  add = 0;
  /** A summary's observations, a set's members (made at its first member); null otherwise. */
  extra: Observations | Set<string> | null;
  listed = false;
  /** The window (drain count) this key was last seen in, for trimming the identity cache. */
  lastWindow = 0;
  constructor(key: StatsdKey) {
    this.id = key.id;
    this.kind = key.kind;
    this.name = key.name;
    this.labels = key.labels;
    this.extra = key.kind === 'summary' ? new Observations() : null;
  }

  get obs(): Observations {
    return this.extra as Observations;
  }
}

/** What a raw (name, type, tags, container) resolved to: a key, or why not. Keyed by one int
 * mixed from the name's hash, the type and the tags' hash (no string is made or hashed per line),
 * so the variants of one name (other types, other tag sets) sit in different slots; only
 * identities whose mixed ints collide chain through `next`. */
class Cached {
  readonly nameLen: number;
  readonly nameHash2: number;
  readonly type: StatsdType;
  readonly tagsHash: number;
  readonly tagsLen: number;
  readonly state: KeyState | null;
  readonly problem: string | null;
  readonly badTags: number;
  next: Cached | null = null;

  constructor(m: ScannedMetric, state: KeyState | null, problem: string | null, badTags: number) {
    this.nameLen = m.nameEnd - m.nameStart;
    this.nameHash2 = m.nameHash2;
    this.type = m.type;
    this.tagsHash = m.tagsHash;
    this.tagsLen = m.tagsLen;
    this.state = state;
    this.problem = problem;
    this.badTags = badTags;
  }
}

const TYPE_CODE: Record<StatsdType, number> = { c: 1, g: 2, ms: 3, h: 4, d: 5, s: 6 };

/** The slot of a raw identity: its hashes and lengths mixed into one small int (a V8 Smi, which a
 * Map hashes without allocating). */
function slotOf(m: ScannedMetric): number {
  let h = Math.imul(m.nameHash ^ (TYPE_CODE[m.type] << 27), 0x9e3779b1);
  h = Math.imul(h ^ m.tagsHash, 0x85ebca6b);
  h ^= Math.imul(m.tagsLen + (m.nameEnd - m.nameStart), 0xc2b2ae35);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

export interface StatsdAccumulatorOptions {
  /** Keys kept in the identity cache; past it a drain drops the least recently seen. */
  maxKeys?: number;
  /** Raw spellings kept in the fast-path cache; past it the cache starts over. */
  maxRaw?: number;
}

export class StatsdAccumulator implements StatsdSink {
  private readonly cache = new Map<number, Cached>();
  private cacheEntries = 0;
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
  private window = 0;
  private freeIds: number[] = [];
  private evictedRaw = 0;
  private evictedKeys = 0;
  private readonly maxKeys: number;
  private readonly maxRaw: number;

  constructor(random: () => number = Math.random, opts: StatsdAccumulatorOptions = {}) {
    this.random = random;
    this.maxKeys = opts.maxKeys ?? MAX_STATSD_KEYS;
    this.maxRaw = opts.maxRaw ?? MAX_STATSD_KEY_CACHE;
  }

  /** Keys in the identity cache (for tests and the bench). */
  get keyCount(): number {
    return this.byIdentity.size;
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
    const slot = slotOf(m);
    let c = this.cache.get(slot);
    const len = m.nameEnd - m.nameStart;
    while (
      c !== undefined &&
      !(c.nameHash2 === m.nameHash2 && c.nameLen === len && c.type === m.type && c.tagsHash === m.tagsHash && c.tagsLen === m.tagsLen)
    ) {
      c = c.next ?? undefined;
    }
    if (c === undefined) {
      c = this.resolve(m);
      if (this.cacheEntries >= this.maxRaw) this.clearRaw();
      c.next = this.cache.get(slot) ?? null;
      this.cache.set(slot, c);
      this.cacheEntries++;
    }
    if (c.badTags > 0) this.rejects.set('malformed_tag', (this.rejects.get('malformed_tag') ?? 0) + c.badTags);
    const st = c.state;
    if (st === null) return this.reject(c.problem!);
    this.received++;
    st.lines++;
    if (!st.listed) {
      st.listed = true;
      st.lastWindow = this.window;
      this.touched.push(st);
    }
    switch (m.type) {
      case 'c': {
        const v = m.sampleRate === 1 ? m.value : m.value / m.sampleRate;
        if (m.tsMs >= 0) {
          this.timed.push({ id: st.id, op: 'inc', value: v, tsMs: m.tsMs });
          st.timedLines++;
        } else st.inc += v;
        break;
      }
      case 'g':
        if (m.tsMs >= 0) {
          this.timed.push({ id: st.id, op: m.relative ? 'add' : 'set', value: m.value, tsMs: m.tsMs });
          st.timedLines++;
        } else if (m.relative) st.add += m.value;
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
        const set = (st.extra ??= new Set<string>()) as Set<string>;
        if (set.size < MAX_SET_MEMBERS) set.add(latin1ToUtf8(m.member) ?? m.member);
        break;
      }
    }
  }

  /** Keep every observation of the window up to the reservoir size, then a uniform sample. */
  private observe(key: KeyState, v: number, weight: number): void {
    const st = key.obs;
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
    const r = resolveName({ nameRaw: metricName(m), tagsRaw: metricTags(m), containerId: metricContainer(m) });
    if (typeof r === 'string') return new Cached(m, null, r, 0);
    const checked = checkEscapedSeries(r.name, r.tags);
    if (typeof checked === 'string') return new Cached(m, null, checked, r.badTags);
    const kind = KIND[m.type];
    // The same series in another raw spelling (tags in another order) is the same key.
    const identity = seriesKey(checked.name, checked.labels);
    let st = this.byIdentity.get(identity);
    if (st && st.kind !== kind) return new Cached(m, null, 'type_conflict', r.badTags);
    if (!st) {
      const labels = checked.labels.length === 0 ? NO_LABELS : checked.labels;
      const key: StatsdKey = { id: this.freeIds.pop() ?? this.nextId++, kind, name: checked.name, labels };
      st = new KeyState(key);
      this.byIdentity.set(identity, st);
      this.newKeys.push(key);
    }
    return new Cached(m, st, null, r.badTags);
  }

  private clearRaw(): void {
    this.evictedRaw += this.cacheEntries;
    this.cache.clear();
    this.cacheEntries = 0;
  }

  /** Past `maxKeys`, drop the least recently seen keys down to three quarters of it (so trims are
   * rare), and free their ids for new keys. Runs between windows, when no key has pending values:
   * the main thread learns a reused id from the next delta's `newKeys` before any value for it.
   * The raw cache may point at dropped keys, so it starts over. */
  private trimKeys(): void {
    if (this.byIdentity.size <= this.maxKeys) return;
    const target = Math.floor(this.maxKeys * 0.75);
    const windows = new Float64Array(this.byIdentity.size);
    let i = 0;
    for (const st of this.byIdentity.values()) windows[i++] = st.lastWindow;
    windows.sort();
    // Keys seen in this window or later than the cut stay; ties at the cut go in arrival order.
    const cut = windows[this.byIdentity.size - target - 1]!;
    let drop = this.byIdentity.size - target;
    for (const [identity, st] of this.byIdentity) {
      if (drop === 0) break;
      if (st.lastWindow > cut) continue;
      this.byIdentity.delete(identity);
      this.freeIds.push(st.id);
      drop--;
      this.evictedKeys++;
    }
    this.clearRaw();
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
    // A key whose lines in this window all carried `|T` has nothing to fold: writing its value
    // at the flush would put a timestamped sample at another time.
    for (const st of this.touched) {
      if (st.lines === st.timedLines) continue;
      if (st.kind === 'counter') counters.push(counters.length);
      else if (st.kind === 'gauge') gauges.push(gauges.length);
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
      const id = st.id;
      const folded = st.lines - st.timedLines;
      switch (st.kind) {
        case 'counter':
          if (folded === 0) break;
          cIds[ci] = id;
          cIncs[ci] = st.inc;
          cLines[ci++] = folded;
          break;
        case 'gauge':
          if (folded === 0) break;
          gIds[gi] = id;
          gSets[gi] = st.set;
          gAdds[gi] = st.add;
          gLines[gi++] = folded;
          break;
        case 'summary': {
          const o = st.obs;
          if (o.seen > 0) summaries.push({ id, values: o.values!.slice(0, o.stored), seen: o.seen, weight: o.weight, sum: o.sum, lines: st.lines });
          o.stored = 0;
          o.seen = 0;
          o.weight = 0;
          o.sum = 0;
          break;
        }
        case 'set': {
          const members = st.extra as Set<string> | null;
          sets.push({ id, members: [...(members ?? [])], lines: st.lines });
          members?.clear();
          break;
        }
      }
      st.lines = 0;
      st.timedLines = 0;
      st.inc = 0;
      st.set = NaN;
      st.add = 0;
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
      evicted: { raw: 0, keys: 0 },
    };
    this.window++;
    this.trimKeys();
    out.evicted.raw = this.evictedRaw;
    out.evicted.keys = this.evictedKeys;
    this.evictedRaw = 0;
    this.evictedKeys = 0;
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
