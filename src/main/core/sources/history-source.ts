// The embedded store with a Prometheus-compatible engine behind it for history (`query.
// historySource`): a range query's steps older than the live window are asked of that engine (the
// Mimir or Prometheus this Radiator remote-writes to), the newer ones of the local store, and the
// two answers are joined series by series. Boards stay live from the local store and reach back
// further than its retention. Instant queries stay local. When the engine fails, the whole range
// is answered locally (what the store still has) and the failure is logged, at most once a minute:
// a TV keeps showing its live data through a network outage.
// Not here: caching (the feed asks for a subscription's whole range once, then only new steps,
// which are live), nor joining at a finer grain than the step.

import type { InstantResult, RangeResult } from '../promql/index.ts';
import type { DataSource } from './source.ts';

export interface HistoryOptions {
  /** The engine history comes from; null while it is not (or no longer) configured. */
  history: () => DataSource | null;
  /** Steps newer than now minus this are the local store's. */
  liveWindowMs: number;
  now: () => number;
  log: (line: string) => void;
}

const LOG_EVERY_MS = 60_000;

export class HistoryBlendedSource implements DataSource {
  readonly id: string;
  readonly name: string;
  private readonly local: DataSource;
  private readonly opts: HistoryOptions;
  private lastLog = -Infinity;

  constructor(local: DataSource, opts: HistoryOptions) {
    this.local = local;
    this.id = local.id;
    this.name = local.name;
    this.opts = opts;
  }

  instant(query: string, timeMs: number): Promise<InstantResult> {
    return this.local.instant(query, timeMs);
  }

  async range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeResult> {
    const history = this.opts.history();
    const edge = this.opts.now() - this.opts.liveWindowMs;
    if (!history || startMs >= edge) return this.local.range(query, startMs, endMs, stepMs);
    // The first step at or after the edge is the local store's; the steps before it the engine's.
    const firstLocal = startMs + Math.ceil((edge - startMs) / stepMs) * stepMs;
    const lastRemote = Math.min(endMs, firstLocal - stepMs);
    let older: RangeResult;
    try {
      older = await history.range(query, startMs, lastRemote, stepMs);
    } catch (e) {
      const t = this.opts.now();
      if (t - this.lastLog >= LOG_EVERY_MS) {
        this.lastLog = t;
        this.opts.log(`history source ${history.id}: ${(e as Error).message}; answering from this Radiator's store alone`);
      }
      return this.local.range(query, startMs, endMs, stepMs);
    }
    if (firstLocal > endMs) return older;
    const newer = await this.local.range(query, firstLocal, endMs, stepMs);
    return joinRanges(older, newer);
  }

  test(): ReturnType<DataSource['test']> {
    return this.local.test();
  }
}

/** Series matched by their whole label set; `a`'s points come first (they are older). */
export function joinRanges(a: RangeResult, b: RangeResult): RangeResult {
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  const out = new Map<string, RangeResult['result'][number]>();
  for (const s of a.result) out.set(key(s.metric), { metric: s.metric, values: [...s.values] });
  for (const s of b.result) {
    const known = out.get(key(s.metric));
    if (known) known.values.push(...s.values);
    else out.set(key(s.metric), { metric: s.metric, values: [...s.values] });
  }
  return { resultType: 'matrix', result: [...out.values()] };
}
