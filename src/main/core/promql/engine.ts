// The PromQL evaluator. Every node is evaluated once for all steps of a query (an instant query
// is a range query with one step), over a Queryable — the embedded store's read API. Semantics
// follow Prometheus 2.x (the version a test compares against): a 5-minute lookback, closed range
// windows [t - range, t], counter extrapolation, the matching rules of binary operators.

import type { LabelMatcher, LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import { compileRegex, type LabelRegex } from '../store/index.ts';
import type { AggregateOp, BinaryOp, Expr, MatrixSelector, Subquery, VectorMatching, VectorSelector } from './ast.ts';
import { COMPARISON_OPS } from './ast.ts';
import {
  avgOverTime,
  bucketQuantile,
  changes,
  extrapolatedRate,
  goMod,
  goPow,
  instantValue,
  kahanSumInc,
  linearRegression,
  maxOverTime,
  minOverTime,
  quantile,
  resets,
  sumOverTime,
  varianceOverTime,
  type Bucket,
} from './functions.ts';
import { formatValue } from './functions.ts';
import { PromQLError } from './parse.ts';
import { mergeSame, newStepSeries, onlyLabels, signature, withoutLabels, type RawSeries, type StepSeries, type Value } from './values.ts';

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
  ): Iterable<{ series: { name: string; labels: LabelPairs }; ts: Float64Array; values: Float64Array }>;
}

export interface EngineLimits {
  lookbackMs: number;
  maxSamples: number;
  timeoutMs: number;
}

export const DEFAULT_LIMITS: EngineLimits = { lookbackMs: 5 * 60_000, maxSamples: 50_000_000, timeoutMs: 30_000 };

interface Ctx {
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

function makeCtx(base: Omit<Ctx, 'n' | 'times'>): Ctx {
  const n = base.step > 0 ? Math.floor((base.end - base.start) / base.step) + 1 : 1;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = base.start + i * base.step;
  return { ...base, n, times };
}

/** Account for points held in memory (Prometheus's max-samples counts these, not just raw
 * samples read), and fail past the limit. A path that folds series one at a time gives its
 * points back (`release`) once a series is folded, so the limit bounds what is held at once. */
function account(ctx: Ctx, points: number): void {
  ctx.samples.loaded += points;
  if (ctx.samples.loaded > ctx.limits.maxSamples) {
    throw new PromQLError(`query processing would load too many samples into memory in query execution (limit ${ctx.limits.maxSamples})`, 'execution');
  }
}

function release(ctx: Ctx, points: number): void {
  ctx.samples.loaded -= points;
}

function checkTime(ctx: Ctx): void {
  if (performance.now() > ctx.deadline) throw new PromQLError(`query timed out in expression evaluation (limit ${ctx.limits.timeoutMs} ms)`, 'timeout');
}

const labelsObject = (name: string | null, labels: LabelPairs): Record<string, string> => {
  const o: Record<string, string> = Object.create(null);
  if (name !== null) o.__name__ = name;
  for (const [k, v] of labels) o[k] = v;
  return o;
};

/** The times at which a selector with offset/@ is read, one per step. */
function selectorTimes(ctx: Ctx, offset: number, at: VectorSelector['at']): Float64Array {
  const out = new Float64Array(ctx.n);
  const fixed = at === null ? null : at === 'start' ? ctx.queryStart : at === 'end' ? ctx.queryEnd : at;
  for (let i = 0; i < ctx.n; i++) out[i] = (fixed ?? ctx.times[i]!) - offset;
  return out;
}

/** The raw series a selector matches, read one at a time where the source can. */
function* rawSeries(ctx: Ctx, matchers: readonly LabelMatcher[], minT: number, maxT: number): Generator<RawSeries> {
  const found = ctx.q.selectEach ? ctx.q.selectEach(matchers, minT, maxT) : ctx.q.select(matchers, minT, maxT);
  for (const f of found) yield { name: f.series.name, labels: f.series.labels, ts: f.ts, values: f.values };
}

function loadSeries(ctx: Ctx, matchers: readonly LabelMatcher[], minT: number, maxT: number): RawSeries[] {
  const out: RawSeries[] = [];
  for (const r of rawSeries(ctx, matchers, minT, maxT)) {
    checkTime(ctx);
    account(ctx, r.ts.length);
    out.push(r);
  }
  return out;
}

function range(ends: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of ends) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/** A raw series read at each step (the newest sample within the lookback); null when absent at every step. */
function stepsOf(ctx: Ctx, r: RawSeries, ends: Float64Array): StepSeries | null {
  const s = newStepSeries(r.name, r.labels, ctx.n);
  s.sampleTs = new Float64Array(ctx.n);
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

function evalVectorSelector(ctx: Ctx, vs: VectorSelector): StepSeries[] {
  const ends = selectorTimes(ctx, vs.offset, vs.at);
  const [lo, hi] = range(ends);
  const raw = loadSeries(ctx, vs.matchers, lo - ctx.limits.lookbackMs, hi);
  const out: StepSeries[] = [];
  for (const r of raw) {
    checkTime(ctx);
    account(ctx, ctx.n);
    const s = stepsOf(ctx, r, ends);
    if (s) out.push(s);
  }
  return out;
}

function evalMatrixSelector(ctx: Ctx, ms: MatrixSelector): Value {
  const ends = selectorTimes(ctx, ms.vector.offset, ms.vector.at);
  const [lo, hi] = range(ends);
  const raw = loadSeries(ctx, ms.vector.matchers, lo - ms.range, hi);
  return { kind: 'matrix', series: raw, range: ms.range, ends };
}

function evalSubquery(ctx: Ctx, sq: Subquery): Value {
  const step = sq.step ?? ctx.step ?? 60_000;
  const ends = selectorTimes(ctx, sq.offset, sq.at);
  const [lo, hi] = range(ends);
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

function asVector(v: Value): StepSeries[] {
  if (v.kind !== 'vector') throw new PromQLError(`expected an instant vector, got ${v.kind}`, 'execution');
  return v.series;
}

function asScalar(v: Value): Float64Array {
  if (v.kind !== 'scalar') throw new PromQLError(`expected a scalar, got ${v.kind}`, 'execution');
  return v.values;
}

function asMatrix(v: Value): Extract<Value, { kind: 'matrix' }> {
  if (v.kind !== 'matrix') throw new PromQLError(`expected a range vector, got ${v.kind}`, 'execution');
  return v;
}

/** What a range function computes from the samples of one window. */
type WindowFn = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, end: number, stepIndex: number) => number | undefined;

/** Slide [end - range, end] over one raw series and call `fn` on the samples in each window;
 * null when no window gave a value. */
function windowsOf(ctx: Ctx, r: RawSeries, ends: Float64Array, rangeMs: number, keepName: boolean, fn: WindowFn): StepSeries | null {
  const s = newStepSeries(keepName ? r.name : null, r.labels, ctx.n);
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
function overWindows(ctx: Ctx, m: Extract<Value, { kind: 'matrix' }>, keepName: boolean, fn: WindowFn): StepSeries[] {
  const out: StepSeries[] = [];
  for (const r of m.series) {
    checkTime(ctx);
    account(ctx, ctx.n);
    const s = windowsOf(ctx, r, m.ends, m.range, keepName, fn);
    if (s) out.push(s);
  }
  return out;
}

function mapVector(ctx: Ctx, series: StepSeries[], fn: (v: number, i: number) => number, keepName = false): StepSeries[] {
  const out = series.map((s) => {
    const o = newStepSeries(keepName ? s.name : null, s.labels, ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      if (!s.present[i]) continue;
      o.present[i] = 1;
      o.values[i] = fn(s.values[i]!, i);
    }
    return o;
  });
  return keepName ? out : mergeSame(out, ctx.n);
}

/** Labels from the equality matchers of a selector, for absent(). */
function absentLabels(e: Expr): LabelPairs {
  const vs = e.type === 'vector' ? e : e.type === 'matrix' ? e.vector : null;
  if (!vs) return [];
  const seen = new Map<string, string | null>();
  for (const m of vs.matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=') seen.set(m.name, seen.has(m.name) ? null : m.value);
  }
  return [...seen].filter((kv): kv is [string, string] => kv[1] !== null).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const DATE_PARTS: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

const MATH: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (v) => (v * 180) / Math.PI,
  rad: (v) => (v * Math.PI) / 180,
};

function evalCall(ctx: Ctx, e: Extract<Expr, { type: 'call' }>): Value {
  const f = e.func;
  const args = e.args;
  if (f === 'time') return { kind: 'scalar', values: ctx.times.map((t) => t / 1000) };
  if (f === 'pi') return { kind: 'scalar', values: new Float64Array(ctx.n).fill(Math.PI) };
  if (f === 'vector') {
    const s = asScalar(evaluate(ctx, args[0]!));
    return { kind: 'vector', series: [{ name: null, labels: [], values: s.slice(), present: new Uint8Array(ctx.n).fill(1) }] };
  }
  if (f === 'scalar') {
    const vec = asVector(evaluate(ctx, args[0]!));
    const out = new Float64Array(ctx.n).fill(NaN);
    for (let i = 0; i < ctx.n; i++) {
      let count = 0;
      let val = NaN;
      for (const s of vec) {
        if (s.present[i]) {
          count++;
          val = s.values[i]!;
        }
      }
      if (count === 1) out[i] = val;
    }
    return { kind: 'scalar', values: out };
  }
  if (f in MATH) return { kind: 'vector', series: mapVector(ctx, asVector(evaluate(ctx, args[0]!)), MATH[f]!) };
  if (f in DATE_PARTS) {
    const part = DATE_PARTS[f]!;
    const src = args.length === 0 ? [{ name: null, labels: [], values: ctx.times.map((t) => t / 1000), present: new Uint8Array(ctx.n).fill(1) }] : asVector(evaluate(ctx, args[0]!));
    return { kind: 'vector', series: mapVector(ctx, src, (v) => (Number.isFinite(v) ? part(new Date(v * 1000)) : NaN)) };
  }
  switch (f) {
    case 'round': {
      const to = args[1] ? asScalar(evaluate(ctx, args[1])) : new Float64Array(ctx.n).fill(1);
      return {
        kind: 'vector',
        series: mapVector(ctx, asVector(evaluate(ctx, args[0]!)), (v, i) => {
          const inv = 1 / to[i]!;
          return Math.floor(v * inv + 0.5) / inv;
        }),
      };
    }
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max': {
      const vec = asVector(evaluate(ctx, args[0]!));
      const a = asScalar(evaluate(ctx, args[1]!));
      const b = f === 'clamp' ? asScalar(evaluate(ctx, args[2]!)) : null;
      const out = vec.map((s) => {
        const o = newStepSeries(null, s.labels, ctx.n);
        for (let i = 0; i < ctx.n; i++) {
          if (!s.present[i]) continue;
          const v = s.values[i]!;
          let r: number;
          if (f === 'clamp') {
            if (b![i]! < a[i]!) continue; // max < min: empty
            r = Math.max(a[i]!, Math.min(b![i]!, v));
          } else if (f === 'clamp_min') r = Math.max(a[i]!, v);
          else r = Math.min(a[i]!, v);
          // Go's Max/Min return NaN when either is NaN.
          if (Number.isNaN(v) || Number.isNaN(a[i]!) || (b && Number.isNaN(b[i]!))) r = NaN;
          o.present[i] = 1;
          o.values[i] = r;
        }
        return o;
      });
      return { kind: 'vector', series: mergeSame(out, ctx.n) };
    }
    case 'timestamp': {
      const vec = asVector(evaluate(ctx, args[0]!));
      const direct = args[0]!.type === 'vector';
      return { kind: 'vector', series: mapVector(ctx, vec.map((s) => ({ ...s, values: direct && s.sampleTs ? s.sampleTs.map((t) => t / 1000) : ctx.times.map((t) => t / 1000) })), (v) => v) };
    }
    case 'absent': {
      const vec = asVector(evaluate(ctx, args[0]!));
      const s = newStepSeries(null, absentLabels(args[0]!), ctx.n);
      for (let i = 0; i < ctx.n; i++) {
        if (!vec.some((x) => x.present[i])) {
          s.present[i] = 1;
          s.values[i] = 1;
        }
      }
      return { kind: 'vector', series: s.present.some((p) => p === 1) ? [s] : [] };
    }
    case 'absent_over_time': {
      const m = asMatrix(evaluate(ctx, args[0]!));
      const presentAt = new Uint8Array(ctx.n);
      for (const w of overWindows(ctx, m, false, () => 1)) for (let i = 0; i < ctx.n; i++) if (w.present[i]) presentAt[i] = 1;
      const s = newStepSeries(null, absentLabels(args[0]!), ctx.n);
      for (let i = 0; i < ctx.n; i++) {
        if (!presentAt[i]) {
          s.present[i] = 1;
          s.values[i] = 1;
        }
      }
      return { kind: 'vector', series: s.present.some((p) => p === 1) ? [s] : [] };
    }
    case 'sort':
    case 'sort_desc':
      return evaluate(ctx, args[0]!); // ordering is applied to instant results by the caller
    case 'label_replace': {
      const vec = asVector(evaluate(ctx, args[0]!));
      const [dst, repl, src, reStr] = args.slice(1).map((a) => (a as { value: string }).value) as [string, string, string, string];
      let re: LabelRegex;
      try {
        re = compileRegex(reStr);
      } catch (err) {
        throw new PromQLError(`label_replace(): ${(err as Error).message}`);
      }
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst)) throw new PromQLError(`invalid destination label name in label_replace(): ${dst}`);
      const out = vec.map((s) => {
        const srcVal = src === '__name__' ? (s.name ?? '') : (s.labels.find(([k]) => k === src)?.[1] ?? '');
        const mm = re.exec(srcVal);
        if (!mm) return s;
        const value = expandTemplate(repl, mm);
        return relabel(s, dst, value);
      });
      return { kind: 'vector', series: mergeSame(out, ctx.n) };
    }
    case 'label_join': {
      const vec = asVector(evaluate(ctx, args[0]!));
      const [dst, sep, ...srcs] = args.slice(1).map((a) => (a as { value: string }).value) as string[];
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst!)) throw new PromQLError(`invalid destination label name in label_join(): ${dst}`);
      const out = vec.map((s) => {
        const value = srcs.map((l) => (l === '__name__' ? (s.name ?? '') : (s.labels.find(([k]) => k === l)?.[1] ?? ''))).join(sep);
        return relabel(s, dst!, value);
      });
      return { kind: 'vector', series: mergeSame(out, ctx.n) };
    }
    case 'histogram_quantile':
      return { kind: 'vector', series: histogramQuantile(ctx, asScalar(evaluate(ctx, args[0]!)), asVector(evaluate(ctx, args[1]!))) };
    case 'predict_linear': {
      const m = asMatrix(evaluate(ctx, args[0]!));
      const dur = asScalar(evaluate(ctx, args[1]!));
      return {
        kind: 'vector',
        series: overWindows(ctx, m, false, (ts, vs, lo, hi, end, i) => {
          if (hi - lo < 2) return undefined;
          const [slope, intercept] = linearRegression(ts, vs, lo, hi, end);
          return slope * dur[i]! + intercept;
        }),
      };
    }
    case 'quantile_over_time': {
      const q = asScalar(evaluate(ctx, args[0]!));
      const m = asMatrix(evaluate(ctx, args[1]!));
      return { kind: 'vector', series: overWindows(ctx, m, false, (_ts, vs, lo, hi, _e, i) => quantile(q[i]!, Array.from(vs.subarray(lo, hi)))) };
    }
  }
  // Range-vector functions with one argument.
  const m = asMatrix(evaluate(ctx, args[0]!));
  const w = rangeWindowFn(f, m.range);
  if (w) {
    const out = overWindows(ctx, m, w.keepName, w.fn);
    // Without their names, two series may share a label set: an error at a step both have, as in Prometheus.
    return { kind: 'vector', series: w.keepName ? out : mergeSame(out, ctx.n) };
  }
  throw new PromQLError(`function "${f}" is not supported by Radiator's engine`);
}

/** The range functions of one range-vector argument: what each computes from one window. */
function rangeWindowFn(f: string, rangeMs: number): { fn: WindowFn; keepName: boolean } | null {
  const w = (fn: WindowFn, keepName = false) => ({ fn, keepName });
  switch (f) {
    case 'rate':
    case 'increase':
    case 'delta':
      return w((ts, vs, lo, hi, end) => extrapolatedRate(ts, vs, lo, hi, end - rangeMs, end, f !== 'delta', f === 'rate'));
    case 'irate':
    case 'idelta':
      return w((ts, vs, lo, hi) => instantValue(ts, vs, lo, hi, f === 'irate'));
    case 'deriv':
      return w((ts, vs, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(ts, vs, lo, hi, ts[lo]!)[0]));
    case 'changes':
      return w((_ts, vs, lo, hi) => changes(vs, lo, hi));
    case 'resets':
      return w((_ts, vs, lo, hi) => resets(vs, lo, hi));
    case 'avg_over_time':
      return w((_ts, vs, lo, hi) => avgOverTime(vs, lo, hi));
    case 'sum_over_time':
      return w((_ts, vs, lo, hi) => sumOverTime(vs, lo, hi));
    case 'count_over_time':
      return w((_ts, _vs, lo, hi) => hi - lo);
    case 'min_over_time':
      return w((_ts, vs, lo, hi) => minOverTime(vs, lo, hi));
    case 'max_over_time':
      return w((_ts, vs, lo, hi) => maxOverTime(vs, lo, hi));
    case 'last_over_time':
      // The one range function that keeps the metric name (Prometheus 2.x).
      return w((_ts, vs, _lo, hi) => vs[hi - 1]!, true);
    case 'present_over_time':
      return w(() => 1);
    case 'stddev_over_time':
      return w((_ts, vs, lo, hi) => Math.sqrt(varianceOverTime(vs, lo, hi)));
    case 'stdvar_over_time':
      return w((_ts, vs, lo, hi) => varianceOverTime(vs, lo, hi));
  }
  return null;
}

/** The series of `e`, one at a time, where `e` can be read that way: a vector selector, or a
 * range function of a matrix selector that names one metric (its series cannot collide once
 * the name is dropped). Each series' points are accounted while it is in hand and released
 * after the caller has folded it (by the next one). Null for anything else. */
function streamOf(ctx: Ctx, e: Expr): Iterable<StepSeries> | null {
  while (e.type === 'paren') e = e.expr;
  if (e.type === 'vector') {
    const vs = e;
    const ends = selectorTimes(ctx, vs.offset, vs.at);
    const [lo, hi] = range(ends);
    return streamed(ctx, rawSeries(ctx, vs.matchers, lo - ctx.limits.lookbackMs, hi), (r) => stepsOf(ctx, r, ends));
  }
  if (e.type !== 'call' || e.args.length !== 1) return null;
  let arg = e.args[0]!;
  while (arg.type === 'paren') arg = arg.expr;
  if (arg.type !== 'matrix') return null;
  const oneName = arg.vector.matchers.some((m) => m.name === '__name__' && m.op === '=');
  const w = rangeWindowFn(e.func, arg.range);
  if (!w || (!w.keepName && !oneName)) return null;
  const ms = arg;
  const ends = selectorTimes(ctx, ms.vector.offset, ms.vector.at);
  const [lo, hi] = range(ends);
  return streamed(ctx, rawSeries(ctx, ms.vector.matchers, lo - ms.range, hi), (r) => windowsOf(ctx, r, ends, ms.range, w.keepName, w.fn));
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

/** `$1`, `${1}`, `$name`, `${name}` expansion as Go's regexp.Expand does it. */
function expandTemplate(tpl: string, m: RegExpExecArray): string {
  return tpl.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const key = braced ?? bare!;
    if (/^\d+$/.test(key)) return m[Number(key)] ?? '';
    return m.groups?.[key] ?? '';
  });
}

function relabel(s: StepSeries, name: string, value: string): StepSeries {
  if (name === '__name__') return { ...s, name: value === '' ? null : value };
  const labels = s.labels.filter(([k]) => k !== name);
  if (value !== '') labels.push([name, value]);
  labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ...s, labels };
}

function histogramQuantile(ctx: Ctx, q: Float64Array, vec: StepSeries[]): StepSeries[] {
  const groups = new Map<string, { labels: LabelPairs; members: Array<{ le: number; s: StepSeries }> }>();
  for (const s of vec) {
    const leStr = s.labels.find(([k]) => k === 'le')?.[1];
    if (leStr === undefined) continue;
    const le = leStr === '+Inf' || leStr === 'Inf' || leStr === '+inf' ? Infinity : Number(leStr);
    if (Number.isNaN(le) && leStr !== 'NaN') continue;
    const labels = s.labels.filter(([k]) => k !== 'le');
    const key = seriesKey('', labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, members: [] }));
    g.members.push({ le, s });
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const o = newStepSeries(null, g.labels, ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const buckets: Bucket[] = [];
      for (const mm of g.members) if (mm.s.present[i]) buckets.push({ upperBound: mm.le, count: mm.s.values[i]! });
      if (buckets.length === 0) continue;
      o.present[i] = 1;
      o.values[i] = bucketQuantile(q[i]!, buckets);
    }
    out.push(o);
  }
  return mergeSame(out, ctx.n);
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
      const value = g.value[i]!;
      switch (op) {
        case 'sum':
          o.values[i] = Number.isFinite(value) ? value + g.c[i]! : value;
          break;
        case 'avg':
          o.values[i] = g.mean[i]!;
          break;
        case 'count':
          o.values[i] = k;
          break;
        case 'group':
          o.values[i] = 1;
          break;
        case 'stddev':
          o.values[i] = Math.sqrt(value / k);
          break;
        case 'stdvar':
          o.values[i] = value / k;
          break;
        default:
          o.values[i] = value;
      }
    }
    out.push(o);
  }
  return out;
}

function evalAggregate(ctx: Ctx, e: Extract<Expr, { type: 'aggregate' }>): Value {
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
      switch (op) {
        case 'sum':
          o.values[i] = Number.isFinite(value) ? value + c : value;
          break;
        case 'avg':
          o.values[i] = mean;
          break;
        case 'count':
          o.values[i] = count;
          break;
        case 'group':
          o.values[i] = 1;
          break;
        case 'stddev':
          o.values[i] = Math.sqrt(value / count);
          break;
        case 'stdvar':
          o.values[i] = value / count;
          break;
        case 'quantile':
          o.values[i] = quantile(q![i]!, vals);
          break;
        default:
          o.values[i] = value;
      }
    }
    out.push(o);
  }
  return { kind: 'vector', series: out };
}

function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return goMod(a, b);
    case '^':
      return goPow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
  }
  throw new PromQLError(`operator "${op}" not allowed here`, 'execution');
}

const dropsName = (op: BinaryOp) => op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^' || op === 'atan2';

function evalBinary(ctx: Ctx, e: Extract<Expr, { type: 'binary' }>): Value {
  const lv = evaluate(ctx, e.lhs);
  const rv = evaluate(ctx, e.rhs);
  const op = e.op;
  const cmp = COMPARISON_OPS.has(op);
  if (lv.kind === 'scalar' && rv.kind === 'scalar') {
    const out = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = arith(op, lv.values[i]!, rv.values[i]!);
    return { kind: 'scalar', values: out };
  }
  if (lv.kind === 'vector' && rv.kind === 'vector') return { kind: 'vector', series: vectorBinary(ctx, op, lv.series, rv.series, e.matching!, e.bool) };
  // vector ⊕ scalar, either way round
  const swap = lv.kind === 'scalar';
  const vec = asVector(swap ? rv : lv);
  const sc = asScalar(swap ? lv : rv);
  const out = vec.map((s) => {
    const o = newStepSeries(dropsName(op) || e.bool ? null : s.name, s.labels, ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      if (!s.present[i]) continue;
      const a = swap ? sc[i]! : s.values[i]!;
      const b = swap ? s.values[i]! : sc[i]!;
      const r = arith(op, a, b);
      if (cmp) {
        if (e.bool) {
          o.values[i] = r;
        } else {
          if (r !== 1) continue;
          o.values[i] = s.values[i]!; // the vector's value, whichever side it is on
        }
      } else o.values[i] = r;
      o.present[i] = 1;
    }
    return o;
  });
  return { kind: 'vector', series: mergeSame(out, ctx.n) };
}

function vectorBinary(ctx: Ctx, op: BinaryOp, lhs: StepSeries[], rhs: StepSeries[], matching: VectorMatching, bool: boolean): StepSeries[] {
  const list = new Set(matching.labels);
  const sig = (s: StepSeries) => signature(s.name, s.labels, list, matching.on);
  const n = ctx.n;
  if (op === 'and' || op === 'or' || op === 'unless') {
    const lsig = lhs.map(sig);
    const rsig = rhs.map(sig);
    const out: StepSeries[] = [];
    const lOut = lhs.map((s) => newStepSeries(s.name, s.labels, n));
    const rOut = op === 'or' ? rhs.map((s) => newStepSeries(s.name, s.labels, n)) : [];
    for (let i = 0; i < n; i++) {
      const rightSigs = new Set<string>();
      rhs.forEach((s, j) => s.present[i] && rightSigs.add(rsig[j]!));
      const leftSigs = new Set<string>();
      lhs.forEach((s, j) => {
        if (!s.present[i]) return;
        leftSigs.add(lsig[j]!);
        const keep = op === 'or' || (op === 'and' ? rightSigs.has(lsig[j]!) : !rightSigs.has(lsig[j]!));
        if (keep) {
          lOut[j]!.present[i] = 1;
          lOut[j]!.values[i] = s.values[i]!;
        }
      });
      if (op === 'or') {
        rhs.forEach((s, j) => {
          if (s.present[i] && !leftSigs.has(rsig[j]!)) {
            rOut[j]!.present[i] = 1;
            rOut[j]!.values[i] = s.values[i]!;
          }
        });
      }
    }
    for (const s of [...lOut, ...rOut]) if (s.present.some((p) => p === 1)) out.push(s);
    return mergeSame(out, n);
  }

  // One side is "one", the other "many" (or both one, for one-to-one).
  const manyToOne = matching.card === 'many-to-one';
  const oneToMany = matching.card === 'one-to-many';
  const many = oneToMany ? rhs : lhs;
  const one = oneToMany ? lhs : rhs;
  const oneBySig = new Map<string, number[]>();
  one.forEach((s, j) => {
    const k = sig(s);
    const list2 = oneBySig.get(k);
    if (list2) list2.push(j);
    else oneBySig.set(k, [j]);
  });
  const manySig = many.map(sig);
  const cmp = COMPARISON_OPS.has(op);
  const results = new Map<string, StepSeries>();
  const pairLabels = new Map<string, { name: string | null; labels: LabelPairs }>();
  const include = new Set(matching.include);

  const resultLabels = (m: StepSeries, o: StepSeries): { name: string | null; labels: LabelPairs } => {
    let name = m.name;
    let labels = m.labels;
    if (dropsName(op) || (cmp && bool)) name = null;
    if (matching.card === 'one-to-one') {
      if (matching.on) {
        labels = onlyLabels(labels, list);
        if (!list.has('__name__')) name = null;
      } else labels = withoutLabels(labels, list);
    }
    if (include.size > 0) {
      const map = new Map(labels);
      for (const ln of include) {
        const v = o.labels.find(([k]) => k === ln)?.[1];
        if (v !== undefined && v !== '') map.set(ln, v);
        else map.delete(ln);
      }
      labels = [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    return { name, labels };
  };

  for (let i = 0; i < n; i++) {
    checkTime(ctx);
    // The "one" side must be unique per signature at each step.
    const oneAt = new Map<string, number>();
    for (const [k, idxs] of oneBySig) {
      let found = -1;
      for (const j of idxs) {
        if (!one[j]!.present[i]) continue;
        if (found >= 0) {
          throw new PromQLError(
            `found duplicate series for the match group {${k.replace(/\u0000/g, '=')}} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
            'execution',
          );
        }
        found = j;
      }
      if (found >= 0) oneAt.set(k, found);
    }
    const seenOneToOne = new Set<string>();
    for (let j = 0; j < many.length; j++) {
      const m = many[j]!;
      if (!m.present[i]) continue;
      const oi = oneAt.get(manySig[j]!);
      if (oi === undefined) continue;
      const o = one[oi]!;
      if (!manyToOne && !oneToMany) {
        if (seenOneToOne.has(manySig[j]!)) {
          throw new PromQLError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', 'execution');
        }
        seenOneToOne.add(manySig[j]!);
      }
      const lvv = oneToMany ? o.values[i]! : m.values[i]!;
      const rvv = oneToMany ? m.values[i]! : o.values[i]!;
      const r = arith(op, lvv, rvv);
      let value: number;
      if (cmp) {
        if (bool) value = r;
        else if (r !== 1) continue;
        else value = lvv;
      } else value = r;
      const pk = `${j}|${oi}`;
      let rl = pairLabels.get(pk);
      if (!rl) pairLabels.set(pk, (rl = resultLabels(m, o)));
      const rk = seriesKey(rl.name ?? '', rl.labels);
      let out = results.get(rk);
      if (!out) results.set(rk, (out = newStepSeries(rl.name, rl.labels, n)));
      if (out.present[i]) throw new PromQLError('multiple matches for labels: grouping labels must ensure unique matches', 'execution');
      out.present[i] = 1;
      out.values[i] = value;
    }
  }
  return [...results.values()];
}

export function evaluate(ctx: Ctx, e: Expr): Value {
  checkTime(ctx);
  switch (e.type) {
    case 'number':
      return { kind: 'scalar', values: new Float64Array(ctx.n).fill(e.value) };
    case 'string':
      return { kind: 'string', value: e.value };
    case 'paren':
      return evaluate(ctx, e.expr);
    case 'unary': {
      const v = evaluate(ctx, e.expr);
      if (e.op === '+') return v;
      if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
      return { kind: 'vector', series: mapVector(ctx, asVector(v), (x) => -x) };
    }
    case 'vector':
      return { kind: 'vector', series: evalVectorSelector(ctx, e) };
    case 'matrix':
      return evalMatrixSelector(ctx, e);
    case 'subquery':
      return evalSubquery(ctx, e);
    case 'binary':
      return evalBinary(ctx, e);
    case 'aggregate':
      return evalAggregate(ctx, e);
    case 'call':
      return evalCall(ctx, e);
  }
}

// ── the public API ──────────────────────────────────────────────────────────────────
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
