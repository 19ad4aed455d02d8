// Name translation as Prometheus's OTLP receiver does it (otlptranslator, UnderscoreEscapingWithSuffixes),
// and exponential histograms as power-of-two classic buckets.
import { describe, expect, it } from 'vitest';
import { exponentialToBuckets } from '../../../../../src/main/core/collector/otlp/otlp-exponential.ts';
import { otlpLabelName, otlpLabels, otlpMetricName, otlpUnitName } from '../../../../../src/main/core/collector/otlp/otlp-names.ts';

describe('OTLP metric names', () => {
  it.each([
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['http.server.duration', 'ms', 'histogram', 'http_server_duration_milliseconds'],
    ['requests.count', '1', 'monotonic_counter', 'requests_count_total'],
    ['requests', '{requests}', 'monotonic_counter', 'requests_total'],
    ['requests_total', '', 'monotonic_counter', 'requests_total'],
    ['total.requests', '', 'monotonic_counter', 'requests_total'],
    ['memory.usage', 'By', 'gauge', 'memory_usage_bytes'],
    ['memory.usage.bytes', 'By', 'gauge', 'memory_usage_bytes'],
    ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
    ['cpu.utilization', '1', 'non_monotonic_counter', 'cpu_utilization'],
    ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
    ['rate', '{packets}/s', 'gauge', 'rate_per_second'],
    ['temp', 'Cel', 'gauge', 'temp_celsius'],
    ['disk.io', 'KiBy', 'monotonic_counter', 'disk_io_kibibytes_total'],
    ['queue..depth__now', '', 'gauge', 'queue_depth_now'],
    ['2xx.responses', '', 'monotonic_counter', '_2xx_responses_total'],
    ['ns:metric.name', '', 'gauge', 'ns:metric_name'],
    ['weird-unit', 'foo bar', 'gauge', 'weird_unit_foo_bar'],
    ['...', '', 'gauge', ''],
    ['', '', 'gauge', ''],
  ] as const)('%s [%s] as a %s → %s', (name, unit, kind, want) => {
    expect(otlpMetricName(name, unit, kind)).toBe(want);
  });

  it('units for the metadata API', () => {
    expect(otlpUnitName('s')).toBe('seconds');
    expect(otlpUnitName('By/s')).toBe('bytes_per_second');
    expect(otlpUnitName('{requests}')).toBe('');
    expect(otlpUnitName('1')).toBe('');
  });
});

describe('OTLP label names', () => {
  it.each([
    ['http.method', 'http_method'],
    ['service.instance.id', 'service_instance_id'],
    ['123abc', 'key_123abc'],
    ['_private', '_private'],
    ['__reserved', '_reserved'],
    ['a..b', 'a_b'],
    ['ünïcode', '_n_code'],
    ['...', ''],
  ])('%s → %s', (key, want) => {
    expect(otlpLabelName(key)).toBe(want);
  });

  it('joins the values of attributes that collide, in key order', () => {
    expect([...otlpLabels([['a_b', '2'], ['a.b', '1']])!]).toEqual([['a_b', '1;2']]);
    expect(otlpLabels([['...', 'x']])).toBeNull();
    expect([...otlpLabels([['__proto__', 'x'], ['constructor', 'y']])!]).toEqual([['_proto_', 'x'], ['constructor', 'y']]);
  });
});

const point = (over: Partial<Parameters<typeof exponentialToBuckets>[0]>) => ({
  attributes: [],
  count: 0,
  sum: null,
  scale: 0,
  zeroCount: 0,
  zeroThreshold: 0,
  positive: { offset: 0, counts: [] },
  negative: { offset: 0, counts: [] },
  flags: 0,
  ...over,
});

describe('exponential histograms as classic buckets', () => {
  it('scale 0 keeps its own power-of-two bounds', () => {
    // Bucket i holds (2^i, 2^(i+1)]: offset -1 → (0.5, 1], (1, 2], (2, 4].
    expect(exponentialToBuckets(point({ count: 6, positive: { offset: -1, counts: [1, 2, 3] } }))).toEqual([
      [1, 1],
      [2, 3],
      [4, 6],
      [Infinity, 6],
    ]);
  });

  it('a finer scale merges exactly into power-of-two bounds', () => {
    // scale 2: base 2^(1/4); indices 0..7 span (1, 4]; 0..3 → (1,2], 4..7 → (2,4].
    expect(exponentialToBuckets(point({ scale: 2, count: 8, positive: { offset: 0, counts: [1, 1, 1, 1, 1, 1, 1, 1] } }))).toEqual([
      [2, 4],
      [4, 8],
      [Infinity, 8],
    ]);
  });

  it('a coarser scale keeps its own bounds', () => {
    // scale -1: base 4; index 0 → (1, 4], 1 → (4, 16].
    expect(exponentialToBuckets(point({ scale: -1, count: 3, positive: { offset: 0, counts: [1, 2] } }))).toEqual([
      [4, 1],
      [16, 3],
      [Infinity, 3],
    ]);
  });

  it('zero and negative buckets come first, most negative first', () => {
    const b = exponentialToBuckets(point({ count: 6, zeroCount: 2, negative: { offset: 0, counts: [1, 1] }, positive: { offset: 0, counts: [2] } }));
    // negative index 1 holds [-4, -2) (le -2), index 0 holds [-2, -1) (le -1); zero bucket le 0; (1, 2].
    expect(b).toEqual([
      [-2, 1],
      [-1, 2],
      [0, 4],
      [2, 6],
      [Infinity, 6],
    ]);
  });

  it('a range too wide for the bucket budget merges neighbours pairwise', () => {
    const counts = Array.from({ length: 100 }, () => 1);
    const b = exponentialToBuckets(point({ count: 100, positive: { offset: 0, counts } }), 64);
    expect(b.length).toBeLessThanOrEqual(65);
    expect(b[b.length - 1]).toEqual([Infinity, 100]);
    for (let i = 1; i < b.length; i++) expect(b[i]![1]).toBeGreaterThanOrEqual(b[i - 1]![1]);
    // scale -1: bounds are powers of 4.
    expect(Math.log2(b[0]![0]) % 2).toBe(0);
  });

  it('an empty histogram is just +Inf', () => {
    expect(exponentialToBuckets(point({ count: 0 }))).toEqual([[0, 0], [Infinity, 0]]);
  });
});
