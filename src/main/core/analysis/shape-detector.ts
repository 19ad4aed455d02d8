// 'shape': has the series moved like this before? The last `length` points, less their mean
// (the level is the value detectors' business), are compared with every stored subsequence of
// the recent past; the distance to the nearest one (a streaming "discord", as in matrix-profile
// work) over the typical nearest distance is the statistic. It sees what no single value shows:
// a noisy series that goes flat, a steady one that starts to oscillate, a ramp where there were
// steps. Fixed memory: `memory` × `length` numbers; O(memory × length) per point.

import { DEFAULT_THRESHOLD, ratioScore } from './ratio-score.ts';
import { SortedWindow } from './sorted-window.ts';
import type { Detector, DetectorOutput, Point } from './types.ts';

export interface ShapeOptions {
  /** Points in a subsequence. */
  length: number;
  /** Past subsequences kept to compare with. */
  memory: number;
  /** Past nearest distances the typical one is the median of. */
  typicalWindow: number;
  /** Critical nearest distance, in typical nearest distances. */
  k: number;
  /** Subsequences stored before it scores. */
  minHistory: number;
  threshold: number;
}

export const SHAPE_DEFAULTS: ShapeOptions = { length: 16, memory: 128, typicalWindow: 256, k: 6, minHistory: 64, threshold: DEFAULT_THRESHOLD };

export class ShapeDetector implements Detector {
  readonly name = 'shape';
  readonly threshold: number;
  private readonly opts: ShapeOptions;
  /** The last `length` values, newest at index (head − 1) mod length. */
  private readonly recent: Float64Array;
  private seen = 0;
  /** Stored centred subsequences, `memory` rows of `length`. */
  private readonly store: Float64Array;
  private stored = 0;
  private next = 0;
  /** Centred subsequences waiting `length` points before they may be matched (no trivial self-matches). */
  private readonly pending: Float64Array;
  private pendingCount = 0;
  private readonly current: Float64Array;
  /** Each stored (and pending) subsequence's Euclidean norm, for pruning. */
  private readonly norms: Float64Array;
  private readonly pendingNorms: Float64Array;
  private readonly typical: SortedWindow;

  constructor(opts: Partial<ShapeOptions> = {}) {
    this.opts = { ...SHAPE_DEFAULTS, ...opts };
    this.threshold = this.opts.threshold;
    const { length, memory } = this.opts;
    this.recent = new Float64Array(length);
    this.store = new Float64Array(memory * length);
    this.pending = new Float64Array(length * length);
    this.current = new Float64Array(length);
    this.norms = new Float64Array(memory);
    this.pendingNorms = new Float64Array(length);
    this.typical = new SortedWindow(this.opts.typicalWindow);
  }

  update(p: Point): DetectorOutput {
    if (!Number.isFinite(p.v)) return { score: 0, anomalous: false, ready: false };
    const { length, memory } = this.opts;
    this.recent[this.seen % length] = p.v;
    this.seen++;
    if (this.seen < length) return { score: 0, anomalous: false, ready: false };
    // The current subsequence, oldest first, less its mean.
    let mean = 0;
    for (let j = 0; j < length; j++) mean += this.recent[(this.seen + j) % length]!;
    mean /= length;
    const cur = this.current;
    let curNorm = 0;
    for (let j = 0; j < length; j++) {
      const x = this.recent[(this.seen + j) % length]! - mean;
      cur[j] = x;
      curNorm += x * x;
    }
    curNorm = Math.sqrt(curNorm);
    let out: DetectorOutput = { score: 0, anomalous: false, ready: false };
    if (this.stored > 0) {
      let best = Infinity;
      const rows = Math.min(this.stored, memory);
      const s = this.store;
      const norms = this.norms;
      for (let r = 0; r < rows; r++) {
        // ‖a − b‖ ≥ |‖a‖ − ‖b‖|: most stored subsequences are ruled out without being compared.
        const dn = norms[r]! - curNorm;
        if (dn * dn >= best) continue;
        let d = 0;
        const base = r * length;
        for (let j = 0; j < length && d < best; j++) {
          const e = s[base + j]! - cur[j]!;
          d += e * e;
        }
        if (d < best) best = d;
      }
      const dist = Math.sqrt(best);
      if (this.stored >= this.opts.minHistory && this.typical.length > 0) {
        const typical = this.typical.median();
        const tiny = 1e-9 * Math.max(1, Math.abs(mean));
        const ratio = dist <= tiny ? 0 : typical > tiny ? dist / typical / this.opts.k : Infinity;
        const score = ratioScore(ratio);
        out = { score, anomalous: score >= this.threshold };
      }
      this.typical.push(dist);
    }
    // Queue this subsequence; the one `length` points older becomes matchable.
    const slot = this.pendingCount % length;
    if (this.pendingCount >= length) {
      this.store.set(this.pending.subarray(slot * length, slot * length + length), this.next * length);
      this.norms[this.next] = this.pendingNorms[slot]!;
      this.next = (this.next + 1) % memory;
      this.stored++;
    }
    this.pending.set(cur, slot * length);
    this.pendingNorms[slot] = curNorm;
    this.pendingCount++;
    return out;
  }
}
