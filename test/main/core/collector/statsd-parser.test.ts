import { describe, expect, it } from 'vitest';
import { parseDecimal, parseStatsd, type ParsedStatsdMetric } from '../../../../src/main/core/collector/statsd-parser.ts';

type M = Partial<ParsedStatsdMetric>;
const m = (name: string, type: ParsedStatsdMetric['type'], value: number, extra: M = {}): M => ({ name, type, value, ...extra });

const cases: Array<[string, string, M[], Record<string, number>?]> = [
  ['counter', 'deploys:1|c', [m('deploys', 'c', 1, { sampleRate: 1, relative: false, tags: [], tsMs: null })]],
  ['gauge', 'a.b-c:2.5|g', [m('a.b-c', 'g', 2.5, { relative: false })]],
  ['gauge plus delta', 'g:+3|g', [m('g', 'g', 3, { relative: true })]],
  ['gauge minus delta', 'g:-3|g', [m('g', 'g', -3, { relative: true })]],
  ['timer with sample rate', 't:320|ms|@0.1', [m('t', 'ms', 320, { sampleRate: 0.1 })]],
  ['histogram', 'h:5|h', [m('h', 'h', 5)]],
  ['distribution', 'd:0.25|d', [m('d', 'd', 0.25)]],
  ['exponent', 'e:1.5e3|g', [m('e', 'g', 1500)]],
  ['set', 's:user42|s', [{ name: 's', type: 's', member: 'user42' }]],
  ['dogstatsd tags', 'x:1|c|#env:prod,region:eu', [m('x', 'c', 1, { tags: [['env', 'prod'], ['region', 'eu']] })]],
  ['tag without value is dropped and counted', 'x:1|c|#env:prod,flag', [m('x', 'c', 1, { tags: [['env', 'prod']] })], { malformed_tag: 1 }],
  ['timestamp', 'x:1|g|#env:prod|T1700000000', [m('x', 'g', 1, { tsMs: 1_700_000_000_000, tags: [['env', 'prod']] })]],
  ['sections in any order', 'x:1|c|T1700000000|@0.5|#a:b', [m('x', 'c', 1, { tsMs: 1_700_000_000_000, sampleRate: 0.5, tags: [['a', 'b']] })]],
  ['container id', 'x:1|c|c:abc123', [m('x', 'c', 1, { tags: [['container_id', 'abc123']] })]],
  ['packed values', 'p:1:2:3|d', [m('p', 'd', 1), m('p', 'd', 2), m('p', 'd', 3)]],
  ['packed timers keep sections', 'p:10:20|ms|@0.5|#a:b', [m('p', 'ms', 10, { sampleRate: 0.5, tags: [['a', 'b']] }), m('p', 'ms', 20, { sampleRate: 0.5 })]],
  ['packed counters are refused', 'p:1:2:3|c', [], { invalid_packed_type: 1 }],
  ['legacy multi-metric', 'l:1|c:2|ms', [m('l', 'c', 1), m('l', 'ms', 2)]],
  ['influx tags', 'influx,host=a,env=b:1|c', [m('influx', 'c', 1, { tags: [['host', 'a'], ['env', 'b']] })]],
  ['librato tags', 'lib#host=a:1|c', [m('lib', 'c', 1, { tags: [['host', 'a']] })]],
  ['signalfx tags', 'sfx[host=a,env=b].suffix:1|c', [m('sfx.suffix', 'c', 1, { tags: [['host', 'a'], ['env', 'b']] })]],
  ['mixed tagging styles', 'mix,host=a:1|c|#env:b', [], { mixed_tagging_styles: 1 }],
  ['several lines, one bad', 'a:1|c\nb:2|g\n\nbad\nc:3|ms', [m('a', 'c', 1), m('b', 'g', 2), m('c', 'ms', 3)], { malformed_line: 1 }],
  ['CRLF line ends', 'a:1|c\r\nb:2|c\r\n', [m('a', 'c', 1), m('b', 'c', 2)]],
  ['letters as value', 'x:abc|c', [], { malformed_value: 1 }],
  ['NaN', 'x:NaN|g', [], { non_finite_value: 1 }],
  ['Infinity', 'x:+Inf|g', [], { non_finite_value: 1 }],
  ['hex is not a number here', 'x:0x10|g', [], { malformed_value: 1 }],
  ['blank value', 'x: |g', [], { malformed_value: 1 }],
  ['empty value', 'x:|c', [], { malformed_value: 1 }],
  ['unknown type', 'x:1|zz', [], { unknown_type: 1 }],
  ['empty type', 'x:1|', [], { malformed_line: 1 }],
  ['negative counter', 'x:-1|c', [], { negative_counter: 1 }],
  ['zero sample rate', 'x:1|c|@0', [], { invalid_sample_rate: 1 }],
  ['sample rate above 1', 'x:1|c|@2', [], { invalid_sample_rate: 1 }],
  ['bad timestamp', 'x:1|c|Tabc', [], { malformed_timestamp: 1 }],
  ['empty section', 'x:1|c||#a:b', [], { malformed_component: 1 }],
  ['unknown section', 'x:1|c|q', [], { malformed_component: 1 }],
  ['no name', ':1|c', [], { malformed_line: 1 }],
  ['no colon', 'novalue', [], { malformed_line: 1 }],
  ['no bar', 'x:1', [], { malformed_line: 1 }],
  ['__proto__ is just a name', '__proto__:1|c', [m('__proto__', 'c', 1)]],
  ['bad line does not spoil the datagram', 'ok:1|c\nx:1|c|@7\nok2:2|c', [m('ok', 'c', 1), m('ok2', 'c', 2)], { invalid_sample_rate: 1 }],
];

describe('parseStatsd', () => {
  it.each(cases)('%s', (_title, input, metrics, rejects = {}) => {
    const out = parseStatsd(input);
    expect(out.metrics).toHaveLength(metrics.length);
    metrics.forEach((want, i) => expect(out.metrics[i]).toMatchObject(want));
    expect(Object.fromEntries(out.rejects)).toEqual(rejects);
  });

  it('refuses a line over the line limit and keeps the next one', () => {
    const out = parseStatsd('x'.repeat(10_000) + ':1|c\nok:1|c');
    expect(out.metrics.map((x) => x.name)).toEqual(['ok']);
    expect(out.rejects.get('line_too_long')).toBe(1);
  });

  it('takes a 10 KB name apart from the rest (the name is refused later, by the name rules)', () => {
    const out = parseStatsd('n'.repeat(8_000) + ':1|c');
    expect(out.metrics[0]!.name).toHaveLength(8_000);
  });

  it('reads Buffers (bytes) the same as strings, UTF-8 included', () => {
    const text = 'café.visits:1|c|#city:zürich';
    expect(parseStatsd(Buffer.from(text, 'utf8')).metrics).toEqual(parseStatsd(text).metrics);
    expect(parseStatsd(text).metrics[0]).toMatchObject({ name: 'café.visits', tags: [['city', 'zürich']] });
  });

  it('refuses invalid UTF-8 in a name', () => {
    const out = parseStatsd(Buffer.from([0x61, 0xff, 0x3a, 0x31, 0x7c, 0x63])); // a\xff:1|c
    expect(out.metrics).toHaveLength(0);
    expect(out.rejects.get('invalid_utf8')).toBe(1);
  });
});

describe('DogStatsD events and service checks', () => {
  it('parses an event with every section', () => {
    const out = parseStatsd('_e{5,4}:title|text|d:1700000000|h:host1|p:low|t:error|k:agg|s:ci|#kind:deploy,service:web');
    expect(out.events).toEqual([
      {
        title: 'title',
        text: 'text',
        tsMs: 1_700_000_000_000,
        hostname: 'host1',
        priority: 'low',
        alertType: 'error',
        aggregationKey: 'agg',
        sourceType: 'ci',
        tags: ['kind:deploy', 'service:web'],
      },
    ]);
  });

  it('counts title and text lengths in UTF-8 bytes, and unescapes \\n in the text', () => {
    const out = parseStatsd('_e{6,6}:héllo|a\\nb c|#x:y');
    expect(out.events[0]).toMatchObject({ title: 'héllo', text: 'a\nb c', tags: ['x:y'] });
  });

  it('refuses an event whose lengths do not fit', () => {
    expect(parseStatsd('_e{10,4}:title|text').rejects.get('malformed_event')).toBe(1);
    expect(parseStatsd('_e{a,4}:title|text').rejects.get('malformed_event')).toBe(1);
  });

  it('parses a service check; the message may contain bars', () => {
    const out = parseStatsd('_sc|db.up|2|d:1700000000|h:db1|#env:prod|m:connection refused | retrying');
    expect(out.checks).toEqual([{ name: 'db.up', status: 2, tsMs: 1_700_000_000_000, hostname: 'db1', message: 'connection refused | retrying', tags: ['env:prod'] }]);
  });

  it('refuses a service check with a status outside 0–3', () => {
    expect(parseStatsd('_sc|db.up|7').rejects.get('malformed_service_check')).toBe(1);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
  ])('%s → %d', (s, v) => expect(parseDecimal(s)).toBe(v));
  it.each(['', ' ', '-', '.', 'e3', '1e', '0x10', 'Infinity', '1_000', '1 ', ' 1', '1.2.3'])('refuses %j', (s) => expect(parseDecimal(s)).toBeNaN());
});
