// The embedded store as a data source: the PromQL engine over the store's read API.

import { type EngineLimits, instantQuery, type InstantResult, parsePromQL, PromQLError, rangeQuery, type RangeResult } from '../promql/index.ts';
import type { Store } from '../store/index.ts';
import { SourceError, type DataSource } from './source.ts';

export const EMBEDDED_SOURCE_ID = 'embedded';

export class EmbeddedSource implements DataSource {
  readonly id = EMBEDDED_SOURCE_ID;
  readonly name = 'This Radiator';
  private readonly store: Store;
  private readonly limits: EngineLimits;
  private readonly version: string;

  constructor(store: Store, limits: EngineLimits, version: string) {
    this.store = store;
    this.limits = limits;
    this.version = version;
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      if (e instanceof PromQLError) return Promise.reject(new SourceError(this.id, 'SOURCE_QUERY_ERROR', e.message));
      return Promise.reject(e);
    }
  }

  instant(query: string, timeMs: number): Promise<InstantResult> {
    return this.run(() => instantQuery(this.store, parsePromQL(query), timeMs, this.limits));
  }

  range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeResult> {
    return this.run(() => rangeQuery(this.store, parsePromQL(query), startMs, endMs, stepMs, this.limits));
  }

  async test(): Promise<{ ok: true; version: string }> {
    return { ok: true, version: this.version };
  }
}
