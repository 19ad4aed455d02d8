// Recognises what the recent values look like, which decides whether the σ rules (σ, EWMA,
// Grubbs, LSQ — all calibrated for Gaussian noise) are trusted or only the robust detectors.

import { sampleKurtosis, sampleSkewness, uniqueCountSorted } from 'simple-statistics';
import type { Distribution } from './types.ts';

export interface DistributionOptions {
  /** |sample skewness| above this is 'skewed'. For 256 Gaussian values its standard error is 0.15. */
  maxSkewness: number;
  /** Sample excess kurtosis above this is 'heavy_tailed' (Laplace is 3, Student's t₅ 6). Its standard error for 256 Gaussian values is 0.3. */
  maxKurtosis: number;
  /** Non-negative integers with at most this many distinct values per value are 'counts': few enough ties that discreteness matters. */
  countsDistinctFraction: number;
}

export const DISTRIBUTION_DEFAULTS: DistributionOptions = { maxSkewness: 1, maxKurtosis: 2, countsDistinctFraction: 0.25 };

/** The σ rules; every other detector makes no assumption about the distribution's shape. */
export const GAUSSIAN_ONLY_DETECTORS: ReadonlySet<string> = new Set(['σ', 'Grubbs']);

/**
 * Classifies sorted (ascending) values. Constant or too few (< 8) values are 'gaussian' — there
 * is nothing to say otherwise, and the flat pre-filter deals with constants.
 */
export function classifyDistribution(sorted: readonly number[], opts: Partial<DistributionOptions> = {}): Distribution {
  const { maxSkewness, maxKurtosis, countsDistinctFraction } = { ...DISTRIBUTION_DEFAULTS, ...opts };
  const n = sorted.length;
  if (n < 8 || sorted[0] === sorted[n - 1]) return 'gaussian';
  if (sorted[0]! >= 0 && sorted.every(Number.isInteger) && uniqueCountSorted(sorted as number[]) <= countsDistinctFraction * n) return 'counts';
  if (Math.abs(sampleSkewness(sorted)) > maxSkewness) return 'skewed';
  if (sampleKurtosis(sorted) > maxKurtosis) return 'heavy_tailed';
  return 'gaussian';
}
