// Durations in settings: a number of ms or a string like "90s", "5m", "1h30m", "3d".

import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };

/** `1500`, `"1500ms"`, `"90s"`, `"5m"`, `"1h30m"`, `"3d"` → ms. Undefined when malformed. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched += m[0].length;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

export function formatDuration(ms: number): string {
  for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms >= n && ms % n === 0) return `${ms / n}${u}`;
  }
  return `${ms}ms`;
}

/** A duration in ms, written as a number or a string like "5m", bounded by [min, max]. */
export const durationSchema = (min: number, max: number) =>
  z.preprocess(
    (v) => parseDuration(v) ?? v,
    z
      .number({ error: 'must be a duration like 1500, "90s", "5m" or "3d"' })
      .int()
      .min(min, { error: `must be at least ${formatDuration(min)}` })
      .max(max, { error: `must be at most ${formatDuration(max)}` }),
  );

