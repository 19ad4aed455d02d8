// The ingest door against a real store: samples at their own time (scrape's path) and history
// (import's path) are checked, capped with overflow folding, and counted so that for every
// receiver received = applied + refused (by reason); the store's writes are counted once.
import { describe, expect, it } from 'vitest';
import { Ingest, type IngestSample } from '../../../../src/main/core/collector/ingest.ts';
import { MAX_SAMPLE_AGE_MS, MAX_SAMPLE_FUTURE_MS } from '../../../../src/shared/limits.ts';
import { tempStores } from '../../../helpers/core.ts';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

const stores = tempStores();

function setup(maxSeries = 1000) {
  const clock = { now: NOW };
  const store = stores.open(undefined, { maxSeries, now: () => clock.now });
  const ingest = new Ingest({ store, repeatIntervalMs: 15_000 });
  const value = (key: string) => store.index.get(key)?.lastValue;
  const refusedTotal = (receiver: string) => ingest.stats.rejectedCount(receiver);
  /** The invariant, from the door's own counters. */
  const balanced = (receiver: string, applied: number) => {
    expect(ingest.stats.received.get(receiver) ?? 0).toBe(applied + refusedTotal(receiver));
  };
  return { store, ingest, clock, value, refusedTotal, balanced };
}

const sample = (name: string, labels: Record<string, string>, value: number, tsMs: number | null = null, fold: 'sum' | 'last' = 'last'): IngestSample => ({
  name,
  labels: Object.entries(labels),
  value,
  tsMs,
  fold,
});

describe('write: samples at their own time (scrape)', () => {
  it('stores each sample at its time or refuses it with a reason; received = applied + refused', () => {
    const { ingest, store, value, balanced } = setup();
    const r1 = ingest.write('scrape', [sample('a', { x: '1' }, 1), sample('b', {}, 2, NOW - 1_000)], NOW);
    expect(r1).toMatchObject({ received: 2, applied: 2, folded: 0 });
    expect(value('a{x="1"}')).toBe(1);
    expect(store.index.get('b')?.lastTs).toBe(NOW - 1_000);
    const r2 = ingest.write(
      'scrape',
      [
        sample('a', { x: '1' }, 5, NOW - 5_000), // before the series' newest sample
        sample('b', {}, 3, NOW - MAX_SAMPLE_AGE_MS - 1),
        sample('b', {}, 3, NOW + MAX_SAMPLE_FUTURE_MS + 1),
        sample('0bad', {}, 1),
        sample('c', { __reserved: 'x' }, 1),
        sample('b', {}, 2, NOW - 1_000), // the same sample again: already stored, not refused
        sample('d', {}, 4),
      ],
      NOW,
    );
    expect(r2.applied).toBe(2);
    expect(Object.fromEntries(r2.refused)).toEqual({ out_of_order: 1, too_old: 1, too_new: 1, name_invalid: 1, label_name_reserved: 1 });
    expect(value('a{x="1"}')).toBe(1); // never moved to another time
    balanced('scrape', 4);
    expect(ingest.written).toBe(3);
    expect(Object.fromEntries(ingest.storeRefused)).toEqual({ out_of_order: 1, too_old: 1, too_new: 1 });
  });

  it('past the series cap folds new series into overflow series (counters summed, gauges last), counted as applied', () => {
    const { ingest, store, value, balanced } = setup(3);
    const batch: IngestSample[] = [];
    for (let i = 0; i < 10; i++) batch.push(sample('reqs_total', { path: `/p${i}` }, 10 + i, null, 'sum'));
    for (let i = 0; i < 4; i++) batch.push(sample('temp', { room: `r${i}` }, i, null, 'last'));
    for (let i = 0; i < 4; i++) batch.push(sample('lat_bucket', { le: i < 2 ? '1' : '+Inf', svc: `s${i}` }, 1, null, 'sum'));
    const r = ingest.write('scrape', batch, NOW);
    // The first three series are stored as they are; the rest fold.
    expect(r).toMatchObject({ received: 18, applied: 18, folded: 15 });
    expect(r.refused.size).toBe(0);
    expect(value('reqs_total{radiator_overflow="true"}')).toBe(13 + 14 + 15 + 16 + 17 + 18 + 19);
    expect(value('temp{radiator_overflow="true"}')).toBe(3);
    // A folded histogram keeps its buckets apart.
    expect(value('lat_bucket{le="1",radiator_overflow="true"}')).toBe(2);
    expect(value('lat_bucket{le="+Inf",radiator_overflow="true"}')).toBe(2);
    expect(store.getStats().overflowSeries).toBe(4);
    balanced('scrape', 18);
    // Next scrape: the same series fold into the same overflow series, at the new time.
    const r2 = ingest.write('scrape', batch.slice(0, 10), NOW + 15_000);
    expect(r2).toMatchObject({ applied: 10, folded: 7 });
    expect(store.index.get('reqs_total{radiator_overflow="true"}')?.lastTs).toBe(NOW + 15_000);
    balanced('scrape', 28);
  });

  it('refuses with series_limit only when the overflow reserve is full too', () => {
    const { ingest, store, balanced } = setup(1);
    // Fill the store and the overflow reserve (MAX_OVERFLOW_SERIES) with other names.
    let i = 0;
    while (store.resolve(`fill_${i}`, [['radiator_overflow', 'true']], { overflow: true })) i++;
    const r = ingest.write('scrape', [sample('late', { a: '1' }, 1), sample('late', { a: '2' }, 1)], NOW);
    expect(r.applied).toBe(0);
    expect(Object.fromEntries(r.refused)).toEqual({ series_limit: 2 });
    balanced('scrape', 0);
  });

  it("Radiator's own series (receiver null) are written but counted for no receiver", () => {
    const { ingest, value } = setup();
    ingest.write(null, [sample('up', { job: 'j' }, 1)], NOW);
    expect(value('up{job="j"}')).toBe(1);
    expect(ingest.stats.received.size).toBe(0);
    expect(ingest.written).toBe(1);
  });
});

describe('backfill: history (import)', () => {
  it('writes before the oldest and after the newest sample, refuses in between, by reason', () => {
    const { ingest, store, balanced } = setup();
    const s = store.resolve('h', [])!;
    store.append(s, NOW - 10 * 60_000, 5);
    const r = ingest.backfill('import', [
      sample('h', {}, 1, NOW - 3 * H), // before the oldest: history on disk
      sample('h', {}, 2, NOW - 2 * H),
      sample('h', {}, 3, NOW - 5 * 60_000), // after the newest: appended
      sample('h', {}, 9, NOW - 5 * 60_000), // a second value for one time
      sample('h', {}, 4, NOW - 10 * 60_000), // at the newest: inside stored time
      sample('h', {}, 4, NOW + MAX_SAMPLE_FUTURE_MS + 1),
      sample('h', {}, 4, null),
      sample('h h', {}, 4, NOW),
    ]);
    expect(r.applied).toBe(3);
    expect(Object.fromEntries(r.refused)).toEqual({ duplicate_timestamp: 1, out_of_order: 1, too_new: 1, missing_timestamp: 1, name_invalid: 1 });
    expect(s.firstTs).toBe(NOW - 3 * H);
    const back = store.readRaw(s, NOW - 4 * H, NOW);
    expect(Array.from(back.values)).toEqual([1, 2, 5, 3]);
    balanced('import', 3);
    expect(ingest.written).toBe(3);
  });

  it('past the series cap folds history into overflow series, point by point', () => {
    const { ingest, store, balanced } = setup(2);
    const batch: IngestSample[] = [];
    for (let i = 0; i < 5; i++) for (let k = 0; k < 3; k++) batch.push(sample('jobs_total', { id: String(i) }, i + k, NOW - 2 * H + k * 60_000, 'sum'));
    const r = ingest.backfill('import', batch);
    expect(r).toMatchObject({ received: 15, applied: 15, folded: 9, identities: 5 });
    const over = store.index.get('jobs_total{radiator_overflow="true"}')!;
    const back = store.readRaw(over, NOW - 3 * H, NOW);
    // Series 2, 3 and 4 summed at each of the three times.
    expect(Array.from(back.ts)).toEqual([NOW - 2 * H, NOW - 2 * H + 60_000, NOW - 2 * H + 120_000]);
    expect(Array.from(back.values)).toEqual([2 + 3 + 4, 3 + 4 + 5, 4 + 5 + 6]);
    balanced('import', 15);
    // Stored points: 2 own series × 3 + 3 overflow points.
    expect(ingest.written).toBe(9);
  });
});

describe('the aggregator writes through the door', () => {
  it('counts flushed and timestamped writes in samples written and refused', () => {
    const { ingest } = setup();
    const e = ingest.agg.entry('gauge', 'g', []);
    if (typeof e === 'string') throw new Error(e);
    ingest.agg.gaugeSet(e, 1);
    ingest.flush(NOW);
    expect(ingest.written).toBe(1);
    const c = ingest.agg.entry('counter', 'c', []);
    if (typeof c === 'string') throw new Error(c);
    expect(ingest.agg.counterAdd(c, 1, NOW - 1_000)).toBe('ok');
    expect(ingest.agg.counterAdd(c, 1, NOW - 2_000)).toBe('out_of_order');
    expect(ingest.written).toBe(2);
    expect(ingest.storeRefused.get('out_of_order')).toBe(1);
  });
});
