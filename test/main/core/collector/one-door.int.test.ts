// The one door, per aggregating receiver (StatsD, push, JSON, OTLP): a mixed batch of good and bad
// input, past a small series cap, against a real store. For each receiver the door's own counters
// hold received = applied + refused (by reason), with the refusals the receiver's rules name;
// samples folded into an overflow series count as applied.
import { describe, expect, it } from 'vitest';
import { JsonIngest } from '../../../../src/main/core/collector/json.ts';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA, type OtlpMetric } from '../../../../src/main/core/collector/otlp/otlp-model.ts';
import { OtlpReceiver } from '../../../../src/main/core/collector/otlp/otlp-receiver.ts';
import { PushReceiver } from '../../../../src/main/core/collector/push.ts';
import { StatsdAccumulator } from '../../../../src/main/core/collector/statsd-accumulator.ts';
import { StatsdApplier } from '../../../../src/main/core/collector/statsd-apply.ts';
import { parseSelector } from '../../../../src/main/core/store/index.ts';
import { NOW, useDoors } from '../../../helpers/door.ts';

const door = useDoors();

describe('received = applied + refused, per receiver', () => {
  it('StatsD: lines the thread refuses, lines the door refuses, lines folded past the cap', () => {
    const d = door(5);
    const acc = new StatsdAccumulator(() => 0.5);
    const applier = new StatsdApplier(d.ingest, () => {}, () => NOW);
    const lines = [
      'ok:1|c',
      'ok:2|c', // the same series: one window, one delta of two lines
      'gauge:5|g',
      'bad', // malformed_line
      'x:abc|c', // malformed_value
      'neg:-1|c', // negative_counter
      '日本語:1|c', // name_not_ascii
      'ok:1|g', // type_conflict: ok is a counter
      'old:1|g|T1', // too_old
      'tagged:1|c|#env:prod,flag', // applied; its valueless tag dropped and counted
      ...Array.from({ length: 8 }, (_, i) => `flood:1|c|#k:${i}`), // past the cap of 5: folded
      '_e{5,4}:title|text', // an event: applied
    ];
    acc.ingest(Buffer.from(lines.join('\n')));
    applier.apply(acc.drain());
    d.flush();
    const c = d.balanced('statsd');
    expect(c.refused).toEqual({
      malformed_line: 1,
      malformed_value: 1,
      negative_counter: 1,
      name_not_ascii: 1,
      type_conflict: 1,
      too_old: 1,
      malformed_tag: 1,
    });
    // ok ×2, gauge, tagged, 8 flood lines, the event.
    expect(c.applied).toBe(13);
    expect(d.store.index.get('ok')?.lastValue).toBe(3);
    const flood = d.store.index.select(parseSelector('flood'));
    expect(flood.reduce((n, s) => n + s.lastValue, 0)).toBe(8);
    expect(d.overflow('flood')).toBeGreaterThan(0);
  });

  it('push: a refused push is one request refused; an accepted one counts each sample, folded past the cap', () => {
    const d = door(4);
    const push = new PushReceiver(d.ingest, () => NOW);
    const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `pushed{i="${i}"} ${i}`).join('\n') + '\n');
    expect(push.handle('PUT', '/job/a', body(6), 'text/plain')).toBe(200);
    expect(() => push.handle('PUT', '/job/a', Buffer.from('pushed 1 1700000000000\n'), 'text/plain')).toThrow(/timestamps/);
    expect(() => push.handle('PUT', '/job/a', Buffer.from('not a metric line {\n'), 'text/plain')).toThrow();
    d.flush();
    const c = d.balanced('push');
    expect(c.applied).toBe(6);
    expect(c.refused).toEqual({ push_invalid: 1, malformed_exposition: 1 });
    expect(d.overflow('pushed')).toBeDefined();
  });

  it('JSON: each sample refused with its reason or applied, folded past the cap', () => {
    const d = door(4);
    const json = new JsonIngest(d.ingest, () => NOW);
    const res = json.ingest([
      { name: 'j.ok', value: 1, type: 'counter' },
      { name: 'j.gauge', value: 2 },
      { name: 'bad', value: 'x' }, // malformed_value
      { name: 'j.ok', value: 1, type: 'gauge' }, // type_conflict
      { name: '日本語', value: 1 }, // name_not_ascii
      { name: 'old', value: 1, ts: 1 }, // too_old
      { name: 'big', value: 1.7e308, type: 'counter' },
      { name: 'big', value: 1.7e308, type: 'counter' }, // non_finite_result
      42, // not_an_object
      ...Array.from({ length: 5 }, (_, i) => ({ name: 'j.flood', value: 1, type: 'counter', labels: { k: String(i) } })),
    ]);
    json.refuseRequest('JSON_TOO_DEEP');
    d.flush();
    const c = d.balanced('json');
    expect(res.accepted).toBe(8);
    expect(c.applied).toBe(8);
    expect(c.refused).toEqual({ malformed_value: 1, type_conflict: 1, name_not_ascii: 1, too_old: 1, non_finite_result: 1, not_an_object: 1, json_too_deep: 1 });
    expect(d.overflow('j_flood')).toBeGreaterThan(0);
  });

  it('OTLP: each point applied or refused with its first reason, target_info included, folded past the cap', () => {
    const d = door(6);
    const otlp = new OtlpReceiver(d.ingest);
    const point = (value: number, i: number) => ({ attributes: [['i', String(i)]] as Array<[string, string]>, value, flags: 0 });
    const metrics: OtlpMetric[] = [
      { name: 'o.gauge', description: '', unit: '', data: { kind: 'gauge', points: [point(1, 0), point(2, 1)] } },
      { name: 'o.delta', description: '', unit: '', data: { kind: 'sum', temporality: TEMPORALITY_DELTA, monotonic: true, points: [point(1, 0), point(-1, 1), point(NaN, 2)] } },
      { name: 'o.bad', description: '', unit: '', data: { kind: 'sum', temporality: 0, monotonic: true, points: [point(1, 0), point(1, 1)] } },
      {
        name: 'o.hist',
        description: '',
        unit: '',
        data: { kind: 'histogram', temporality: TEMPORALITY_CUMULATIVE, points: [{ attributes: [], count: 3, sum: 1, bucketCounts: [1, 2], bounds: [0.5, 0.25], flags: 0 }] },
      },
      { name: 'o.flood', description: '', unit: '', data: { kind: 'gauge', points: Array.from({ length: 6 }, (_, i) => point(i, i)) } },
    ];
    const res = otlp.apply({ resourceMetrics: [{ resource: [['service.name', 'svc'], ['host.name', 'h']], metrics }] });
    d.flush();
    const c = d.balanced('otlp');
    // 2 gauge points, 1 delta point, 6 flood points (folded past the cap), and target_info.
    expect(c.applied).toBe(10);
    expect(res.accepted).toBe(9);
    expect(c.refused).toEqual({ negative_counter: 1, non_finite_value: 1, invalid_temporality: 2, malformed_histogram: 1 });
    expect(d.overflow('o_flood')).toBeDefined();
  });
});
