// Label matchers with Prometheus semantics: regexes are RE2, fully anchored (./regex.ts), and a
// missing label matches as the empty string (so `{env=""}` selects series without `env`).

import type { LabelMatcher, LabelPairs, MatchOp } from '../../../shared/model.ts';
import { labelValue } from '../labels.ts';
import { compileRegex } from './regex.ts';

export interface CompiledMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  test(v: string): boolean;
  /** For `=~`: every value it matches, when they are a few plain strings (see regex-literals.ts). */
  readonly values?: readonly string[] | null;
}

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  switch (m.op) {
    case '=':
      return { ...m, test: (v) => v === m.value };
    case '!=':
      return { ...m, test: (v) => v !== m.value };
    case '=~': {
      const re = compileRegex(m.value);
      return { ...m, test: (v) => re.test(v), values: re.values };
    }
    case '!~': {
      const re = compileRegex(m.value);
      return { ...m, test: (v) => !re.test(v) };
    }
  }
}

export function matchesSeries(matchers: readonly CompiledMatcher[], name: string, labels: LabelPairs): boolean {
  for (const m of matchers) {
    const v = m.name === '__name__' ? name : (labelValue(labels, m.name) ?? '');
    if (!m.test(v)) return false;
  }
  return true;
}

/** Parse a series selector: `name`, `name{a="x",b=~"y.*"}` or `{__name__=~"x.*",a!="1"}`.
 * The PromQL engine has the full grammar; this is what the store and the feed need. */
export function parseSelector(text: string): LabelMatcher[] {
  const s = text.trim();
  let i = 0;
  const out: LabelMatcher[] = [];
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s);
  if (nameMatch) {
    out.push({ name: '__name__', op: '=', value: nameMatch[0] });
    i = nameMatch[0].length;
  }
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  skipWs();
  if (i < s.length) {
    if (s[i] !== '{') throw new Error(`selector: expected "{" at offset ${i} in ${JSON.stringify(text)}`);
    i++;
    for (;;) {
      skipWs();
      if (s[i] === '}') {
        i++;
        break;
      }
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
      if (!ln) throw new Error(`selector: expected a label name at offset ${i} in ${JSON.stringify(text)}`);
      i += ln[0].length;
      skipWs();
      const op = /^(=~|!~|!=|=)/.exec(s.slice(i));
      if (!op) throw new Error(`selector: expected one of = != =~ !~ at offset ${i} in ${JSON.stringify(text)}`);
      i += op[0].length;
      skipWs();
      const q = s[i];
      if (q !== '"' && q !== "'" && q !== '`') throw new Error(`selector: expected a quoted value at offset ${i} in ${JSON.stringify(text)}`);
      let j = i + 1;
      let value = '';
      while (j < s.length && s[j] !== q) {
        if (s[j] === '\\' && q !== '`') {
          const e = s[j + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
          j += 2;
        } else value += s[j++];
      }
      if (j >= s.length) throw new Error(`selector: unterminated string in ${JSON.stringify(text)}`);
      i = j + 1;
      out.push({ name: ln[0], op: op[0] as MatchOp, value });
      skipWs();
      if (s[i] === ',') i++;
      else if (s[i] !== '}') throw new Error(`selector: expected "," or "}" at offset ${i} in ${JSON.stringify(text)}`);
    }
    skipWs();
    if (i !== s.length) throw new Error(`selector: unexpected text after "}" in ${JSON.stringify(text)}`);
  }
  if (out.length === 0) throw new Error('selector: empty');
  // Prometheus refuses selectors that match every series, including the empty one.
  const compiled = out.map(compileMatcher);
  if (compiled.every((m) => m.test(''))) {
    throw new Error(`selector ${JSON.stringify(text)} must contain at least one matcher that does not match the empty string`);
  }
  return out;
}
