// 'seasonal': learns the series' period with an FFT (find-period.ts) and expects each point to
// look like the points at the same phase in the previous few periods (their median). It scores
// the difference from that expectation against how much such differences usually are (the MAD of
// recent ones) and how much the series varies around that phase anyway (the spread of the
// same-phase points and their neighbours). This is the detector that sees a daily pattern arrive
// late, flatten or invert while every value stays inside the normal range.

import { median } from 'simple-statistics';
import { findPeriod } from './find-period.ts';
import { RingBuffer } from './ring-buffer.ts';
import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import { SortedWindow } from './sorted-window.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface SeasonalOptions {
  /** Points of history kept; the longest period it can learn is half of this. */
  history: number;
  /** Points needed before it looks for a period. */
  minHistory: number;
  /** Look for a period every this many points while none is known (every four times as many once one is). */
  redetectEvery: number;
  /** Earlier periods compared with (the median of their same-phase values is the expectation). */
  cycles: number;
  /** Earlier periods that must be in the history before it scores. */
  minCycles: number;
  /** Neighbours either side of each same-phase point pooled to estimate the spread at that phase. */
  neighbours: number;
  /** Residuals kept to estimate their typical size. */
  residualWindow: number;
  /** Residuals needed before it scores. */
  minResiduals: number;
  /** Critical residual, in robust σ of recent residuals. */
  k: number;
  /** Shortest period considered, in points. */
  minPeriod: number;
  /** Autocorrelation needed at the period for the series to count as seasonal. */
  minAcf: number;
  threshold: number;
}

export const SEASONAL_DEFAULTS: SeasonalOptions = {
  history: 2048,
  minHistory: 256,
  redetectEvery: 256,
  cycles: 4,
  neighbours: 2,
  minCycles: 2,
  residualWindow: 256,
  minResiduals: 30,
  k: 5,
  minPeriod: 4,
  minAcf: 0.5,
  threshold: DEFAULT_THRESHOLD,
};

const MAD_TO_SIGMA = 1.4826;
const MEAN_AD_TO_SIGMA = 1.2533;

export class SeasonalDetector implements Detector {
  readonly name = 'seasonal';
  readonly threshold: number;
  private readonly opts: SeasonalOptions;
  private readonly times: RingBuffer;
  private readonly values: RingBuffer;
  private readonly residuals: SortedWindow;
  private sinceDetect = 0;
  /** The period in ms, 0 while none is known, and the autocorrelation at it. */
  private periodMs = 0;
  private periodAcf = 0;
  /** The median sampling interval, ms. */
  private intervalMs = 0;
  /** The same-phase values and those with their neighbours (typed: a plain array would change kind, integers to fractions, on many series). */
  private readonly phase: Float64Array;
  private readonly pooled: Float64Array;
  /** Of the last expectation(): the expected value and the spread around it. */
  private expectedCenter = 0;
  private expectedSpread = 0;

  constructor(opts: Partial<SeasonalOptions> = {}) {
    this.opts = { ...SEASONAL_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    this.times = new RingBuffer(this.opts.history);
    this.values = new RingBuffer(this.opts.history);
    this.residuals = new SortedWindow(this.opts.residualWindow);
    this.phase = new Float64Array(Math.max(0, this.opts.cycles));
    this.pooled = new Float64Array(Math.max(0, this.opts.cycles) * (2 * Math.max(0, this.opts.neighbours) + 1));
  }

  /** The learned period in ms, or 0 while the series shows none. */
  get period(): number {
    return this.periodMs;
  }

  /** How strongly the series repeats at that period: its autocorrelation there (0 with no period). */
  get periodicity(): number {
    return this.periodAcf;
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (this.periodMs > 0 && this.expectation(p.t)) {
      const residual = p.v - this.expectedCenter;
      const r = this.residuals;
      if (r.length >= this.opts.minResiduals) {
        const center = r.median();
        let scale = MAD_TO_SIGMA * r.mad(center);
        if (scale === 0) scale = MEAN_AD_TO_SIGMA * r.meanAbsDeviation(center);
        // How much the series varies around this phase (its noise here, and how steep the
        // pattern is) adds to how much it has recently differed from its past.
        scale = Math.hypot(scale, this.expectedSpread);
        const { k } = this.opts;
        const score = ratioScore(deviationRatio(residual, center, scale, k));
        const c = this.expectedCenter + center;
        out = { score, anomalous: score >= this.threshold, expected: { center: c, lower: c - k * scale, upper: c + k * scale } };
      }
      r.push(residual);
    }
    this.times.push(p.t);
    this.values.push(p.v);
    if (this.values.length >= this.opts.minHistory && --this.sinceDetect <= 0) {
      this.detect();
      // Look again soon while no period is known; once one is, it rarely changes.
      this.sinceDetect = this.periodMs > 0 ? 4 * this.opts.redetectEvery : this.opts.redetectEvery;
    }
    return out;
  }

  private detect(): void {
    const { times, values } = this;
    const n = values.length;
    // The sampling interval, as the median gap (robust to the odd missing point).
    const gaps = new Array<number>(n - 1);
    for (let i = 1; i < n; i++) gaps[i - 1] = times.at(i) - times.at(i - 1);
    const interval = median(gaps);
    if (!(interval > 0)) return;
    this.intervalMs = interval;
    // The FFT needs evenly spaced samples: resample the history onto a grid at that interval
    // (linear interpolation), so missing points and jittered timestamps do not stretch the period.
    // A temporary rather than a field: it is needed every few hundred points, and a buffer this
    // size kept per series would be a large part of the detector's memory.
    const last = times.at(n - 1);
    const size = Math.min(n, Math.floor((last - times.at(0)) / interval) + 1);
    const grid = new Float64Array(size);
    let j = n - 1;
    for (let g = size - 1; g >= 0; g--) {
      const t = last - (size - 1 - g) * interval;
      while (j > 0 && times.at(j) > t) j--;
      const t0 = times.at(j);
      const t1 = j + 1 < n ? times.at(j + 1) : t0;
      const v0 = values.at(j);
      grid[g] = t1 > t0 && t > t0 ? v0 + ((values.at(j + 1) - v0) * (t - t0)) / (t1 - t0) : v0;
    }
    const prefer = this.periodMs > 0 ? this.periodMs / interval : 0;
    const found = findPeriod(grid, { minPeriod: this.opts.minPeriod, minAcf: this.opts.minAcf, prefer });
    const periodMs = found && found.period * this.opts.minCycles <= size ? found.period * interval : 0;
    // Residuals measured against a different period say nothing about this one.
    if (Math.abs(periodMs - this.periodMs) > 0.05 * Math.max(periodMs, this.periodMs)) this.residuals.clear();
    this.periodMs = periodMs;
    this.periodAcf = periodMs > 0 ? found!.acf : 0;
  }

  /**
   * The median of the values at t − k·period for k = 1..cycles (if at least minCycles exist),
   * and the robust spread of those values and their neighbours (± neighbours points), into
   * expectedCenter and expectedSpread; false if too few periods are in the history.
   */
  private expectation(t: number): boolean {
    const { times, values, phase, pooled } = this;
    const n = times.length;
    const h = this.opts.neighbours;
    const tolerance = this.intervalMs / 2;
    let nPhase = 0;
    let nPooled = 0;
    for (let k = 1; k <= this.opts.cycles; k++) {
      const target = t - k * this.periodMs;
      if (n === 0 || target < times.at(0) - tolerance) break;
      const j = nearestIndex(times, target, this.intervalMs);
      if (Math.abs(times.at(j) - target) > tolerance) continue;
      phase[nPhase++] = values.at(j);
      for (let d = Math.max(0, j - h); d <= Math.min(n - 1, j + h); d++) pooled[nPooled++] = values.at(d);
    }
    if (nPhase < this.opts.minCycles) return false;
    this.expectedCenter = medianOfFirst(insertionSort(phase, nPhase), nPhase);
    const pooledMedian = medianOfFirst(insertionSort(pooled, nPooled), nPooled);
    for (let i = 0; i < nPooled; i++) pooled[i] = Math.abs(pooled[i]! - pooledMedian);
    this.expectedSpread = MAD_TO_SIGMA * medianOfFirst(insertionSort(pooled, nPooled), nPooled);
    return true;
  }
}

/** The median of a's first n values, sorted: simple-statistics' medianSorted (numpy's linear quantile at ½), without a copy. */
function medianOfFirst(a: Float64Array, n: number): number {
  if (n === 0) throw new Error('quantile requires at least one data point.');
  const idx = (n - 1) * 0.5;
  if (idx % 1 !== 0) {
    const lower = Math.floor(idx);
    const upper = Math.ceil(idx);
    const fraction = idx - lower;
    return a[lower]! + fraction * (a[upper]! - a[lower]!);
  }
  return a[idx]!;
}

/** Sorts the first n values of a in place (a few dozen values: cheaper than a sort with a comparator). */
function insertionSort(a: Float64Array, n: number): Float64Array {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}

/**
 * Index (oldest = 0) of the time in the ring closest to target; times ascend. Regular sampling
 * puts it where the interval says, so look there first and fall back to a binary search.
 */
function nearestIndex(times: RingBuffer, target: number, intervalMs: number): number {
  const n = times.length;
  const last = n - 1;
  if (intervalMs > 0) {
    const guess = Math.min(last, Math.max(0, last - Math.round((times.at(last) - target) / intervalMs)));
    let j = guess;
    for (let step = 0; step < 3; step++) {
      const here = Math.abs(times.at(j) - target);
      if (j > 0 && Math.abs(times.at(j - 1) - target) < here) j--;
      else if (j < last && Math.abs(times.at(j + 1) - target) < here) j++;
      else return j;
    }
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times.at(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo === n) return lo - 1;
  if (lo > 0 && target - times.at(lo - 1) < times.at(lo) - target) return lo - 1;
  return lo;
}
