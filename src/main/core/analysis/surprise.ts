// How unusual a detector's score is for this series: the probability p of a score at least this
// high, judged on the scores the same detector has given this series before, reported as −log₁₀ p
// ("decades of surprise"). A detector that fires all the time on a series (MAD on a two-level
// signal, LSQ on a square wave) is discounted there, and one that rarely does counts in full when
// it does — the per-series calibration behind HTM's anomaly likelihood.
//
// p mixes the decayed histogram of the detector's past log-ratios with a prior worth priorWeight
// points: P(ratio ≥ r) = priorP^r up to the detector's own critical value (r = 1) — most points
// sit well inside it — and priorP · r^−priorSlope beyond, a heavy tail. With little history the
// prior dominates, so a young or short series is judged much as the detectors' own thresholds
// would judge it; as history accumulates the series' own behaviour takes over; and beyond
// everything seen so far the prior's tail still tells a score far past the previous maximum from
// one just past it (a histogram alone gives both p = 1/N, and with several detectors a new
// maximum somewhere is routine).

import { scoreRatio } from './ratio-score.ts';

export interface SurpriseOptions {
  /** Points after which a past score counts half as much. */
  halfLife: number;
  /** What the prior is worth, in points of history. */
  priorWeight: number;
  /** The prior's P(ratio ≥ 1): how often a detector is expected to reach its own critical value. */
  priorP: number;
  /** The prior's tail exponent beyond the critical value: P(ratio ≥ r) = priorP · r^−priorSlope. */
  priorSlope: number;
  /** The prior's shape inside the critical value: P(ratio ≥ r) = priorP^(r^priorBody). */
  priorBody: number;
}

export const SURPRISE_DEFAULTS: SurpriseOptions = { halfLife: 8000, priorWeight: 100, priorP: 1e-3, priorSlope: 1, priorBody: 1 };

/** Bins of log₂(ratio), eight per octave, from ratio 1/64 to 2^18. */
const PER_OCTAVE = 8;
const LOWEST_OCTAVE = -6;
const BINS = 24 * PER_OCTAVE;

function binOf(r: number): number {
  if (!(r > 0)) return 0;
  if (r === Infinity) return BINS - 1;
  const b = Math.floor((Math.log2(r) - LOWEST_OCTAVE) * PER_OCTAVE);
  return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

export class Surprise {
  private readonly opts: SurpriseOptions;
  /** A Fenwick tree over the bins' weights, so a tail sum costs O(log bins). */
  private readonly tree = new Float64Array(BINS + 1);
  /** Decay is applied lazily: new scores weigh `weight`, which grows instead of old ones shrinking. */
  private weight = 1;
  private total = 0;
  private readonly growth: number;

  constructor(opts: Partial<SurpriseOptions> = {}) {
    this.opts = { ...SURPRISE_DEFAULTS, ...opts };
    this.growth = Math.pow(2, 1 / this.opts.halfLife);
  }

  /** −log₁₀ of the probability of a score at least this high, judged on the past; then remembers it. */
  update(score: number): number {
    const r = scoreRatio(score);
    const b = binOf(r);
    const tail = Math.max(0, this.total - this.below(b));
    const { priorWeight, priorP, priorSlope, priorBody } = this.opts;
    // r^1 is r (Math.pow(r, 1) returns r exactly); the default body is 1, so one call is saved.
    const prior = r <= 1 ? Math.pow(priorP, priorBody === 1 ? r : Math.pow(r, priorBody)) : priorP * Math.pow(r, -priorSlope);
    // In units of the current weight, the prior is priorWeight points of history.
    const w = this.weight;
    const p = (tail / w + priorWeight * prior) / (this.total / w + priorWeight);
    this.weight *= this.growth;
    for (let i = b + 1; i <= BINS; i += i & -i) this.tree[i]! += this.weight;
    this.total += this.weight;
    if (this.weight > 1e100) this.rescale();
    return p > 0 ? -Math.log10(p) : 300;
  }

  /** The weight in bins below b. */
  private below(b: number): number {
    let sum = 0;
    for (let i = b; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  private rescale(): void {
    const f = 1 / this.weight;
    for (let i = 0; i <= BINS; i++) this.tree[i]! *= f;
    this.total *= f;
    this.weight = 1;
  }
}
