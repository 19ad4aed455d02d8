// Selectors: a vector selector read at each step (the newest sample within the lookback), a
// matrix selector's raw samples per window, and subqueries (an expression evaluated at a finer
// step, read as a range vector).

import type { LabelMatcher } from '../../../shared/model.ts';
import type { MatrixSelector, Subquery, VectorSelector } from './ast.ts';
import { account, asVector, checkTime, makeCtx, type Ctx } from './context.ts';
import { evaluate } from './evaluate.ts';
import { newStepSeries, resetStepSeries, type RawSeries, type StepSeries, type Value } from './values.ts';

/** The times at which a selector with offset/@ is read, one per step. */
export function selectorTimes(ctx: Ctx, offset: number, at: VectorSelector['at']): Float64Array {
  const out = new Float64Array(ctx.n);
  const fixed = at === null ? null : at === 'start' ? ctx.queryStart : at === 'end' ? ctx.queryEnd : at;
  for (let i = 0; i < ctx.n; i++) out[i] = (fixed ?? ctx.times[i]!) - offset;
  return out;
}

/** The raw series a selector matches, read one at a time where the source can. `reuse`: the
 * caller is done with each before it asks for the next, so the source may reuse its buffers.
 * `newest`: only each series' newest sample up to maxT is used (a vector selector read at one
 * time), so the source may give only that. */
export function* rawSeries(ctx: Ctx, matchers: readonly LabelMatcher[], minT: number, maxT: number, reuse = false, newest = false): Generator<RawSeries> {
  const found = ctx.q.selectEach ? ctx.q.selectEach(matchers, minT, maxT, { reuse, newest }) : ctx.q.select(matchers, minT, maxT);
  for (const f of found) yield { name: f.series.name, labels: f.series.labels, ts: f.ts, values: f.values };
}

export function loadSeries(ctx: Ctx, matchers: readonly LabelMatcher[], minT: number, maxT: number, newest = false): RawSeries[] {
  const out: RawSeries[] = [];
  for (const r of rawSeries(ctx, matchers, minT, maxT, false, newest)) {
    checkTime(ctx);
    account(ctx, r.ts.length);
    out.push(r);
  }
  return out;
}

/** The earliest and latest of the times a selector is read at. */
export function spanOf(ends: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of ends) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/** A raw series read at each step (the newest sample within the lookback); null when absent at every step. */
export function stepsOf(ctx: Ctx, r: RawSeries, ends: Float64Array, into?: StepSeries): StepSeries | null {
  const s = into ? resetStepSeries(into, r.name, r.labels) : newStepSeries(r.name, r.labels, ctx.n);
  s.sampleTs ??= new Float64Array(ctx.n);
  let j = 0;
  let any = false;
  for (let i = 0; i < ctx.n; i++) {
    const t = ends[i]!;
    // ends only go down when @ is not used and offsets are constant: restart the scan then.
    if (i > 0 && t < ends[i - 1]!) j = 0;
    while (j < r.ts.length && r.ts[j]! <= t) j++;
    const k = j - 1;
    if (k >= 0 && r.ts[k]! >= t - ctx.limits.lookbackMs) {
      s.values[i] = r.values[k]!;
      s.present[i] = 1;
      s.sampleTs[i] = r.ts[k]!;
      any = true;
    }
  }
  return any ? s : null;
}

export function evalVectorSelector(ctx: Ctx, vs: VectorSelector): StepSeries[] {
  const ends = selectorTimes(ctx, vs.offset, vs.at);
  const [lo, hi] = spanOf(ends);
  // Read at one time only (an instant query, or `@`): the newest sample within the lookback.
  const raw = loadSeries(ctx, vs.matchers, lo - ctx.limits.lookbackMs, hi, lo === hi);
  const out: StepSeries[] = [];
  for (const r of raw) {
    checkTime(ctx);
    account(ctx, ctx.n);
    const s = stepsOf(ctx, r, ends);
    if (s) out.push(s);
  }
  return out;
}

export function evalMatrixSelector(ctx: Ctx, ms: MatrixSelector): Value {
  const ends = selectorTimes(ctx, ms.vector.offset, ms.vector.at);
  const [lo, hi] = spanOf(ends);
  const raw = loadSeries(ctx, ms.vector.matchers, lo - ms.range, hi);
  return { kind: 'matrix', series: raw, range: ms.range, ends };
}

export function evalSubquery(ctx: Ctx, sq: Subquery): Value {
  const step = sq.step ?? ctx.step ?? 60_000;
  const ends = selectorTimes(ctx, sq.offset, sq.at);
  const [lo, hi] = spanOf(ends);
  let start = step * Math.floor((lo - sq.range) / step);
  if (start < lo - sq.range) start += step;
  const inner = makeCtx({ ...ctx, start, end: hi, step: step > 0 ? step : 60_000 });
  account(ctx, inner.n);
  const v = evaluate(inner, sq.expr);
  const stepSeries = v.kind === 'scalar' ? [{ name: null, labels: [], values: v.values, present: new Uint8Array(inner.n).fill(1) }] : asVector(v);
  const series: RawSeries[] = [];
  for (const s of stepSeries) {
    const ts: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < inner.n; i++) {
      if (!s.present[i]) continue;
      ts.push(inner.times[i]!);
      vals.push(s.values[i]!);
    }
    if (ts.length) series.push({ name: s.name, labels: s.labels, ts: Float64Array.from(ts), values: Float64Array.from(vals) });
  }
  return { kind: 'matrix', series, range: sq.range, ends };
}
