// Plain label regexes answered without RE2 (regex-literals.ts): the sets and prefixes read from
// patterns, and, on thousands of generated patterns and values, the same answer as RE2 itself
// for every value (a wrong set or prefix would turn down a value RE2 matches, or the reverse).
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { finiteMatches, literalPrefix } from '../../../../src/main/core/store/regex-literals.ts';
import { compileRegex } from '../../../../src/main/core/store/index.ts';

describe('finiteMatches', () => {
  it.each([
    ['http_requests(_total)?', ['http_requests', 'http_requests_total']],
    ['GET|POST', ['GET', 'POST']],
    ['a(b|c)(d|e)?', ['ab', 'ac', 'abd', 'abe', 'acd', 'ace']],
    ['(?:x|y)z', ['xz', 'yz']],
    ['a\\.b', ['a.b']],
    ['', ['']],
    ['a|', ['a', '']],
    ['😀?x', ['x', '😀x']],
    ['a|a', ['a']],
  ])('%s', (pattern, want) => {
    expect(finiteMatches(pattern)?.sort()).toEqual([...want].sort());
  });

  it.each(['a.*', 'a+', 'a*', '[ab]', 'a{2}', '(?i)a', '(?P<n>a)', '\\d', 'a)', '(a', '^a', 'a$', 'a??', '.'])('gives no set for %s', (pattern) => {
    expect(finiteMatches(pattern)).toBeNull();
  });

  it('gives up past 256 strings', () => {
    expect(finiteMatches('(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)')).toHaveLength(256);
    expect(finiteMatches('(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)')).toBeNull();
  });
});

describe('literalPrefix', () => {
  it.each([
    ['node_.*', 'node_'],
    ['ab?c', 'a'],
    ['a\\.b.*', 'a.b'],
    ['a|b.*', ''],
    ['(a|b).*', ''],
    ['x[|]y.*', 'x'],
    ['(?i)abc.*', ''],
    ['😀?.*', ''],
    ['😀.*', '😀'],
    ['abc\\d', 'abc'],
  ])('%s → %j', (pattern, want) => {
    expect(literalPrefix(pattern)).toBe(want);
  });
});

describe('compiled label regexes agree with RE2', () => {
  it('on generated patterns and values', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const tokens = ['a', 'b', 'ab', '_', '(', ')', '(?:', '|', '?', '.', '*', '+', '\\.', '[ab]', '[|]', '😀', 'x', '(?i)', '{2}', '^', '$'];
    const letters = ['a', 'b', 'x', '_', '.', '😀', 'A', '\n'];
    let patterns = 0;
    let checks = 0;
    let withSet = 0;
    let withPrefix = 0;
    for (let k = 0; k < 8000; k++) {
      let p = '';
      const len = 1 + rand(7);
      for (let t = 0; t < len; t++) p += tokens[rand(tokens.length)];
      let raw: RE2JS;
      try {
        RE2JS.compile(p);
        raw = RE2JS.compile('^(?:' + p + ')$');
      } catch {
        continue;
      }
      patterns++;
      if (finiteMatches(p)) withSet++;
      else if (literalPrefix(p)) withPrefix++;
      const re = compileRegex(p);
      const values = new Set<string>(finiteMatches(p) ?? []);
      values.add('');
      // Values near the pattern's own text: its literal characters, cut at every length.
      const plain = p.replace(/\(\?i\)|\(\?:|\{2\}|\[ab\]|\[\|\]|\\/g, '').replace(/[()|?*+^$]/g, '');
      for (let cut = 0; cut <= plain.length; cut++) values.add(plain.slice(0, cut));
      for (let v = 0; v < 30; v++) {
        let s = '';
        const vl = rand(6);
        for (let c = 0; c < vl; c++) s += letters[rand(letters.length)];
        values.add(s);
      }
      for (const v of values) {
        expect(re.test(v), `${JSON.stringify(p)} on ${JSON.stringify(v)}`).toBe(raw.testExact(v));
        checks++;
      }
    }
    // The generator must reach both shortcuts, or this test checks little.
    expect(patterns).toBeGreaterThan(500);
    expect(withSet).toBeGreaterThan(50);
    expect(withPrefix).toBeGreaterThan(50);
    expect(checks).toBeGreaterThan(10_000);
  });
});
