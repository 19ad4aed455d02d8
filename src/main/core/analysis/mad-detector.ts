// 'MAD': the modified z-score of Iglewicz and Hoaglin — distance from the trailing median in
// units of 1.4826 × the median absolute deviation. Neither statistic moves for a few wild values,
// so it stays calibrated on skewed, heavy-tailed and count data where σ rules do not.

import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import { SharedWindow } from './shared-window.ts';
import { SortedWindow } from './sorted-window.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface MadOptions {
  window: number;
  minHistory: number;
  /** Critical modified z-score. Iglewicz and Hoaglin suggest 3.5 for a one-off look at a sample; a test applied to every point of a stream needs a higher bar. */
  k: number;
  threshold: number;
}

export const MAD_DEFAULTS: MadOptions = { window: 1024, minHistory: 30, k: 5, threshold: DEFAULT_THRESHOLD };

/** MAD × 1.4826 estimates σ for Gaussian data. */
const MAD_TO_SIGMA = 1.4826;
/** The interquartile range / 1.349 estimates σ for Gaussian data. */
const IQR_TO_SIGMA = 1.349;
/** Mean absolute deviation × 1.2533 estimates σ: the fallback when over half the window is one value and the MAD is 0. */
const MEAN_AD_TO_SIGMA = 1.2533;

export class MadDetector implements Detector {
  readonly name = 'MAD';
  readonly threshold: number;
  private readonly opts: MadOptions;
  private readonly values: SharedWindow<SortedWindow>;
  private seen = 0;

  /** shared: the trailing window, kept with other readers (the histogram detector, in an ensemble); its own by default. */
  constructor(opts: Partial<MadOptions> = {}, shared?: SharedWindow<SortedWindow>) {
    this.opts = { ...MAD_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    if (shared && shared.window.order.capacity !== Math.floor(this.opts.window)) throw new Error('MAD: the shared window must hold opts.window values');
    this.values = shared ?? new SharedWindow(new SortedWindow(this.opts.window));
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const w = this.values.before(this.seen);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (w.length >= this.opts.minHistory) {
      const median = w.median();
      // When most of the window sits at one level (a two-level signal, a mostly idle counter)
      // the MAD only measures the jitter of that level and every visit to the other level looks
      // like an outlier; the interquartile range does see both, so the scale never drops below it.
      let scale = Math.max(MAD_TO_SIGMA * w.mad(median), (w.quantile(0.75) - w.quantile(0.25)) / IQR_TO_SIGMA);
      if (scale === 0) scale = MEAN_AD_TO_SIGMA * w.meanAbsDeviation(median);
      const { k } = this.opts;
      const score = ratioScore(deviationRatio(p.v, median, scale, k));
      out = { score, anomalous: score >= this.threshold, expected: { center: median, lower: median - k * scale, upper: median + k * scale } };
    }
    this.values.after(this.seen++, p.v);
    return out;
  }
}
