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

export interface MarkerCluster {
  /** The markers in it (indices into the input), newest first. */
  members: number[];
  /** Where its line is drawn: the newest member's x. */
  x: number;
  /** The oldest member's x (the cluster spans from here to `x`). */
  from: number;
  /** Where its label starts: right of the line, or moved left to stay inside the plot. */
  labelX: number;
}

/**
 * Point events (deploys) on a chart, grouped so that no two labels collide: from the newest back,
 * a marker whose label would touch the label of the cluster to its right joins that cluster
 * (drawn as one marker with a count) instead of being drawn unlabelled or hidden. The newest
 * event always starts the first cluster, so it is always labelled. `markers` are in time order,
 * each with its line's x and its label's width (px, including room for a count badge); `pad` is
 * the space between a line and its label, `gap` the least space between two labels.
 */
export function clusterMarkers(markers: ReadonlyArray<{ x: number; width: number }>, plotLeft: number, plotRight: number, pad: number, gap: number): MarkerCluster[] {
  const order = markers.map((_, i) => i).sort((a, b) => markers[b]!.x - markers[a]!.x || b - a);
  const labelAt = (m: { x: number; width: number }) => Math.max(plotLeft, Math.min(m.x + pad, plotRight - m.width));
  const out: MarkerCluster[] = [];
  for (const i of order) {
    const m = markers[i]!;
    const current = out[out.length - 1];
    if (current && labelAt(m) + m.width + gap > current.labelX) {
      current.members.push(i);
      current.from = m.x;
      continue;
    }
    out.push({ members: [i], x: m.x, from: m.x, labelX: labelAt(m) });
  }
  return out;
}

/** The indices of values with no neighbour to join: a line needs two points, so a sample between
 * two gaps (a counter's single increase, a job that reported once) would not be drawn at all.
 * These are drawn as dots; null when there are none. */
export function isolatedIndices(values: ArrayLike<number | null | undefined>): number[] | null {
  const present = (i: number) => i >= 0 && i < values.length && values[i] !== null && values[i] !== undefined && Number.isFinite(values[i]);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (present(i) && !present(i - 1) && !present(i + 1)) out.push(i);
  return out.length > 0 ? out : null;
}
