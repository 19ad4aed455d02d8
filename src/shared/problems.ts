// Schema problems as people read them, the same way everywhere (the settings file, the API's
// `problems`, the settings UI): "boards.3.panels.0.w = 0: Too small: expected number to be >=1".
// The settings UI splits them back into a path (to find the field) and a message.

import type { z } from 'zod';

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + '...' : s;
};

/** Zod issues (parsed with `reportInput: true`) as problem lines, each path prefixed. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((x) => x !== '').join('.');
    if (i.code === 'unrecognized_keys') return `${path ? path + '.' : ''}${i.keys.join(', ')}: unknown setting`;
    const input = 'input' in i ? i.input : undefined;
    return `${path || '(document)'} = ${show(input)}: ${i.message}`;
  });
}

export interface Problem {
  /** Dotted path, e.g. "boards.3.panels.0.w"; "" when the problem is about the whole thing. */
  path: string;
  message: string;
}

/** Where the value shown after " = " ends, so the message can be found even when the value
 * itself contains ": " (a query string, an object). */
function valueEnd(rest: string): number {
  if (rest.startsWith('nothing: ')) return 7;
  // show() cuts long values to 77 characters and "...".
  if (rest.slice(77, 80) === '...' && rest.slice(80, 82) === ': ') return 80;
  const c = rest[0];
  if (c === '"' || c === '{' || c === '[') {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < rest.length; i++) {
      const ch = rest[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') {
          inString = false;
          if (depth === 0) return i + 1;
        }
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  return rest.indexOf(': ');
}

/** Splits a problem line back into its path and message. Lines that name unknown keys
 * ("a.b.c, d: unknown setting") point at the object holding them. */
export function parseProblem(line: string): Problem {
  const eq = / = /.exec(line);
  const head = eq ? line.slice(0, eq.index) : '';
  if (eq && /^[A-Za-z0-9_.$()-]+$/.test(head)) {
    const rest = line.slice(eq.index + 3);
    const end = valueEnd(rest);
    if (end >= 0 && rest.slice(end, end + 2) === ': ') return { path: head === '(document)' || head === '(settings)' ? '' : head, message: rest.slice(end + 2) };
  }
  const unknown = /^(?:([A-Za-z0-9_.$-]*)\.)?([A-Za-z0-9_$-]+(?:, [A-Za-z0-9_$-]+)*): unknown setting$/.exec(line);
  if (unknown) return { path: unknown[1] ?? '', message: `${unknown[2]}: unknown setting` };
  const bare = /^([A-Za-z0-9_.$-]+): (.*)$/s.exec(line);
  if (bare) return { path: bare[1]!, message: bare[2]! };
  return { path: '', message: line };
}
