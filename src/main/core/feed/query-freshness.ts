// How fresh a PromQL query's data is: the newest time input arrived for any series its selectors
// select. Repeats of held values do not count, so a StatsD gauge whose sender stopped goes stale
// on the screen even though the collector keeps writing its last value for PromQL's lookback.

import { parsePromQL, selectorsOf } from '../promql/index.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import type { Store } from '../store/store.ts';

const MAX_CACHED = 2_000;

export class QueryFreshness {
  private readonly store: Store;
  /** query → its selectors' matchers (null: does not parse, so no freshness). */
  private readonly cache = new Map<string, LabelMatcher[][] | null>();

  constructor(store: Store) {
    this.store = store;
  }

  /** ms, or null when the query reads no stored series (`time()`, `vector(1)`) or does not parse. */
  of(query: string): number | null {
    let sels = this.cache.get(query);
    if (sels === undefined) {
      try {
        sels = selectorsOf(parsePromQL(query)).map((v) => v.matchers);
      } catch {
        sels = null;
      }
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(query, sels);
    }
    if (!sels || sels.length === 0) return null;
    let t = -Infinity;
    for (const m of sels) t = Math.max(t, this.store.lastInput(m));
    return Number.isFinite(t) ? t : null;
  }
}
