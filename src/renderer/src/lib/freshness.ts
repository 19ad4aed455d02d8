// Staleness is a state: a panel knows when its data last arrived and how old it may get.

import { FEED_MIN_STEP_MS } from '../../../shared/limits.ts';

const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** The evaluation step for a chart of `rangeMs`: about `points` points, on a round number. */
export function stepFor(rangeMs: number, points = 720): number {
  const raw = rangeMs / points;
  return Math.max(FEED_MIN_STEP_MS, NICE_STEPS_MS.find((s) => s >= raw) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1]!);
}

/** Unless a panel says, data may be five steps old, and never less than a minute: long enough
 * for a sender on a 10–30 s cadence, short enough that a stopped one shows within minutes. */
export function defaultMaxAge(stepMs: number): number {
  return Math.max(60_000, 5 * stepMs);
}

export type Freshness = { state: 'loading' } | { state: 'empty' } | { state: 'fresh'; ageMs: number } | { state: 'stale'; ageMs: number };

/** `dataTs`: when input last arrived (from the feed); null when unknown, then the newest point. */
export function freshness(loaded: boolean, hasData: boolean, dataTs: number | null, newestPointTs: number | null, now: number, maxAgeMs: number): Freshness {
  if (!loaded) return { state: 'loading' };
  const t = dataTs ?? newestPointTs;
  if (t === null) return { state: 'empty' };
  const ageMs = Math.max(0, now - t);
  // A query over series that stopped may still answer (lookback, held values) or answer nothing;
  // either way, old input is stale.
  if (ageMs > maxAgeMs) return { state: 'stale', ageMs };
  return hasData ? { state: 'fresh', ageMs } : { state: 'empty' };
}
