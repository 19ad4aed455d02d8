// A panel's series as one list: each keyed by its identity (which query, which label set) and
// named by its legend — and where two get the same legend, named apart by the labels that differ
// between them, so a screen never shows two identical names nor keys a list by display text.

import type { LabelObject } from '../../../shared/model.ts';
import { legendOf } from './legend.ts';

export interface PanelSeries<S> {
  /** Unique within the panel: the query's position and the series' canonical label set. */
  key: string;
  /** What the screen shows; distinct from every other name in the list where labels allow. */
  name: string;
  /** Which of the panel's queries it came from (0-based). */
  query: number;
  s: S;
}

/** Every series of a panel's queries, keyed and named. `baseName` overrides the legend (a status
 * grid's `labelKey`); the names are then made distinct. */
export function panelSeries<S extends { key: string; labels: LabelObject }>(
  perQuery: ReadonlyArray<{ series: readonly S[]; legend: string }>,
  baseName: (labels: LabelObject, legend: string) => string = legendOf,
): Array<PanelSeries<S>> {
  const out: Array<PanelSeries<S>> = [];
  perQuery.forEach((q, query) => {
    for (const s of q.series) out.push({ key: `${query}\u0000${s.key}`, name: baseName(s.labels, q.legend), query, s });
  });
  const names = distinctNames(out.map((x) => ({ name: x.name, labels: x.s.labels, query: x.query })));
  names.forEach((n, i) => (out[i]!.name = n));
  return out;
}

const own = (labels: LabelObject, k: string): string => (Object.hasOwn(labels, k) ? labels[k]! : '');

/** Names made distinct: each group that shares a name gets the labels whose values differ within
 * the group appended (`1 min (instance=a:9100, job=node)`; a label a series lacks is left out of
 * its suffix, an empty value being Prometheus's "absent"); series whose labels are all alike
 * (the same series from two queries) get their query's number. Unique names are left alone. */
export function distinctNames(items: ReadonlyArray<{ name: string; labels: LabelObject; query: number }>): string[] {
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const g = groups.get(it.name);
    if (g) g.push(i);
    else groups.set(it.name, [i]);
  });
  const out = items.map((it) => it.name);
  for (const [name, idx] of groups) {
    if (idx.length < 2) continue;
    const all = new Set<string>();
    for (const i of idx) for (const k of Object.keys(items[i]!.labels)) all.add(k);
    // The metric name first (shown bare), then the rest in label order.
    const differing = [...all]
      .filter((k) => new Set(idx.map((i) => own(items[i]!.labels, k))).size > 1)
      .sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const suffixed = idx.map((i) => {
      const parts = differing.filter((k) => own(items[i]!.labels, k) !== '').map((k) => (k === '__name__' ? own(items[i]!.labels, k) : `${k}=${own(items[i]!.labels, k)}`));
      return parts.length > 0 ? `${name} (${parts.join(', ')})` : name;
    });
    // Still alike: only the query tells them apart.
    const count = new Map<string, number>();
    for (const n of suffixed) count.set(n, (count.get(n) ?? 0) + 1);
    idx.forEach((i, j) => (out[i] = count.get(suffixed[j]!)! > 1 ? `${suffixed[j]} (query ${items[i]!.query + 1})` : suffixed[j]!));
  }
  return out;
}
