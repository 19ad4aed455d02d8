// The per-line half of StatsD, built to run on its own thread: parse lines, resolve each raw
// (name, type, tags) once to a key, and fold the lines of one flush window into per-key deltas —
// increments, gauge sets and moves, sampled observations, set members. `drain()` hands the
// window's deltas over (to statsd-apply.ts, on the main thread) and starts the next window.
// The main thread's work per flush is then proportional to distinct keys, not to lines.
//
// A line finds its key with one hash lookup on its whole raw identity (name, type, tags), so the
// cost per line does not grow with the tag sets of a name. Both caches are bounded: the raw one
// starts over when full, the identity one drops its least recently seen keys at a drain (their
// ids are reused); what each dropped is counted in the delta (`evicted`). Per key the thread keeps
// typed-array columns and one identity string, about 200 bytes at 100,000 keys (350 when each key
// was an object).

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

const KIND_CODE = { counter: 1, gauge: 2, summary: 3, set: 4, value: 5 } as const satisfies Record<EntryKind, number>;
const KIND_OF: readonly EntryKind[] = ['value', 'counter', 'gauge', 'summary', 'set', 'value'];

/** Every key's window state, in columns indexed by its id (ids are dense and reused), so a key
 * costs a few dozen bytes of typed arrays and no object: at 100,000 keys the objects this replaced
 * (one state and one cache entry per key, with boxed doubles) were 2.5 × the size. The worker
 * does not keep a key's name or labels: the main thread learns them once, from `newKeys`. */
class KeyColumns {
  cap = 0;
  kind = new Uint8Array(0);
  lines = new Int32Array(0);
  /** Lines with `|T`: they travel in `timed`, one by one, not in the window's fold. */
  timedLines = new Int32Array(0);
  inc = new Float64Array(0);
  set = new Float64Array(0);
  add = new Float64Array(0);
  /** The window (drain count) the key was last seen in, for trimming the identity cache. */
  lastWindow = new Int32Array(0);
  /** 1 while the key is in this window's `touched` list. */
  listed = new Uint8Array(0);

  ensure(id: number): void {
    if (id < this.cap) return;
    let cap = Math.max(1024, this.cap);
    while (cap <= id) cap *= 2;
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const next = make(cap);
      next.set(a);
      return next;
    };
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.lines = grow(this.lines, (n) => new Int32Array(n));
    this.timedLines = grow(this.timedLines, (n) => new Int32Array(n));
    this.inc = grow(this.inc, (n) => new Float64Array(n));
    this.set = grow(this.set, (n) => new Float64Array(n));
    this.add = grow(this.add, (n) => new Float64Array(n));
    this.lastWindow = grow(this.lastWindow, (n) => new Int32Array(n));
    this.listed = grow(this.listed, (n) => new Uint8Array(n));
    this.cap = cap;
  }

  /** A key's window state back to empty. */
  reset(id: number): void {
    this.lines[id] = 0;
    this.timedLines[id] = 0;
    this.inc[id] = 0;
    this.set[id] = NaN;
    this.add[id] = 0;
    this.listed[id] = 0;
  }
}

const TYPE_CODE: Record<StatsdType, number> = { c: 1, g: 2, ms: 3, h: 4, d: 5, s: 6 };

/** The slot of a raw identity: its hashes and lengths mixed into one small int. */
function slotOf(m: ScannedMetric): number {
  let h = Math.imul(m.nameHash ^ (TYPE_CODE[m.type] << 27), 0x9e3779b1);
  h = Math.imul(h ^ m.tagsHash, 0x85ebca6b);
  h ^= Math.imul(m.tagsLen + (m.nameEnd - m.nameStart), 0xc2b2ae35);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** What each raw (name, type, tags, container) resolved to: a key id, or why not. An
 * open-addressing table in typed columns, probed linearly from the raw identity's mixed hash; an
 * entry matches on the name's second hash, the tags' hash, both lengths and the type (no string
 * is made or hashed per line), so identities whose mixed hashes collide stay apart. */
class RawCache {
  size = 0;
  private mask = 0;
  /** The mixed hash + 1 (0 marks an empty slot). */
  private hash = new Int32Array(0);
  private nameHash2 = new Int32Array(0);
  private tagsHash = new Int32Array(0);
  /** The name's length × 8 + the type's code. */
  private nameLenType = new Int32Array(0);
  private tagsLen = new Int32Array(0);
  /** A key id (≥ 1), or −(index in `problems` + 1). */
  private target = new Int32Array(0);
  private badTags = new Int32Array(0);
  readonly problems: string[] = [];

  constructor() {
    this.alloc(1024);
  }

  private alloc(cap: number): void {
    this.mask = cap - 1;
    this.hash = new Int32Array(cap);
    this.nameHash2 = new Int32Array(cap);
    this.tagsHash = new Int32Array(cap);
    this.nameLenType = new Int32Array(cap);
    this.tagsLen = new Int32Array(cap);
    this.target = new Int32Array(cap);
    this.badTags = new Int32Array(cap);
  }

  /** The slot holding `m`'s raw identity, or −1. */
  find(h: number, m: ScannedMetric): number {
    const mask = this.mask;
    const hh = h + 1;
    const lt = ((m.nameEnd - m.nameStart) << 3) | TYPE_CODE[m.type];
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = this.hash[i]!;
      if (x === 0) return -1;
      if (x === hh && this.nameHash2[i] === m.nameHash2 && this.tagsHash[i] === m.tagsHash && this.nameLenType[i] === lt && this.tagsLen[i] === m.tagsLen) return i;
    }
  }

  insert(h: number, m: ScannedMetric, target: number, badTags: number): number {
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.rehash();
    const mask = this.mask;
    let i = h & mask;
    while (this.hash[i] !== 0) i = (i + 1) & mask;
    this.hash[i] = h + 1;
    this.nameHash2[i] = m.nameHash2;
    this.tagsHash[i] = m.tagsHash;
    this.nameLenType[i] = ((m.nameEnd - m.nameStart) << 3) | TYPE_CODE[m.type];
    this.tagsLen[i] = m.tagsLen;
    this.target[i] = target;
    this.badTags[i] = badTags;
    this.size++;
    return i;
  }

  targetAt(i: number): number {
    return this.target[i]!;
  }

  badTagsAt(i: number): number {
    return this.badTags[i]!;
  }

  problemCode(problem: string): number {
    let i = this.problems.indexOf(problem);
    if (i < 0) i = this.problems.push(problem) - 1;
    return -(i + 1);
  }

  /** Twice the slots, every entry moved to its place in them. */
  private rehash(): void {
    const { hash, nameHash2, tagsHash, nameLenType, tagsLen, target, badTags } = this;
    this.alloc(hash.length * 2);
    const mask = this.mask;
    for (let j = 0; j < hash.length; j++) {
      const x = hash[j]!;
      if (x === 0) continue;
      let i = (x - 1) & mask;
      while (this.hash[i] !== 0) i = (i + 1) & mask;
      this.hash[i] = x;
      this.nameHash2[i] = nameHash2[j]!;
      this.tagsHash[i] = tagsHash[j]!;
      this.nameLenType[i] = nameLenType[j]!;
      this.tagsLen[i] = tagsLen[j]!;
      this.target[i] = target[j]!;
      this.badTags[i] = badTags[j]!;
    }
  }

  /** Empty, back to its first size (what the entries held is let go). */
  clear(): void {
    if (this.size === 0) return;
    this.alloc(1024);
    this.size = 0;
  }
}

export interface StatsdAccumulatorOptions {
  /** Keys kept in the identity cache; past it a drain drops the least recently seen. */
  maxKeys?: number;
  /** Raw spellings kept in the fast-path cache; past it the cache starts over. */
  maxRaw?: number;
}

export class StatsdAccumulator implements StatsdSink {
  private readonly raw = new RawCache();
  private readonly keys = new KeyColumns();
  /** A summary's observations, a set's members (made at its first member), by key id. */
  private readonly extra = new Map<number, Observations | Set<string>>();
  private readonly byIdentity = new Map<string, number>();
  private readonly scratch: ScannedMetric = newScannedMetric();
  private readonly random: () => number;
  private nextId = 1;
  private newKeys: StatsdKey[] = [];
  private touched: number[] = [];
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
    const raw = this.raw;
    let i = raw.find(slot, m);
    if (i < 0) {
      if (raw.size >= this.maxRaw) this.clearRaw();
      i = this.resolve(slot, m);
    }
    const bad = raw.badTagsAt(i);
    if (bad > 0) this.rejects.set('malformed_tag', (this.rejects.get('malformed_tag') ?? 0) + bad);
    const id = raw.targetAt(i);
    if (id < 0) return this.reject(raw.problems[-id - 1]!);
    const k = this.keys;
    this.received++;
    k.lines[id]!++;
    if (k.listed[id] === 0) {
      k.listed[id] = 1;
      k.lastWindow[id] = this.window;
      this.touched.push(id);
    }
    switch (m.type) {
      case 'c': {
        const v = m.sampleRate === 1 ? m.value : m.value / m.sampleRate;
        if (m.tsMs >= 0) {
          this.timed.push({ id, op: 'inc', value: v, tsMs: m.tsMs });
          k.timedLines[id]!++;
        } else k.inc[id] += v;
        break;
      }
      case 'g':
        if (m.tsMs >= 0) {
          this.timed.push({ id, op: m.relative ? 'add' : 'set', value: m.value, tsMs: m.tsMs });
          k.timedLines[id]!++;
        } else if (m.relative) k.add[id] += m.value;
        else {
          k.set[id] = m.value;
          k.add[id] = 0;
        }
        break;
      case 'ms':
        this.observe(id, m.value / 1000, 1 / m.sampleRate);
        break;
      case 'h':
      case 'd':
        this.observe(id, m.value, 1 / m.sampleRate);
        break;
      case 's': {
        let set = this.extra.get(id) as Set<string> | undefined;
        if (set === undefined) this.extra.set(id, (set = new Set<string>()));
        if (set.size < MAX_SET_MEMBERS) set.add(latin1ToUtf8(m.member) ?? m.member);
        break;
      }
    }
  }

  /** Keep every observation of the window up to the reservoir size, then a uniform sample. */
  private observe(id: number, v: number, weight: number): void {
    const st = this.extra.get(id) as Observations;
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

  /** Resolve a raw identity not in the cache, and cache what it resolved to; its slot. */
  private resolve(slot: number, m: ScannedMetric): number {
    const raw = this.raw;
    const r = resolveName({ nameRaw: metricName(m), tagsRaw: metricTags(m), containerId: metricContainer(m) });
    if (typeof r === 'string') return raw.insert(slot, m, raw.problemCode(r), 0);
    const checked = checkEscapedSeries(r.name, r.tags);
    if (typeof checked === 'string') return raw.insert(slot, m, raw.problemCode(checked), r.badTags);
    const kind = KIND[m.type];
    // The same series in another raw spelling (tags in another order) is the same key.
    const identity = seriesKey(checked.name, checked.labels);
    let id = this.byIdentity.get(identity);
    if (id !== undefined && this.keys.kind[id] !== KIND_CODE[kind]) return raw.insert(slot, m, raw.problemCode('type_conflict'), r.badTags);
    if (id === undefined) {
      const labels = checked.labels.length === 0 ? NO_LABELS : checked.labels;
      id = this.freeIds.pop() ?? this.nextId++;
      this.keys.ensure(id);
      this.keys.kind[id] = KIND_CODE[kind];
      this.keys.reset(id);
      if (kind === 'summary') this.extra.set(id, new Observations());
      this.byIdentity.set(identity, id);
      this.newKeys.push({ id, kind, name: checked.name, labels });
    }
    return raw.insert(slot, m, id, r.badTags);
  }

  private clearRaw(): void {
    this.evictedRaw += this.raw.size;
    this.raw.clear();
  }

  /** Past `maxKeys`, drop the least recently seen keys down to three quarters of it (so trims are
   * rare), and free their ids for new keys. Runs between windows, when no key has pending values:
   * the main thread learns a reused id from the next delta's `newKeys` before any value for it.
   * The raw cache may point at dropped keys, so it starts over. */
  private trimKeys(): void {
    if (this.byIdentity.size <= this.maxKeys) return;
    const target = Math.floor(this.maxKeys * 0.75);
    const lastWindow = this.keys.lastWindow;
    const windows = new Float64Array(this.byIdentity.size);
    let i = 0;
    for (const id of this.byIdentity.values()) windows[i++] = lastWindow[id]!;
    windows.sort();
    // Keys seen in this window or later than the cut stay; ties at the cut go in arrival order.
    const cut = windows[this.byIdentity.size - target - 1]!;
    let drop = this.byIdentity.size - target;
    for (const [identity, id] of this.byIdentity) {
      if (drop === 0) break;
      if (lastWindow[id]! > cut) continue;
      this.byIdentity.delete(identity);
      this.extra.delete(id);
      this.freeIds.push(id);
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
    const k = this.keys;
    let nc = 0;
    let ng = 0;
    // A key whose lines in this window all carried `|T` has nothing to fold: writing its value
    // at the flush would put a timestamped sample at another time.
    for (const id of this.touched) {
      if (k.lines[id] === k.timedLines[id]) continue;
      if (k.kind[id] === KIND_CODE.counter) nc++;
      else if (k.kind[id] === KIND_CODE.gauge) ng++;
    }
    const cIds = new Int32Array(nc);
    const cIncs = new Float64Array(nc);
    const cLines = new Int32Array(nc);
    const gIds = new Int32Array(ng);
    const gSets = new Float64Array(ng);
    const gAdds = new Float64Array(ng);
    const gLines = new Int32Array(ng);
    const summaries: StatsdDelta['summaries'] = [];
    const sets: StatsdDelta['sets'] = [];
    let ci = 0;
    let gi = 0;
    for (const id of this.touched) {
      const lines = k.lines[id]!;
      const folded = lines - k.timedLines[id]!;
      switch (KIND_OF[k.kind[id]!]) {
        case 'counter':
          if (folded === 0) break;
          cIds[ci] = id;
          cIncs[ci] = k.inc[id]!;
          cLines[ci++] = folded;
          break;
        case 'gauge':
          if (folded === 0) break;
          gIds[gi] = id;
          gSets[gi] = k.set[id]!;
          gAdds[gi] = k.add[id]!;
          gLines[gi++] = folded;
          break;
        case 'summary': {
          const o = this.extra.get(id) as Observations;
          if (o.seen > 0) summaries.push({ id, values: o.values!.slice(0, o.stored), seen: o.seen, weight: o.weight, sum: o.sum, lines });
          o.stored = 0;
          o.seen = 0;
          o.weight = 0;
          o.sum = 0;
          break;
        }
        case 'set': {
          const members = this.extra.get(id) as Set<string> | undefined;
          sets.push({ id, members: [...(members ?? [])], lines });
          members?.clear();
          break;
        }
      }
      k.reset(id);
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
