// Log rules evaluated on lines, request bodies split into lines, the recent-lines rings, and the
// regex guard that refuses rules which would backtrack catastrophically.
import { describe, expect, it } from 'vitest';
import { compileRules, evaluate } from '../../../../src/main/core/logs/log-rules.ts';
import { parseLogBody, requestSource } from '../../../../src/main/core/logs/log-body.ts';
import { RecentLines } from '../../../../src/main/core/logs/recent-lines.ts';
import { MAX_LOG_LINES_PER_REQUEST } from '../../../../src/shared/limits.ts';
import { regexProblem } from '../../../../src/shared/regex-safety.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';

const rules = (list: unknown[]) => compileRules(parseSettings({ logs: { rules: list } }).logs.rules);

describe('log rules', () => {
  it('regex rules: capture groups by number and name, literal text around them', () => {
    const [r] = rules([{ id: 'r', match: { regex: 'user (\\d+) failed (?<what>\\w+) in (?<ms>\\d+)ms' }, metric: { name: 'm', type: 'timer', value: '${ms}', labels: { what: 'op-${what}', user: '$1', dollar: '$$' } } }]);
    expect(evaluate(r!, 'user 42 failed login in 130ms', null)).toMatchObject({ value: 130, labels: [['what', 'op-login'], ['user', '42'], ['dollar', '$']] });
    expect(evaluate(r!, 'user 42 succeeded', null)).toBeNull();
  });

  it('JSON rules: equals, a regex on the field, values and labels from paths', () => {
    const [eq, re] = rules([
      { id: 'eq', match: { jsonPath: '$.http.status', equals: 503 }, metric: { name: 'm', type: 'counter', labels: { route: '$.http.route' } } },
      { id: 're', match: { jsonPath: 'msg', regex: '^took (\\d+)' }, metric: { name: 'g', type: 'gauge', value: '$1' } },
    ]);
    const line = { http: { status: 503, route: '/checkout' }, msg: 'took 77 ms', list: [1, 2] };
    expect(evaluate(eq!, '', line)).toMatchObject({ value: 1, labels: [['route', '/checkout']] });
    expect(evaluate(eq!, '', { http: { status: 200 } })).toBeNull();
    expect(evaluate(eq!, '', null)).toBeNull();
    expect(evaluate(re!, '', line)).toMatchObject({ value: 77 });
    // A value that is not a number is NaN (refused and counted by the pipeline).
    const [bad] = rules([{ id: 'b', match: { regex: 'x=(\\w+)' }, metric: { name: 'g', type: 'gauge', value: '$1' } }]);
    expect(evaluate(bad!, 'x=abc', null)!.value).toBeNaN();
  });

  it('settings refuse bad rules with the field and the rule', () => {
    const problems = (rule: unknown) => {
      try {
        parseSettings({ logs: { rules: [rule] } });
        return [];
      } catch (e) {
        return (e as { problems: string[] }).problems;
      }
    };
    expect(problems({ id: 'a', match: { regex: '(x+x+)+y' }, metric: { name: 'm', type: 'counter' } })[0]).toMatch(/^logs\.rules\.0\.match\.regex = .*repeats a group that itself repeats/);
    expect(problems({ id: 'a', match: { regex: 'ok' }, metric: { name: 'm', type: 'gauge' } })[0]).toMatch(/^logs\.rules\.0\.metric\.value .*a gauge needs a value/);
    expect(problems({ id: 'a', match: { regex: '(\\d+)' }, metric: { name: 'm', type: 'counter', labels: { x: '$2' } } })[0]).toContain('refers to capture group "2"');
    expect(problems({ id: 'a', match: { jsonPath: '$.a' }, metric: { name: 'm', type: 'counter', labels: { x: '$1' } } })[0]).toContain('the rule matches without a regex');
    expect(problems({ id: 'a', match: { jsonPath: 'a..b' }, metric: { name: 'm', type: 'counter' } })[0]).toContain('must be a JSON path');
    expect(problems({ id: 'a', match: { regex: 'x' }, metric: { name: '0bad', type: 'counter' } })[0]).toContain('must be a metric name');
    expect(problems({ id: 'a', match: { regex: 'x' }, metric: { name: 'm', type: 'counter', labels: { __x: 'v' } } })[0]).toContain('reserved');
    expect(problems({ id: 'a', match: { regex: 'x' }, metric: { name: 'm', type: 'counter', value: '$' } })[0]).toContain('"$" must be followed by');
  });
});

describe('regex guard', () => {
  it.each([
    ['(a+)+$', /repeats a group that itself repeats/],
    ['(a*)*b', /repeats a group that itself repeats/],
    ['^(\\w+\\s?)+$', /repeats a group that itself repeats/],
    ['(a|aa)+b', /alternatives can match the same text/],
    ['(.|\\s)*x', /alternatives can match the same text/],
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /backreference/],
    ['x'.repeat(2000), /at most 1024 characters/],
    ['(', /not a valid regular expression/],
  ])('refuses %s', (src, why) => {
    expect(regexProblem(src)).toMatch(why);
  });

  it.each([
    'SQL query failed: (?<table>\\w+)',
    '^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] "(\\w+) ([^"]*)" (\\d{3}) (\\d+)',
    'took (\\d+(?:\\.\\d+)?)ms',
    '(GET|POST|PUT) /api/(\\w+)',
    '(?:ab)+c',
    'level=(error|warn)',
    '[a-z]+@[a-z]+\\.com',
  ])('accepts %s', (src) => {
    expect(regexProblem(src)).toBeNull();
  });
});

describe('log bodies', () => {
  it('JSON lines, with a per-line source; text lines; a JSON array', () => {
    const body = '{"msg":"a","source":"api"}\n{"msg":"b"}\n\nnot json\r\n{"msg":"c","source":"bad source"}\n';
    expect(parseLogBody(body, 'application/x-ndjson', 'web')).toEqual([
      { line: '{"msg":"a","source":"api"}', source: 'api' },
      { line: '{"msg":"b"}', source: 'web' },
      { line: 'not json', source: 'web' },
      { line: '{"msg":"c","source":"bad source"}', source: 'web' },
    ]);
    expect(parseLogBody('one\ntwo', 'text/plain', 'x').map((l) => l.line)).toEqual(['one', 'two']);
    expect(parseLogBody('["one", {"msg":"two","source":"s"}]', 'application/json', 'x')).toEqual([
      { line: 'one', source: 'x' },
      { line: '{"msg":"two","source":"s"}', source: 's' },
    ]);
  });

  it('refuses too many lines, other media types and bad sources with coded errors', () => {
    expect(() => parseLogBody('x\n'.repeat(MAX_LOG_LINES_PER_REQUEST + 1), 'text/plain', 's')).toThrow(expect.objectContaining({ code: 'LOGS_TOO_MANY_LINES', limit: MAX_LOG_LINES_PER_REQUEST }));
    expect(() => parseLogBody('x', 'application/xml', 's')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }));
    expect(() => parseLogBody('[1,', 'application/json', 's')).toThrow(expect.objectContaining({ code: 'MALFORMED_BODY' }));
    expect(() => requestSource('has space', undefined)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(requestSource(null, 'hdr')).toBe('hdr');
    expect(requestSource('q', 'hdr')).toBe('q');
    expect(requestSource(null, undefined)).toBe('http');
  });
});

describe('recent lines', () => {
  it('keeps a bounded ring per rule and per level from WARN up, newest first', () => {
    const r = new RecentLines(3);
    for (let i = 0; i < 5; i++) r.add(i, 'a', 'ERROR', `e${i}`, i % 2 ? ['rule'] : []);
    r.add(10, 'b', 'INFO', 'info line', []);
    r.add(11, 'b', 'WARN', 'warn line', []);
    expect(r.query({ level: 'ERROR', limit: 10 }).map((x) => x.line)).toEqual(['e4', 'e3', 'e2']);
    expect(r.query({ rule: 'rule', limit: 10 }).map((x) => x.line)).toEqual(['e3', 'e1']);
    expect(r.query({ limit: 10 }).map((x) => x.line)).toEqual(['warn line', 'e4', 'e3', 'e2']);
    expect(r.query({ source: 'b', limit: 10 }).map((x) => x.line)).toEqual(['warn line']);
    r.setRules([]);
    expect(r.query({ rule: 'rule', limit: 10 })).toEqual([]);
  });
});
