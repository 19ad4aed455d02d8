// The shapes shared by the streaming anomaly detectors, their ensemble and the alert rules that
// call them. Times are ms since the epoch; points arrive in time order, each once.

export interface Point {
  t: number;
  v: number;
}

export interface Band {
  center: number;
  lower: number;
  upper: number;
}

export interface DetectorOutput {
  /** 0..1, how anomalous this point is to this detector. */
  score: number;
  /** score >= this detector's threshold. */
  anomalous: boolean;
  /** What it expected, where it has a notion of it (drawn as a band on panels). */
  expected?: Band;
  /** false while the detector has no basis to judge (warming up, no period found); absent means ready. */
  ready?: boolean;
}

export interface Detector {
  /** Short label shown on a TV: 'σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ', 'histogram', 'KS', 'seasonal'. */
  readonly name: string;
  /** The score at or above which this detector calls a point anomalous. */
  readonly threshold: number;
  /** Online: points arrive in time order, each once; no look-ahead. */
  update(p: Point): DetectorOutput;
}

export type Distribution = 'gaussian' | 'skewed' | 'heavy_tailed' | 'counts';
export type SkipReason = 'too_short' | 'stale' | 'flat';

export interface EnsembleOutput {
  /** 0..1 */
  score: number;
  anomalous: boolean;
  /** Names of the detectors that flagged this point. */
  votes: string[];
  /** e.g. "anomalous: 5 of 8 — KS, MAD, seasonal, EWMA, Grubbs" or "normal: 1 of 8 — σ". */
  explanation: string;
  /** The band to draw (mean ± kσ, or the seasonal expectation). */
  expected: Band | null;
  /** Pre-filters: not enough history, data stopped arriving, constant series. */
  skipped?: SkipReason;
  /** What the data looks like; decides which detectors are trusted. */
  distribution?: Distribution;
  /** Names of the detectors whose votes counted for this point (the "of N"). */
  trusted?: string[];
  /** The score before the hold-off after an anomaly (equal to score outside one). */
  rawScore?: number;
}
