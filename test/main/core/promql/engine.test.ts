// Unit tests of the PromQL engine on small in-memory data, with Prometheus's documented edge cases.
// (The differential test compares the whole engine with a real Prometheus.)
import { describe, expect, it } from 'vitest';
import type { LabelMatcher, LabelPairs } from '../../../../src/shared/model.ts';
import { formatValue, instantQuery, parseDurationMs, parsePromQL, type Queryable, rangeQuery } from '../../../../src/main/core/promql/index.ts';
import { bucketQuantile, extrapolatedRate, goPow, quantile } from '../../../../src/main/core/promql/kernels.ts';
import { compileMatcher, matchesSeries } from '../../../../src/main/core/store/index.ts';

const T = 1_700_000_000_000;

function memory(series: Array<{ name: string; labels?: LabelPairs; points: Array<[number, number]> }>): Queryable {
  return {
    select(matchers: readonly LabelMatcher[], minT: number, maxT: number) {
      const compiled = matchers.map(compileMatcher);
      return series
        .filter((s) => matchesSeries(compiled, s.name, s.labels ?? []))
        .map((s) => {
          const pts = s.points.filter(([t]) => t >= minT && t <= maxT);
          return { series: { name: s.name, labels: s.labels ?? [] }, ts: Float64Array.from(pts, (p) => p[0]), values: Float64Array.from(pts, (p) => p[1]) };
        })
        .filter((s) => s.ts.length > 0);
    },
  };
}

const every = (n: number, stepMs: number, f: (i: number) => number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [T + i * stepMs, f(i)]);
const values = (r: ReturnType<typeof instantQuery>) => (r.resultType === 'vector' ? r.result.map((x) => [x.metric, x.value[1]]) : r.result);
const q = (db: Queryable, expr: string, t = T + 10 * 60_000) => values(instantQuery(db, parsePromQL(expr), t));

describe('parsing', () => {
  it.each([
    ['sum(', /unexpected end of input/],
    ['rate(x)', /expected type range vector in call to function "rate", got instant vector/],
    ['holt_winters(x[5m], 0.5, 0.5)', /unknown function "holt_winters"/],
    ['double_exponential_smoothing(x[5m], 0.5, 0.5)', /function "double_exponential_smoothing" is not supported/],
    ['mad_over_time(x[5m])', /function "mad_over_time" is not supported/],
    ['foo_bar(x)', /unknown function "foo_bar"/],
    ['{}', /at least one non-empty matcher/],
    ['{a=~".*"}', /at least one non-empty matcher/],
    ['1 > 2', /comparisons between scalars must use BOOL modifier/],
    ['x and 1', /set operator "and" not allowed in binary scalar expression/],
    ['topk(x, y)', /expected type scalar in aggregation parameter/],
    ['x[5m] + 1', /binary expression must contain only scalar and instant vector types/],
    ['x{a=~"("}', /invalid regular expression/],
    ['x offset 1m offset 2m', /offset may not be set multiple times/],
    ['"hello"', /not a query/],
    ['x[5m:0s]', /zero step/],
  ])('refuses %s', (expr, err) => {
    expect(() => parsePromQL(expr)).toThrow(err);
  });

  it('reads durations the Prometheus way', () => {
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('90')).toBe(90_000);
    expect(() => parseDurationMs('30m1h')).toThrow(/not a valid duration/);
  });

  it('reads number forms', () => {
    const db = memory([]);
    expect(q(db, '0x10 + 1e2 + .5')).toEqual([T / 1000 + 600, '116.5']);
    expect(q(db, '-Inf')).toEqual([T / 1000 + 600, '-Inf']);
    expect(q(db, 'NaN')).toEqual([T / 1000 + 600, 'NaN']);
  });
});

describe('selectors, lookback, offset and @', () => {
  const db = memory([{ name: 'g', labels: [['a', '1']], points: every(10, 60_000, (i) => i) }]);
  it('takes the latest sample within the 5-minute lookback, and nothing after it runs out', () => {
    expect(q(db, 'g', T + 9 * 60_000 + 30_000)).toEqual([[{ __name__: 'g', a: '1' }, '9']]);
    expect(q(db, 'g', T + 14 * 60_000)).toEqual([[{ __name__: 'g', a: '1' }, '9']]);
    expect(q(db, 'g', T + 14 * 60_000 + 1)).toEqual([]);
  });
  it('applies offset and @', () => {
    expect(q(db, 'g offset 3m', T + 9 * 60_000)).toEqual([[{ __name__: 'g', a: '1' }, '6']]);
    expect(q(db, `g @ ${(T + 2 * 60_000) / 1000}`, T + 9 * 60_000)).toEqual([[{ __name__: 'g', a: '1' }, '2']]);
  });
  it('returns raw samples for a range selector in an instant query, window closed at both ends', () => {
    const r = instantQuery(db, parsePromQL('g[2m]'), T + 5 * 60_000);
    expect(r.resultType).toBe('matrix');
    expect(r.resultType === 'matrix' && r.result[0]!.values.map((v) => v[1])).toEqual(['3', '4', '5']);
  });
});

describe('counters', () => {
  it('extrapolates rate and increase like Prometheus', () => {
    // samples 0,10,20,…,100 every 30 s over a 5 m window ending at the last sample
    const ts = Float64Array.from({ length: 11 }, (_, i) => T + i * 30_000);
    const vs = Float64Array.from({ length: 11 }, (_, i) => 50 + i * 10);
    const end = T + 300_000;
    expect(extrapolatedRate(ts, vs, 0, 11, end - 300_000, end, true, true)).toBeCloseTo(100 / 300);
    // window starts 15 s before the first sample: extrapolated by that much
    expect(extrapolatedRate(ts, vs, 0, 11, T - 15_000, end, true, false)).toBeCloseTo(105);
    // …unless the counter would have been zero by then (it started at 0 at the first sample)
    const fromZero = Float64Array.from({ length: 11 }, (_, i) => i * 10);
    expect(extrapolatedRate(ts, fromZero, 0, 11, T - 15_000, end, true, false)).toBeCloseTo(100);
    expect(extrapolatedRate(ts, vs, 0, 1, T, end, true, false)).toBeUndefined();
  });
  it('handles a counter reset', () => {
    const db = memory([{ name: 'c_total', points: every(11, 30_000, (i) => (i < 6 ? i * 10 : (i - 6) * 10)) }]);
    const r = q(db, 'increase(c_total[5m])', T + 300_000) as Array<[unknown, string]>;
    expect(Number(r[0]![1])).toBeCloseTo(50 + 40, 5);
    expect(q(db, 'resets(c_total[5m])', T + 300_000)).toEqual([[{}, '1']]);
  });
  it('does not extrapolate a counter below zero', () => {
    const db = memory([{ name: 'c_total', points: [[T + 240_000, 1], [T + 270_000, 2], [T + 300_000, 3]] }]);
    const r = q(db, 'increase(c_total[5m])', T + 300_000) as Array<[unknown, string]>;
    // durationToZero = 60 s * (1/2) = 30 s < 240 s to the window start
    expect(Number(r[0]![1])).toBeCloseTo(3, 5);
  });
  it('irate uses the last two samples', () => {
    const db = memory([{ name: 'c_total', points: [[T, 0], [T + 10_000, 5], [T + 20_000, 25]] }]);
    expect(q(db, 'irate(c_total[1m])', T + 20_000)).toEqual([[{}, '2']]);
  });
});

describe('aggregations and functions', () => {
  const db = memory([
    { name: 'm', labels: [['job', 'a'], ['i', '1']], points: [[T, 1]] },
    { name: 'm', labels: [['job', 'a'], ['i', '2']], points: [[T, 3]] },
    { name: 'm', labels: [['job', 'b'], ['i', '3']], points: [[T, 10]] },
  ]);
  it('groups by and without, drops the name', () => {
    expect(q(db, 'sum by (job) (m)', T)).toEqual([
      [{ job: 'a' }, '4'],
      [{ job: 'b' }, '10'],
    ]);
    expect(q(db, 'max without (i) (m)', T)).toEqual([
      [{ job: 'a' }, '3'],
      [{ job: 'b' }, '10'],
    ]);
    expect(q(db, 'count(m)', T)).toEqual([[{}, '3']]);
  });
  it('keeps the full series for topk', () => {
    expect(q(db, 'topk(1, m)', T)).toEqual([[{ __name__: 'm', job: 'b', i: '3' }, '10']]);
  });
  it('quantile interpolates between ranks', () => {
    expect(quantile(0.5, [1, 3, 10])).toBe(3);
    expect(quantile(0.25, [1, 3, 10])).toBe(2);
    expect(quantile(1.5, [1])).toBe(Infinity);
    expect(quantile(-1, [1])).toBe(-Infinity);
  });
  it('refuses duplicate series produced by dropping the name', () => {
    const dup = memory([
      { name: 'x', points: [[T, 1]] },
      { name: 'y', points: [[T, 2]] },
    ]);
    expect(() => q(dup, 'abs({__name__=~"x|y"})', T)).toThrow(/same labelset/);
  });
  it('label_replace with groups; no match leaves the series alone', () => {
    expect(q(db, 'label_replace(m{i="1"}, "x", "$1-$2", "job", "(.)(.*)")', T)).toEqual([[{ __name__: 'm', i: '1', job: 'a', x: 'a-' }, '1']]);
    expect(q(db, 'label_replace(m{i="1"}, "x", "y", "job", "z")', T)).toEqual([[{ __name__: 'm', i: '1', job: 'a' }, '1']]);
  });
  it('absent gives 1 with the equality labels', () => {
    expect(q(db, 'absent(nope{job="x",i=~"1"})', T)).toEqual([[{ job: 'x' }, '1']]);
    expect(q(db, 'absent(m)', T)).toEqual([]);
  });
});

describe('binary operators', () => {
  const db = memory([
    { name: 'a', labels: [['x', '1']], points: [[T, 6]] },
    { name: 'a', labels: [['x', '2']], points: [[T, 8]] },
    { name: 'b', labels: [['x', '1']], points: [[T, 2]] },
    { name: 'b', labels: [['x', '1'], ['y', 'dup']], points: [[T, 3]] },
    { name: 'info', labels: [['version', 'v1'], ['x', '1']], points: [[T, 1]] },
  ]);
  it('matches one-to-one on labels and drops the name', () => {
    expect(q(db, 'a / on(x) b{y=""}', T)).toEqual([[{ x: '1' }, '3']]);
  });
  it('refuses many-to-many matches with a clear error', () => {
    expect(() => q(db, 'a / on(x) b', T)).toThrow(/many-to-many matching not allowed/);
  });
  it('copies labels with group_left', () => {
    expect(q(db, 'a * on(x) group_left(version) info', T)).toEqual([[{ x: '1', version: 'v1' }, '6']]);
  });
  it('filters with comparisons, keeping the vector value even on the right', () => {
    expect(q(db, 'a > 7', T)).toEqual([[{ __name__: 'a', x: '2' }, '8']]);
    expect(q(db, '7 < a', T)).toEqual([[{ __name__: 'a', x: '2' }, '8']]);
    expect(q(db, 'a > bool 7', T)).toEqual([
      [{ x: '1' }, '0'],
      [{ x: '2' }, '1'],
    ]);
  });
  it('set operators', () => {
    expect(q(db, 'a and on(x) b', T)).toEqual([[{ __name__: 'a', x: '1' }, '6']]);
    expect(q(db, 'a unless on(x) b', T)).toEqual([[{ __name__: 'a', x: '2' }, '8']]);
    expect((q(db, 'a or info', T) as unknown[]).length).toBe(3);
  });
  it('uses Go semantics for ^ and %', () => {
    expect(goPow(1, NaN)).toBe(1);
    expect(goPow(-1, Infinity)).toBe(1);
    expect(q(db, '-7 % 3')).toEqual([T / 1000 + 600, '-1']);
  });
});

describe('histogram_quantile', () => {
  const b = (pairs: Array<[number, number]>) => pairs.map(([upperBound, count]) => ({ upperBound, count }));
  it('interpolates within the bucket', () => {
    expect(bucketQuantile(0.5, b([[1, 10], [2, 20], [Infinity, 20]]))).toBe(1);
    expect(bucketQuantile(0.75, b([[1, 10], [2, 20], [Infinity, 20]]))).toBe(1.5);
  });
  it('returns the highest finite bound for the +Inf bucket, NaN without +Inf or observations', () => {
    expect(bucketQuantile(0.99, b([[1, 10], [2, 10], [Infinity, 20]]))).toBe(2);
    expect(bucketQuantile(0.5, b([[1, 10], [2, 20]]))).toBeNaN();
    expect(bucketQuantile(0.5, b([[1, 0], [Infinity, 0]]))).toBeNaN();
  });
  it('fixes non-monotonic buckets', () => {
    expect(bucketQuantile(0.5, b([[1, 10], [2, 8], [Infinity, 20]]))).toBeCloseTo(1);
  });
});

describe('range queries and output format', () => {
  it('evaluates every step and formats values the way the API does', () => {
    const db = memory([{ name: 'g', points: every(20, 60_000, (i) => i * 1e21) }]);
    const r = rangeQuery(db, parsePromQL('g'), T + 60_000, T + 180_000, 60_000);
    expect(r.result[0]!.values).toEqual([
      [T / 1000 + 60, '1000000000000000000000'],
      [T / 1000 + 120, '2000000000000000000000'],
      [T / 1000 + 180, '3000000000000000000000'],
    ]);
    expect(formatValue(1e-7)).toBe('0.0000001');
    expect(formatValue(-2.5e-8)).toBe('-0.000000025');
  });
});
