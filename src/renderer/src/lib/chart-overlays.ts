// What a time series draws over its lines: the events that match the panel, and the expected
// band (mean ± k·σ of what the chart shows).

import type { Panel } from '../../../shared/boards.ts';
import type { RadiatorEvent } from '../../../shared/model.ts';

/** Events of the panel's kinds (and, when it names tags, carrying all of them) that touch the
 * window from `from` on. Alerts count where they started firing, and only on their rule's board
 * (or on every board for a rule that names none). */
export function eventsIn(events: readonly RadiatorEvent[], filter: Panel['events'], from: number, board: string | null = null): RadiatorEvent[] {
  if (!filter) return [];
  const kinds = new Set<string>(filter.kinds);
  return events.filter((e) => {
    if (!kinds.has(e.kind) || (e.tsEnd ?? e.ts) < from || !filter.tags.every((t) => e.tags.includes(t))) return false;
    if (e.kind !== 'alert') return true;
    const onBoard = e.tags.find((t) => t.startsWith('board:'));
    return e.tags.includes('state:firing') && (!onBoard || onBoard === `board:${board}`);
  });
}

/** Mean and population standard deviation of the non-null values, and the band k·σ either side;
 * null with fewer than two values. */
export function meanStd(values: ReadonlyArray<number | null>, k: number): { mean: number; lo: number; hi: number; sd: number } | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  if (n < 2) return null;
  const sd = Math.sqrt(m2 / n);
  return { mean, sd, lo: mean - k * sd, hi: mean + k * sd };
}
