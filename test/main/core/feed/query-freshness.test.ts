// Staleness means the source stopped, never that a counter did not move: a quiet error counter is
// as fresh as its sender's other series of the same name; a gauge is as fresh as its own input.
import { describe, expect, it } from 'vitest';
import { QueryFreshness, type FreshnessStore } from '../../../../src/main/core/feed/query-freshness.ts';
import { Series, SeriesIndex } from '../../../../src/main/core/store/index.ts';
import { seriesKey, type LabelPairs } from '../../../../src/shared/model.ts';

function storeWith(rows: Array<[string, LabelPairs, number]>): FreshnessStore {
  const index = new SeriesIndex();
  rows.forEach(([name, labels, input], i) => {
    const s = new Series(i, name, labels, seriesKey(name, labels));
    s.lastInputTs = input;
    index.add(s);
  });
  return {
    index,
    lastInput: (m) => index.select(m).reduce((t, s) => Math.max(t, s.lastInputTs), -Infinity),
  } as FreshnessStore;
}

const T = 1_800_000_000_000;
const types = new Map([
  ['http_requests', 'counter'],
  ['queue_depth', 'gauge'],
]);
const typeOf = (n: string) => types.get(n);

describe('QueryFreshness', () => {
  const store = storeWith([
    ['http_requests', [['status', '200']], T],
    // The last error came an hour ago; requests kept coming.
    ['http_requests', [['status', '500']], T - 3_600_000],
    ['queue_depth', [['queue', 'emails']], T - 3_600_000],
    ['queue_depth', [['queue', 'sms']], T],
  ]);
  const f = new QueryFreshness(store, typeOf);

  it('a counter that did not move is as fresh as its name’s newest input (zero, not stale)', () => {
    expect(f.of('sum(rate(http_requests{status=~"5.."}[5m]))')).toBe(T);
    expect(f.of('sum(rate({__name__=~"http_requests(_total)?",status=~"5.."}[5m])) / sum(rate(http_requests[5m]))')).toBe(T);
  });

  it('a gauge is as fresh as its own series: one whose sender stopped goes stale', () => {
    expect(f.of('queue_depth{queue="emails"}')).toBe(T - 3_600_000);
  });

  it('a counter whose whole sender stopped is stale', () => {
    const quiet = new QueryFreshness(storeWith([['http_requests', [['status', '500']], T - 3_600_000], ['http_requests', [['status', '200']], T - 3_600_000]]), typeOf);
    expect(quiet.of('sum(rate(http_requests{status="500"}[5m]))')).toBe(T - 3_600_000);
  });

  it('without a declared type, only the selected series count (the old rule)', () => {
    expect(new QueryFreshness(store).of('http_requests{status="500"}')).toBe(T - 3_600_000);
  });

  it('null for a query with no stored series or no parse', () => {
    expect(f.of('vector(1)')).toBeNull();
    expect(f.of('nothing_here')).toBeNull();
    expect(f.of('sum(')).toBeNull();
  });
});
