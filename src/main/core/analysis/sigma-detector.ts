// 'σ': distance of each point from the mean of the trailing window, in standard deviations.
// The classic rule; trusted only when the data looks Gaussian.

import { RollingMoments } from './rolling-moments.ts';
import { SharedWindow } from './shared-window.ts';
import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface SigmaOptions {
  /** Trailing window, in points. */
  window: number;
  /** Points needed before it scores. */
  minHistory: number;
  /** Critical distance from the mean, in σ. */
  k: number;
  threshold: number;
}

export const SIGMA_DEFAULTS: SigmaOptions = { window: 1024, minHistory: 30, k: 4, threshold: DEFAULT_THRESHOLD };

export class SigmaDetector implements Detector {
  readonly name = 'σ';
  readonly threshold: number;
  private readonly opts: SigmaOptions;
  private readonly moments: SharedWindow<RollingMoments>;
  private seen = 0;

  /** shared: the trailing window's moments, kept with other readers (the Grubbs detector, in an ensemble); its own by default. */
  constructor(opts: Partial<SigmaOptions> = {}, shared?: SharedWindow<RollingMoments>) {
    this.opts = { ...SIGMA_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    if (shared && shared.window.values.capacity !== Math.floor(this.opts.window)) throw new Error('σ: the shared moments must be of opts.window values');
    this.moments = shared ?? new SharedWindow(new RollingMoments(this.opts.window));
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const m = this.moments.before(this.seen);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (m.length >= this.opts.minHistory) {
      const mean = m.mean();
      const sd = m.sd();
      const { k } = this.opts;
      const score = ratioScore(deviationRatio(p.v, mean, sd, k));
      out = { score, anomalous: score >= this.threshold, expected: { center: mean, lower: mean - k * sd, upper: mean + k * sd } };
    }
    this.moments.after(this.seen++, p.v);
    return out;
  }
}
