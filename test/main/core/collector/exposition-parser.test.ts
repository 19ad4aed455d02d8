import { describe, expect, it } from 'vitest';
import { parseExposition, parsePromFloat } from '../../../../src/main/core/collector/exposition-parser.ts';
import { goFloat, parseProtobufExposition } from '../../../../src/main/core/collector/exposition-protobuf.ts';

const text = (s: string) => parseExposition(s, { openMetrics: false });
const om = (s: string) => parseExposition(s, { openMetrics: true });

describe('Prometheus text format', () => {
  it('parses families with HELP, TYPE, labels, escapes and special values', () => {
    const fams = text(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# A normal comment',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        'metric_without_timestamp_and_labels 12.47',
        'something_weird{problem="division by zero"} +Inf -3982045',
        '# TYPE rpc_duration_seconds summary',
        'rpc_duration_seconds{quantile="0.5"} 4773',
        'rpc_duration_seconds_sum 1.7560473e+07',
        'rpc_duration_seconds_count 2693',
        '# TYPE h histogram',
        'h_bucket{le="0.05"} 24054',
        'h_bucket{le="+Inf"} 144320',
        'h_sum 53423',
        'h_count 144320',
        'nan_value NaN',
      ].join('\n') + '\n',
    );
    expect(fams.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['http_requests_total', 'counter', 2],
      ['msdos_file_access_time_seconds', 'untyped', 1],
      ['metric_without_timestamp_and_labels', 'untyped', 1],
      ['something_weird', 'untyped', 1],
      ['rpc_duration_seconds', 'summary', 3],
      ['h', 'histogram', 4],
      ['nan_value', 'untyped', 1],
    ]);
    expect(fams[0]!.help).toBe('The total number of HTTP requests.');
    expect(fams[0]!.samples[1]).toEqual({ name: 'http_requests_total', labels: [['method', 'post'], ['code', '400']], value: 3, tsMs: 1395066363000 });
    expect(fams[1]!.samples[0]!.labels).toEqual([['path', 'C:\\DIR\\FILE.TXT'], ['error', 'Cannot find file:\n"FILE.TXT"']]);
    expect(fams[3]!.samples[0]).toMatchObject({ value: Infinity, tsMs: -3982045 });
    expect(fams[6]!.samples[0]!.value).toBeNaN();
  });

  it.each([
    ['a value that is not a float', 'x here\n', /line 1: expected float as value, got "here"/],
    ['a second TYPE', '# TYPE a counter\na 1\n# TYPE a gauge\n', /line 3: second TYPE line/],
    ['an unknown type', '# TYPE a widget\n', /unknown metric type "widget"/],
    ['a family split in two', 'a 1\nb 1\na 2\n', /appears in two places/],
    ['a duplicate label', 'a{x="1",x="2"} 1\n', /duplicate label name "x"/],
    ['a bad escape', 'a{x="\\q"} 1\n', /invalid escape/],
    ['an unterminated value', 'a{x="1} 1\n', /unterminated label value/],
    ['a fractional timestamp', 'a 1 1.5\n', /expected integer as timestamp/],
    ['a TYPE without a metric name', '# TYPE #\na 1\n', /line 1: invalid metric name in comment/],
    ['a HELP without a metric name', 'a 1\n# HELP 1a text\n', /line 2: invalid metric name in comment/],
  ])('refuses %s, naming the line', (_t, input, re) => {
    expect(() => text(input)).toThrow(re);
  });
});

describe('OpenMetrics', () => {
  it('parses counters with _total and _created, units, exemplars, and timestamps in seconds', () => {
    const fams = om(
      [
        '# TYPE acme_http_router_request_seconds summary',
        '# UNIT acme_http_router_request_seconds seconds',
        '# HELP acme_http_router_request_seconds Latency though all of ACME\'s HTTP request router.',
        'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
        'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
        '# TYPE foo counter',
        'foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67',
        'foo_created 1520872607.123',
        '# EOF',
      ].join('\n') + '\n',
    );
    expect(fams[0]).toMatchObject({ name: 'acme_http_router_request_seconds', type: 'summary', unit: 'seconds' });
    expect(fams[1]!.samples).toEqual([
      { name: 'foo_total', labels: [], value: 17, tsMs: 1520879607789 },
      { name: 'foo_created', labels: [], value: 1520872607.123, tsMs: null },
    ]);
  });

  it('requires # EOF', () => {
    expect(() => om('# TYPE a gauge\na 1\n')).toThrow(/missing "# EOF"/);
  });

  it('refuses an exemplar without its value or with a bad one, as Prometheus does', () => {
    const c = (ex: string) => om(`# TYPE e counter\ne_total 1 # ${ex}\n# EOF\n`);
    expect(() => c('{trace_id="a"}')).toThrow(/line 2: an exemplar needs a value/);
    expect(() => c('{trace_id="a"} x')).toThrow(/exemplar's value/);
    expect(() => c('trace_id="a" 1')).toThrow(/expected a label set/);
    expect(() => c('{trace_id="a"} 1 x')).toThrow(/exemplar's timestamp/);
    expect(c('{trace_id="a"} 0.5 1520879607.789')[0]!.samples[0]!.value).toBe(1);
  });
});

describe('floats', () => {
  it('parses what Prometheus writes', () => {
    expect(parsePromFloat('+Inf')).toBe(Infinity);
    expect(parsePromFloat('-Inf')).toBe(-Infinity);
    expect(parsePromFloat('NaN')).toBeNaN();
    expect(parsePromFloat('1.5e+07')).toBe(1.5e7);
    expect(parsePromFloat('0x1p3')).toBeUndefined();
    expect(parsePromFloat('')).toBeUndefined();
  });

  it('formats le and quantile values the way Go does', () => {
    expect([0.005, 1, 2.5, 100000, 1000000, 1e-5, Infinity].map(goFloat)).toEqual(['0.005', '1', '2.5', '100000', '1e+06', '1e-05', '+Inf']);
  });
});

// A minimal protobuf writer for the MetricFamily schema, to feed the reader.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (num: number, wire: number) => varint(num * 8 + wire);
const bytes = (num: number, body: number[]) => [...field(num, 2), ...varint(body.length), ...body];
const str = (num: number, s: string) => bytes(num, [...Buffer.from(s)]);
const dbl = (num: number, v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...field(num, 1), ...b];
};
const uint = (num: number, v: number) => [...field(num, 0), ...varint(v)];
const delimited = (msgs: number[][]) => Buffer.from(msgs.flatMap((m) => [...varint(m.length), ...m]));

describe('Prometheus protobuf (what the Go client pushes)', () => {
  it('flattens counters, gauges, summaries and histograms', () => {
    const label = (n: string, v: string) => bytes(1, [...str(1, n), ...str(2, v)]);
    const body = delimited([
      [...str(1, 'jobs_total'), ...str(2, 'Jobs.'), ...uint(3, 0), ...bytes(4, [...label('queue', 'a'), ...bytes(3, dbl(1, 42))])],
      [...str(1, 'temp'), ...uint(3, 1), ...bytes(4, bytes(2, dbl(1, -1.5)))],
      [...str(1, 'lat'), ...uint(3, 2), ...bytes(4, bytes(4, [...uint(1, 10), ...dbl(2, 2.5), ...bytes(3, [...dbl(1, 0.5), ...dbl(2, 0.2)])]))],
      [
        ...str(1, 'size'),
        ...uint(3, 4),
        ...bytes(4, bytes(7, [...uint(1, 5), ...dbl(2, 12), ...bytes(3, [...uint(1, 2), ...dbl(2, 1)]), ...bytes(3, [...uint(1, 4), ...dbl(2, 1e6)])])),
      ],
    ]);
    const fams = parseProtobufExposition(body);
    expect(fams.map((f) => [f.name, f.type])).toEqual([
      ['jobs_total', 'counter'],
      ['temp', 'gauge'],
      ['lat', 'summary'],
      ['size', 'histogram'],
    ]);
    expect(fams[0]!.samples).toEqual([{ name: 'jobs_total', labels: [['queue', 'a']], value: 42, tsMs: null }]);
    expect(fams[1]!.samples[0]!.value).toBe(-1.5);
    expect(fams[2]!.samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ['lat', [['quantile', '0.5']], 0.2],
      ['lat_sum', [], 2.5],
      ['lat_count', [], 10],
    ]);
    expect(fams[3]!.samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ['size_bucket', [['le', '1']], 2],
      ['size_bucket', [['le', '1e+06']], 4],
      ['size_bucket', [['le', '+Inf']], 5],
      ['size_sum', [], 12],
      ['size_count', [], 5],
    ]);
  });

  it('refuses a truncated message with its number', () => {
    const body = delimited([[...str(1, 'a'), ...uint(3, 1)]]);
    expect(() => parseProtobufExposition(body.subarray(0, body.length - 1))).toThrow(/message 1/);
  });
});
