// What has arrived: the metric names in the store that came from apps, newest first, each
// with the receiver that wrote it, its type, its current value and a query that shows it as one
// number. The screens build the "What's arriving" board from it, so the first metric anyone sends
// is on the TV within a flush, whatever its name. Reads the series index only (no samples).

import type { Arrival } from '../../../shared/arriving.ts';
import type { MetadataRegistry } from '../collector/metadata.ts';
import type { Store } from '../store/index.ts';

/** Names this machine and Radiator itself produce; everything else came from an app. */
export const INTERNAL_SERIES = /^(radiator_|node_|process_|nodejs_)/;

/** A summary's or histogram's parts, shown as their family (the quantiles), not on their own. */
const PARTS = /^(.*)_(sum|count|bucket)$/;

interface Family {
  name: string;
  series: number;
  lastInputAt: number;
  firstSeenAt: number;
  value: number;
  quantiles: boolean;
}

export function listArrivals(store: Pick<Store, 'index'>, metadata: MetadataRegistry, limit: number): { metrics: Arrival[]; total: number } {
  const byName = new Map<string, Family>();
  for (const s of store.index.all()) {
    if (INTERNAL_SERIES.test(s.name)) continue;
    let f = byName.get(s.name);
    if (!f) byName.set(s.name, (f = { name: s.name, series: 0, lastInputAt: -Infinity, firstSeenAt: Infinity, value: NaN, quantiles: false }));
    // A summary's label sets, not its quantiles × label sets.
    const q = s.labels.find(([k]) => k === 'quantile');
    if (!q || q[1] === '0.5') f.series++;
    // Imported history has no live input: its newest sample is when it arrived, for this list.
    const at = Number.isFinite(s.lastInputTs) ? s.lastInputTs : s.lastTs;
    if (at > f.lastInputAt || Number.isNaN(f.value)) {
      f.lastInputAt = Math.max(f.lastInputAt, at);
      f.value = s.lastValue;
    }
    if (q) f.quantiles = true;
    if (s.firstTs < f.firstSeenAt) f.firstSeenAt = s.firstTs;
  }
  const shown: Family[] = [];
  for (const f of byName.values()) {
    const part = PARTS.exec(f.name);
    // `x_sum` and `x_count` beside the quantiles of `x`; a histogram's buckets beside its count.
    if (part && (byName.get(part[1]!)?.quantiles || (part[2] === 'bucket' && byName.has(`${part[1]}_count`)))) continue;
    if (!Number.isFinite(f.lastInputAt)) continue;
    shown.push(f);
  }
  // Newest arrivals first, and a stable order after that: a busy name does not jump about.
  shown.sort((a, b) => b.firstSeenAt - a.firstSeenAt || (a.name < b.name ? -1 : 1));
  const metrics = shown.slice(0, limit).map((f): Arrival => {
    const type = metadata.get(f.name)?.type ?? (f.quantiles ? 'summary' : 'unknown');
    const q = f.quantiles ? `max(${f.name}{quantile="0.5"})` : f.series === 1 ? f.name : `sum(${f.name})`;
    const what = f.quantiles ? (f.series > 1 ? 'median, highest of its series' : 'median') : f.series === 1 ? '' : `sum of ${f.series} series`;
    return { name: f.name, receiver: metadata.sourceOf(f.name) ?? null, type, series: f.series, value: f.value, lastInputAt: f.lastInputAt, firstSeenAt: f.firstSeenAt, query: q, what };
  });
  return { metrics, total: shown.length };
}
