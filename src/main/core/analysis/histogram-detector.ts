// 'histogram': Skyline's histogram-bin rarity. The trailing window is cut into equal-width bins
// between its minimum and maximum; a point is rare when few past values share its bin, and rarest
// when it falls outside the range altogether (more so the further out). It makes no assumption
// about the shape of the distribution, so it is one of the robust detectors.

import { DEFAULT_THRESHOLD, ratioScore } from './ratio-score.ts';
import { SharedWindow } from './shared-window.ts';
import { SortedWindow } from './sorted-window.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface HistogramOptions {
  window: number;
  /** Values needed before it scores: with a few dozen, the range (and so every bin) is mostly chance. */
  minHistory: number;
  bins: number;
  /** A bin holding at most this many past values is rare. */
  rareCount: number;
  threshold: number;
}

export const HISTOGRAM_DEFAULTS: HistogramOptions = { window: 1024, minHistory: 100, bins: 16, rareCount: 1, threshold: DEFAULT_THRESHOLD };

export class HistogramDetector implements Detector {
  readonly name = 'histogram';
  readonly threshold: number;
  private readonly opts: HistogramOptions;
  private readonly values: SharedWindow<SortedWindow>;
  private seen = 0;

  /** shared: the trailing window, kept with other readers (the MAD detector, in an ensemble); its own by default. */
  constructor(opts: Partial<HistogramOptions> = {}, shared?: SharedWindow<SortedWindow>) {
    this.opts = { ...HISTOGRAM_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    if (shared && shared.window.order.capacity !== Math.floor(this.opts.window)) throw new Error('histogram: the shared window must hold opts.window values');
    this.values = shared ?? new SharedWindow(new SortedWindow(this.opts.window));
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const w = this.values.before(this.seen);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (w.length >= this.opts.minHistory) {
      const lo = w.min();
      const hi = w.max();
      const x = p.v;
      const { bins, rareCount } = this.opts;
      let r: number;
      if (hi === lo) {
        r = x === lo ? 0 : Infinity;
      } else {
        const width = (hi - lo) / bins;
        // r = (rareCount + 1) / (count + 1): 1 exactly at the rare count, higher the emptier the bin.
        if (x < lo || x > hi) {
          const beyond = (x < lo ? lo - x : x - hi) / width;
          r = (rareCount + 1) * (1 + beyond);
        } else {
          const b = Math.min(bins - 1, Math.floor((x - lo) / width));
          const count = w.countIn(lo + b * width, b === bins - 1 ? Infinity : lo + (b + 1) * width);
          r = (rareCount + 1) / (count + 1);
        }
      }
      const score = ratioScore(r);
      out = { score, anomalous: score >= this.threshold };
    }
    this.values.after(this.seen++, p.v);
    return out;
  }
}
