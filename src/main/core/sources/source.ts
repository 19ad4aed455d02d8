// A data source answers PromQL: the embedded store, or a Prometheus-compatible server
// (Prometheus, Thanos, Mimir, VictoriaMetrics) over its HTTP API. Panels, rules and feed
// subscriptions name one by id. A failing source throws SourceError — never an empty answer.

import type { InstantResult, RangeResult } from '../promql/index.ts';

export type SourceErrorCode = 'SOURCE_UNREACHABLE' | 'SOURCE_TIMEOUT' | 'SOURCE_AUTH' | 'SOURCE_BAD_RESPONSE' | 'SOURCE_QUERY_ERROR' | 'SOURCE_UNKNOWN';

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  readonly source: string;
  constructor(source: string, code: SourceErrorCode, message: string) {
    super(`${source}: ${message}`);
    this.name = 'SourceError';
    this.code = code;
    this.source = source;
  }
}

export interface DataSource {
  readonly id: string;
  readonly name: string;
  instant(query: string, timeMs: number): Promise<InstantResult>;
  range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeResult>;
  /** Check the source answers, for the settings screen's "test" button. */
  test(): Promise<{ ok: true; version: string } | { ok: false; code: SourceErrorCode; message: string }>;
}
