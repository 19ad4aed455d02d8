// What every part of an evaluation shares: the steps being evaluated, the source read, and the
// limits (samples held, time taken) checked as it goes.

import type { LabelMatcher, LabelPairs } from '../../../shared/model.ts';
import { PromQLError } from './promql-error.ts';
import type { StepSeries, Value } from './values.ts';

export interface Queryable {
  select(
    matchers: readonly LabelMatcher[],
    minT: number,
    maxT: number,
  ): Array<{ series: { name: string; labels: LabelPairs }; ts: Float64Array; values: Float64Array }>;
  /** As `select`, one series at a time (read when the next is asked for) and without a series
   * count limit: the engine bounds what it holds by samples (EngineLimits.maxSamples). */
  selectEach?(
    matchers: readonly LabelMatcher[],
    minT: number,
    maxT: number,
    opts?: EachOptions,
  ): Iterable<{ series: { name: string; labels: LabelPairs }; ts: Float64Array; values: Float64Array }>;
}

/** `reuse`: the reader is done with each series before it asks for the next (it folds them), so
 * the source may hand every series in the same buffers instead of allocating a pair per series. */
export interface EachOptions {
  reuse?: boolean;
  /** Only each series' newest sample in [minT, maxT] is wanted (an instant vector selector read
   * at one time): the source may hand just that one, without reading the rest. */
  newest?: boolean;
}

export interface EngineLimits {
  lookbackMs: number;
  maxSamples: number;
  timeoutMs: number;
}

export const DEFAULT_LIMITS: EngineLimits = { lookbackMs: 5 * 60_000, maxSamples: 50_000_000, timeoutMs: 30_000 };

export interface Ctx {
  q: Queryable;
  start: number;
  end: number;
  step: number;
  n: number;
  times: Float64Array;
  /** The outermost query's start and end (for `@ start()` / `@ end()` inside subqueries). */
  queryStart: number;
  queryEnd: number;
  limits: EngineLimits;
  samples: { loaded: number };
  deadline: number;
}

export function makeCtx(base: Omit<Ctx, 'n' | 'times'>): Ctx {
  const n = base.step > 0 ? Math.floor((base.end - base.start) / base.step) + 1 : 1;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = base.start + i * base.step;
  return { ...base, n, times };
}

/** Account for points held in memory (Prometheus's max-samples counts these, not just raw
 * samples read), and fail past the limit. A path that folds series one at a time gives its
 * points back (`release`) once a series is folded, so the limit bounds what is held at once. */
export function account(ctx: Ctx, points: number): void {
  ctx.samples.loaded += points;
  if (ctx.samples.loaded > ctx.limits.maxSamples) {
    throw new PromQLError(`query processing would load too many samples into memory in query execution (limit ${ctx.limits.maxSamples})`, 'execution');
  }
}

export function release(ctx: Ctx, points: number): void {
  ctx.samples.loaded -= points;
}

export function checkTime(ctx: Ctx): void {
  if (performance.now() > ctx.deadline) throw new PromQLError(`query timed out in expression evaluation (limit ${ctx.limits.timeoutMs} ms)`, 'timeout');
}

export function asVector(v: Value): StepSeries[] {
  if (v.kind !== 'vector') throw new PromQLError(`expected an instant vector, got ${v.kind}`, 'execution');
  return v.series;
}

export function asScalar(v: Value): Float64Array {
  if (v.kind !== 'scalar') throw new PromQLError(`expected a scalar, got ${v.kind}`, 'execution');
  return v.values;
}

export function asMatrix(v: Value): Extract<Value, { kind: 'matrix' }> {
  if (v.kind !== 'matrix') throw new PromQLError(`expected a range vector, got ${v.kind}`, 'execution');
  return v;
}
