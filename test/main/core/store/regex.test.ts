// Label regexes: Prometheus 2.x semantics (RE2, anchored as `^(?:re)$`) and linear time. The
// table's ordinary patterns must answer as the old backtracking translation did; the rows marked
// `re2` are where RE2 (and so Prometheus) differs from JavaScript's RegExp.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compileMatcher, compileRegex, parseSelector } from '../../../../src/main/core/store/index.ts';
import { RadiatorError } from '../../../../src/shared/errors.ts';

/** The translation this module replaced (kept here as the oracle for ordinary patterns). */
function oldRegex(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([is]+)\)/.exec(body);
  if (lead) {
    flags = [...new Set(lead[1]!)].join('');
    body = body.slice(lead[0].length);
  }
  return new RegExp('^(?:' + body + ')$', flags);
}

type Row = [pattern: string, value: string, matches: boolean, note?: 're2'];

const TABLE: Row[] = [
  // anchoring: the whole value, and the whole alternation
  ['foo', 'foo', true],
  ['foo', 'xfoo', false],
  ['foo', 'foox', false],
  ['foo|bar', 'bar', true],
  ['foo|bar', 'foobar', false],
  ['foo|bar', 'xbar', false],
  ['^foo$', 'foo', true],
  ['fo', 'foo', false],
  ['.*', '', true],
  ['.+', '', false],
  ['.*oo', 'foo', true],
  ['f.*', 'foo', true],
  ['', '', true],
  ['', 'x', false],
  // `.` and newlines: Prometheus 2.x does not match `\n` with `.` unless `(?s)`
  ['.*', 'a\nb', false],
  ['a.b', 'a\nb', false],
  ['(?s)a.b', 'a\nb', true],
  ['(?s).*', 'a\nb', true],
  ['a\\nb', 'a\nb', true],
  // character classes
  ['[a-c]+', 'abcabc', true],
  ['[a-c]+', 'abd', false],
  ['[^a-c]+', 'xyz', true],
  ['[^a-c]+', 'xaz', false],
  ['\\d+', '0123456789', true],
  ['\\d+', '12a', false],
  ['\\w+', 'node_exporter9', true],
  ['\\w+', 'a-b', false],
  ['\\s', ' ', true],
  ['\\s', '\t', true],
  ['5..', '503', true],
  ['5..', '5030', false],
  ['[[:alpha:]]+', 'abcXYZ', true, 're2'],
  ['[[:digit:]]+', '42', true, 're2'],
  ['\\pL+', 'héllo', true, 're2'],
  ['\\s', '\v', false, 're2'], // RE2's \s is [\t\n\f\r ]
  ['\\s', '\u00a0', false, 're2'],
  ['\\Qa.b\\E', 'a.b', true, 're2'],
  ['\\Qa.b\\E', 'axb', false, 're2'],
  // alternation, groups, repetition
  ['(a|b)c', 'bc', true],
  ['(?:ab)+', 'ababab', true],
  ['(?:ab)+', 'ababa', false],
  ['a{2,3}', 'aaa', true],
  ['a{2,3}', 'aaaa', false],
  ['api|api-v2|web', 'api-v2', true],
  ['(prod|staging)-.*', 'staging-eu-1', true],
  ['(prod|staging)-.*', 'dev-eu-1', false],
  ['a?b?', '', true],
  // case-insensitive
  ['(?i)foo', 'FoO', true],
  ['(?i)foo|bar', 'BAR', true],
  ['(?is)a.b', 'A\nB', true],
  ['(?i:foo)bar', 'FOObar', true, 're2'],
  ['(?i:foo)bar', 'FOOBAR', false, 're2'],
  ['foo(?i)bar', 'fooBAR', true, 're2'],
  ['foo(?i)bar', 'FOObar', false, 're2'],
  // Unicode: `.` is one code point
  ['.', '😀', true, 're2'],
  ['..', 'é!', true],
  ['x.y', 'x😀y', true, 're2'],
];

describe('label regex semantics (Prometheus 2.x: RE2, ^(?:re)$)', () => {
  it.each(TABLE)('%j against %j → %s', (pattern, value, expected, note) => {
    expect(compileRegex(pattern).test(value)).toBe(expected);
    if (note !== 're2') expect(oldRegex(pattern).test(value), 'the old engine agreed on this ordinary pattern').toBe(expected);
  });

  it('label_replace gets numbered and named groups of a whole-value match', () => {
    const m = compileRegex('(?P<host>[^:]+):(\\d+)').exec('db-1:9100')!;
    expect([m[0], m[1], m[2], m.groups?.host]).toEqual(['db-1:9100', 'db-1', '9100', 'db-1']);
    expect(compileRegex('(?<host>[^:]+)').exec('db-1')!.groups?.host).toBe('db-1');
    expect(compileRegex('(a)|(b)').exec('b')![1] ?? '').toBe('');
    expect(compileRegex('b').exec('abc')).toBeNull(); // anchored: no match inside the value
  });

  it('refuses what RE2 (and Prometheus) refuse, with a coded error naming the pattern', () => {
    for (const bad of ['(', 'a)|(b', '(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', 'x**', 'a{1001}', '(a{1000}){1000}', '[z-a]']) {
      let err: unknown;
      try {
        compileRegex(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(RadiatorError);
      expect((err as RadiatorError).code).toBe('INVALID_PARAMETER');
      expect((err as RadiatorError).message).toContain(JSON.stringify(bad));
    }
  });

  it('matchers and selectors use it: =~ and !~, and the empty-match rule', () => {
    const m = compileMatcher({ name: 'job', op: '!~', value: '(?i)API' });
    expect(m.test('api')).toBe(false);
    expect(m.test('web')).toBe(true);
    expect(() => parseSelector('{a=~"(?=x)"}')).toThrow(/invalid regular expression/);
    expect(() => parseSelector('{a=~"x*"}')).toThrow(/does not match the empty string/);
  });
});

type Via = 'test' | 'exec' | 'matcher';

/** Runs cases in a worker thread, so a backtracking engine (which cannot be interrupted) fails the
 * test at the deadline instead of hanging the run. Each answer is whether the value matched. */
function inWorker(cases: Array<[Via, string, string]>, deadlineMs: number): Promise<boolean[]> {
  const src = (f: string) => new URL(`../../../../src/main/core/store/${f}`, import.meta.url).href;
  const worker = new Worker(
    `const { parentPort, workerData: w } = require('node:worker_threads');
     Promise.all([import(w.regex), import(w.matchers)]).then(([{ compileRegex }, { compileMatcher }]) =>
       parentPort.postMessage(w.cases.map(([via, p, v]) =>
         via === 'exec' ? compileRegex(p).exec(v) !== null
         : via === 'matcher' ? compileMatcher({ name: 'v', op: '=~', value: p }).test(v)
         : compileRegex(p).test(v))));`,
    { eval: true, workerData: { regex: src('regex.ts'), matchers: src('matchers.ts'), cases } },
  );
  return new Promise<boolean[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not answered within ${deadlineMs} ms: the engine backtracks`)), deadlineMs);
    worker.once('message', (r: boolean[]) => {
      clearTimeout(timer);
      resolve(r);
    });
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

describe('label regexes run in linear time', () => {
  // A backtracking engine takes ~2^n steps for these on a non-matching value of n characters (the
  // issue saw 4.3 s at n = 29, doubling per character); at n = 10,000 it would never finish. Here
  // every case together answers in well under a second.
  it('{v=~"(a|a)*"}, (a*)*b and friends against 30 to 10,000-character values', async () => {
    const cases: Array<[Via, string, string, boolean]> = [];
    for (const n of [30, 100, 1_000, 10_000]) {
      cases.push(
        ['matcher', '(a|a)*', 'a'.repeat(n) + '!', false],
        ['matcher', '(a|a)*', 'a'.repeat(n), true],
        ['test', '(a*)*b', 'a'.repeat(n), false],
        ['test', '(a*)*b', 'a'.repeat(n) + 'b', true],
        ['test', '(x+x+)+y', 'x'.repeat(n), false],
        ['test', '(.*a){12}', 'a'.repeat(11) + 'b'.repeat(n), false],
        ['exec', '(a|a)*', 'a'.repeat(n) + '!', false], // the capturing path label_replace takes
        ['exec', '(a|a)*', 'a'.repeat(n), true],
      );
    }
    const answers = await inWorker(
      cases.map(([via, p, v]) => [via, p, v]),
      4_000,
    );
    expect(answers).toEqual(cases.map((c) => c[3]));
  });
});
