// PromQL's functions, each declared once: the argument and result types the parser checks a
// call against, how the engine evaluates it, and for range functions of one range vector what
// one window computes (so an aggregation over them can fold series one at a time). A function
// is supported exactly when it is in FUNCTIONS.

import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import { compileRegex, type LabelRegex } from '../store/index.ts';
import type { Expr, ValueType } from './ast.ts';
import { asMatrix, asScalar, asVector, type Ctx } from './context.ts';
import { evaluate } from './evaluate.ts';
import {
  avgOverTime,
  bucketQuantile,
  changes,
  extrapolatedRate,
  instantValue,
  linearRegression,
  maxOverTime,
  minOverTime,
  quantile,
  resets,
  sumOverTime,
  varianceOverTime,
  type Bucket,
} from './kernels.ts';
import { PromQLError } from './promql-error.ts';
import { mergeSame, newStepSeries, type StepSeries, type Value } from './values.ts';
import { overWindows, type WindowFn } from './windows.ts';

type Call = Extract<Expr, { type: 'call' }>;

/** What a range function computes from one window, and whether its result keeps the metric name. */
export interface RangeWindow {
  fn: WindowFn;
  keepName: boolean;
}

export interface PromQLFunction {
  /** Argument types, in order. */
  args: readonly ValueType[];
  /** How many trailing args may be left out. */
  optional?: number;
  /** The last arg type repeats (label_join). */
  variadic?: boolean;
  ret: ValueType;
  /** Evaluate a call at every step of `ctx`. */
  evaluate(ctx: Ctx, args: readonly Expr[], call: Call): Value;
  /** Range functions of one range-vector argument: what a window of `rangeMs` computes. */
  window?: (rangeMs: number) => RangeWindow;
}

/** `fn` of each present sample of each series; the metric name is dropped unless `keepName`. */
export function mapVector(ctx: Ctx, series: StepSeries[], fn: (v: number, i: number) => number, keepName = false): StepSeries[] {
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

const v = 'vector' as const;
const m = 'matrix' as const;
const s = 'scalar' as const;
const str = 'string' as const;

const vector = (series: StepSeries[]): Value => ({ kind: 'vector', series });

/** A function of each sample's value (abs, ln, …). */
const math = (fn: (x: number) => number): PromQLFunction => ({
  args: [v],
  ret: v,
  evaluate: (ctx, args) => vector(mapVector(ctx, asVector(evaluate(ctx, args[0]!)), fn)),
});

/** A part of each sample's value read as a Unix time, or of the step's time without an argument. */
const datePart = (part: (d: Date) => number): PromQLFunction => ({
  args: [v],
  optional: 1,
  ret: v,
  evaluate: (ctx, args) => {
    const src = args.length === 0 ? [{ name: null, labels: [], values: ctx.times.map((t) => t / 1000), present: new Uint8Array(ctx.n).fill(1) }] : asVector(evaluate(ctx, args[0]!));
    return vector(mapVector(ctx, src, (x) => (Number.isFinite(x) ? part(new Date(x * 1000)) : NaN)));
  },
});

/** A range function of one range vector: `window` says what each window computes. */
const overTime = (window: (rangeMs: number) => RangeWindow): PromQLFunction => ({
  args: [m],
  ret: v,
  window,
  evaluate: (ctx, args) => {
    const mx = asMatrix(evaluate(ctx, args[0]!));
    const w = window(mx.range);
    const out = overWindows(ctx, mx, w.keepName, w.fn);
    // Without their names, two series may share a label set: an error at a step both have, as in Prometheus.
    return vector(w.keepName ? out : mergeSame(out, ctx.n));
  },
});
const win = (fn: WindowFn, keepName = false): RangeWindow => ({ fn, keepName });

/** clamp, clamp_min, clamp_max. */
const clampFn = (f: 'clamp' | 'clamp_min' | 'clamp_max'): PromQLFunction => ({
  args: f === 'clamp' ? [v, s, s] : [v, s],
  ret: v,
  evaluate: (ctx, args) => {
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
  },
});

const sortFn: PromQLFunction = {
  args: [v],
  ret: v,
  evaluate: (ctx, args) => evaluate(ctx, args[0]!), // ordering is applied to instant results by the caller
};

const mathFns = Object.fromEntries(Object.entries(MATH).map(([name, fn]) => [name, math(fn)]));
const dateFns = Object.fromEntries(Object.entries(DATE_PARTS).map(([name, part]) => [name, datePart(part)]));

/** Every function the parser accepts and the engine evaluates, by name. */
export const FUNCTIONS: ReadonlyMap<string, PromQLFunction> = new Map<string, PromQLFunction>(
  Object.entries({
    ...mathFns,
    ...dateFns,
    time: { args: [], ret: s, evaluate: (ctx) => ({ kind: 'scalar', values: ctx.times.map((t) => t / 1000) }) },
    pi: { args: [], ret: s, evaluate: (ctx) => ({ kind: 'scalar', values: new Float64Array(ctx.n).fill(Math.PI) }) },
    vector: {
      args: [s],
      ret: v,
      evaluate: (ctx, args) => {
        const sc = asScalar(evaluate(ctx, args[0]!));
        return vector([{ name: null, labels: [], values: sc.slice(), present: new Uint8Array(ctx.n).fill(1) }]);
      },
    },
    scalar: {
      args: [v],
      ret: s,
      evaluate: (ctx, args) => {
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
      },
    },
    round: {
      args: [v, s],
      optional: 1,
      ret: v,
      evaluate: (ctx, args) => {
        const to = args[1] ? asScalar(evaluate(ctx, args[1])) : new Float64Array(ctx.n).fill(1);
        return vector(
          mapVector(ctx, asVector(evaluate(ctx, args[0]!)), (x, i) => {
            const inv = 1 / to[i]!;
            return Math.floor(x * inv + 0.5) / inv;
          }),
        );
      },
    },
    clamp: clampFn('clamp'),
    clamp_min: clampFn('clamp_min'),
    clamp_max: clampFn('clamp_max'),
    timestamp: {
      args: [v],
      ret: v,
      evaluate: (ctx, args) => {
        const vec = asVector(evaluate(ctx, args[0]!));
        const direct = args[0]!.type === 'vector';
        return vector(mapVector(ctx, vec.map((x) => ({ ...x, values: direct && x.sampleTs ? x.sampleTs.map((t) => t / 1000) : ctx.times.map((t) => t / 1000) })), (x) => x));
      },
    },
    absent: {
      args: [v],
      ret: v,
      evaluate: (ctx, args) => {
        const vec = asVector(evaluate(ctx, args[0]!));
        const s = newStepSeries(null, absentLabels(args[0]!), ctx.n);
        for (let i = 0; i < ctx.n; i++) {
          if (!vec.some((x) => x.present[i])) {
            s.present[i] = 1;
            s.values[i] = 1;
          }
        }
        return { kind: 'vector', series: s.present.some((p) => p === 1) ? [s] : [] };
      },
    },
    absent_over_time: {
      args: [m],
      ret: v,
      evaluate: (ctx, args) => {
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
      },
    },
    sort: sortFn,
    sort_desc: sortFn,
    label_replace: {
      args: [v, str, str, str, str],
      ret: v,
      evaluate: (ctx, args) => {
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
      },
    },
    label_join: {
      args: [v, str, str, str],
      variadic: true,
      optional: 1,
      ret: v,
      evaluate: (ctx, args) => {
        const vec = asVector(evaluate(ctx, args[0]!));
        const [dst, sep, ...srcs] = args.slice(1).map((a) => (a as { value: string }).value) as string[];
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst!)) throw new PromQLError(`invalid destination label name in label_join(): ${dst}`);
        const out = vec.map((s) => {
          const value = srcs.map((l) => (l === '__name__' ? (s.name ?? '') : (s.labels.find(([k]) => k === l)?.[1] ?? ''))).join(sep);
          return relabel(s, dst!, value);
        });
        return { kind: 'vector', series: mergeSame(out, ctx.n) };
      },
    },
    histogram_quantile: {
      args: [s, v],
      ret: v,
      evaluate: (ctx, args) => vector(histogramQuantile(ctx, asScalar(evaluate(ctx, args[0]!)), asVector(evaluate(ctx, args[1]!)))),
    },
    predict_linear: {
      args: [m, s],
      ret: v,
      evaluate: (ctx, args) => {
        const mx = asMatrix(evaluate(ctx, args[0]!));
        const dur = asScalar(evaluate(ctx, args[1]!));
        return vector(
          overWindows(ctx, mx, false, (ts, vs, lo, hi, end, i) => {
            if (hi - lo < 2) return undefined;
            const [slope, intercept] = linearRegression(ts, vs, lo, hi, end);
            return slope * dur[i]! + intercept;
          }),
        );
      },
    },
    quantile_over_time: {
      args: [s, m],
      ret: v,
      evaluate: (ctx, args) => {
        const q = asScalar(evaluate(ctx, args[0]!));
        const mx = asMatrix(evaluate(ctx, args[1]!));
        return vector(overWindows(ctx, mx, false, (_ts, vs, lo, hi, _e, i) => quantile(q[i]!, Array.from(vs.subarray(lo, hi)))));
      },
    },
    rate: overTime((r) => win((ts, vs, lo, hi, end) => extrapolatedRate(ts, vs, lo, hi, end - r, end, true, true))),
    increase: overTime((r) => win((ts, vs, lo, hi, end) => extrapolatedRate(ts, vs, lo, hi, end - r, end, true, false))),
    delta: overTime((r) => win((ts, vs, lo, hi, end) => extrapolatedRate(ts, vs, lo, hi, end - r, end, false, false))),
    irate: overTime(() => win((ts, vs, lo, hi) => instantValue(ts, vs, lo, hi, true))),
    idelta: overTime(() => win((ts, vs, lo, hi) => instantValue(ts, vs, lo, hi, false))),
    deriv: overTime(() => win((ts, vs, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(ts, vs, lo, hi, ts[lo]!)[0]))),
    changes: overTime(() => win((_ts, vs, lo, hi) => changes(vs, lo, hi))),
    resets: overTime(() => win((_ts, vs, lo, hi) => resets(vs, lo, hi))),
    avg_over_time: overTime(() => win((_ts, vs, lo, hi) => avgOverTime(vs, lo, hi))),
    sum_over_time: overTime(() => win((_ts, vs, lo, hi) => sumOverTime(vs, lo, hi))),
    count_over_time: overTime(() => win((_ts, _vs, lo, hi) => hi - lo)),
    min_over_time: overTime(() => win((_ts, vs, lo, hi) => minOverTime(vs, lo, hi))),
    max_over_time: overTime(() => win((_ts, vs, lo, hi) => maxOverTime(vs, lo, hi))),
    // The one range function that keeps the metric name (Prometheus 2.x).
    last_over_time: overTime(() => win((_ts, vs, _lo, hi) => vs[hi - 1]!, true)),
    present_over_time: overTime(() => win(() => 1)),
    stddev_over_time: overTime(() => win((_ts, vs, lo, hi) => Math.sqrt(varianceOverTime(vs, lo, hi)))),
    stdvar_over_time: overTime(() => win((_ts, vs, lo, hi) => varianceOverTime(vs, lo, hi))),
  } satisfies Record<string, PromQLFunction>).sort(([a], [b]) => (a < b ? -1 : 1)),
);

/** Evaluate a function call. */
export function evalCall(ctx: Ctx, e: Call): Value {
  const f = FUNCTIONS.get(e.func);
  if (!f) throw new PromQLError(`function "${e.func}" is not supported by Radiator's engine`);
  return f.evaluate(ctx, e.args, e);
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
