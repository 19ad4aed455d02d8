// PromQL at fleet scale on the real store: no "the selector matches N series" refusal (the
// engine is bounded by the samples it holds, as Prometheus's query.max-samples), aggregations of
// range functions fold one series at a time (same answers as the materialising path, a fraction of
// the samples held), and `=~` alternations select through the postings.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, instantQuery, type InstantResult, parsePromQL, rangeQuery } from '../../../../src/main/core/promql/index.ts';
import { parseSelector, Store } from '../../../../src/main/core/store/index.ts';
import { MAX_SELECT_SERIES } from '../../../../src/shared/limits.ts';
import { tempDir } from '../../../helpers/core.ts';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const SERIES = MAX_SELECT_SERIES + 2_000;
const POINTS = 21; // 5 minutes at 15 s

let dir: string;
let store: Store;

beforeAll(() => {
  dir = tempDir('radiator-fleet-');
  store = new Store({
    dir,
    maxSeries: 100_000,
    hotWindowMs: 3 * H,
    retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H },
    now: () => NOW,
    log: () => {},
  });
  let seed = 11;
  const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const ts = new Float64Array(POINTS);
  const vs = new Float64Array(POINTS);
  for (let i = 0; i < SERIES; i++) {
    const s = store.resolve('fleet_requests_total', [
      ['instance', `i${i % 250}`],
      ['route', `/r${Math.floor(i / 250)}`],
    ])!;
    let v = Math.floor(rnd() * 1000);
    for (let k = 0; k < POINTS; k++) {
      ts[k] = NOW - (POINTS - 1 - k) * 15_000;
      // A counter reset now and then, the odd NaN: the fold must agree on those too.
      v = rnd() < 0.02 ? 0 : v + Math.floor(rnd() * 50);
      vs[k] = i % 997 === 3 && k === 7 ? NaN : v;
    }
    store.importSamples(s, ts, vs);
  }
  // Series that come and go over half an hour: each is present at some steps of a range query and
  // absent at others, so a fold that carried anything from one series to the next would show.
  for (let i = 0; i < 600; i++) {
    const s = store.resolve('fleet_gappy_total', [
      ['instance', `g${i}`],
      ['route', `/r${i % 4}`],
    ])!;
    const first = (i * 7) % 90;
    const last = Math.min(119, first + 5 + ((i * 13) % 60));
    const gts: number[] = [];
    const gvs: number[] = [];
    for (let k = first; k <= last; k++) {
      if ((k + i) % 11 === 0) continue;
      gts.push(NOW - (119 - k) * 15_000);
      gvs.push(k * (1 + (i % 5)));
    }
    store.importSamples(s, gts, gvs);
  }
  store.commit();
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const instant = (expr: string, limits = DEFAULT_LIMITS): InstantResult => instantQuery(store, parsePromQL(expr), NOW, limits);
const asMap = (r: InstantResult) => {
  if (r.resultType !== 'vector') throw new Error(r.resultType);
  return new Map(r.result.map((x) => [JSON.stringify(x.metric), x.value[1]]));
};

describe('PromQL past the series count the store hands out at once', () => {
  it(`answers count() and sum(rate()) over ${SERIES} series, which select() alone refuses`, () => {
    expect(() => store.select(parseSelector('fleet_requests_total'), NOW - H, NOW)).toThrow(/matches \d+ series; the limit is/);
    expect(asMap(instant('count(fleet_requests_total)')).get('{}')).toBe(String(SERIES));
    const sum = Number(asMap(instant('sum(rate(fleet_requests_total[5m]))')).get('{}'));
    expect(sum).toBeGreaterThan(0);
  });

  it.each(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar'])(
    '%s by/without of a range function, folded series by series, equals the materialising path',
    (op) => {
      // `* 1` keeps every value as it is but is not a stream source, so it takes the other path.
      for (const [folded, held] of [
        [`${op} by (route) (rate(fleet_requests_total[5m]))`, `${op} by (route) (rate(fleet_requests_total[5m]) * 1)`],
        [`${op} without (route) (increase(fleet_requests_total[5m]))`, `${op} without (route) (increase(fleet_requests_total[5m]) * 1)`],
        [`${op}(fleet_requests_total)`, `${op}(fleet_requests_total * 1)`],
      ] as const) {
        const a = asMap(instant(folded));
        const b = asMap(instant(held));
        expect(a.size).toBeGreaterThan(0);
        expect(a).toEqual(b);
      }
    },
  );

  it('over a range, the fold and the materialising path agree at every step', () => {
    const expr = (x: string) => parsePromQL(x);
    const a = rangeQuery(store, expr('sum by (route) (rate(fleet_requests_total[1m]))'), NOW - 4 * 60_000, NOW, 15_000);
    const b = rangeQuery(store, expr('sum by (route) (rate(fleet_requests_total[1m]) * 1)'), NOW - 4 * 60_000, NOW, 15_000);
    expect(a.result.length).toBe(Math.ceil(SERIES / 250));
    expect(a).toEqual(b);
  });

  it.each(['sum', 'count', 'min', 'max', 'avg'])('%s over series that come and go: the fold equals the materialising path at every step', (op) => {
    for (const [folded, held] of [
      [`${op} by (route) (rate(fleet_gappy_total[1m]))`, `${op} by (route) (rate(fleet_gappy_total[1m]) * 1)`],
      [`${op}(fleet_gappy_total)`, `${op}(fleet_gappy_total * 1)`],
    ] as const) {
      const a = rangeQuery(store, parsePromQL(folded), NOW - 30 * 60_000, NOW, 30_000);
      const b = rangeQuery(store, parsePromQL(held), NOW - 30 * 60_000, NOW, 30_000);
      expect(a.result.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
  });

  it('bounds a query by the samples it holds at once: the fold fits where holding every series does not', () => {
    // Each series holds 21 samples plus one point per step: about 22 at a time when folded,
    // 12,000 × 22 when every series is held.
    const limits = { ...DEFAULT_LIMITS, maxSamples: 20_000 };
    expect(Number(asMap(instant('sum(rate(fleet_requests_total[5m]))', limits)).get('{}'))).toBeGreaterThan(0);
    expect(() => instant('sum(rate(fleet_requests_total[5m]) * 1)', limits)).toThrow(
      /query processing would load too many samples into memory in query execution \(limit 20000\)/,
    );
    expect(() => instant('topk(3, rate(fleet_requests_total[5m]))', limits)).toThrow(/too many samples/);
  });

  it('selects =~ alternations through the postings, and still sees series without the label when the regex matches ""', () => {
    const got = store.index.select(parseSelector('fleet_requests_total{route=~"/r1|/r7|/nope"}'));
    expect(got.length).toBe(500);
    expect(new Set(got.map((s) => s.labels.find(([k]) => k === 'route')![1]))).toEqual(new Set(['/r1', '/r7']));
    expect(store.index.select(parseSelector('fleet_requests_total{route=~"/r1|/r7",instance=~"i1|i2"}')).length).toBe(4);
    expect(store.index.select(parseSelector('fleet_requests_total{route=~"/nope|/never"}')).length).toBe(0);
    // Matches "" too: every series without `zone` is selected, and there are no posting lists for those.
    expect(store.index.select(parseSelector('fleet_requests_total{zone=~"eu|"}')).length).toBe(SERIES);
    expect(store.index.select(parseSelector('{__name__=~"fleet_requests_total|other"}')).length).toBe(SERIES);
  });
});
