// Range windows: [end - range, end] slid over a raw series, one window per step, and a function
// of the samples in each (rate, *_over_time, …).

import { account, checkTime, type Ctx } from './context.ts';
import { newStepSeries, resetStepSeries, type RawSeries, type StepSeries, type Value } from './values.ts';

/** What a range function computes from the samples of one window. */
export type WindowFn = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, end: number, stepIndex: number) => number | undefined;

/** Slide [end - range, end] over one raw series and call `fn` on the samples in each window;
 * null when no window gave a value. */
export function windowsOf(ctx: Ctx, r: RawSeries, ends: Float64Array, rangeMs: number, keepName: boolean, fn: WindowFn, into?: StepSeries): StepSeries | null {
  const s = into ? resetStepSeries(into, keepName ? r.name : null, r.labels) : newStepSeries(keepName ? r.name : null, r.labels, ctx.n);
  let lo = 0;
  let hi = 0;
  let any = false;
  for (let i = 0; i < ctx.n; i++) {
    const end = ends[i]!;
    const begin = end - rangeMs;
    if (i > 0 && end < ends[i - 1]!) {
      lo = 0;
      hi = 0;
    }
    while (hi < r.ts.length && r.ts[hi]! <= end) hi++;
    while (lo < hi && r.ts[lo]! < begin) lo++;
    if (hi === lo) continue;
    const v = fn(r.ts, r.values, lo, hi, end, i);
    if (v === undefined) continue;
    s.values[i] = v;
    s.present[i] = 1;
    any = true;
  }
  return any ? s : null;
}

/** Slide [end - range, end] over each raw series and call `fn` on the samples in the window. */
export function overWindows(ctx: Ctx, m: Extract<Value, { kind: 'matrix' }>, keepName: boolean, fn: WindowFn): StepSeries[] {
  const out: StepSeries[] = [];
  for (const r of m.series) {
    checkTime(ctx);
    account(ctx, ctx.n);
    const s = windowsOf(ctx, r, m.ends, m.range, keepName, fn);
    if (s) out.push(s);
  }
  return out;
}
