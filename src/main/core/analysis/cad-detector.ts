// Contextual anomaly detection: a streaming re-implementation of the algorithm of Mikhail Smirnov's
// "Contextual Anomaly Detector — Open Source Edition" (CAD OSE, https://github.com/smirmik/CAD;
// numenta/NAB's detector `contextOSE`, which scored 69.9 on the full NAB). Written from the
// algorithm's description and NAB's Python, not translated line by line; the differences that
// matter are listed below. Checked against a Python 3 port of NAB's code: given the same fixed
// range and no limit on the active contexts carried (so no tie is ever broken), the raw scores
// are identical point for point (every point of realTraffic/speed_7578, art_daily_jumpsup and
// ec2_cpu_utilization_53ea38: 1127, 4032 and 4032);
// with the limit of 15 they differ in detail from the first tie on, as the tie-breaks differ.
// docs/anomaly.md has its benchmark figures.
//
// The idea: each value is quantised to a few levels and written as a set of *facts* — for every
// bit of the level's binary code, "bit i is 0" or "bit i is 1". A *context* pairs a left
// semi-context (a set of facts true at the previous step: the previous value's bits and the
// contexts then active, the "neurons") with a right semi-context (a set of facts of the current
// value). The detector remembers every context it has seen (as a dictionary keyed by the two fact
// sets), and at each step:
//   1. the transition (everything true at the previous step → the facts of this value) is looked
//      up, and remembered if new (a "zero-level" context);
//   2. every remembered context whose left half was fully true at the previous step was
//      *selected* (it made a prediction); those whose right half is fully true now are *active*;
//      each context keeps how many of its predicted facts came true;
//   3. where a selected zero-level context's prediction failed in part, and this step's
//      transition was new, the parts of it that did hold (the left facts that were true × the
//      right facts that are true) become candidate new contexts — generalisations;
//   4. the anomaly is the mean of the share of selected contexts that were not active and the
//      share of candidate contexts that really were new, and is 0 whenever the value's facts were
//      all predicted (the union of the right halves of the best-scoring fully matched contexts);
//   5. the most-activated active contexts (up to maxActive) become facts for the next step, so a
//      context can stand for a sequence of any length.
// After a score ≥ restThreshold the detector stays quiet for restPeriod points (CAD's rest period).
//
// Differences from CAD OSE as run in NAB:
//   - NAB hands CAD the whole file's minimum and maximum before it starts (look-ahead). Here the
//     range is learned: the first `rangeWarmup` points set it (widened by `rangeMargin` of its
//     width on each side), and it widens, to the furthest value seen plus `rangeGrowth` of the
//     width, once `rangePatience` values have fallen outside it. A value beyond the range reads as
//     levels above the top or below 0 (up to two more bits, and a sign fact), i.e. new facts.
//     Widening re-maps the levels, which the context memory then re-learns. ('warmup' and 'epochs'
//     are other ways of learning it, measured and worse; 'fixed' is NAB's, for comparison.)
//   - NAB's rest period is a fifth of the probationary period (3 % of the file's length); a live
//     series has no length, so it is a number of points here.
//   - The context dictionary is capped (`maxContexts`): when it is full, the least recently used
//     quarter (by the step each context was last created, active or selected) is evicted with the
//     semi-contexts nothing uses any more. A context's id is never reused, so a fact naming an
//     evicted context simply never comes true again. Memory per series is bounded by the cap.
//   - Ties among active contexts are broken by activation count, then by age (CAD uses hashes).
//     (NAB's code also skips context 0 whenever no new transition was remembered, because
//     `False != 0` is false in Python; not reproduced.)
//   - Only semi-contexts that share a fact with the current step are visited (through a fact →
//     semi-contexts index), not every one.

import { ratioScore } from './ratio-score.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface CadOptions {
  /** Bits of the value's level: 2^bits levels over the learned range. */
  bits: number; // 1..12
  /** Points whose min and max set the initial range (learned from, but not scored: ready is false). */
  rangeWarmup: number;
  /** After the warm-up, the range is widened by this share of its width on each side. */
  rangeMargin: number;
  /** When values fall outside the range, it widens to the furthest seen plus this share of the width… */
  rangeGrowth: number;
  /** …once this many values have fallen outside it (since it last widened). */
  rangePatience: number;
  /** 'learned': as above. 'warmup': set by the warm-up (with the margin) and never widened; values
   * outside it read as levels beyond 0..2^bits − 1. 'epochs': as 'warmup', and re-set from every
   * value seen (with the margin) each time the number of points doubles. 'fixed': fixedMin and
   * fixedMax, given (as NAB gives the whole file's; for comparison only). */
  range: 'learned' | 'warmup' | 'epochs' | 'fixed';
  fixedMin: number;
  fixedMax: number;
  /** Active contexts carried to the next step as facts. */
  maxActive: number;
  /** Longest left semi-context a generalised context may have. */
  maxLeftFacts: number;
  /** A raw score at or above this starts a rest period… */
  restThreshold: number;
  /** …of this many points, during which the score is 0 (0: no rest period). */
  restPeriod: number;
  /** Cap of the context dictionary; the least recently used quarter is evicted when it is reached. */
  maxContexts: number;
  /** The raw score that maps to the detector's threshold (0.5) in `score` (r = raw / critical). */
  critical: number;
}

export const CAD_DEFAULTS: CadOptions = {
  bits: 3,
  rangeWarmup: 300,
  rangeMargin: 1,
  rangeGrowth: 2,
  rangePatience: 1,
  range: 'learned',
  fixedMin: 0,
  fixedMax: 1,
  maxActive: 15,
  maxLeftFacts: 7,
  restThreshold: 0.75,
  restPeriod: 0,
  maxContexts: 512,
  critical: 0.75,
};

/** The fact "the level is negative" (below the range); the bit facts are 0..2·(bits + 2) − 1. */
const SIGN = 30;

/** The facts under 31 as a bit mask. */
function maskOf(facts: number[]): number {
  let m = 0;
  for (const f of facts) if (f < 31) m |= 1 << f;
  return m;
}

/** Facts naming a context ("context c was active at the previous step") start here. */
const NEURON = 1 << 20;

interface Semi {
  facts: number[];
  /** hashFacts(facts): the dictionary's key (collisions are told apart by the facts). */
  hash: number;
  /** The crossing at which `crossed` was last reset. */
  stamp: number;
  /** How many of the crossing's facts it contains. */
  crossed: number;
  /** Left semi-contexts only: the contexts it starts (one per right semi-context; few). */
  contexts: Context[];
  /** The facts as a bit mask (right semi-contexts hold only value facts, all under 31). */
  mask: number;
  /** Contexts using it (either side), for eviction. */
  uses: number;
}

interface Context {
  id: number;
  left: Semi;
  right: Semi;
  /** Facts predicted (right-side size, each time selected). */
  predicted: number;
  /** Of them, facts that came true. */
  hits: number;
  activations: number;
  zeroLevel: boolean;
  lastUsed: number;
}

class Side {
  /** Semi-contexts by hash; a bucket holds more than one only on a hash collision. */
  readonly semis = new Map<number, Semi[]>();
  size = 0;
  readonly byFact = new Map<number, Semi[]>();
  /** Semi-contexts sharing a fact with the last crossing. */
  crossed: Semi[] = [];

  get(facts: number[], hash = hashFacts(facts)): Semi {
    let bucket = this.semis.get(hash);
    let s = bucket?.find((x) => sameFacts(x.facts, facts));
    if (!s) {
      s = { facts, hash, stamp: -1, crossed: 0, contexts: [], mask: maskOf(facts), uses: 0 };
      if (bucket) bucket.push(s);
      else this.semis.set(hash, (bucket = [s]));
      this.size++;
      for (const f of facts) {
        const list = this.byFact.get(f);
        if (list) list.push(s);
        else this.byFact.set(f, [s]);
      }
    }
    return s;
  }

  /** Counts, for every semi-context, how many of `facts` it contains. */
  cross(facts: number[], step: number): void {
    const crossed: Semi[] = [];
    for (const f of facts) {
      const list = this.byFact.get(f);
      if (!list) continue;
      for (let k = 0; k < list.length; k++) {
        const s = list[k]!;
        if (s.stamp !== step) {
          s.stamp = step;
          s.crossed = 0;
          crossed.push(s);
        }
        s.crossed++;
      }
    }
    this.crossed = crossed;
  }

  remove(s: Semi): void {
    const bucket = this.semis.get(s.hash)!;
    if (bucket.length === 1) this.semis.delete(s.hash);
    else bucket.splice(bucket.indexOf(s), 1);
    this.size--;
    for (const f of s.facts) {
      const list = this.byFact.get(f)!;
      const i = list.indexOf(s);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byFact.delete(f);
    }
  }
}

export class CadDetector implements Detector {
  readonly name = 'CAD';
  readonly threshold = 0.5;
  private readonly o: CadOptions;
  private readonly left = new Side();
  private readonly right = new Side();
  private readonly contexts = new Set<Context>();
  private nextId = 0;
  /** Crossing stamps: each crossing gets its own number so a semi's counts are reset lazily. */
  private stamp = 0;
  private step = 0;
  private leftFacts: number[] = [];
  /** The facts predicted for this step, as a bit mask. */
  private predicted = 0;
  private readonly candidates = new Candidates();
  private min = Infinity;
  private max = -Infinity;
  /** Every value's extremes (the range is set from them). */
  private allMin = Infinity;
  private allMax = -Infinity;
  /** Values outside the range since it was last widened. */
  private outside = 0;
  /** 'epochs': the point count at which the range is next re-set. */
  private nextEpoch: number;
  private seen = 0;
  /** Points left in the rest period. */
  private resting = 0;
  /** The last raw score, before the rest period. */
  raw = 0;

  constructor(opts: Partial<CadOptions> = {}) {
    this.o = { ...CAD_DEFAULTS, ...opts };
    if (!(this.o.bits >= 1 && this.o.bits <= 12)) throw new Error(`CAD: bits must be 1..12, not ${this.o.bits}`);
    if (this.o.range === 'fixed') {
      this.min = this.o.fixedMin;
      this.max = this.o.fixedMax;
    }
    this.nextEpoch = 2 * this.o.rangeWarmup;
  }

  /** Contexts remembered now (at most maxContexts). */
  get size(): number {
    return this.contexts.size;
  }

  update(p: Point): DetectorOutput {
    const v = p.v;
    if (!Number.isFinite(v)) return { score: 0, anomalous: false, ready: false };
    const { range } = this.o;
    if (range === 'fixed') return this.output(this.learn(v));
    this.seen++;
    if (v < this.allMin) this.allMin = v;
    if (v > this.allMax) this.allMax = v;
    if (this.seen <= this.o.rangeWarmup) {
      this.min = this.allMin;
      this.max = this.allMax;
      // Learn the sequence already, on the range seen so far; the score is not used yet.
      this.learn(v);
      if (this.seen === this.o.rangeWarmup) this.setRange();
      return { score: 0, anomalous: false, ready: false };
    }
    if (range === 'epochs' && this.seen >= this.nextEpoch) {
      this.nextEpoch *= 2;
      this.setRange();
    }
    if (range === 'learned' && (v < this.min || v > this.max)) {
      // Score the value against the old range (it reads as levels never seen), then widen once
      // rangePatience values have fallen outside it, to include the furthest of them.
      const raw = this.learn(v);
      if (++this.outside >= this.o.rangePatience) {
        this.outside = 0;
        const width = Math.max(this.max, this.allMax) - Math.min(this.min, this.allMin);
        if (this.allMax > this.max) this.max = this.allMax + this.o.rangeGrowth * width;
        if (this.allMin < this.min) this.min = this.allMin - this.o.rangeGrowth * width;
      }
      return this.output(raw);
    }
    return this.output(this.learn(v));
  }

  /** The range from every value seen, widened by the margin. */
  private setRange(): void {
    const m = this.o.rangeMargin * (this.allMax - this.allMin);
    this.min = this.allMin - m;
    this.max = this.allMax + m;
  }

  private output(raw: number): DetectorOutput {
    this.raw = raw;
    let score = raw;
    if (this.o.restPeriod > 0) {
      if (this.resting > 0) {
        this.resting--;
        score = 0;
      }
      if (raw >= this.o.restThreshold) this.resting = this.o.restPeriod;
    }
    const s = ratioScore(score / this.o.critical);
    return { score: s, anomalous: s >= this.threshold };
  }

  /**
   * The value's facts: for each bit of its level, bit index × 2 + bit. A level outside
   * 0..2^bits − 1 (a value outside the range) uses up to two more bits, and a negative one also
   * has the fact SIGN; further out it reads as the furthest level. All facts are under 31, so a
   * set of them is also a bit mask.
   */
  private facts(v: number): number[] {
    const top = (1 << this.o.bits) - 1;
    let width = this.max - this.min;
    if (!(width > 0)) width = top;
    let level = Math.floor(((v - this.min) / width) * top);
    if (!Number.isFinite(level)) level = 0;
    const out: number[] = [];
    const negative = level < 0;
    level = Math.min(Math.abs(level), (1 << (this.o.bits + 2)) - 1);
    const n = Math.max(this.o.bits, level > 0 ? 32 - Math.clz32(level) : 0);
    for (let b = 0; b < n; b++) out.push(b * 2 + ((level >> b) & 1));
    if (negative) out.push(SIGN);
    return out;
  }

  /** One step of the algorithm on value v; returns the raw anomaly score in [0, 1]. */
  private learn(v: number): number {
    const sens = this.facts(v);
    const unpredicted = (maskOf(sens) & ~this.predicted) !== 0;
    const step = ++this.step;
    const prevLeft = this.leftFacts;

    // 1. The transition from everything true at the previous step to this value's facts.
    let isNew = false;
    let fresh: Context | null = null;
    const candidates = this.candidates;
    candidates.clear();
    if (prevLeft.length > 0) {
      candidates.add(prevLeft, sens);
      const before = this.nextId;
      const c = this.context(prevLeft, sens, true, step);
      isNew = this.nextId > before;
      if (isNew) fresh = c;
    }

    // 2. Selected and active contexts; 3. candidate generalisations.
    this.right.cross(sens, ++this.stamp);
    const rightStamp = this.stamp;
    const active: Context[] = [];
    let selected = 0;
    const maxLeft = this.o.maxLeftFacts;
    for (const ls of this.left.crossed) {
      const full = ls.crossed === ls.facts.length;
      const list = ls.contexts;
      for (let k = 0; k < list.length; k++) {
        const c = list[k]!;
        if (c === fresh) continue;
        const rs = c.right;
        const rCrossed = rs.stamp === rightStamp ? rs.crossed : 0;
        if (full) {
          selected++;
          c.predicted += rs.facts.length;
          c.lastUsed = step;
          if (rCrossed > 0) {
            c.hits += rCrossed;
            if (rCrossed === rs.facts.length) {
              c.activations++;
              active.push(c);
            } else if (c.zeroLevel && isNew && ls.crossed <= maxLeft) {
              candidates.add(intersect(ls.facts, prevLeft), intersect(rs.facts, sens));
            }
          }
        } else if (c.zeroLevel && isNew && rCrossed > 0 && ls.crossed <= maxLeft) {
          candidates.add(intersect(ls.facts, prevLeft), intersect(rs.facts, sens));
        }
      }
    }
    const uniqueCandidates = candidates.size;
    const shareActive = selected > 0 ? active.length / selected : 0;

    // 5. The most-activated active contexts become facts of the next step's left side.
    // The value's facts are all under NEURON and sorted, so only the contexts' ids need sorting.
    const ids = mostActivated(active, this.o.maxActive).map((c) => c.id);
    for (let i = 1; i < ids.length; i++) {
      const x = ids[i]!;
      let j = i;
      for (; j > 0 && ids[j - 1]! > x; j--) ids[j] = ids[j - 1]!;
      ids[j] = x;
    }
    const next = sens.slice();
    for (const id of ids) next.push(NEURON + id);
    this.leftFacts = next;

    // Remember the generalisations. The zero-level transition is among the candidates (it counts
    // towards their number) but is remembered already, so only isNew counts it as added.
    let added = isNew ? 1 : 0;
    for (let k = 0; k < candidates.size; k++) {
      const before = this.nextId;
      this.context(candidates.left[k]!, candidates.right[k]!, false, step, candidates.leftHash[k]);
      if (this.nextId > before) added++;
    }

    // Predictions for the next step: the right halves of the best fully matched contexts.
    this.left.cross(next, ++this.stamp);
    let best = 0;
    let predicted = 0;
    for (const ls of this.left.crossed) {
      if (ls.crossed !== ls.facts.length) continue;
      const list = ls.contexts;
      for (let k = 0; k < list.length; k++) {
        const c = list[k]!;
        const w = c.predicted > 0 ? c.hits / c.predicted : 0;
        if (w > best) {
          best = w;
          predicted = 0;
        }
        if (w === best) predicted |= c.right.mask;
      }
    }

    this.predicted = predicted;
    if (this.contexts.size > this.o.maxContexts) this.evict();

    // 4. The anomaly.
    const shareNew = isNew && uniqueCandidates > 0 ? added / uniqueCandidates : 0;
    return unpredicted ? (1 - shareActive + shareNew) / 2 : 0;
  }

  /** The context (left, right), created if new. A zero-level lookup marks it zero-level. */
  private context(lf: number[], rf: number[], zeroLevel: boolean, step: number, leftHash?: number): Context {
    const ls = this.left.get(lf, leftHash);
    const rs = this.right.get(rf);
    let c = ls.contexts.find((x) => x.right === rs);
    if (!c) {
      c = { id: this.nextId++, left: ls, right: rs, predicted: 0, hits: 0, activations: 0, zeroLevel, lastUsed: step };
      ls.contexts.push(c);
      ls.uses++;
      rs.uses++;
      this.contexts.add(c);
    } else if (zeroLevel) {
      c.zeroLevel = true;
      c.lastUsed = step;
    }
    return c;
  }

  /** Drops the least recently used quarter of the contexts, and the semi-contexts left unused. */
  private evict(): void {
    const all = [...this.contexts].sort((a, b) => a.lastUsed - b.lastUsed || a.id - b.id);
    const drop = all.length - Math.floor(this.o.maxContexts * 0.75);
    for (let i = 0; i < drop; i++) {
      const c = all[i]!;
      this.contexts.delete(c);
      const list = c.left.contexts;
      list.splice(list.indexOf(c), 1);
      if (--c.left.uses === 0) this.left.remove(c.left);
      if (--c.right.uses === 0) this.right.remove(c.right);
    }
    // Crossed lists may name removed semi-contexts; they have no contexts left, so visiting them is harmless.
  }
}

/** The members of sorted a that are also in sorted b. */
function intersect(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}

/** Ranks contexts: more activations first, then the older. */
const before = (a: Context, b: Context): boolean => a.activations > b.activations || (a.activations === b.activations && a.id < b.id);

/** The n highest-ranked of the contexts (in no particular order): a partial selection, not a sort. */
function mostActivated(all: Context[], n: number): Context[] {
  if (all.length <= n) return all;
  const top: Context[] = [];
  for (const c of all) {
    if (top.length === n && !before(c, top[n - 1]!)) continue;
    let i = top.length === n ? n - 1 : top.length;
    while (i > 0 && before(c, top[i - 1]!)) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = c;
  }
  return top;
}

/** A 32-bit hash of a sorted fact set (FNV-1a over the facts' 32-bit values). */
function hashFacts(facts: number[], h = 0x811c9dc5): number {
  for (let i = 0; i < facts.length; i++) {
    h = Math.imul(h ^ (facts[i]! & 0xffff), 0x01000193);
    h = Math.imul(h ^ (facts[i]! >>> 16), 0x01000193);
  }
  return h >>> 0;
}

function sameFacts(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One step's candidate contexts (left facts, right facts), without duplicates. */
class Candidates {
  left: number[][] = [];
  readonly right: number[][] = [];
  readonly leftHash: number[] = [];
  private readonly seen = new Map<number, number[]>();

  clear(): void {
    this.left.length = 0;
    this.right.length = 0;
    this.leftHash.length = 0;
    this.seen.clear();
  }

  get size(): number {
    return this.left.length;
  }

  add(l: number[], r: number[]): void {
    if (l.length === 0 || r.length === 0) return;
    const lh = hashFacts(l);
    const h = hashFacts(r, lh ^ 0x5bd1e995);
    const bucket = this.seen.get(h);
    if (bucket?.some((k) => sameFacts(this.left[k]!, l) && sameFacts(this.right[k]!, r))) return;
    const k = this.left.length;
    this.left.push(l);
    this.right.push(r);
    this.leftHash.push(lh);
    if (bucket) bucket.push(k);
    else this.seen.set(h, [k]);
  }
}
