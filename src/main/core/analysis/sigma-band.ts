// mean ± k·σ over a set of values: the band alert rules of the form "outside mean ± k·σ over a
// trailing window" compare against, and the band panels draw.

import { mean, sampleStandardDeviation } from 'simple-statistics';

/** The sample mean and standard deviation of the finite values, and mean ± k·sd; null with fewer than two finite values. */
export function sigmaBand(values: ArrayLike<number>, k: number): { mean: number; sd: number; lower: number; upper: number } | null {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length < 2) return null;
  const m = mean(finite);
  const sd = sampleStandardDeviation(finite);
  return { mean: m, sd, lower: m - k * sd, upper: m + k * sd };
}
