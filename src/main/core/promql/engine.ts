// The PromQL engine's entry points: instant and range queries over a Queryable — the embedded
// store's read API — answered in Prometheus's result shapes. Semantics follow Prometheus 2.x
// (the version a test compares against): a 5-minute lookback, closed range windows
// [t - range, t], counter extrapolation, the matching rules of binary operators. The evaluation
// itself is in evaluate.ts and the modules it dispatches to.

import type { LabelPairs } from '../../../shared/model.ts';
import type { Expr } from './ast.ts';
import { DEFAULT_LIMITS, makeCtx, type Ctx, type EngineLimits, type Queryable } from './context.ts';
import { evaluate } from './evaluate.ts';
import { formatValue } from './kernels.ts';
import { PromQLError } from './promql-error.ts';
import type { Value } from './values.ts';

const labelsObject = (name: string | null, labels: LabelPairs): Record<string, string> => {
  const o: Record<string, string> = Object.create(null);
  if (name !== null) o.__name__ = name;
  for (const [k, v] of labels) o[k] = v;
  return o;
};

export type PromValue = [number, string];

export type InstantResult =
  | { resultType: 'scalar'; result: PromValue }
  | { resultType: 'string'; result: PromValue }
  | { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: PromValue }> }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: PromValue[] }> };

export type RangeResult = { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: PromValue[] }> };

function baseCtx(q: Queryable, start: number, end: number, step: number, limits: EngineLimits): Ctx {
  return makeCtx({ q, start, end, step, queryStart: start, queryEnd: end, limits, samples: { loaded: 0 }, deadline: performance.now() + limits.timeoutMs });
}

const sec = (ms: number) => ms / 1000;

/** Evaluate at one instant (ms). */
export function instantQuery(q: Queryable, expr: Expr, time: number, limits: EngineLimits = DEFAULT_LIMITS): InstantResult {
  const ctx = baseCtx(q, time, time, 0, limits);
  const v = evaluate(ctx, expr);
  switch (v.kind) {
    case 'scalar':
      return { resultType: 'scalar', result: [sec(time), formatValue(v.values[0]!)] };
    case 'string':
      return { resultType: 'string', result: [sec(time), v.value] };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series
          .map((s) => {
            const end = v.ends[0]!;
            const values: PromValue[] = [];
            for (let i = 0; i < s.ts.length; i++) if (s.ts[i]! >= end - v.range && s.ts[i]! <= end) values.push([sec(s.ts[i]!), formatValue(s.values[i]!)]);
            return { metric: labelsObject(s.name, s.labels), values };
          })
          .filter((s) => s.values.length > 0),
      };
    case 'vector': {
      let series = v.series.filter((s) => s.present[0]);
      const sortFn = sortOf(expr);
      if (sortFn) series = series.slice().sort((a, b) => sortCompare(a.values[0]!, b.values[0]!, sortFn));
      return { resultType: 'vector', result: series.map((s) => ({ metric: labelsObject(s.name, s.labels), value: [sec(time), formatValue(s.values[0]!)] as PromValue })) };
    }
  }
}

function sortOf(e: Expr): 'sort' | 'sort_desc' | null {
  while (e.type === 'paren') e = e.expr;
  return e.type === 'call' && (e.func === 'sort' || e.func === 'sort_desc') ? e.func : null;
}

function sortCompare(a: number, b: number, how: 'sort' | 'sort_desc'): number {
  if (Number.isNaN(a)) return 1;
  if (Number.isNaN(b)) return -1;
  return how === 'sort' ? a - b : b - a;
}

/** Evaluate at every step in [start, end] (ms). */
export function rangeQuery(q: Queryable, expr: Expr, start: number, end: number, step: number, limits: EngineLimits = DEFAULT_LIMITS): RangeResult {
  const ctx = baseCtx(q, start, end, step, limits);
  const v = evaluate(ctx, expr);
  if (v.kind === 'scalar') {
    return { resultType: 'matrix', result: [{ metric: {}, values: Array.from(ctx.times, (t, i) => [sec(t), formatValue(v.values[i]!)] as PromValue) }] };
  }
  if (v.kind !== 'vector') throw new PromQLError(`invalid expression type "${v.kind === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`);
  const result = v.series
    .map((s) => {
      const values: PromValue[] = [];
      for (let i = 0; i < ctx.n; i++) if (s.present[i]) values.push([sec(ctx.times[i]!), formatValue(s.values[i]!)]);
      return { metric: labelsObject(s.name, s.labels), values };
    })
    .filter((s) => s.values.length > 0);
  result.sort((a, b) => (seriesKeyOf(a.metric) < seriesKeyOf(b.metric) ? -1 : 1));
  return { resultType: 'matrix', result };
}

const seriesKeyOf = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());

/** Evaluate to raw per-step arrays (for the feed, rules and panels, without string formatting). */
export function evaluateSteps(q: Queryable, expr: Expr, start: number, end: number, step: number, limits: EngineLimits = DEFAULT_LIMITS): { times: Float64Array; value: Value } {
  const ctx = baseCtx(q, start, end, step, limits);
  return { times: ctx.times, value: evaluate(ctx, expr) };
}
