// Refusing log-rule regexes that would backtrack catastrophically on a hostile line. JavaScript
// regexes backtrack and cannot be interrupted, so a rule like `(a+)+$` could stall the collector
// on one 30-character line. Two checks, where they reasonably can:
//   1. the shape: a quantified group whose body can repeat by itself (a nested unbounded
//      quantifier, `(a+)+`, `(.*)*`) or whose alternatives can start alike (`(a|ab)*`), and
//      backreferences (matching with them is NP-hard);
//   2. a timing probe: the regex against lines built from its own literals and common
//      characters, growing in length up to the longest line rules see; one that takes too long
//      is refused with the length it choked on.
// Lines are cut to MAX_LOG_LINE_BYTES before matching, which bounds polynomial cases.

import { MAX_LOG_LINE_BYTES, MAX_LOG_REGEX_CHARS } from './limits.ts';

interface Group {
  start: number;
  body: string;
}

/** Verdicts by source: settings are validated as a whole on every edit of any section. */
const verdicts = new Map<string, string | null>();

/** The problem with a regex, or null. */
export function regexProblem(source: string): string | null {
  const known = verdicts.get(source);
  if (known !== undefined) return known;
  const v = judge(source);
  if (verdicts.size >= 1_000) verdicts.clear();
  verdicts.set(source, v);
  return v;
}

function judge(source: string): string | null {
  if (source.length > MAX_LOG_REGEX_CHARS) return `must be at most ${MAX_LOG_REGEX_CHARS} characters`;
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`;
  }
  const shape = shapeProblem(source);
  if (shape) return shape;
  return timingProblem(re, source);
}

const UNBOUNDED = /^(\*|\+|\{\d+,\})/;

/** Walks the source once, tracking groups, character classes and escapes. */
function shapeProblem(src: string): string | null {
  const stack: Group[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(n) || n === 'k')) return 'uses a backreference, which can take exponential time; match without it';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ start: i, body: '' });
    else if (c === ')') {
      const g = stack.pop();
      if (!g) continue;
      const body = src.slice(g.start + 1, i).replace(/^\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/, '');
      const after = src.slice(i + 1);
      if (UNBOUNDED.test(after)) {
        if (hasUnboundedQuantifier(body)) {
          return `repeats a group that itself repeats ("${src.slice(g.start, i + 2)}"), which can take exponential time on a line that almost matches; make the inner part match one way only`;
        }
        if (overlappingAlternatives(body)) {
          return `repeats a group whose alternatives can match the same text ("${src.slice(g.start, i + 2)}"), which can take exponential time; make the alternatives distinct`;
        }
      }
    }
  }
  return null;
}

function hasUnboundedQuantifier(body: string): boolean {
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      i++;
      if (!inClass && UNBOUNDED.test(body.slice(i + 1))) return true;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (UNBOUNDED.test(body.slice(i + 1))) return true;
      }
      continue;
    }
    if (c === '[') inClass = true;
    else if (UNBOUNDED.test(body.slice(i + 1)) && c !== '(' && c !== '|') return true;
  }
  return false;
}

/** Top-level alternatives of a group body that could begin with the same character. */
function overlappingAlternatives(body: string): boolean {
  const alts: string[] = [];
  let depth = 0;
  let inClass = false;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      cur += c + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      alts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  alts.push(cur);
  if (alts.length < 2) return false;
  const firsts = alts.map((a) => (/^[A-Za-z0-9 _\-:/=,;'"<>@#%&!~`]/.test(a) ? a[0]!.toLowerCase() : '*'));
  if (firsts.includes('*')) return true; // a class, a dot, an escape or a group: assume overlap
  return new Set(firsts).size < firsts.length;
}

/** Milliseconds one rule may spend on one probe line before it is judged too slow. Generous
 * enough for quadratic regexes (`[a-z]+@[a-z]+` takes ~70 ms on an 8 KiB line of letters, an
 * acceptable worst case), tight enough for cubic and exponential ones. */
const PROBE_BUDGET_MS = 250;
/** All probes of one regex together. */
const TOTAL_BUDGET_MS = 2_000;

function timingProblem(re: RegExp, src: string): string | null {
  const literals = new Set<string>(['a', ' ', '0', 'x', '.', '-', '=', '"']);
  for (const m of src.replace(/\\./g, '').matchAll(/[A-Za-z0-9 _\-:/=,;."']/g)) literals.add(m[0]);
  const units = [...literals].slice(0, 24);
  for (const w of src.replace(/\\./g, ' ').match(/[A-Za-z0-9_]{2,}/g) ?? []) if (units.length < 40) units.push(w + ' ');
  const lengths = [8, 12, 16, 20, 24, 28, 32, 48, 64, 128, 256, 1024, MAX_LOG_LINE_BYTES];
  const start = performance.now();
  for (const n of lengths) {
    if (performance.now() - start > TOTAL_BUDGET_MS) return `takes too long to check (over ${TOTAL_BUDGET_MS} ms on probe lines); simplify it`;
    for (const u of units) {
      const line = u.repeat(Math.ceil(n / u.length)).slice(0, n) + '\u0001';
      const t0 = performance.now();
      re.test(line);
      const ms = performance.now() - t0;
      if (ms > PROBE_BUDGET_MS) return `backtracks too much: ${Math.round(ms)} ms on a ${n}-character line; simplify it (avoid nested or adjacent repeats that can match the same text)`;
    }
  }
  return null;
}
