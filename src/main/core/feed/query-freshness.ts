// How fresh a PromQL query's data is: the newest time input arrived for any series its selectors
// select. Repeats of held values do not count, so a StatsD gauge whose sender stopped goes stale
// on the screen even though the collector keeps writing its last value for PromQL's lookback.
//
// Staleness means the source stopped, never that a counter did not move: a counter that did not
// move is zero. So a counter series is as fresh as the newest input to any series of its name
// (`http_requests{status="500"}` is fresh while its sender keeps counting `status="200"`), and a
// quiet error counter neither greys out nor flaps as the odd error arrives.

import { parsePromQL, selectorsOf } from '../promql/index.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import type { Store } from '../store/index.ts';

const MAX_CACHED = 2_000;

/** A metric's type as its sender declared it ('counter', 'gauge', …), or undefined. */
export type MetricTypeOf = (name: string) => string | undefined;

/** What freshness needs of the store. */
export type FreshnessStore = Pick<Store, 'lastInput' | 'index'>;

export class QueryFreshness {
  private readonly store: FreshnessStore;
  private readonly typeOf: MetricTypeOf;
  /** query → its selectors' matchers (null: does not parse, so no freshness). */
  private readonly cache = new Map<string, LabelMatcher[][] | null>();

  constructor(store: FreshnessStore, typeOf: MetricTypeOf = () => undefined) {
    this.store = store;
    this.typeOf = typeOf;
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
    const counters = new Set<string>();
    for (const m of sels) {
      for (const s of this.store.index.select(m)) {
        if (s.lastInputTs > t) t = s.lastInputTs;
        if (!counters.has(s.name) && this.typeOf(s.name) === 'counter') counters.add(s.name);
      }
    }
    for (const name of counters) t = Math.max(t, this.store.lastInput([{ name: '__name__', op: '=', value: name }]));
    return Number.isFinite(t) ? t : null;
  }
}
