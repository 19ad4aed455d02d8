// StatsD lines through the aggregator into a real store: the statsd_exporter mapping, repeats,
// the series cap and its overflow series.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Aggregator } from '../../../../src/main/core/collector/aggregator.ts';
import { IngestStats } from '../../../../src/main/core/collector/ingest-stats.ts';
import { StatsdAccumulator } from '../../../../src/main/core/collector/statsd-accumulator.ts';
import { StatsdApplier } from '../../../../src/main/core/collector/statsd-apply.ts';
import { Store } from '../../../../src/main/core/store/store.ts';
import { parseSelector } from '../../../../src/main/core/store/matchers.ts';
import type { NewEvent } from '../../../../src/shared/model.ts';
import { tempDir } from '../../../helpers/core.ts';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

function setup(opts: { maxSeries?: number } = {}) {
  let now = T0;
  const dir = tempDir();
  const store = new Store({
    dir,
    maxSeries: opts.maxSeries ?? 10_000,
    hotWindowMs: 3_600_000,
    retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 },
    now: () => now,
  });
  const agg = new Aggregator(store, { repeatIntervalMs: 15_000, random: () => 0.5 });
  const stats = new IngestStats();
  const events: NewEvent[] = [];
  // The same two halves the core runs (parse-and-fold on its thread, apply on the main one).
  const statsd = new StatsdAccumulator(() => 0.5);
  const applier = new StatsdApplier(agg, stats, (e: NewEvent) => events.push(e), () => now);
  const flush = () => {
    applier.apply(statsd.drain());
    const r = agg.flush(now);
    store.commit();
    return r;
  };
  const value = (sel: string) => {
    const found = store.index.select(parseSelector(sel));
    if (found.length !== 1) throw new Error(`${sel} matched ${found.length} series: ${found.map((s) => s.key).join(', ')}`);
    return found[0]!.lastValue;
  };
  const cleanup = () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, agg, stats, statsd, events, flush, value, cleanup, tick: (ms: number) => (now += ms), now: () => now };
}

let env: ReturnType<typeof setup>;
afterEach(() => env?.cleanup());

describe('StatsD → store, statsd_exporter mapping', () => {
  it('counters are cumulative, sample rates scale them, names are escaped', () => {
    env = setup();
    env.statsd.ingest('api.requests-total:1|c\napi.requests-total:1|c\napi.requests-total:1|c|@0.5');
    env.flush();
    expect(env.value('api_requests_total')).toBe(4);
    env.tick(1000);
    env.statsd.ingest('api.requests-total:6|c');
    env.flush();
    expect(env.value('api_requests_total')).toBe(10);
  });

  it('gauges set and move by deltas', () => {
    env = setup();
    env.statsd.ingest('temp:10|g\ntemp:+5|g\ntemp:-3|g');
    env.flush();
    expect(env.value('temp')).toBe(12);
  });

  it('timers become a summary in seconds: quantiles, _sum and _count', () => {
    env = setup();
    env.statsd.ingest('lat:100|ms\nlat:200|ms\nlat:300|ms\nlat:400|ms');
    env.flush();
    expect(env.value('lat{quantile="0.5"}')).toBeCloseTo(0.2);
    expect(env.value('lat{quantile="0.99"}')).toBeCloseTo(0.4);
    expect(env.value('lat_sum')).toBeCloseTo(1.0);
    expect(env.value('lat_count')).toBe(4);
  });

  it('a sampled timer counts 1/rate observations', () => {
    env = setup();
    env.statsd.ingest('lat:100|ms|@0.25');
    env.flush();
    expect(env.value('lat_count')).toBe(4);
    expect(env.value('lat_sum')).toBeCloseTo(0.4);
  });

  it('histograms and distributions keep their unit', () => {
    env = setup();
    env.statsd.ingest('size:5|h\nsize:7|d');
    env.flush();
    expect(env.value('size_sum')).toBe(12);
  });

  it('a set counts distinct members per flush, then drops to 0', () => {
    env = setup();
    env.statsd.ingest('users:a|s\nusers:b|s\nusers:a|s');
    env.flush();
    expect(env.value('users')).toBe(2);
    env.tick(1000);
    env.flush();
    expect(env.value('users')).toBe(0);
  });

  it('tags become labels with escaped keys; a leading digit gets an underscore', () => {
    env = setup();
    env.statsd.ingest('5xx:1|c|#my-tag:v,env:prod');
    env.flush();
    expect(env.value('_5xx{env="prod",my_tag="v"}')).toBe(1);
  });

  it('the same series in another tag order is the same series', () => {
    env = setup();
    env.statsd.ingest('x:1|c|#a:1,b:2\nx:1|c|#b:2,a:1');
    env.flush();
    expect(env.value('x{a="1",b="2"}')).toBe(2);
  });

  it('__proto__ and constructor are ordinary names', () => {
    env = setup();
    env.statsd.ingest('__proto__:1|c\nconstructor:2|g\nx:1|c|#constructor:y');
    env.flush();
    expect(env.value('__proto__')).toBe(1);
    expect(env.value('constructor')).toBe(2);
    expect(env.value('x{constructor="y"}')).toBe(1);
    expect(({} as Record<string, unknown>).y).toBeUndefined();
  });

  it('a name used with another type is refused and counted', () => {
    env = setup();
    env.statsd.ingest('x:1|c\nx:1|g');
    env.flush();
    expect(env.value('x')).toBe(1);
    expect(env.stats.rejectedCount('statsd', 'type_conflict')).toBe(1);
  });

  it('a 10 KB name and a __reserved tag are refused with their reasons', () => {
    env = setup();
    env.statsd.ingest('n'.repeat(8_000) + ':1|c\nok:1|c|#__secret:x\nok:1|c');
    env.flush();
    expect(env.stats.rejectedCount('statsd', 'name_too_long')).toBe(1);
    expect(env.stats.rejectedCount('statsd', 'label_name_reserved')).toBe(1);
    expect(env.value('ok')).toBe(1);
  });

  it('honours |T timestamps for gauges', () => {
    env = setup();
    const ts = Math.floor((T0 - 60_000) / 1000);
    env.statsd.ingest(`x:5|g|T${ts}`);
    env.flush();
    const s = env.store.index.select(parseSelector('x'))[0]!;
    expect(env.store.readRaw(s, 0, T0 + 1).ts[0]).toBe(ts * 1000);
  });

  it('writes current values again every repeat interval, and only then', () => {
    env = setup();
    env.statsd.ingest('g:3|g');
    env.flush();
    const s = env.store.index.select(parseSelector('g'))[0]!;
    for (let i = 0; i < 20; i++) {
      env.tick(1000);
      env.flush();
    }
    const { ts, values } = env.store.readRaw(s, 0, env.now());
    expect([...ts]).toEqual([T0, T0 + 15_000]);
    expect([...values]).toEqual([3, 3]);
  });

  it('events and service checks become events and a status series', () => {
    env = setup();
    env.statsd.ingest('_e{6,3}:Deploy|v42|#kind:deploy,service:web,version:42\n_sc|db.up|2|#env:prod|m:refused\n_sc|db.up|2|#env:prod');
    env.flush();
    expect(env.events[0]).toMatchObject({ kind: 'deploy', title: 'Deploy', text: 'v42', service: 'web', version: '42' });
    expect(env.events[1]).toMatchObject({ kind: 'check', title: 'db.up: CRITICAL', text: 'refused' });
    expect(env.events).toHaveLength(2); // the second check did not change status
    expect(env.value('service_check_status{check="db.up",env="prod"}')).toBe(2);
  });
});

describe('the series cap', () => {
  it('folds new series into an overflow series that keeps the total, and counts refusals', () => {
    env = setup({ maxSeries: 100 });
    const lines = [];
    for (let i = 0; i < 150; i++) lines.push(`hits:1|c|#user:u${i}`);
    env.statsd.ingest(lines.join('\n'));
    env.flush();
    expect(env.store.index.size).toBe(101);
    expect(env.value('hits{radiator_overflow="true"}')).toBe(50);
    expect(env.store.refusedSeries).toBe(50);
    let total = 0;
    for (const s of env.store.index.select(parseSelector('hits'))) total += s.lastValue;
    expect(total).toBe(150);
  });
});
