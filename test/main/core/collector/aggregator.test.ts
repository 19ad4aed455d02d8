// StatsD lines through the aggregator into a real store: the statsd_exporter mapping, repeats,
// the series cap and its overflow series.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Ingest } from '../../../../src/main/core/collector/ingest.ts';
import { StatsdAccumulator } from '../../../../src/main/core/collector/statsd-accumulator.ts';
import { StatsdApplier } from '../../../../src/main/core/collector/statsd-apply.ts';
import { parseSelector, Store } from '../../../../src/main/core/store/index.ts';
import type { NewEvent } from '../../../../src/shared/model.ts';
import { tempDir } from '../../../helpers/core.ts';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

function setup(opts: { maxSeries?: number; maxKeys?: number; maxRaw?: number } = {}) {
  let now = T0;
  const dir = tempDir();
  const store = new Store({
    dir,
    maxSeries: opts.maxSeries ?? 10_000,
    hotWindowMs: 3_600_000,
    retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 },
    now: () => now,
  });
  const ingest = new Ingest({ store, repeatIntervalMs: 15_000, aggregator: { random: () => 0.5 } });
  const { agg, stats } = ingest;
  const events: NewEvent[] = [];
  // The same two halves the core runs (parse-and-fold on its thread, apply on the main one).
  const statsd = new StatsdAccumulator(() => 0.5, { maxKeys: opts.maxKeys, maxRaw: opts.maxRaw });
  const applier = new StatsdApplier(ingest, (e: NewEvent) => events.push(e), () => now);
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
  const raw = (sel: string) => {
    const s = store.index.select(parseSelector(sel))[0]!;
    const r = store.readRaw(s, 0, now + 86_400_000);
    return { ts: [...r.ts], values: [...r.values] };
  };
  return { store, ingest, agg, stats, statsd, applier, events, flush, value, raw, cleanup, tick: (ms: number) => (now += ms), now: () => now };
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

describe('timestamped samples: stored at their own time, or refused with the reason', () => {
  const sec = (ms: number) => Math.floor(ms / 1000);

  it.each([
    ['60 s before the newest sample', -60_000, 'out_of_order'],
    ['30 days old', -30 * 86_400_000, 'too_old'],
    ['a day ahead', 86_400_000, 'too_new'],
  ])('a gauge dated %s is refused (%s) and the current value stays', (_what, offsetMs, reason) => {
    env = setup();
    env.statsd.ingest('g:1|g');
    env.flush();
    env.tick(1000);
    env.statsd.ingest(`g:99|g|T${sec(env.now() + offsetMs)}`);
    env.flush();
    expect(env.stats.rejectedCount('statsd', reason)).toBe(1);
    // Never written at another time either: not at this flush, not at a repeat.
    env.tick(20_000);
    env.flush();
    const { ts, values } = env.raw('g');
    // The first sample, and its repeat at the flush after the repeat interval: both the held 1.
    expect(ts).toEqual([T0, T0 + 21_000]);
    expect(values).toEqual([1, 1]);
  });

  it('a refused timestamped counter increment does not count towards the total', () => {
    env = setup();
    env.statsd.ingest('c:5|c');
    env.flush();
    env.tick(1000);
    env.statsd.ingest(`c:100|c|T${sec(T0 - 30 * 86_400_000)}`);
    env.flush();
    env.tick(1000);
    env.statsd.ingest('c:1|c');
    env.flush();
    expect(env.value('c')).toBe(6);
    expect(env.stats.rejectedCount('statsd', 'too_old')).toBe(1);
  });

  it('an accepted one is written once at its time and not repeated at later times', () => {
    env = setup();
    const t = sec(T0 - 60_000);
    env.statsd.ingest(`x:5|g|T${t}`);
    for (let i = 0; i < 40; i++) {
      env.flush();
      env.tick(1000);
    }
    expect(env.raw('x')).toEqual({ ts: [t * 1000], values: [5] });
  });

  it('a series created by a refused sample writes nothing', () => {
    env = setup();
    env.statsd.ingest(`fresh:7|g|T${sec(T0 + 86_400_000)}`);
    env.flush();
    env.tick(20_000);
    env.flush();
    expect(env.raw('fresh')).toEqual({ ts: [], values: [] });
    expect(env.stats.rejectedCount('statsd', 'too_new')).toBe(1);
  });
});

describe('totals that would not be finite', () => {
  it('a counter pushed past the largest double is refused (counted per line), not stored as +Inf', () => {
    env = setup();
    env.statsd.ingest('big:1.7e308|c');
    env.flush();
    env.tick(1000);
    env.statsd.ingest('big:1.7e308|c');
    env.flush();
    expect(env.value('big')).toBe(1.7e308);
    expect(env.stats.rejectedCount('statsd', 'non_finite_result')).toBe(1);
    // Two such lines in one window are folded together, and refused together.
    env.tick(1000);
    env.statsd.ingest('big2:1.7e308|c\nbig2:1.7e308|c');
    env.flush();
    expect(env.stats.rejectedCount('statsd', 'non_finite_result')).toBe(3);
  });

  it('a gauge moved past the largest double is refused too', () => {
    env = setup();
    env.statsd.ingest('g:1.7e308|g');
    env.flush();
    env.tick(1000);
    env.statsd.ingest('g:+1.7e308|g');
    env.flush();
    expect(env.value('g')).toBe(1.7e308);
    expect(env.stats.rejectedCount('statsd', 'non_finite_result')).toBe(1);
  });
});

describe('names escaping would erase', () => {
  it('refuses non-ASCII names and tag keys instead of merging them into ___', () => {
    env = setup();
    env.statsd.ingest(Buffer.from('日本語:1|c\n中文字:1|c\nok:1|c|#città:x\nok:1|c|#city:zürich'));
    env.flush();
    expect(env.stats.rejectedCount('statsd', 'name_not_ascii')).toBe(2);
    expect(env.stats.rejectedCount('statsd', 'label_name_not_ascii')).toBe(1);
    expect(env.store.index.select(parseSelector('___'))).toHaveLength(0);
    // Label values take any UTF-8.
    expect(env.value('ok{city="zürich"}')).toBe(1);
  });
});

describe('the StatsD thread\'s bounded caches', () => {
  it('forgets the least recently seen keys past its cap, counts them, and totals stay exact', () => {
    env = setup({ maxKeys: 100 });
    // 10 windows of 40 keys each, plus one key seen in every window.
    for (let w = 0; w < 10; w++) {
      const lines = ['steady:1|c'];
      for (let k = 0; k < 40; k++) lines.push(`burst:1|c|#w:${w},k:${k}`);
      env.statsd.ingest(lines.join('\n'));
      env.flush();
      env.tick(1000);
      expect(env.statsd.keyCount).toBeLessThanOrEqual(100);
    }
    // Keys seen again after being forgotten are resolved again, to the same series.
    env.statsd.ingest('burst:1|c|#w:0,k:0\nsteady:1|c');
    env.flush();
    expect(env.value('steady')).toBe(11);
    expect(env.value('burst{k="0",w="0"}')).toBe(2);
    expect(env.applier.evicted.keys).toBeGreaterThan(0);
    expect(env.stats.rejectedCount('statsd')).toBe(0);
    let total = 0;
    for (const s of env.store.index.select(parseSelector('burst'))) total += s.lastValue;
    expect(total).toBe(401);
  });

  it('starts the raw-spelling cache over when it is full, and counts what it dropped', () => {
    env = setup({ maxRaw: 10 });
    const lines: string[] = [];
    for (let k = 0; k < 25; k++) lines.push(`m:1|c|#k:${k}`);
    env.statsd.ingest(lines.join('\n'));
    env.statsd.ingest(lines.join('\n'));
    env.flush();
    expect(env.applier.evicted.raw).toBeGreaterThan(0);
    let total = 0;
    for (const s of env.store.index.select(parseSelector('m'))) total += s.lastValue;
    expect(total).toBe(50);
  });
});

describe('entry identity', () => {
  it('an entry is named by its series (key, name, labels), and answers by that name', () => {
    env = setup();
    const e = env.agg.entry('counter', 'jobs_done', [['queue', 'mail']]);
    if (typeof e === 'string') throw new Error(e);
    const s = env.store.index.get('jobs_done{queue="mail"}')!;
    expect(e.key).toBe(s.key);
    expect(e.name).toBe('jobs_done');
    expect(e.labels).toEqual([['queue', 'mail']]);
    expect(e.labels).toBe(s.labels);
    expect(env.agg.get('jobs_done', [['queue', 'mail']])).toBe(e);
    env.agg.counterAdd(e, 3);
    env.flush();
    expect(env.value('jobs_done{queue="mail"}')).toBe(3);
    // Without labels the key is the name.
    const bare = env.agg.entry('gauge', 'a_rather_long_metric_name', []);
    if (typeof bare === 'string') throw new Error(bare);
    expect(bare.key).toBe('a_rather_long_metric_name');
    expect(env.store.index.get('a_rather_long_metric_name')!.key).toBe('a_rather_long_metric_name');
  });

  it('a summary keeps its own name and labels, not those of its quantile, _sum or _count series', () => {
    env = setup();
    const e = env.agg.entry('summary', 'latency_seconds', [['route', '/a']]);
    if (typeof e === 'string') throw new Error(e);
    expect([e.key, e.name, e.labels]).toEqual(['latency_seconds{route="/a"}', 'latency_seconds', [['route', '/a']]]);
    expect(env.agg.get('latency_seconds', [['route', '/a']])).toBe(e);
    // The counter of that name is another type: refused, not confused with the summary's series.
    expect(env.agg.entry('counter', 'latency_seconds', [['route', '/a']])).toBe('type_conflict');
  });

  it('a gauge named like a summary\'s first quantile series is refused, not given the summary\'s numbers', () => {
    env = setup();
    const sum = env.agg.entry('summary', 'lat', []);
    if (typeof sum === 'string') throw new Error(sum);
    // The two would write one series and share its slot in the entry columns.
    expect(env.agg.entry('gauge', 'lat', [['quantile', '0.5']])).toBe('type_conflict');
    env.agg.observe(sum, 0.25, env.now());
    env.flush();
    expect(env.value('lat{quantile="0.5"}')).toBeCloseTo(0.25);
    expect(sum.kind).toBe('summary');
  });

  it('an entry removed and made again before a flush writes once, with the new value; the old one is gone', () => {
    env = setup();
    const a = env.agg.entry('value', 'pushed', [['job', 'j']]);
    if (typeof a === 'string') throw new Error(a);
    env.agg.gaugeSet(a, 1);
    const other = env.agg.entry('value', 'kept', []);
    if (typeof other === 'string') throw new Error(other);
    env.agg.gaugeSet(other, 7);
    expect(env.agg.size).toBe(2);
    env.agg.remove(a);
    env.agg.remove(a); // twice: nothing more
    expect(env.agg.size).toBe(1);
    expect(env.agg.get('pushed', [['job', 'j']])).toBeUndefined();
    // The same series again: a new entry in the removed one's place, while the old one is still
    // in the flush's list of changed entries.
    const b = env.agg.entry('value', 'pushed', [['job', 'j']]);
    if (typeof b === 'string') throw new Error(b);
    expect(b).not.toBe(a);
    expect(b.value).toBe(0);
    env.agg.gaugeSet(b, 2);
    expect(env.flush().written).toBe(2);
    expect(env.raw('pushed').values).toEqual([2]);
    expect(env.value('kept')).toBe(7);
    // Made again as another kind (a set) before a flush: the old entry, still listed as changed,
    // is not read through the slot the set now holds.
    const c = env.agg.entry('value', 'reused', []);
    if (typeof c === 'string') throw new Error(c);
    env.agg.gaugeSet(c, 5);
    env.agg.remove(c);
    const d = env.agg.entry('set', 'reused', []);
    if (typeof d === 'string') throw new Error(d);
    env.agg.setAdd(d, 'x');
    env.tick(1_000);
    env.flush();
    expect(env.raw('reused').values).toEqual([1]);
    // Removed for good: not repeated, while the kept one is.
    env.agg.remove(b);
    env.agg.remove(d);
    env.tick(15_000);
    expect(env.flush().written).toBe(1);
    expect(env.raw('pushed').values).toEqual([2]);
    expect(env.raw('kept').values).toEqual([7, 7]);
  });

  it('the overflow entry is named by its overflow series', () => {
    env = setup({ maxSeries: 1 });
    const first = env.agg.entry('counter', 'c', [['k', '1']]);
    const over = env.agg.entry('counter', 'c', [['k', '2']]);
    if (typeof first === 'string' || typeof over === 'string') throw new Error('refused');
    expect(over.key).toBe('c{radiator_overflow="true"}');
    expect(over.labels).toEqual([['radiator_overflow', 'true']]);
  });

  it('metadata is recorded under the series name, and the name reads back', () => {
    env = setup();
    env.statsd.ingest('some.fairly.long.metric.name:1|c');
    env.flush();
    const name = 'some_fairly_long_metric_name';
    expect(env.store.index.names()).toContain(name);
    expect(env.ingest.metadata.get(name)?.type).toBe('counter');
    expect(env.ingest.metadata.sourceOf(name)).toBe('statsd');
  });

  it('names described by type alone stay apart when one of them gets a help text', () => {
    env = setup();
    const m = env.ingest.metadata;
    m.set('a_total', { type: 'counter' });
    m.set('b_total', { type: 'counter' });
    m.set('a_total', { type: 'counter', help: 'As.' });
    m.set('c', { type: 'no_such_type' as 'gauge' });
    expect(m.get('a_total')).toEqual({ type: 'counter', help: 'As.', unit: '' });
    expect(m.get('b_total')).toEqual({ type: 'counter', help: '', unit: '' });
    expect(m.get('c')?.type).toBe('no_such_type');
    // A description without help keeps the help it had.
    m.set('a_total', { type: 'gauge' });
    expect(m.get('a_total')).toEqual({ type: 'gauge', help: 'As.', unit: '' });
    m.set('b_total', { type: 'gauge' });
    expect(m.get('b_total')).toEqual({ type: 'gauge', help: '', unit: '' });
  });
});
