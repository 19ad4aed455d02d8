// Adaptive resonance anomaly detection: a streaming re-implementation of the algorithm of Mark
// Hampton's ARTime (https://github.com/markNZed/ARTimeNAB.jl, numenta/NAB's detector `ARTime`,
// 74.9 on the full NAB), written from its Julia source, not translated line by line. What differs,
// and why, is listed below. docs/anomaly.md has its benchmark figures; the ensemble runs it by
// default, as one more calibrated detector. Given NAB's look-ahead (range 'fixed' at the file's
// min and max, NAB's probation and down-sampling) it scores every row as the published ARTime does
// (test/main/core/analysis/artime-published.int.test.ts).
//
// The idea. The series is down-sampled by a fixed factor (each block of `downsample` points
// becomes its mean, or its max or min when that is a spike of more than 10 % away from the mean),
// scaled to 0..1 over a range, quantised to `levels` levels and snapped to the running median
// level when close to it. The last `window` (8) such values give a feature vector of 16 numbers:
// their Haar wavelet transform after min–max scaling (the shape, whatever the level) and the
// values themselves (the level). A fuzzy ART network (a DVFA, "dual vigilance fuzzy ART") with
// complement coding learns categories of these vectors: each category is a box (a lower and an
// upper bound per feature); a vector's match with a category is (|min(x, box)| / |box|)³ times
// the level's match² (how far the newest value is outside the box's range of newest values).
//   - match ≥ the upper vigilance ρ_ub: the category learns the vector (its box grows to hold it);
//   - else the best match ≥ the lower vigilance ρ_lb: a new category of the same cluster;
//   - else: a new cluster — something not seen before. That is the anomaly candidate, scored by how
//     far below the vigilances its best match was and how far off its level was.
// The first `learn` points are the probation: their features are collected, the initial
// vigilance is found by training a scratch network on them (ordered from least to most typical)
// and taking its mean match over the second half, and then they are replayed through the real
// network without being scored. After that the vigilances adapt every half trend window (and
// 12 steps after an anomaly): ρ_ub follows the mean match of all time (at most 0.97), ρ_lb moves
// up towards the lowest recent match or down by the recent shortfalls below ρ_ub, never below the
// mean match of past anomalies. New clusters right after an anomaly or a vigilance change are
// masked unless clearly worse (a match under 0.9 or 0.7 of the last anomaly's).
//
// Differences from ARTime as run in NAB:
//   - No look-ahead. NAB hands ARTime the whole file's minimum and maximum (it scales every value
//     by them) and its length (which sets the probation, 15 % of the file up to 750 points, and the
//     down-sampling factor, probation / 104). Here the probation is a fixed number of points
//     (`learn`), the down-sampling a fixed factor, and the range is learned: the probation's
//     own min and max, widened by `rangeMargin` of its width on each side. When a down-sampled
//     value falls outside it, the range widens to that value plus `rangeGrowth` of the width, and
//     everything stored in range units is re-mapped exactly (an affine map of the level features
//     of every category box, the feature window, and the median's level histogram), so the
//     network keeps what it learned. The value that widened it reads as the new extreme: far from
//     every category's levels, so a new cluster. ('fixed' takes the range as given, NAB's way,
//     for comparison only.) The range also narrows again: when the down-sampled values have kept,
//     for `relearnAfter` points in a row, to less than 1/`relearn` of it (their span widened by the
//     margin, as a probation's is), the detector re-learns — it starts again as if the last
//     probation's worth of values (kept in a ring) had been its probation: their range, a new
//     network and vigilance, no scoring of them. Without it one glitch far outside the range
//     squeezed the series into a level or two for good and ARTime went quiet on it. What was
//     learned in the squeezed range is dropped, not re-mapped: its shapes were quantised away.
//     Optionally (`reprobeAt`, off: measured no better held out, docs/anomaly.md) a second
//     probation once the series has shown more of itself: at that many points the detector
//     re-learns as if all of them had been its probation (range, network, starting vigilance;
//     optionally a coarser down-sampling, as NAB's longer probation of a long file has). It keeps
//     those points until then and nothing after. `reprobeTimes` repeats it on a doubling schedule
//     (at reprobeAt·2^k points, the factor doubling each time), and `reprobeScale` sets the factor
//     from the series' time scale instead (the lag where the autocorrelation of the points kept
//     falls below 0.5), re-learning only when that is coarser: both off, measured short of a new
//     default held out (docs/anomaly.md).
//   - Fixed memory. ARTime keeps every category forever and several histories of every step; here
//     the network holds at most `maxCategories` categories (when full, the least recently matched
//     or learning one is replaced) and the histories are ring buffers or running sums. The scratch
//     network and the probation's features are dropped once the probation is over.
//   - Categories are not sorted by match: those at or above ρ_ub learn, and otherwise only the best
//     match decides — which is what the sorted loop in ARTime amounts to. Cluster labels are not
//     kept (only "new cluster or not" is used).
//   - A box whose level bounds span the whole range (0/0 in ARTime, NaN) has level match 1.

import { ratioScore } from './ratio-score.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface ArtimeOptions {
  /** Points of probation: they set the initial range and vigilance and are learned, not scored (ready is false). */
  learn: number;
  /** Down-sampling factor: one feature vector per this many points (ARTime: probation / 104). */
  downsample: number;
  /** Feature window, in down-sampled values (a power of 2, for the Haar transform). */
  window: number;
  /** Quantisation levels over the range. */
  levels: number;
  /** A value within this share of the range of the running median level is snapped to it. */
  chomp: number;
  /** The scratch network's vigilance when finding the initial one. */
  initialRho: number;
  /** 'learned': from the probation, widened as above. 'fixed': fixedMin..fixedMax (NAB's look-ahead; for comparison only). */
  range: 'learned' | 'fixed';
  fixedMin: number;
  fixedMax: number;
  /** After the probation, the range is widened by this share of its width on each side… */
  rangeMargin: number;
  /** …and when a value falls outside, to that value plus this share of the width. */
  rangeGrowth: number;
  /** Cap of the network's categories (memory: 32 numbers each). */
  maxCategories: number;
  /** The raw anomaly (ARTime's confidence, 0..1) that maps to the detector's threshold (0.5) in `score`. */
  critical: number;
  /**
   * Re-learning ('learned' range only; 0: never). When, for `relearnAfter` points in a row, the
   * down-sampled values have spanned less than 1/relearn of the range (their span widened by
   * `rangeMargin` on each side, as a probation's is), the range is re-derived from the last
   * probation's worth of them and the detector restarts as if they had been its probation.
   */
  relearn: number;
  /** Points the values must stay that narrow before re-learning. */
  relearnAfter: number;
  /**
   * In time rather than points (each 0: off). With any of them set, the detector waits for its
   * first `probe` points, takes the median gap between them as the series' interval, and then
   * sets: the down-sampling factor to about `stepMs` of data a step (at least 1); the probation
   * to `learnMs` of data (at least 2·window steps and at most `maxSteps` of them); the re-learning
   * delay to `relearnAfterMs` of data. What is not set stays in points.
   */
  stepMs: number;
  learnMs: number;
  relearnAfterMs: number;
  /**
   * A second probation (0: none): at this many points (in points, also in time units; more than
   * the probation), the detector re-learns as if the points so far had been its probation — their
   * range (if `reprobeRange` is 'history'), a new network and starting vigilance derived from all
   * of them (the last `maxSteps` down-sampled steps at most), replayed unscored — rather than from
   * the first `learn` points alone. It keeps the points for it until then (memory: 8 bytes a
   * point), and nothing once it is done.
   */
  reprobeAt: number;
  /** At the second probation, 'history': the range is re-derived from the points kept (and the margin); 'current': the range is kept as it is. */
  reprobeRange: 'history' | 'current';
  /**
   * The down-sampling factor from the second probation on (0: unchanged). The trend window keeps
   * its length in steps (the probation becomes that many steps of the new factor), and the points
   * kept must give at least that many steps.
   */
  reprobeDownsample: number;
  /**
   * How many probations after the first (with `reprobeAt`; 1 by default): the k-th (from 0) at
   * reprobeAt·2^k points — a doubling schedule, as NAB's probation grows with a file's length.
   * With a fixed `reprobeDownsample` the factor doubles at each (reprobeDownsample·2^k). It keeps
   * the last min(points, maxSteps · the largest factor) points until the last one.
   */
  reprobeTimes: number;
  /**
   * The factor from the data rather than fixed (0: off). At each re-probation, the lag L (in
   * points) at which the autocorrelation of the points kept first falls below 0.5 — the series'
   * time scale — gives the factor round(L / reprobeScale), never finer than the current one nor
   * coarser than `reprobeMaxDownsample` or the points kept allow (the trend window's steps). When
   * that is the current factor, nothing is re-learned: the series carries on as it was.
   */
  reprobeScale: number;
  /** The coarsest factor `reprobeScale` may choose. */
  reprobeMaxDownsample: number;
  /** Points whose gaps give the interval (time units only). */
  probe: number;
  /** The most down-sampled steps a probation in time may take (it bounds the probation's memory and its end's O(steps²) cost). */
  maxSteps: number;
}

export const ARTIME_DEFAULTS: ArtimeOptions = {
  learn: 300,
  downsample: 2,
  window: 8,
  levels: 80,
  chomp: 0.075,
  initialRho: 0.8,
  range: 'learned',
  fixedMin: 0,
  fixedMax: 1,
  rangeMargin: 0.5,
  rangeGrowth: 0.5,
  maxCategories: 256,
  critical: 0.3,
  relearn: 4,
  relearnAfter: 600,
  stepMs: 0,
  learnMs: 0,
  relearnAfterMs: 0,
  reprobeAt: 0,
  reprobeRange: 'history',
  reprobeDownsample: 0,
  reprobeTimes: 1,
  reprobeScale: 0,
  reprobeMaxDownsample: 8,
  probe: 9,
  maxSteps: 1024,
};

/**
 * The options in points for a series sampled every `intervalMs`: the time-based ones
 * (`stepMs`, `learnMs`, `relearnAfterMs`) converted, the others as given.
 */
export function artimeInPoints(o: ArtimeOptions, intervalMs: number): ArtimeOptions {
  const out = { ...o };
  const per = (ms: number) => ms / intervalMs;
  if (o.stepMs > 0) out.downsample = Math.max(1, Math.round(per(o.stepMs)));
  if (o.learnMs > 0) {
    const steps = Math.min(o.maxSteps, Math.max(2 * o.window, Math.floor(per(o.learnMs) / out.downsample)));
    out.learn = steps * out.downsample;
  } else out.learn = Math.max(o.learn, 2 * o.window * out.downsample); // a probation in points is at least 2·window steps of the factor found
  if (o.relearnAfterMs > 0) out.relearnAfter = Math.max(1, Math.round(per(o.relearnAfterMs)));
  return out;
}

/**
 * The Haar wavelet transform of x (length a power of 2), in place: [approximation, coarsest
 * detail, …, finest details], each detail (second − first)/√2 as Wavelets.jl computes it.
 */
function haar(x: Float64Array, tmp: Float64Array): void {
  for (let n = x.length; n > 1; n >>= 1) {
    const h = n >> 1;
    for (let k = 0; k < h; k++) {
      const a = x[2 * k]!;
      const b = x[2 * k + 1]!;
      tmp[k] = (a + b) * Math.SQRT1_2;
      tmp[h + k] = (b - a) * Math.SQRT1_2;
    }
    for (let k = 0; k < n; k++) x[k] = tmp[k]!;
  }
}

/** Scales x to 0..1 in place (min subtracted, then divided by the max if it is not 0). */
function minMax(x: Float64Array): void {
  let lo = Infinity;
  for (let k = 0; k < x.length; k++) if (x[k]! < lo) lo = x[k]!;
  let hi = 0;
  for (let k = 0; k < x.length; k++) {
    x[k] = x[k]! - lo;
    if (x[k]! > hi) hi = x[k]!;
  }
  if (hi !== 0) for (let k = 0; k < x.length; k++) x[k] = x[k]! / hi;
}

/**
 * The first lag (1..maxLag) at which the autocorrelation of x falls below `bar`: the series' time
 * scale in points (maxLag + 1 if it stays above; 0 for a constant series, which has none).
 */
export function lagBelow(x: Float64Array, bar: number, maxLag: number): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - mean) * (x[i]! - mean);
  if (!(c0 > 0)) return 0;
  for (let lag = 1; lag <= maxLag && lag < n; lag++) {
    let c = 0;
    for (let i = lag; i < n; i++) c += (x[i]! - mean) * (x[i - lag]! - mean);
    if (c / c0 < bar) return lag;
  }
  return maxLag + 1;
}

/** ARTime's similarity for ordering the probation: cosine, or 1 − the other's norm when one is 0 (na, nb: the norms of a and b). */
function similarityOfNorms(a: Float64Array, b: Float64Array, na: number, nb: number): number {
  let ab = 0;
  for (let k = 0; k < a.length; k++) ab += a[k]! * b[k]!;
  if (na === 0) return 1 - nb;
  if (nb === 0) return 1 - na;
  return ab / (na * nb);
}

/**
 * A dual-vigilance fuzzy ART network over complement-coded vectors of `dim` features, with at
 * most `cap` categories. Weights are stored row-major, 2·dim per category: the lower bounds, then
 * 1 − the upper bounds (memory: 8·dim bytes per category).
 */
class Dvfa {
  rhoLb = 0;
  rhoUb = 0;
  n = 0;
  /** Single precision: the features are levels of 1/80 and min–max scaled transforms, and it halves the memory. */
  w: Float32Array;
  /** The step at which each category last matched best, learned or was made (for replacement). */
  used: Float64Array;
  /** Each category's |w| (the sum of its weights), for bounding its match before it is fully compared. */
  norm: Float64Array;
  /** The categories at or above ρ_ub in the current train(), which learn. */
  private readonly resonant: Int32Array;
  private readonly x: Float64Array;
  step = 0;
  /** The best-matching category of the last train(), compared first in the next. */
  private hint = 0;
  /** Of the last train(): the best match and its level match. */
  a = 0;
  ae = 0;

  readonly dim: number;
  readonly cap: number;

  constructor(dim: number, cap: number) {
    this.dim = dim;
    this.cap = cap;
    const initial = Math.min(cap, 16);
    this.w = new Float32Array(initial * 2 * dim);
    this.used = new Float64Array(initial);
    this.norm = new Float64Array(cap);
    this.resonant = new Int32Array(cap);
    this.x = new Float64Array(2 * dim);
  }

  /**
   * One sample: the match with every category, learning if `learning`. Returns true when no
   * category matched at ρ_lb or above and a new cluster was made (ARTime's label −1; also true
   * without learning, as there).
   */
  train(f: Float64Array, learning: boolean): boolean {
    const d = this.dim;
    const d2 = 2 * d;
    const x = this.x;
    for (let k = 0; k < d; k++) {
      x[k] = f[k]!;
      x[d + k] = 1 - f[k]!;
    }
    this.step++;
    if (this.n === 0) {
      // ARTime's first category: all ones (matches anything weakly); the first sample is not learned.
      this.add(null);
      this.a = 0;
      this.ae = 0;
      return false;
    }
    const w = this.w;
    const norm = this.norm;
    const resonant = this.resonant;
    let nResonant = 0;
    const e = d - 1; // the newest value's feature, and its complement at d2 − 1
    const q = d >> 1; // where the match is first bounded (after the shape features' lower bounds)
    let best = -1;
    let bestM = 0;
    let bestE = 0;
    const xe = x[e]!;
    const xc = x[d2 - 1]!;
    const rhoUb = this.rhoUb;
    // The category that matched best last time usually does again: its match, found first, lets
    // the loop skip the categories before it that cannot reach it (strictly below: on a tie the
    // earlier category is the best, as in the loop alone) as well as those after it that cannot
    // beat the best so far. The loop still decides; the hint only prunes.
    const hint = this.hint < this.n ? this.hint : 0;
    const hintM = this.matchOf(hint);
    for (let j = 0; j < this.n; j++) {
      const o = j * d2;
      // The level match first: the match is at most its square (the feature match is at most 1),
      // so a category whose level match cannot reach ρ_ub nor beat the best so far is skipped —
      // it would neither learn nor be the best. Same result, most categories never fully compared.
      const we = w[o + e]!;
      const wc = w[o + d2 - 1]!;
      const ne = we + wc;
      const energy = ne === 0 ? 1 : ((xe < we ? xe : we) + (xc < wc ? xc : wc)) / ne;
      const bound = energy * energy;
      if (bound < rhoUb && (bound <= bestM || bound < hintM)) continue;
      // Then a quarter and half of the features, each followed by a bound on the rest (each
      // min(x, w) ≤ w): if even that cannot reach ρ_ub nor beat the best, the category is skipped
      // (the margin covers rounding). The sum goes on in the same order, so a category compared in
      // full gets the very same match.
      const total = norm[j]!;
      let num = 0;
      let nw = 0;
      let k = 0;
      let skip = false;
      for (let cut = q; ; cut = d) {
        for (; k < cut; k++) {
          const wk = w[o + k]!;
          const xk = x[k]!;
          num += xk < wk ? xk : wk;
          nw += wk;
        }
        if (total > 0) {
          const fsBound = (num + (total - nw)) / total;
          const mBound = fsBound * fsBound * fsBound * bound * (1 + 1e-9);
          if (mBound < rhoUb && (mBound <= bestM || mBound < hintM)) {
            skip = true;
            break;
          }
        }
        if (cut === d) break;
      }
      if (skip) continue;
      for (; k < d2; k++) {
        const wk = w[o + k]!;
        const xk = x[k]!;
        num += xk < wk ? xk : wk;
      }
      // |w| summed in the same order as norm[j] is (updateNorm), so it is norm[j] exactly.
      const fs = num / (total === 0 ? 0.001 : total);
      const mj = fs * fs * fs * bound;
      if (mj >= rhoUb) resonant[nResonant++] = j;
      if (mj > bestM) {
        bestM = mj;
        bestE = energy;
        best = j;
      }
    }
    this.a = bestM;
    this.ae = bestE;
    if (best >= 0) this.used[best] = this.step;
    this.hint = best >= 0 ? best : 0;
    if (!learning) return true;
    const resonated = nResonant > 0;
    for (let r = 0; r < nResonant; r++) {
      const j = resonant[r]!;
      this.used[j] = this.step;
      // The box grows to hold x, and its |w| is summed as updateNorm sums it (the stored,
      // single-precision weights, in order).
      const o = j * d2;
      let sum = 0;
      for (let k = 0; k < d2; k++) {
        let wk = w[o + k]!;
        if (x[k]! < wk) {
          w[o + k] = x[k]!;
          wk = w[o + k]!;
        }
        sum += wk;
      }
      norm[j] = sum;
    }
    if (resonated) return false;
    this.add(x);
    return !(bestM >= this.rhoLb);
  }

  /** Category j's match with this.x, computed as train()'s loop computes it. */
  private matchOf(j: number): number {
    const d = this.dim;
    const d2 = 2 * d;
    const x = this.x;
    const w = this.w;
    const o = j * d2;
    const we = w[o + d - 1]!;
    const wc = w[o + d2 - 1]!;
    const xe = x[d - 1]!;
    const xc = x[d2 - 1]!;
    const ne = we + wc;
    const energy = ne === 0 ? 1 : ((xe < we ? xe : we) + (xc < wc ? xc : wc)) / ne;
    const bound = energy * energy;
    let num = 0;
    for (let k = 0; k < d2; k++) {
      const wk = w[o + k]!;
      const xk = x[k]!;
      num += xk < wk ? xk : wk;
    }
    const total = this.norm[j]!;
    const fs = num / (total === 0 ? 0.001 : total);
    return fs * fs * fs * bound;
  }

  /** A new category holding x (or all ones); the least recently used one is replaced when full. */
  private add(x: Float64Array | null): void {
    const d2 = 2 * this.dim;
    let j = this.n;
    if (j === this.cap) {
      j = 0;
      for (let k = 1; k < this.n; k++) if (this.used[k]! < this.used[j]!) j = k;
    } else {
      if ((j + 1) * d2 > this.w.length) {
        const size = Math.min(this.cap, 2 * (this.w.length / d2));
        const w = new Float32Array(size * d2);
        w.set(this.w);
        this.w = w;
        const used = new Float64Array(size);
        used.set(this.used);
        this.used = used;
      }
      this.n++;
    }
    if (x) this.w.set(x, j * d2);
    else this.w.fill(1, j * d2, (j + 1) * d2);
    this.used[j] = this.step;
    this.updateNorm(j);
  }

  private updateNorm(j: number): void {
    const d2 = 2 * this.dim;
    let s = 0;
    for (let k = j * d2; k < (j + 1) * d2; k++) s += this.w[k]!;
    this.norm[j] = s;
  }

  /** Re-maps the level features (the last `levels` of the first half) by v → a·v + b, complements included. */
  remap(first: number, a: number, b: number): void {
    const d = this.dim;
    const d2 = 2 * d;
    for (let j = 0; j < this.n; j++) {
      const o = j * d2;
      for (let k = first; k < d; k++) {
        this.w[o + k] = a * this.w[o + k]! + b;
        this.w[o + d + k] = 1 - a * (1 - this.w[o + d + k]!) - b;
      }
      this.updateNorm(j);
    }
  }
}

/** A fixed-size ring of numbers with its minimum on demand. */
class Ring {
  private readonly xs: Float64Array;
  private at = 0;
  constructor(size: number, fill: number) {
    this.xs = new Float64Array(size).fill(fill);
  }
  push(x: number): void {
    this.xs[this.at] = x;
    this.at = (this.at + 1) % this.xs.length;
  }
  min(): number {
    let m = Infinity;
    for (let k = 0; k < this.xs.length; k++) if (this.xs[k]! < m) m = this.xs[k]!;
    return m;
  }
  /** The mean of the values above `above`, each capped at `cap` (NaN if none). */
  meanAbove(above: number, cap: number): number {
    let s = 0;
    let n = 0;
    for (let k = 0; k < this.xs.length; k++) {
      const x = this.xs[k]!;
      if (x > above) {
        s += x < cap ? x : cap;
        n++;
      }
    }
    return n > 0 ? s / n : NaN;
  }
}

export class ArtimeDetector implements Detector {
  readonly name = 'ARTime';
  readonly threshold = 0.5;
  private o!: ArtimeOptions;
  /** Time units only: the first points, until their gaps give the interval (then replayed). */
  private pending: Point[] | null = null;
  /** Down-sampled steps in the probation (ARTime's trend window). */
  private trend!: number;
  private mask!: number;
  private art!: Dvfa;
  /** Points seen, and down-sampled steps taken (ARTime's dsi, from 1 after the first). */
  private seen = 0;
  private dsi = 0;
  /** The current block of raw points. */
  private block!: Float64Array;
  private movingAverage = 0;
  /** The probation's down-sampled values, in raw units (dropped after it). */
  private probation: number[] | null = [];
  private min = Infinity;
  private max = -Infinity;
  /** Median of the levels: a histogram of levels and the counts below and above the median level. */
  private medbin!: Float64Array;
  private medlevel = 0;
  private below = 0;
  private above = 0;
  /** The last `window` down-sampled values, scaled (a ring: at is the oldest). */
  private fwin!: Float64Array;
  private fat = 0;
  private dw!: Float64Array;
  /** The features of the current step; train() copies them, so one buffer serves every step. */
  private fbuf!: Float64Array;
  private tmp!: Float64Array;
  // detect! state
  private lastAnomaly = 0;
  private lastAnomalySim = 0;
  private lastRhoUpdate = 0;
  private maskAfterCat = false;
  private noNewCat = 0;
  private simMeanSum = 0;
  private simMeanN = 0;
  private simWindow!: Ring;
  private simDiff!: Ring;
  /** Past anomalies' matches: their sum and count (the mean is used) and the last one (lowered while it lasts). */
  private anomSum = 0;
  private anomN = 0;
  private anomLast = NaN;
  /** The last `trend` down-sampled values in raw units (a ring: rat is the oldest), for re-learning. */
  private recent!: Float64Array;
  private rat = 0;
  /** The run of values since the range last held them narrowly: its min, max and length in down-sampled steps. */
  private runMin = Infinity;
  private runMax = -Infinity;
  private runN = 0;
  private relearnSteps!: number;
  /** The next probation after the first: the points it comes after (0: none, or done), and the points kept for it until then (a ring: hat is the next slot; histN points pushed). */
  private reprobePoints = 0;
  private history: Float64Array | null = null;
  private hat = 0;
  private histN = 0;
  /** Points seen in all (seen restarts when the factor changes), re-probations due so far, and the first one's point. */
  private total = 0;
  private reprobeK = 0;
  private reprobeBase = 0;
  /** Whether the down-sampling's moving average has its first block. */
  private averaged = false;
  /** The last raw anomaly (ARTime's confidence), how often the range has widened and been re-learned, and whether the second probation has happened. */
  raw = 0;
  widened = 0;
  relearned = 0;
  reprobed = 0;

  constructor(opts: Partial<ArtimeOptions> = {}) {
    const o = { ...ARTIME_DEFAULTS, ...opts };
    const timed = o.stepMs > 0 || o.learnMs > 0 || o.relearnAfterMs > 0;
    // The probe's points are replayed into the probation, which is at least 2·window points long.
    if (timed && !(o.probe >= 2 && o.probe <= 2 * o.window && Number.isInteger(o.probe))) throw new Error(`ARTime: probe must be an integer from 2 to ${2 * o.window}, not ${o.probe}`);
    // In time units the sizes wait for the interval; until then, those for an interval of a minute
    // (the options are checked as usual, and whatever the interval, the probation holds 2·window steps).
    this.configure(timed ? artimeInPoints(o, 60_000) : o);
    if (timed) {
      // configure() kept the converted options; the time-based ones are converted again once the
      // interval is known.
      this.o = o;
      this.pending = [];
    }
  }

  /**
   * The sizes that follow from the options in points. `late`: in time units, once the interval is
   * known — a second probation that the probation in time has overtaken is dropped then rather
   * than thrown on, in the middle of a series.
   */
  private configure(o: ArtimeOptions, late = false): void {
    this.o = o;
    const { window, downsample, learn, levels, maxCategories } = o;
    if (!(window >= 2 && (window & (window - 1)) === 0)) throw new Error(`ARTime: window must be a power of 2, not ${window}`);
    if (!(downsample >= 1 && Number.isInteger(downsample))) throw new Error(`ARTime: downsample must be a positive integer, not ${downsample}`);
    this.trend = Math.floor(learn / downsample);
    if (!(this.trend >= 2 * window)) throw new Error(`ARTime: learn / downsample must be at least ${2 * window} steps, not ${this.trend}`);
    if (!(maxCategories >= 2)) throw new Error('ARTime: maxCategories must be at least 2');
    this.mask = window * 1.5;
    this.art = new Dvfa(2 * window, maxCategories);
    this.block = new Float64Array(downsample);
    this.medbin = new Float64Array(levels + 1);
    this.fwin = new Float64Array(window);
    this.dw = new Float64Array(window);
    this.fbuf = new Float64Array(2 * window);
    this.tmp = new Float64Array(window);
    this.simWindow = new Ring((this.trend >> 1) + 1, 1);
    this.simDiff = new Ring(this.trend + 1, 0);
    this.recent = new Float64Array(this.trend);
    this.relearnSteps = Math.max(this.trend, Math.ceil(o.relearnAfter / downsample));
    if (!(o.relearn >= 0)) throw new Error(`ARTime: relearn must be 0 or more, not ${o.relearn}`);
    if (o.reprobeRange !== 'history' && o.reprobeRange !== 'current') throw new Error(`ARTime: reprobeRange must be 'history' or 'current', not ${String(o.reprobeRange)}`);
    if (!(o.reprobeAt >= 0)) throw new Error(`ARTime: reprobeAt must be 0 or more points, not ${o.reprobeAt}`);
    if (!(o.reprobeDownsample >= 0 && Number.isInteger(o.reprobeDownsample))) throw new Error(`ARTime: reprobeDownsample must be 0 or a positive integer, not ${o.reprobeDownsample}`);
    if (!(o.reprobeTimes >= 1 && Number.isInteger(o.reprobeTimes))) throw new Error(`ARTime: reprobeTimes must be a positive integer, not ${o.reprobeTimes}`);
    if (!(o.reprobeScale >= 0)) throw new Error(`ARTime: reprobeScale must be 0 or more, not ${o.reprobeScale}`);
    if (!(o.reprobeMaxDownsample >= 1 && Number.isInteger(o.reprobeMaxDownsample))) throw new Error(`ARTime: reprobeMaxDownsample must be a positive integer, not ${o.reprobeMaxDownsample}`);
    // At a step's end, so the blocks stay aligned.
    this.reprobePoints = Math.floor(o.reprobeAt / downsample) * downsample;
    const after = o.reprobeDownsample || downsample;
    if (this.reprobePoints > 0 && (this.reprobePoints <= learn || Math.floor(this.reprobePoints / after) < this.trend)) {
      if (!late) throw new Error(`ARTime: reprobeAt must be more than the probation (${learn} points) and give at least ${this.trend} steps of ${after} points, not ${o.reprobeAt}`);
      this.reprobePoints = 0;
    }
    // The ring holds what the last re-probation uses: its points, or the last maxSteps steps of its factor.
    let cap = this.reprobePoints;
    if (o.reprobeTimes > 1) {
      const last = this.reprobePoints * 2 ** (o.reprobeTimes - 1);
      const factor = o.reprobeScale > 0 ? Math.max(downsample, o.reprobeMaxDownsample) : o.reprobeDownsample ? o.reprobeDownsample * 2 ** (o.reprobeTimes - 1) : downsample;
      cap = Math.min(last, Math.max(this.trend, o.maxSteps) * factor);
    }
    this.history = this.reprobePoints > 0 ? new Float64Array(cap) : null;
    this.hat = 0;
    this.histN = 0;
    this.reprobeK = 0;
    this.reprobeBase = this.reprobePoints;
    if (o.range === 'fixed') {
      this.min = o.fixedMin;
      this.max = o.fixedMax;
    }
  }

  /** The options in effect, in points (in time units: once the interval is known). */
  get options(): Readonly<ArtimeOptions> {
    return this.o;
  }

  /** Categories in the network now (at most maxCategories). */
  get size(): number {
    return this.art.n;
  }

  /** The current vigilances (0 during the probation). */
  get vigilance(): { lower: number; upper: number } {
    return { lower: this.art.rhoLb, upper: this.art.rhoUb };
  }

  update(p: Point): DetectorOutput {
    const v = p.v;
    if (!Number.isFinite(v)) return { score: 0, anomalous: false, ready: false };
    if (this.pending) return this.probeInterval(p);
    const { downsample } = this.o;
    this.block[this.seen % downsample] = v;
    const history = this.history;
    if (history) {
      history[this.hat] = v;
      this.hat = this.hat + 1 === history.length ? 0 : this.hat + 1;
      this.histN++;
    }
    this.seen++;
    this.total++;
    const learning = this.probation !== null;
    if (learning && this.o.range === 'learned') {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    let raw = 0;
    if (this.seen % downsample === 0) {
      const ds = this.downsampled();
      this.recent[this.rat] = ds;
      this.rat = (this.rat + 1) % this.trend;
      if (this.probation) {
        this.probation.push(ds);
        if (this.probation.length === this.trend) this.endProbation(this.probation);
      } else if (history && this.total >= this.reprobePoints && this.reprobeDue(history)) {
        // This value ends a later probation, so it is learned, not scored.
      } else if (this.o.range === 'learned' && (ds > this.max || ds < this.min)) {
        this.widen(ds);
        raw = this.detect(this.features(this.scale(ds)), ++this.dsi);
      } else if (this.narrowFor(ds)) {
        // This value ends the new probation, so it is learned, not scored.
        this.relearn();
      } else {
        raw = this.detect(this.features(this.scale(ds)), ++this.dsi);
      }
    }
    this.raw = raw;
    if (learning) return { score: 0, anomalous: false, ready: false };
    const s = ratioScore(raw / this.o.critical);
    return { score: s, anomalous: s >= this.threshold };
  }

  /**
   * Time units: the first `probe` points are held until their gaps give the interval (their
   * median), then the sizes are set from it and the points replayed — all within the probation,
   * so nothing is scored late and nothing ahead is seen.
   */
  private probeInterval(p: Point): DetectorOutput {
    const pending = this.pending!;
    pending.push({ t: p.t, v: p.v });
    if (pending.length < this.o.probe) return { score: 0, anomalous: false, ready: false };
    const gaps = pending.slice(1).map((q, k) => q.t - pending[k]!.t).filter((g) => g > 0 && Number.isFinite(g)).sort((a, b) => a - b);
    const interval = gaps.length > 0 ? gaps[gaps.length >> 1]! : 60_000;
    this.pending = null;
    this.configure(artimeInPoints(this.o, interval), true);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    for (const q of pending) out = this.update(q);
    return out;
  }

  /** The block's value: its mean, or the extreme furthest from the moving average if that is a spike of more than 10 %. */
  private downsampled(): number {
    return this.blockValue(this.block, 0, this.block.length);
  }

  /** The value of the block b[from, from + n) (see downsampled), moving the moving average on. */
  private blockValue(b: Float64Array, from: number, n: number): number {
    let sum = 0;
    let hi = -Infinity;
    let lo = Infinity;
    for (let k = from; k < from + n; k++) {
      sum += b[k]!;
      if (b[k]! > hi) hi = b[k]!;
      if (b[k]! < lo) lo = b[k]!;
    }
    const mean = sum / n;
    if (!this.averaged) this.movingAverage = mean;
    this.averaged = true;
    this.movingAverage = (this.movingAverage + mean) / 2;
    let ds = hi;
    if (Math.abs(hi - this.movingAverage) < Math.abs(lo - this.movingAverage)) ds = lo;
    if (Math.abs(ds - mean) < 0.1 * mean) ds = mean;
    return ds;
  }

  /** Scaled to the range, quantised, and snapped to the running median level when close to it. */
  private scale(ds: number): number {
    const { levels, chomp } = this.o;
    const width = this.max - this.min;
    let x = ds - this.min;
    if (width !== 0) x /= width;
    let level = Math.round(x * levels);
    if (!(level >= 0)) level = 0;
    if (level > levels) level = levels;
    x = level / levels;
    const bins = this.medbin;
    bins[level]!++;
    const n = this.dsi + 1; // ARTime's dsi for this step
    const medpos = n >> 1;
    if (n === 1) this.medlevel = level;
    if (this.medlevel > level) this.below++;
    else if (this.medlevel < level) this.above++;
    if (medpos < this.above) {
      this.below += bins[this.medlevel]!;
      this.medlevel++;
      while (bins[this.medlevel] === 0) this.medlevel++;
      this.above -= bins[this.medlevel]!;
    } else if (medpos < this.below) {
      this.above += bins[this.medlevel]!;
      this.medlevel--;
      while (bins[this.medlevel] === 0) this.medlevel--;
      this.below -= bins[this.medlevel]!;
    }
    const med = this.medlevel / levels;
    if (Math.abs(x - med) < chomp) x = med;
    return x;
  }

  /** The feature vector for a new scaled value: the Haar transform of the min–max scaled window, then the window. */
  /** The step's features into `f` (by default the shared buffer, valid until the next step). */
  private features(x: number, f: Float64Array = this.fbuf): Float64Array {
    const { window } = this.o;
    this.fwin[this.fat] = x;
    this.fat = (this.fat + 1) % window;
    if (this.dsi + 1 < window) return f.fill(0);
    const dw = this.dw;
    for (let k = 0; k < window; k++) dw[k] = this.fwin[(this.fat + k) % window]!;
    for (let k = 0; k < window; k++) f[window + k] = dw[k]!;
    minMax(dw);
    haar(dw, this.tmp);
    minMax(dw);
    f.set(dw, 0);
    return f;
  }

  /**
   * Whether the values, ds the newest, have kept within a narrow part of the range long enough to
   * re-learn: a run of them is followed (its min and max) and starts again at ds when its span,
   * widened by the margin as a probation's is, exceeds 1/relearn of the range's width.
   */
  private narrowFor(ds: number): boolean {
    const k = this.o.relearn;
    if (!(k > 0) || this.o.range !== 'learned') return false;
    const lo = ds < this.runMin ? ds : this.runMin;
    const hi = ds > this.runMax ? ds : this.runMax;
    if ((hi - lo) * (1 + 2 * this.o.rangeMargin) * k > this.max - this.min) {
      this.runMin = ds;
      this.runMax = ds;
      this.runN = 1;
      return false;
    }
    this.runMin = lo;
    this.runMax = hi;
    this.runN++;
    // A constant stretch gives no range to learn; a run holds it (width 0) until the values move.
    return this.runN >= this.relearnSteps && hi > lo;
  }

  /**
   * Re-learning: the range and everything learned in it start again, as for a new series whose
   * probation was the last `trend` down-sampled values (no look-ahead: they are in the past). What
   * the network learned while the values were squeezed into a few levels cannot be re-mapped
   * (their shapes were quantised away), so it is dropped rather than stretched.
   */
  private relearn(): void {
    const n = this.trend;
    const values = new Array<number>(n);
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = this.recent[(this.rat + k) % n]!;
      values[k] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    this.relearned++;
    this.restart(values, true);
  }

  /**
   * A later probation is due: the points kept (oldest first), the factor for it (fixed, doubling
   * on a schedule, or from the series' time scale), the next one scheduled or the ring dropped.
   * Returns whether it re-learned (with reprobeScale, not when the factor would stay the same).
   */
  private reprobeDue(ring: Float64Array): boolean {
    const o = this.o;
    const n = Math.min(this.histN, ring.length);
    const pts = new Float64Array(n);
    const from = (this.hat - n + ring.length) % ring.length;
    for (let k = 0; k < n; k++) pts[k] = ring[(from + k) % ring.length]!;
    const k = this.reprobeK++;
    let factor = o.downsample;
    if (o.reprobeScale > 0) {
      const most = Math.min(o.reprobeMaxDownsample, Math.floor(n / this.trend));
      const lag = lagBelow(pts, 0.5, Math.ceil(o.reprobeScale * (most + 1)));
      factor = Math.max(o.downsample, Math.min(most, Math.round(lag / o.reprobeScale)));
    } else if (o.reprobeDownsample) factor = o.reprobeDownsample * 2 ** k;
    if (this.reprobeK < o.reprobeTimes) this.reprobePoints = this.reprobeBase * 2 ** this.reprobeK;
    else this.history = null;
    if (o.reprobeScale > 0 && factor === o.downsample) return false;
    const keep = { history: this.history, hat: this.hat, histN: this.histN, total: this.total, k: this.reprobeK, base: this.reprobeBase, next: this.reprobePoints };
    this.reprobe(pts, factor);
    if (factor !== o.downsample) {
      // configure() for the new factor dropped the schedule; it goes on.
      this.history = keep.history;
      this.hat = keep.hat;
      this.histN = keep.histN;
      this.reprobeK = keep.k;
      this.reprobeBase = keep.base;
      this.reprobePoints = keep.history ? keep.next : 0;
    }
    return true;
  }

  /**
   * The second probation (`reprobeAt`): the series has shown more of itself than its first
   * `learn` points, so the starting vigilance — and, with reprobeRange 'history', the range — are
   * derived again from every value kept (all of them so far, or the last maxSteps), as if they had
   * been the probation: a new network, trained on them unscored. Nothing ahead is seen, and the
   * values kept are dropped once used.
   */
  private reprobe(history: Float64Array, factor: number): void {
    const o = this.o;
    // The points down-sampled again, blocks ending at the newest (the oldest few points may be
    // left out); with the factor unchanged they are the very values the steps had.
    const steps = Math.floor(history.length / factor);
    let values: number[] = [];
    this.averaged = false;
    for (let s = 0; s < steps; s++) values.push(this.blockValue(history, history.length - (steps - s) * factor, factor));
    if (factor !== o.downsample) {
      // The sizes for the new factor, the trend window as long in steps as before (configure
      // leaves the range, the counters and the moving average alone), the next point the first
      // of a block, and the re-learning ring in the new steps: the last trend of them, oldest first.
      this.configure({ ...o, downsample: factor, learn: this.trend * factor, reprobeAt: 0 });
      this.seen = 0;
      for (let k = 0; k < this.trend; k++) this.recent[k] = values[steps - this.trend + k]!;
      this.rat = 0;
    }
    const maxSteps = Math.max(this.trend, o.maxSteps);
    if (values.length > maxSteps) values = values.slice(values.length - maxSteps);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const fresh = this.o.range === 'learned' && this.o.reprobeRange === 'history';
    if (fresh) {
      this.min = lo;
      this.max = hi;
    } else if (this.o.range === 'learned') {
      // The range as it is, widened to hold every value kept (down-sampled again, one may be outside it).
      if (lo < this.min) this.min = lo;
      if (hi > this.max) this.max = hi;
    }
    this.reprobed++;
    this.restart(values, fresh);
  }

  /** A new network and its state, with `values` (raw units, oldest first) as the probation; `margin`: the range (set from them) is widened by the margin as a probation's is. */
  private restart(values: number[], margin: boolean): void {
    const { window, maxCategories } = this.o;
    const n = this.trend;
    this.art = new Dvfa(2 * window, maxCategories);
    this.dsi = 0;
    this.medbin.fill(0);
    this.medlevel = 0;
    this.below = 0;
    this.above = 0;
    this.fwin.fill(0);
    this.fat = 0;
    this.lastAnomaly = 0;
    this.lastAnomalySim = 0;
    this.lastRhoUpdate = 0;
    this.maskAfterCat = false;
    this.noNewCat = 0;
    this.simMeanSum = 0;
    this.simMeanN = 0;
    this.simWindow = new Ring((n >> 1) + 1, 1);
    this.simDiff = new Ring(n + 1, 0);
    this.anomSum = 0;
    this.anomN = 0;
    this.anomLast = NaN;
    this.runMin = Infinity;
    this.runMax = -Infinity;
    this.runN = 0;
    this.endProbation(values, margin);
  }

  /** The probation is over: set the range (widened by the margin unless `margin` is false), find the initial vigilance, replay the probation unscored. */
  private endProbation(values: number[], margin = true): void {
    this.probation = null;
    if (this.o.range === 'learned' && margin) {
      const m = this.o.rangeMargin * (this.max - this.min);
      if (Number.isFinite(this.max + m - (this.min - m))) {
        this.min -= m;
        this.max += m;
      }
    }
    const feats: Float64Array[] = [];
    for (const ds of values) {
      feats.push(this.features(this.scale(ds), new Float64Array(2 * this.o.window)));
      this.dsi++;
    }
    const rho = this.initialRho(feats);
    this.art.rhoLb = rho;
    this.art.rhoUb = rho;
    for (let i = 0; i < feats.length; i++) this.detect(feats[i]!, i + 1);
  }

  /** ARTime's init_rho: a scratch network at initialRho trained on the probation from least to most typical; its mean match over the second half. */
  private initialRho(feats: Float64Array[]): number {
    const { window, initialRho } = this.o;
    // The probation's features (a second probation's are more than the trend window's).
    const xs = feats.slice(window - 1);
    const n = xs.length;
    // Each vector's norm once (its squares summed in order, as a pairwise loop would), not once per pair.
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      let sq = 0;
      for (let k = 0; k < x.length; k++) sq += x[k]! * x[k]!;
      norms[i] = Math.sqrt(sq);
    }
    // Typed arrays: plain ones begin as small integers (1, or a first match of 0) and change kind
    // when a fraction arrives, which throws away the optimised code on every series.
    const sums = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const s = similarityOfNorms(xs[i]!, xs[j]!, norms[i]!, norms[j]!);
        sums[i]! += s;
        sums[j]! += s;
      }
    }
    const order = xs.map((_, i) => i).sort((a, b) => sums[a]! - sums[b]! || a - b);
    const scratch = new Dvfa(2 * window, this.o.maxCategories);
    scratch.rhoLb = initialRho;
    scratch.rhoUb = initialRho;
    const a = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      scratch.train(xs[order[k]!]!, true);
      a[k] = scratch.a;
    }
    const from = (feats.length >> 1) - 1;
    let sum = 0;
    for (let k = from; k < n; k++) sum += a[k]!;
    return sum / (n - from);
  }


  /** A down-sampled value outside the range: widen it and re-map everything stored in its units. */
  private widen(ds: number): void {
    const { levels } = this.o;
    const oldMin = this.min;
    const oldWidth = this.max - this.min;
    const grow = this.o.rangeGrowth * Math.max(oldWidth, ds > this.max ? ds - this.max : this.min - ds);
    const max = ds > this.max ? ds + grow : this.max;
    const min = ds < this.min ? ds - grow : this.min;
    // Near ±1.8e308 the new width would not be a number: the value is taken as the range's edge
    // (scale clips it) rather than turn every stored weight into NaN.
    if (!Number.isFinite(max - min)) return;
    this.max = max;
    this.min = min;
    this.widened++;
    this.runMin = ds;
    this.runMax = ds;
    this.runN = 1;
    const width = this.max - this.min;
    // v_new = a · v_old + b for a value v in range units.
    const a = oldWidth === 0 ? 0 : oldWidth / width;
    const b = (oldMin - this.min) / width;
    this.art.remap(this.o.window, a, b);
    for (let k = 0; k < this.fwin.length; k++) this.fwin[k] = Math.round((a * this.fwin[k]! + b) * levels) / levels;
    const bins = this.medbin;
    const old = Float64Array.from(bins);
    bins.fill(0);
    const to = (l: number) => Math.min(levels, Math.max(0, Math.round((a * (l / levels) + b) * levels)));
    for (let l = 0; l <= levels; l++) if (old[l]! > 0) bins[to(l)]! += old[l]!;
    this.medlevel = to(this.medlevel);
    this.below = 0;
    this.above = 0;
    for (let l = 0; l <= levels; l++) {
      if (l < this.medlevel) this.below += bins[l]!;
      else if (l > this.medlevel) this.above += bins[l]!;
    }
  }

  /** ARTime's detect!: train on f (step i), score a new cluster that is not masked, adapt the vigilances. */
  private detect(f: Float64Array, i: number): number {
    const { window } = this.o;
    const mask = this.mask;
    const trend = this.trend;
    const art = this.art;
    const sinceAnomaly = i - this.lastAnomaly;
    const updateAfterAnomaly = sinceAnomaly === mask;
    const updateForTrend = i - this.lastRhoUpdate >= trend >> 1;
    const maskAfterAnomaly = sinceAnomaly <= mask;
    if (i > trend + mask && this.maskAfterCat && this.noNewCat >= mask) this.maskAfterCat = false;
    const newCluster = i < window ? (art.train(f, false), true) : art.train(f, true);
    const a = art.a;
    this.noNewCat = newCluster ? 0 : this.noNewCat + 1;
    this.simMeanSum += a;
    this.simMeanN++;
    this.simWindow.push(a);
    this.simDiff.push(art.rhoUb - a);
    if (sinceAnomaly < mask && this.anomN > 0 && a < this.anomLast) {
      this.anomSum += a - this.anomLast;
      this.anomLast = a;
    }
    const masking = this.maskAfterCat || maskAfterAnomaly;
    const belowLast = a < this.lastAnomalySim * (maskAfterAnomaly ? 0.9 : 0.7);
    let anomaly = 0;
    if (i > trend && newCluster && (!masking || belowLast)) {
      anomaly = this.confidence(a, art.ae);
      this.anomSum += a;
      this.anomN++;
      this.anomLast = a;
      this.lastAnomalySim = a;
      this.lastAnomaly = i;
    }
    this.maskAfterCat = newCluster || this.maskAfterCat;
    if (i > trend && (updateAfterAnomaly || updateForTrend)) {
      const minSim = this.simWindow.min();
      const ub = Math.min(0.97, this.simMeanSum / this.simMeanN);
      const prevLb = art.rhoLb;
      let lb: number;
      if (prevLb <= minSim) lb = prevLb + (minSim - prevLb) * 0.19;
      else {
        let decr = 0;
        if (i > 2 * trend) {
          const m = this.simDiff.meanAbove(0.05, 0.37);
          if (m === m) decr = m;
        }
        decr = Math.max(0.01, decr);
        lb = prevLb - decr / 2;
        if (this.anomN > 0) lb = Math.max(this.anomSum / this.anomN, lb);
      }
      art.rhoLb = Math.min(ub, lb);
      art.rhoUb = ub;
      this.lastRhoUpdate = i;
      this.maskAfterCat = true;
    }
    return anomaly;
  }

  /** ARTime's confidence: how far the best match fell below the vigilances, and how far off the level was. */
  private confidence(sim: number, energy: number): number {
    const s0 = Math.min(0.999, sim);
    const ub = (1 - s0 - (1 - this.art.rhoUb)) / (1 - s0);
    const lb = (1 - s0 - (1 - this.art.rhoLb)) / (1 - s0);
    return Math.min(1, ub * 0.35 + lb * 0.65 + (1 - energy) * 1.5);
  }
}
