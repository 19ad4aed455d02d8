// Runs every detector on a series and combines them into one score in [0, 1] with a sentence a
// person can read on the TV ("anomalous: 5 of 8 — KS, MAD, seasonal, EWMA, Grubbs").
//
// By default each detector is first judged by how unusual its score is for this series
// (surprise.ts), the most surprised trusted detector sets the score, and after an anomaly the
// series is held off for a while so one incident is reported once. docs/anomaly.md has the
// benchmark that chose this over a plain vote or a mean.

import { ARTIME_DEFAULTS, ArtimeDetector, type ArtimeOptions } from './artime-detector.ts';
import { CAD_DEFAULTS, CadDetector, type CadOptions } from './cad-detector.ts';
import { classifyDistribution, GAUSSIAN_ONLY_DETECTORS, type DistributionOptions } from './classify-distribution.ts';
import { EWMA_DEFAULTS, EwmaDetector, type EwmaOptions } from './ewma-detector.ts';
import { GRUBBS_DEFAULTS, GrubbsDetector, type GrubbsOptions } from './grubbs-detector.ts';
import { HISTOGRAM_DEFAULTS, HistogramDetector, type HistogramOptions } from './histogram-detector.ts';
import { KS_DEFAULTS, KsDetector, type KsOptions } from './ks-detector.ts';
import { LEAST_SQUARES_DEFAULTS, LeastSquaresDetector, type LeastSquaresOptions } from './least-squares-detector.ts';
import { MAD_DEFAULTS, MadDetector, type MadOptions } from './mad-detector.ts';
import { PreFilters } from './pre-filters.ts';
import { SEASONAL_DEFAULTS, SeasonalDetector, type SeasonalOptions } from './seasonal-detector.ts';
import { SHAPE_DEFAULTS, ShapeDetector, type ShapeOptions } from './shape-detector.ts';
import { SIGMA_DEFAULTS, SigmaDetector, type SigmaOptions } from './sigma-detector.ts';
import { ratioScore, scoreRatio } from './ratio-score.ts';
import { RollingMoments } from './rolling-moments.ts';
import { SharedWindow } from './shared-window.ts';
import { SortedWindow } from './sorted-window.ts';
import { Surprise, type SurpriseOptions } from './surprise.ts';
import type { Band, Detector, DetectorOutput, Distribution, EnsembleOutput, Point, SkipReason } from './types.ts';

export interface EnsembleOptions {
  /** Ensemble score at or above which a point is anomalous. */
  threshold: number;
  /** Points before anything is judged (the too_short pre-filter); no detector scores sooner, some (histogram, KS, seasonal) wait longer. */
  minHistory: number;
  /** The trailing window, in points, of the window-based detectors (σ, MAD, Grubbs, histogram, the KS baseline). */
  window: number;
  /** The expected sampling interval in ms for the stale pre-filter; null learns it from the data. */
  expectedIntervalMs: number | null;
  /** A gap of more than this many intervals makes the series stale. */
  staleFactor: number;
  /** Points the distribution is judged on, and re-judged every classifyEvery points. */
  distributionWindow: number;
  classifyEvery: number;
  /**
   * How the detectors become one score. 'max': the most surprised trusted detector decides;
   * 'vote': the share of trusted detectors voting; 'mean': the mean of their scores.
   */
  combine: 'max' | 'vote' | 'mean';
  /** Judge each detector by how unusual its score is for this series (surprise.ts) rather than by its own threshold. */
  calibrate: boolean;
  surprise: Partial<SurpriseOptions>;
  /** Decades of surprise (−log₁₀ p) that make a calibrated 'max' score 0.5. */
  criticalSurprise: number;
  /** Decades of surprise at which a calibrated detector's vote counts. */
  voteSurprise: number;
  /** Per-detector multipliers of surprise (by name); 1 when absent. */
  weights: Partial<Record<string, number>>;
  /** Stop trusting EWMA and LSQ on a series once it has a learned period… */
  seasonalDistrustsLocal: boolean;
  /** …that it repeats at with at least this autocorrelation. */
  distrustLocalAbove: number;
  /** After an anomalous point, the next holdOff points are not flagged again (Skyline's expiration); 0 turns it off. */
  holdOff: number;
  /** The hold-off in time instead (0: in points, `holdOff`): points up to this many ms after an anomalous point are held off. */
  holdOffMs: number;
  /** …unless the score escalates: a point whose score ratio is at least this multiple of the one
   * that started the hold-off is a new, bigger anomaly and is flagged (0: never). */
  escalate: number;
  sigma: Partial<SigmaOptions>;
  ewma: Partial<EwmaOptions>;
  mad: Partial<MadOptions>;
  grubbs: Partial<GrubbsOptions>;
  lsq: Partial<LeastSquaresOptions>;
  histogram: Partial<HistogramOptions>;
  ks: Partial<KsOptions>;
  seasonal: Partial<SeasonalOptions>;
  /** The shape (subsequence) detector's options; false (the default) leaves it out. */
  shape: Partial<ShapeOptions> | false;
  /** The contextual (CAD) detector's options; false (the default) leaves it out. Its rest period is the ensemble's hold-off, not its own. */
  cad: Partial<CadOptions> | false;
  /** The adaptive resonance (ARTime) detector's options (on by default: `{}`, ARTIME_DEFAULTS); false leaves it out. */
  artime: Partial<ArtimeOptions> | false;
  /** Only these detectors, by name (null: all of them). */
  only: string[] | null;
  distribution: Partial<DistributionOptions>;
}

export const ENSEMBLE_DEFAULTS: EnsembleOptions = {
  threshold: 0.5,
  minHistory: 30,
  window: 1024,
  expectedIntervalMs: null,
  staleFactor: 10,
  distributionWindow: 256,
  classifyEvery: 32,
  combine: 'max',
  calibrate: true,
  // The prior worth 300 points, not surprise.ts's 100: chosen with ARTime by the held-out protocol (docs/anomaly.md).
  surprise: { priorWeight: 300 },
  criticalSurprise: 3.3,
  voteSurprise: 2,
  weights: {},
  holdOff: 72,
  holdOffMs: 0,
  escalate: 1.25,
  seasonalDistrustsLocal: true,
  distrustLocalAbove: 0.7,
  sigma: {},
  ewma: {},
  mad: {},
  grubbs: {},
  lsq: {},
  histogram: {},
  ks: {},
  seasonal: {},
  shape: false,
  cad: false,
  artime: {},
  only: null,
  distribution: {},
};

function withDefaults(opts: Partial<EnsembleOptions> = {}): EnsembleOptions {
  return { ...ENSEMBLE_DEFAULTS, ...opts };
}

/** Detectors that judge a point only against the last few (a smoothed level, a local trend). */
const LOCAL_DETECTORS: ReadonlySet<string> = new Set(['EWMA', 'LSQ']);

/**
 * The detectors (the eight value and pattern detectors, ARTime unless turned off, the shape and CAD detectors if turned on),
 * configured from the ensemble's options, in the order they are listed on a TV; `only` keeps
 * those named.
 */
export function createDetectors(opts: Partial<EnsembleOptions> = {}): Detector[] {
  const o = withDefaults(opts);
  const common = { window: o.window, minHistory: o.minHistory };
  const shape = o.shape;
  const cad = o.cad;
  const artime = o.artime;
  const wanted = (name: string) => !o.only || o.only.includes(name);
  const sigmaOpts = { ...SIGMA_DEFAULTS, ...common, ...o.sigma };
  const madOpts = { ...MAD_DEFAULTS, ...common, ...o.mad };
  const grubbsOpts = { ...GRUBBS_DEFAULTS, ...common, ...o.grubbs };
  const histogramOpts = { ...HISTOGRAM_DEFAULTS, window: o.window, minHistory: Math.max(o.minHistory, HISTOGRAM_DEFAULTS.minHistory), ...o.histogram };
  // σ and Grubbs keep the moments of the same trailing window, MAD and histogram the same sorted
  // window: one copy for both when both run with the same window (shared-window.ts).
  const moments = wanted('σ') && wanted('Grubbs') && sigmaOpts.window === grubbsOpts.window ? new SharedWindow(new RollingMoments(sigmaOpts.window)) : undefined;
  const sorted = wanted('MAD') && wanted('histogram') && madOpts.window === histogramOpts.window ? new SharedWindow(new SortedWindow(madOpts.window)) : undefined;
  const all: Array<[string, () => Detector]> = [
    ['σ', () => new SigmaDetector(sigmaOpts, moments)],
    ['EWMA', () => new EwmaDetector({ ...EWMA_DEFAULTS, minHistory: o.minHistory, ...o.ewma })],
    ['MAD', () => new MadDetector(madOpts, sorted)],
    ['Grubbs', () => new GrubbsDetector(grubbsOpts, moments)],
    ['LSQ', () => new LeastSquaresDetector({ ...LEAST_SQUARES_DEFAULTS, minHistory: o.minHistory, ...o.lsq })],
    ['histogram', () => new HistogramDetector(histogramOpts, sorted)],
    ['KS', () => new KsDetector({ ...KS_DEFAULTS, ...o.ks })],
    ['seasonal', () => new SeasonalDetector({ ...SEASONAL_DEFAULTS, ...o.seasonal })],
    ...(shape ? [['shape', () => new ShapeDetector({ ...SHAPE_DEFAULTS, ...shape })] as [string, () => Detector]] : []),
    ...(cad ? [['CAD', () => new CadDetector({ ...CAD_DEFAULTS, ...cad, restPeriod: 0 })] as [string, () => Detector]] : []),
    ...(artime ? [['ARTime', () => new ArtimeDetector({ ...ARTIME_DEFAULTS, ...artime })] as [string, () => Detector]] : []),
  ];
  return all.filter(([name]) => wanted(name)).map(([, make]) => make());
}

export class Ensemble {
  readonly detectors: readonly Detector[];
  /** The score at or above which a point is anomalous. */
  readonly threshold: number;
  private readonly opts: EnsembleOptions;
  private readonly filters: PreFilters;
  private readonly recent: SortedWindow;
  private readonly surprises: Surprise[];
  private readonly weights: Float64Array;
  /** Per detector, fixed at construction: trusted only on Gaussian data (σ, Grubbs); local (EWMA, LSQ). */
  private readonly gaussianOnly: boolean[];
  private readonly local: boolean[];
  /** The seasonal detector's index (−1 if none), and those whose band is drawn, in order of preference. */
  private readonly seasonalAt: number;
  private readonly bandFrom: number[];
  /** This point's outputs and surprise per detector, the trusted detectors and the voters (reused from point to point). */
  private readonly outputs: DetectorOutput[];
  private readonly surprise: Float64Array;
  private readonly isTrusted: Uint8Array;
  private readonly trustedAt: Int32Array;
  private readonly votersAt: Int32Array;
  private distribution: Distribution = 'gaussian';
  private sinceClassify = 0;
  /** Points still held off after the last anomaly, and when that anomaly was. */
  private holding = 0;
  private heldSince = NaN;
  private heldRaw = 0;
  private last: EnsembleOutput | null = null;

  constructor(opts: Partial<EnsembleOptions> = {}) {
    this.opts = withDefaults(opts);
    this.threshold = this.opts.threshold;
    this.detectors = createDetectors(this.opts);
    this.filters = new PreFilters({ minHistory: this.opts.minHistory, expectedIntervalMs: this.opts.expectedIntervalMs, staleFactor: this.opts.staleFactor });
    this.recent = new SortedWindow(this.opts.distributionWindow);
    this.surprises = this.detectors.map(() => new Surprise(this.opts.surprise));
    this.weights = Float64Array.from(this.detectors, (d) => this.opts.weights[d.name] ?? 1);
    this.gaussianOnly = this.detectors.map((d) => GAUSSIAN_ONLY_DETECTORS.has(d.name));
    this.local = this.detectors.map((d) => LOCAL_DETECTORS.has(d.name));
    this.seasonalAt = this.detectors.findIndex((d) => d instanceof SeasonalDetector);
    this.bandFrom = ['seasonal', 'σ', 'MAD'].map((name) => this.detectors.findIndex((d) => d.name === name)).filter((i) => i >= 0);
    const n = this.detectors.length;
    this.outputs = new Array<DetectorOutput>(n);
    this.surprise = new Float64Array(n);
    this.isTrusted = new Uint8Array(n);
    this.trustedAt = new Int32Array(n);
    this.votersAt = new Int32Array(n);
  }

  /** Judges the next point. A point whose value is not a finite number is ignored (the last output is returned). */
  update(p: Point): EnsembleOutput {
    if (!Number.isFinite(p.v)) return this.last ?? this.skip('too_short', null);
    // Every detector sees every point, judged or not, so none falls behind; so does its calibration.
    const { detectors, outputs, surprise, surprises } = this;
    for (let i = 0; i < detectors.length; i++) {
      const o = detectors[i]!.update(p);
      outputs[i] = o;
      surprise[i] = o.ready === false ? 0 : surprises[i]!.update(o.score);
    }
    this.recent.push(p.v);
    if (--this.sinceClassify <= 0) {
      this.sinceClassify = this.opts.classifyEvery;
      this.distribution = classifyDistribution(this.recent.sorted, this.opts.distribution);
    }
    const skipped = this.filters.check(p, this.recent);
    const held = this.opts.holdOffMs > 0 ? p.t - this.heldSince <= this.opts.holdOffMs : this.holding > 0;
    if (this.holding > 0) this.holding--;
    if (skipped) return (this.last = this.skip(skipped, skipped === 'flat' ? { center: p.v, lower: p.v, upper: p.v } : null));
    return (this.last = this.combine(p, held));
  }

  /**
   * The state of the series at time now without a new point: stale (with score 0) once data
   * has stopped arriving for longer than the stale limit, else the last output.
   */
  peek(now: number): EnsembleOutput {
    if (this.filters.staleAt(now)) return this.skip('stale', null);
    return this.last ?? this.skip('too_short', null);
  }

  private skip(reason: SkipReason, expected: Band | null): EnsembleOutput {
    const why = reason === 'too_short' ? `too short (${this.filters.points} of ${this.opts.minHistory} points)` : reason === 'stale' ? 'stale (data stopped arriving)' : 'flat (constant series)';
    return { score: 0, anomalous: false, votes: [], explanation: `skipped: ${why}`, expected, skipped: reason, distribution: this.distribution };
  }

  /** Combines this point's outputs and surprise (this.outputs, this.surprise) into the ensemble's output. */
  private combine(p: Point, held: boolean): EnsembleOutput {
    const { calibrate, criticalSurprise, voteSurprise, combine } = this.opts;
    const { detectors, outputs, surprise, weights, isTrusted, trustedAt, votersAt } = this;
    // A series that clearly repeats itself repeats its steps and slopes every cycle, and detectors
    // that only compare a point with the last few (EWMA, LSQ) would call each of them a break. A
    // weak period (autocorrelation under distrustLocalAbove) is as likely chance, and is not
    // enough reason to give them up.
    const sa = this.seasonalAt;
    const seasonal = sa >= 0 && outputs[sa]!.ready !== false && (detectors[sa] as SeasonalDetector).periodicity >= this.opts.distrustLocalAbove;
    const distrustGaussianOnly = this.distribution !== 'gaussian';
    const distrustLocal = seasonal && this.opts.seasonalDistrustsLocal;
    const trustedNames: string[] = [];
    let nTrusted = 0;
    let nVoters = 0;
    for (let i = 0; i < outputs.length; i++) {
      isTrusted[i] = 0;
      if (outputs[i]!.ready === false) continue;
      if (distrustGaussianOnly && this.gaussianOnly[i]) continue;
      if (distrustLocal && this.local[i]) continue;
      isTrusted[i] = 1;
      trustedAt[nTrusted++] = i;
      trustedNames.push(detectors[i]!.name);
      // The voters, most surprised (or highest scoring) first; ties keep the detectors' order.
      const strength = calibrate ? weights[i]! * surprise[i]! : outputs[i]!.score;
      if (!(calibrate ? strength >= voteSurprise : outputs[i]!.anomalous)) continue;
      let at = nVoters++;
      while (at > 0 && (calibrate ? weights[votersAt[at - 1]!]! * surprise[votersAt[at - 1]!]! : outputs[votersAt[at - 1]!]!.score) < strength) {
        votersAt[at] = votersAt[at - 1]!;
        at--;
      }
      votersAt[at] = i;
    }
    let raw = 0;
    if (nTrusted > 0) {
      if (combine === 'vote') raw = nVoters / nTrusted;
      else {
        let sum = 0;
        let max = 0;
        for (let t = 0; t < nTrusted; t++) {
          const i = trustedAt[t]!;
          const s = calibrate ? ratioScore((weights[i]! * surprise[i]!) / criticalSurprise) : outputs[i]!.score;
          sum += s;
          if (s > max) max = s;
        }
        raw = combine === 'mean' ? sum / nTrusted : max;
      }
    }
    // A bigger anomaly during the hold-off is reported: a second failure is not hidden by a first.
    const escalates = held && this.opts.escalate > 0 && scoreRatio(raw) >= this.opts.escalate * scoreRatio(this.heldRaw);
    const score = held && !escalates ? 0 : raw;
    const anomalous = score >= this.threshold;
    if (anomalous && (this.opts.holdOff > 0 || this.opts.holdOffMs > 0)) {
      this.holding = this.opts.holdOffMs > 0 ? 0 : this.opts.holdOff;
      this.heldSince = p.t;
      this.heldRaw = raw;
    }
    const names: string[] = [];
    for (let v = 0; v < nVoters; v++) names.push(detectors[votersAt[v]!]!.name);
    const verdict = anomalous ? 'anomalous' : held && raw >= this.threshold ? 'ongoing' : 'normal';
    const since = verdict === 'ongoing' ? ` (since ${new Date(this.heldSince).toISOString()})` : '';
    return {
      score,
      anomalous,
      votes: names,
      explanation: `${verdict}: ${names.length} of ${nTrusted}${names.length ? ' — ' + names.join(', ') : ''}${since}`,
      expected: this.band(),
      distribution: this.distribution,
      trusted: trustedNames,
      rawScore: raw,
    };
  }

  /** The seasonal expectation when there is one, else mean ± kσ for Gaussian data, else the MAD band (of trusted detectors). */
  private band(): Band | null {
    for (const i of this.bandFrom) {
      if (!this.isTrusted[i]) continue;
      const b = this.outputs[i]!.expected;
      if (b !== undefined && b !== null) return b;
    }
    return null;
  }
}
