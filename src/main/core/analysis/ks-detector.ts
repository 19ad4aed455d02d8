// 'KS': a two-sample Kolmogorov–Smirnov test of the recent window against the baseline window
// just before it. It catches a change in the distribution — a level shift, more or less spread,
// a new mode — that no single point shows. Consecutive points of a series are correlated, which
// makes the textbook test fire on almost anything, so the sample sizes are shrunk to their
// effective size under an AR(1) model of the baseline's lag-1 autocorrelation.

import { DEFAULT_THRESHOLD, ratioScore } from './ratio-score.ts';
import { SortedWindow } from './sorted-window.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface KsOptions {
  /** Points in the recent window, the newest included. */
  recent: number;
  /** Points in the baseline, which ends where the recent window starts. */
  baseline: number;
  /** Baseline points needed before it scores. */
  minHistory: number;
  /** Significance of the test. */
  alpha: number;
  threshold: number;
}

export const KS_DEFAULTS: KsOptions = { recent: 32, baseline: 256, minHistory: 64, alpha: 0.001, threshold: DEFAULT_THRESHOLD };

/**
 * D, the largest gap between the empirical CDFs of two sorted samples. Where a's CDF is flat (between
 * two of its values) the gap F_a − F_b only falls as b's values pass, so its largest size there is
 * at one end: at an a-value, or at the last b-value before the next a-value. Only those are
 * evaluated (two per value of a, the short sample, rather than one per value of both), each with
 * the counts the full merge has there, and the rest of the gaps are strictly smaller: the same D.
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let i = 0;
  let j = 0;
  let d = 0;
  // b's values below a's first: F_a is 0 there, the gap largest at the last of them.
  const first = a[0]!;
  while (j < m && b[j]! < first) j++;
  if (j > 0) d = Math.abs(i / n - j / m);
  while (i < n && j < m) {
    const x = a[i]!;
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    let gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
    if (i === n) break;
    const next = a[i]!;
    const from = j;
    while (j < m && b[j]! < next) j++;
    if (j === from) continue;
    gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
  }
  return d;
}

/** The critical D at significance alpha for effective size ne = n·m/(n+m) (the asymptotic Kolmogorov law with Stephens' small-sample correction). */
export function ksCritical(ne: number, alpha: number): number {
  const lambda = Math.sqrt(-0.5 * Math.log(alpha / 2));
  const sq = Math.sqrt(ne);
  return lambda / (sq + 0.12 + 0.11 / sq);
}

/** A recent window and the baseline just before it. */
class TwoSamples {
  readonly recent: SortedWindow;
  readonly baseline: SortedWindow;
  private rho = 0;
  private sinceRho = 0;

  constructor(recent: number, baseline: number) {
    this.recent = new SortedWindow(recent);
    this.baseline = new SortedWindow(baseline);
  }

  push(v: number): void {
    const aged = this.recent.push(v);
    if (aged !== undefined) this.baseline.push(aged);
  }

  /** D over its critical value at alpha, or NaN while either sample is short. */
  ratio(minHistory: number, alpha: number): number {
    const n = this.recent.length;
    const m = this.baseline.length;
    if (m < minHistory || !this.recent.full) return NaN;
    // The autocorrelation moves slowly; re-estimating it every 16 points keeps the cost O(1)
    // amortised.
    if (this.sinceRho-- <= 0) {
      this.rho = lag1Autocorrelation(this.baseline);
      this.sinceRho = 16;
    }
    const shrink = (1 - this.rho) / (1 + this.rho);
    const ne = Math.max(1, ((n * m) / (n + m)) * shrink);
    return ksStatistic(this.recent.sorted, this.baseline.sorted) / ksCritical(ne, alpha);
  }
}

export class KsDetector implements Detector {
  readonly name = 'KS';
  readonly threshold: number;
  private readonly opts: KsOptions;
  private readonly samples: TwoSamples;

  constructor(opts: Partial<KsOptions> = {}) {
    this.opts = { ...KS_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    this.samples = new TwoSamples(this.opts.recent, this.opts.baseline);
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    this.samples.push(p.v);
    const r = this.samples.ratio(this.opts.minHistory, this.opts.alpha);
    if (Number.isNaN(r)) return { score: 0, anomalous: false, ready: false };
    const score = ratioScore(r);
    return { score, anomalous: score >= this.threshold };
  }
}

/** Lag-1 autocorrelation of the window in arrival order, clamped to [0, 0.98]. */
function lag1Autocorrelation(w: SortedWindow): number {
  const o = w.order;
  const n = o.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += o.at(i);
  mean /= n;
  let num = 0;
  let den = 0;
  let prev = o.at(0) - mean;
  den += prev * prev;
  for (let i = 1; i < n; i++) {
    const cur = o.at(i) - mean;
    num += prev * cur;
    den += cur * cur;
    prev = cur;
  }
  if (!(den > 0)) return 0;
  return Math.min(0.98, Math.max(0, num / den));
}
