// Aggregation operators (sum, avg, topk, quantile, count_values, …) over groups by/without
// labels. Where the operand can be read one series at a time (a selector, or a range function
// of one metric's selector), the foldable ones fold each series into its group and drop it.

import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import type { AggregateOp, Expr } from './ast.ts';
import { account, asScalar, asVector, checkTime, release, type Ctx } from './context.ts';
import { evaluate } from './evaluate.ts';
import { FUNCTIONS } from './functions.ts';
import { formatValue, kahanSumInc, quantile } from './kernels.ts';
import { PromQLError } from './promql-error.ts';
import { rawSeries, selectorTimes, spanOf, stepsOf } from './selectors.ts';
import { newStepSeries, onlyLabels, withoutLabels, type RawSeries, type StepSeries, type Value } from './values.ts';
import { windowsOf } from './windows.ts';

/** The series of `e`, one at a time, where `e` can be read that way: a vector selector, or a
 * range function of a matrix selector that names one metric (its series cannot collide once
 * the name is dropped). Each series' points are accounted while it is in hand and released
 * after the caller has folded it (by the next one). Null for anything else. Every series comes
 * in the same buffers, raw samples and steps alike: the caller must be done with one before it
 * asks for the next (foldAggregate is). */
function streamOf(ctx: Ctx, e: Expr): Iterable<StepSeries> | null {
  while (e.type === 'paren') e = e.expr;
  if (e.type === 'vector') {
    const vs = e;
    const ends = selectorTimes(ctx, vs.offset, vs.at);
    const [lo, hi] = spanOf(ends);
    const into = newStepSeries(null, [], ctx.n);
    return streamed(ctx, rawSeries(ctx, vs.matchers, lo - ctx.limits.lookbackMs, hi, true, lo === hi), (r) => stepsOf(ctx, r, ends, into));
  }
  if (e.type !== 'call' || e.args.length !== 1) return null;
  let arg = e.args[0]!;
  while (arg.type === 'paren') arg = arg.expr;
  if (arg.type !== 'matrix') return null;
  const oneName = arg.vector.matchers.some((m) => m.name === '__name__' && m.op === '=');
  const w = FUNCTIONS.get(e.func)?.window?.(arg.range);
  if (!w || (!w.keepName && !oneName)) return null;
  const ms = arg;
  const ends = selectorTimes(ctx, ms.vector.offset, ms.vector.at);
  const [lo, hi] = spanOf(ends);
  const into = newStepSeries(null, [], ctx.n);
  return streamed(ctx, rawSeries(ctx, ms.vector.matchers, lo - ms.range, hi, true), (r) => windowsOf(ctx, r, ends, ms.range, w.keepName, w.fn, into));
}

function* streamed(ctx: Ctx, raw: Iterable<RawSeries>, step: (r: RawSeries) => StepSeries | null): Generator<StepSeries> {
  for (const r of raw) {
    checkTime(ctx);
    const held = r.ts.length + ctx.n;
    account(ctx, held);
    const s = step(r);
    try {
      if (s) yield s;
    } finally {
      release(ctx, held);
    }
  }
}

/** An aggregation's value at one step from its running state: `count` values folded, `value` the
 * running sum (with Kahan compensation `c`), minimum, maximum or sum of squared deviations,
 * `mean` the running mean. Shared by the fold and the materialising path, so both end alike. */
function finish(op: AggregateOp, count: number, value: number, c: number, mean: number): number {
  switch (op) {
    case 'sum':
      return Number.isFinite(value) ? value + c : value;
    case 'avg':
      return mean;
    case 'count':
      return count;
    case 'group':
      return 1;
    case 'stddev':
      return Math.sqrt(value / count);
    case 'stdvar':
      return value / count;
    default:
      return value;
  }
}

/** Aggregations whose result at a step can be folded from one series at a time. */
const FOLDABLE: ReadonlySet<AggregateOp> = new Set<AggregateOp>(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']);

/** `sum by (…) (rate(x[5m]))` and its kin over a stream of series: each series is folded into
 * its group's per-step accumulators and dropped, so what is held is the groups, not the series.
 * The same arithmetic, in the same order, as the materialising path below. */
function foldAggregate(ctx: Ctx, e: Extract<Expr, { type: 'aggregate' }>, stream: Iterable<StepSeries>): StepSeries[] {
  const op = e.op;
  const grouping = new Set(e.grouping);
  const n = ctx.n;
  interface Acc {
    name: string | null;
    labels: LabelPairs;
    count: Float64Array;
    value: Float64Array;
    c: Float64Array;
    mean: Float64Array;
  }
  const groups = new Map<string, Acc>();
  const byName = !e.without && grouping.has('__name__');
  for (const s of stream) {
    const labels = e.without ? withoutLabels(s.labels, grouping) : onlyLabels(s.labels, grouping);
    const name = byName ? s.name : null;
    const key = seriesKey(name ?? '', labels);
    let g = groups.get(key);
    if (!g) {
      account(ctx, 4 * n);
      g = { name, labels, count: new Float64Array(n), value: new Float64Array(n), c: new Float64Array(n), mean: new Float64Array(n) };
      groups.set(key, g);
    }
    const { count, value, c, mean } = g;
    for (let i = 0; i < n; i++) {
      if (!s.present[i]) continue;
      const v = s.values[i]!;
      const k = ++count[i]!;
      switch (op) {
        case 'sum':
          [value[i], c[i]] = kahanSumInc(v, value[i]!, c[i]!);
          break;
        case 'avg':
          if (k === 1) mean[i] = v;
          else mean[i] = mean[i]! + (v / k - mean[i]! / k);
          break;
        case 'min':
          if (k === 1 || v < value[i]! || Number.isNaN(value[i]!)) value[i] = v;
          break;
        case 'max':
          if (k === 1 || v > value[i]! || Number.isNaN(value[i]!)) value[i] = v;
          break;
        case 'stddev':
        case 'stdvar': {
          const delta = v - mean[i]!;
          mean[i] = mean[i]! + delta / k;
          value[i] = value[i]! + delta * (v - mean[i]!);
          break;
        }
      }
    }
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const o = newStepSeries(g.name, g.labels, n);
    for (let i = 0; i < n; i++) {
      const k = g.count[i]!;
      if (k === 0) continue;
      o.present[i] = 1;
      o.values[i] = finish(op, k, g.value[i]!, g.c[i]!, g.mean[i]!);
    }
    out.push(o);
  }
  return out;
}

export function evalAggregate(ctx: Ctx, e: Extract<Expr, { type: 'aggregate' }>): Value {
  if (FOLDABLE.has(e.op)) {
    const stream = streamOf(ctx, e.expr);
    if (stream) return { kind: 'vector', series: foldAggregate(ctx, e, stream) };
  }
  const vec = asVector(evaluate(ctx, e.expr));
  const param = e.param ? evaluate(ctx, e.param) : null;
  const grouping = new Set(e.grouping);
  const op: AggregateOp = e.op;
  if (op === 'count_values') {
    const label = (param as { value: string }).value;
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new PromQLError(`invalid label name "${label}"`);
  }
  // Group membership does not change between steps: compute it once.
  // `by (__name__)` keeps the name as a grouping label, as Prometheus does.
  const byName = !e.without && grouping.has('__name__');
  const groups = new Map<string, { name: string | null; labels: LabelPairs; members: StepSeries[] }>();
  for (const s of vec) {
    const labels = e.without ? withoutLabels(s.labels, grouping) : onlyLabels(s.labels, grouping);
    const name = byName ? s.name : null;
    const key = seriesKey(name ?? '', labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name, labels, members: [] }));
    g.members.push(s);
  }
  if (op === 'topk' || op === 'bottomk') {
    const k = asScalar(param!);
    const chosen = new Map<StepSeries, StepSeries>();
    for (const g of groups.values()) {
      for (let i = 0; i < ctx.n; i++) {
        const n = Math.trunc(k[i]!);
        if (!(n >= 1)) continue;
        const present = g.members.filter((s) => s.present[i]);
        // NaN sorts last either way, as Prometheus's heap does.
        present.sort((a, b) => {
          const av = a.values[i]!;
          const bv = b.values[i]!;
          if (Number.isNaN(av)) return 1;
          if (Number.isNaN(bv)) return -1;
          return op === 'topk' ? bv - av : av - bv;
        });
        for (const s of present.slice(0, n)) {
          let o = chosen.get(s);
          if (!o) chosen.set(s, (o = newStepSeries(s.name, s.labels, ctx.n)));
          o.present[i] = 1;
          o.values[i] = s.values[i]!;
        }
      }
    }
    return { kind: 'vector', series: [...chosen.values()] };
  }
  const out: StepSeries[] = [];
  if (op === 'count_values') {
    const label = (param as { value: string }).value;
    const byValue = new Map<string, StepSeries>();
    for (const g of groups.values()) {
      for (let i = 0; i < ctx.n; i++) {
        const counts = new Map<string, number>();
        for (const s of g.members) if (s.present[i]) counts.set(formatValue(s.values[i]!), (counts.get(formatValue(s.values[i]!)) ?? 0) + 1);
        for (const [val, count] of counts) {
          const labels = [...g.labels.filter(([k2]) => k2 !== label), [label, val] as const].sort((a, b) => (a[0] < b[0] ? -1 : 1));
          const key = seriesKey('', labels);
          let o = byValue.get(key);
          if (!o) byValue.set(key, (o = newStepSeries(null, labels, ctx.n)));
          o.present[i] = 1;
          o.values[i] = count;
        }
      }
    }
    return { kind: 'vector', series: [...byValue.values()] };
  }
  const q = op === 'quantile' ? asScalar(param!) : null;
  for (const g of groups.values()) {
    checkTime(ctx);
    const o = newStepSeries(g.name, g.labels, ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      let count = 0;
      let value = 0;
      let c = 0;
      let mean = 0;
      const vals: number[] = [];
      for (const s of g.members) {
        if (!s.present[i]) continue;
        const v = s.values[i]!;
        count++;
        switch (op) {
          case 'sum':
            [value, c] = kahanSumInc(v, value, c);
            break;
          case 'avg':
            if (count === 1) mean = v;
            else mean += v / count - mean / count;
            break;
          case 'min':
            if (count === 1 || v < value || Number.isNaN(value)) value = v;
            break;
          case 'max':
            if (count === 1 || v > value || Number.isNaN(value)) value = v;
            break;
          case 'stddev':
          case 'stdvar': {
            const delta = v - mean;
            mean += delta / count;
            value += delta * (v - mean);
            break;
          }
          case 'quantile':
            vals.push(v);
            break;
        }
      }
      if (count === 0) continue;
      o.present[i] = 1;
      o.values[i] = op === 'quantile' ? quantile(q![i]!, vals) : finish(op, count, value, c, mean);
    }
    out.push(o);
  }
  return { kind: 'vector', series: out };
}
