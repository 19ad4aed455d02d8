// Streaming anomaly detection: the public surface the alert rules and panels use.
export type { Point, Band, DetectorOutput, Detector, EnsembleOutput, Distribution, SkipReason } from './types.ts';
export { Ensemble, createDetectors, ENSEMBLE_DEFAULTS } from './ensemble.ts';
export type { EnsembleOptions } from './ensemble.ts';
export { sigmaBand } from './sigma-band.ts';
export { classifyDistribution, GAUSSIAN_ONLY_DETECTORS } from './classify-distribution.ts';
export { findPeriod } from './find-period.ts';
export { SigmaDetector } from './sigma-detector.ts';
export { EwmaDetector } from './ewma-detector.ts';
export { MadDetector } from './mad-detector.ts';
export { GrubbsDetector } from './grubbs-detector.ts';
export { LeastSquaresDetector } from './least-squares-detector.ts';
export { HistogramDetector } from './histogram-detector.ts';
export { KsDetector } from './ks-detector.ts';
export { SeasonalDetector } from './seasonal-detector.ts';
export { ShapeDetector } from './shape-detector.ts';
export { CadDetector, CAD_DEFAULTS } from './cad-detector.ts';
export type { CadOptions } from './cad-detector.ts';
