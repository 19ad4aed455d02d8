// Regular expressions for `=~`/`!~` matchers and label_replace(), with Prometheus's semantics and
// in linear time. Label regexes arrive from outside (a query URL, a feed subscription, a silence),
// so a backtracking engine would let one pattern like `(a|a)*` freeze the process; RE2 (via re2js,
// a port of Go's regexp, the engine Prometheus uses) never backtracks. Patterns are anchored as
// Prometheus 2.x anchors them, `^(?:re)$`: `.` does not match `\n` unless the pattern says `(?s)`
// (Prometheus 3 anchors with `^(?s:re)$`; this follows 2.42, the version docs/promql.md targets).
// Plain patterns are answered without RE2 where that is exact (regex-literals.ts): a finite set
// of strings is a set lookup, and a literal prefix turns most values down before RE2 runs.

import { RE2JS } from 're2js';
import { finiteMatches, literalPrefix } from './regex-literals.ts';
import { RadiatorError } from '../../../shared/errors.ts';
import { REGEX_CACHE_ENTRIES } from '../../../shared/limits.ts';

/** A compiled, fully anchored label regex. */
export interface LabelRegex {
  /** The pattern as written, without the anchoring. */
  readonly source: string;
  /** Whether the whole value matches. */
  test(value: string): boolean;
  /** Every value it matches, when they are a few plain strings (`a|b`, `x(_total)?`). */
  readonly values: readonly string[] | null;
  /** The groups of a whole-value match (numbered and named, as RegExp's), or null. */
  exec(value: string): RegExpExecArray | null;
}

/** Compiled patterns by source: the alert engine and the store compile the same few patterns again
 * and again, and RE2 compiles more slowly than V8's RegExp caches. */
const cache = new Map<string, LabelRegex>();

/** Compile an RE2 pattern the way Prometheus does; a pattern RE2 refuses (lookaround,
 * backreferences, repeat counts over 1000, unbalanced groups) throws INVALID_PARAMETER naming the
 * pattern and RE2's reason. */
export function compileRegex(pattern: string): LabelRegex {
  const known = cache.get(pattern);
  if (known) return known;
  let re: RE2JS;
  try {
    // On its own first, as Prometheus parses it: otherwise `a)|(b` would close the anchoring group.
    RE2JS.compile(pattern);
    re = RE2JS.compile('^(?:' + pattern + ')$');
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new RadiatorError('INVALID_PARAMETER', `invalid regular expression ${JSON.stringify(pattern)}: ${reason} (RE2 syntax, as in Prometheus)`);
  }
  const values = finiteMatches(pattern);
  const set = values ? new Set(values) : null;
  const prefix = set ? '' : literalPrefix(pattern);
  const compiled: LabelRegex = {
    source: pattern,
    values,
    test: set ? (value) => set.has(value) : prefix ? (value) => value.startsWith(prefix) && re.testExact(value) : (value) => re.testExact(value),
    exec: (value) => re.exec(value) as RegExpExecArray | null,
  };
  if (cache.size >= REGEX_CACHE_ENTRIES) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}
