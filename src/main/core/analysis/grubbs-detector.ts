// 'Grubbs': Grubbs' test for a single outlier, applied online with the newest point as the
// suspect — the trailing window plus the point is the sample, and the point is an outlier when
// its studentised deviation exceeds the critical value for that sample size at significance α.
// Unlike a fixed kσ rule its bar rises with the sample size and it assumes normality.

import { RollingMoments } from './rolling-moments.ts';
import { SharedWindow } from './shared-window.ts';
import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import { grubbsCritical } from './student-t.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface GrubbsOptions {
  window: number;
  minHistory: number;
  /** Significance of the two-sided test. */
  alpha: number;
  threshold: number;
}

export const GRUBBS_DEFAULTS: GrubbsOptions = { window: 1024, minHistory: 30, alpha: 0.01, threshold: DEFAULT_THRESHOLD };

/**
 * Grubbs critical values by α, then by sample size, computed once per process rather than per
 * series (a table per series held a thousand entries, most of a series' JS heap for this detector).
 */
const criticalTables = new Map<number, number[]>();

export class GrubbsDetector implements Detector {
  readonly name = 'Grubbs';
  readonly threshold: number;
  private readonly opts: GrubbsOptions;
  private readonly moments: SharedWindow<RollingMoments>;
  private seen = 0;
  /** Critical values by sample size for this α (shared: a pure function of both). */
  private readonly criticalBySize: number[];

  /** shared: the trailing window's moments, kept with other readers (the σ detector, in an ensemble); its own by default. */
  constructor(opts: Partial<GrubbsOptions> = {}, shared?: SharedWindow<RollingMoments>) {
    this.opts = { ...GRUBBS_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    if (shared && shared.window.values.capacity !== Math.floor(this.opts.window)) throw new Error('Grubbs: the shared moments must be of opts.window values');
    this.moments = shared ?? new SharedWindow(new RollingMoments(this.opts.window));
    let table = criticalTables.get(this.opts.alpha);
    if (!table) criticalTables.set(this.opts.alpha, (table = []));
    this.criticalBySize = table;
  }

  private critical(n: number): number {
    let g = this.criticalBySize[n];
    if (g === undefined) {
      g = grubbsCritical(n, this.opts.alpha);
      this.criticalBySize[n] = g;
    }
    return g;
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const m = this.moments.before(this.seen);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    const n = m.length;
    if (n >= this.opts.minHistory) {
      // Mean and variance of the window with the point added (Welford's update).
      const mean = m.mean();
      const d = p.v - mean;
      const n1 = n + 1;
      const mean1 = mean + d / n1;
      const sd1 = Math.sqrt(((n - 1) * m.variance() + (d * d * n) / n1) / (n1 - 1));
      const g = this.critical(n1);
      const score = ratioScore(deviationRatio(p.v, mean1, sd1, g));
      // The band: the values that would pass the test. Solving |x − mean₁| = G·sd₁ for
      // d = x − mean gives d² = G²·s²·(n−1)·(n+1)² / (n·(n² − G²·(n+1))).
      const s2 = m.variance();
      const denom = n * (n * n - g * g * n1);
      const half = denom > 0 ? Math.sqrt((g * g * s2 * (n - 1) * n1 * n1) / denom) : Infinity;
      out = { score, anomalous: score >= this.threshold, expected: { center: mean, lower: mean - half, upper: mean + half } };
    }
    this.moments.after(this.seen++, p.v);
    return out;
  }
}
