// 'EWMA': distance of each point from an exponentially weighted moving average, in units of the
// exponentially weighted spread of past one-step errors. Smoothing follows level changes and
// slow movement that a flat trailing mean does not, and needs O(1) memory.

import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface EwmaOptions {
  /** Smoothing span of the average, in points; α = 2 / (span + 1). */
  span: number;
  /** Smoothing span of the one-step error variance, in points. */
  varianceSpan: number;
  minHistory: number;
  /** Critical one-step error, in exponentially weighted σ. */
  k: number;
  threshold: number;
}

export const EWMA_DEFAULTS: EwmaOptions = { span: 30, varianceSpan: 30, minHistory: 30, k: 4, threshold: DEFAULT_THRESHOLD };

export class EwmaDetector implements Detector {
  readonly name = 'EWMA';
  readonly threshold: number;
  private readonly opts: EwmaOptions;
  private readonly alpha: number;
  private readonly varianceAlpha: number;
  private mean = 0;
  private variance = 0;
  private n = 0;

  constructor(opts: Partial<EwmaOptions> = {}) {
    this.opts = { ...EWMA_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    this.alpha = 2 / (this.opts.span + 1);
    this.varianceAlpha = 2 / (this.opts.varianceSpan + 1);
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    if (this.n === 0) {
      this.mean = p.v;
      this.n = 1;
      return { score: 0, anomalous: false, ready: false };
    }
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    const sd = Math.sqrt(this.variance);
    if (this.n >= this.opts.minHistory) {
      const { k } = this.opts;
      const score = ratioScore(deviationRatio(p.v, this.mean, sd, k));
      out = { score, anomalous: score >= this.threshold, expected: { center: this.mean, lower: this.mean - k * sd, upper: this.mean + k * sd } };
    }
    // Exponentially weighted mean and variance (Finch 2009, "Incremental calculation of
    // weighted mean and variance"); while warming up the weight is 1/n so the first points
    // count as much as a plain mean would give them.
    const a = Math.max(this.alpha, 1 / (this.n + 1));
    const b = Math.max(this.varianceAlpha, 1 / (this.n + 1));
    const d = p.v - this.mean;
    this.mean += a * d;
    this.variance = (1 - b) * (this.variance + b * d * d);
    this.n++;
    return out;
  }
}
