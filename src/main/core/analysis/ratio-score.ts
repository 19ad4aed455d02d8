// One mapping from "how far past its critical value a detector's statistic is" to a score in
// [0, 1], shared by every detector so their scores and thresholds mean the same thing.

/** Every detector's default threshold: the score of a statistic exactly at its critical value. */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * r = statistic / critical value. r²/(1+r²) is 0 at r = 0, ½ at the critical value, 0.8 at
 * twice it, 0.9 at three times: smooth, monotonic, and unsaturated well past the threshold, so a
 * threshold sweep (NAB's) can still tell a big excursion from a marginal one.
 */
export function ratioScore(r: number): number {
  if (!(r > 0)) return 0;
  if (r === Infinity) return 1;
  const r2 = r * r;
  return r2 / (1 + r2);
}

/** The ratio a score came from; the inverse of ratioScore. */
export function scoreRatio(score: number): number {
  if (!(score > 0)) return 0;
  if (score >= 1) return Infinity;
  return Math.sqrt(score / (1 - score));
}

/**
 * |x − center| / scale, treating a zero scale (a constant history) as: no deviation if x equals
 * the constant up to rounding, otherwise an unbounded one.
 */
export function deviationRatio(x: number, center: number, scale: number, critical: number): number {
  const d = Math.abs(x - center);
  const tiny = 1e-9 * Math.max(1, Math.abs(center));
  if (d <= tiny) return 0;
  if (!(scale > tiny)) return Infinity;
  return d / scale / critical;
}
