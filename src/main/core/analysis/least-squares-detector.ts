// 'LSQ': fits a straight line by least squares to the trailing window and scores the new point
// by how far it falls from the line's one-step extrapolation, in units of the prediction's
// standard error. A slow drift is then normal, a break from the trend is not. The fit is kept
// in O(1) per point from running sums over the window.

import { RingBuffer } from './ring-buffer.ts';
import { DEFAULT_THRESHOLD, deviationRatio, ratioScore } from './ratio-score.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface LeastSquaresOptions {
  window: number;
  minHistory: number;
  /** Critical residual, in prediction standard errors. */
  k: number;
  threshold: number;
}

export const LEAST_SQUARES_DEFAULTS: LeastSquaresOptions = { window: 256, minHistory: 30, k: 4, threshold: DEFAULT_THRESHOLD };

export class LeastSquaresDetector implements Detector {
  readonly name = 'LSQ';
  readonly threshold: number;
  private readonly opts: LeastSquaresOptions;
  private readonly values: RingBuffer;
  // Sums over the window of y, j·y and y², y taken relative to shift, j = 0 for the oldest value.
  private shift = 0;
  private sy = 0;
  private sjy = 0;
  private syy = 0;
  private sinceRebuild = 0;

  constructor(opts: Partial<LeastSquaresOptions> = {}) {
    this.opts = { ...LEAST_SQUARES_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    this.values = new RingBuffer(this.opts.window);
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const n = this.values.length;
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (n >= Math.max(this.opts.minHistory, 3)) {
      // x = 0..n−1: Σx and Σ(x − x̄)² in closed form.
      const sj = (n * (n - 1)) / 2;
      const jBar = sj / n;
      const sxx = (n * (n * n - 1)) / 12;
      const yBar = this.sy / n;
      const sxy = this.sjy - jBar * this.sy;
      const slope = sxy / sxx;
      const sse = Math.max(0, this.syy - n * yBar * yBar - slope * sxy);
      const s = Math.sqrt(sse / (n - 2));
      // Prediction at x = n, and its standard error (fit uncertainty plus noise).
      const predicted = this.shift + yBar + slope * (n - jBar);
      const se = s * Math.sqrt(1 + 1 / n + ((n - jBar) * (n - jBar)) / sxx);
      const { k } = this.opts;
      const score = ratioScore(deviationRatio(p.v, predicted, se, k));
      out = { score, anomalous: score >= this.threshold, expected: { center: predicted, lower: predicted - k * se, upper: predicted + k * se } };
    }
    this.push(p.v);
    return out;
  }

  private push(v: number): void {
    if (this.values.length === 0) this.shift = v;
    const y = v - this.shift;
    const n = this.values.length;
    const evicted = this.values.push(v);
    if (evicted === undefined) {
      this.sjy += n * y;
    } else {
      // Dropping the oldest (j = 0) shifts every other j down by one.
      const e = evicted - this.shift;
      this.sy -= e;
      this.syy -= e * e;
      this.sjy -= this.sy;
      this.sjy += (n - 1) * y;
    }
    this.sy += y;
    this.syy += y * y;
    if (++this.sinceRebuild >= this.values.capacity) this.rebuild();
  }

  private rebuild(): void {
    this.sinceRebuild = 0;
    const n = this.values.length;
    this.shift = this.shift + this.sy / n;
    this.sy = 0;
    this.sjy = 0;
    this.syy = 0;
    for (let j = 0; j < n; j++) {
      const y = this.values.at(j) - this.shift;
      this.sy += y;
      this.sjy += j * y;
      this.syy += y * y;
    }
  }
}
