// A board's template variables put into its panels' queries, the way Grafana's Prometheus data
// source interpolates them: `$name`, `${name}`, `${name:format}` and `[[name]]`. Pure; the screen
// applies it when it subscribes, the settings check and "What's arriving" before they parse.
// Several values (or `.*`, all) in a label matcher make it a regex matcher (`=` → `=~`), so
// `instance="$node"` still selects what the value means. Names not declared are left as written.

import type { Board, BoardVariable } from './boards.ts';

/** Grafana's "All" when it has no custom all value: every value. */
export const ALL_VALUE = '.*';

const REF = /\$\{([A-Za-z_]\w*)(?::(\w+))?\}|\[\[([A-Za-z_]\w*)(?::(\w+))?\]\]|\$([A-Za-z_]\w*)/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)(\s*)(=~|!~|!=|=)(\s*)"((?:[^"\\]|\\.)*)"/g;

const regexEscape = (s: string) => s.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');

const valuesOf = (v: BoardVariable): string[] => (Array.isArray(v.value) ? v.value : [v.value]);

/** Matches like a regex rather than one literal value: several values, or all. */
const isRegexValued = (v: BoardVariable) => (Array.isArray(v.value) ? v.value.length !== 1 : v.value === ALL_VALUE || v.value === '.+');

/** The text a reference stands for. `inRegex`: it sits in a =~/!~ matcher (values are escaped
 * and joined with |, as Grafana does for multi-value variables). */
function render(v: BoardVariable, format: string | undefined, inRegex: boolean): string {
  const values = valuesOf(v);
  if (!Array.isArray(v.value) && (v.value === ALL_VALUE || v.value === '.+')) return v.value;
  switch (format) {
    case 'raw':
    case 'text':
      return values.join(',');
    case 'csv':
      return values.join(',');
    case 'pipe':
      return values.join('|');
    case 'regex':
      return values.length === 1 ? regexEscape(values[0]!) : `(${values.map(regexEscape).join('|')})`;
    default:
      if (values.length === 1) return values[0]!;
      return inRegex ? `(${values.map(regexEscape).join('|')})` : values.join('|');
  }
}

const MATCHER_OR_REF = new RegExp(`${MATCHER.source}|${REF.source}`, 'g');
const escapeLiteral = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** `expr` with the variables' values in place of their references, in one pass (a value that
 * itself looks like a reference is not read again). */
export function substituteVariables(expr: string, variables: readonly BoardVariable[]): string {
  if (variables.length === 0 || !/\$|\[\[/.test(expr)) return expr;
  const vars = new Map(variables.map((v) => [v.name, v]));
  const refValue = (m: RegExpExecArray | RegExpMatchArray, at: number, inRegex: boolean): string | null => {
    const v = vars.get((m[at] ?? m[at + 2] ?? m[at + 4])!);
    return v ? render(v, m[at + 1] ?? m[at + 3], inRegex) : null;
  };
  return expr.replace(MATCHER_OR_REF, (...args: unknown[]) => {
    const m = args.slice(0, 11) as unknown as RegExpMatchArray;
    if (m[1] === undefined) return refValue(m, 6, false) ?? m[0]; // a reference outside a matcher
    const [all, label, s1, op, s2, value] = m as unknown as [string, string, string, string, string, string];
    const used = [...value.matchAll(REF)].map((r) => vars.get((r[1] ?? r[3] ?? r[5])!)).filter((v): v is BoardVariable => !!v);
    if (used.length === 0) return all;
    // Several values, or all: the matcher becomes a regex matcher.
    const regex = op === '=~' || op === '!~' || used.some(isRegexValued);
    const newOp = regex ? (op === '=' ? '=~' : op === '!=' ? '!~' : op) : op;
    const out = value.replace(REF, (...r: unknown[]) => {
      const v = refValue(r.slice(0, 6) as unknown as RegExpMatchArray, 1, regex);
      return v === null ? (r[0] as string) : escapeLiteral(v);
    });
    return `${label}${s1}${newOp}${s2}"${out}"`;
  });
}

/** The board as a screen shows it: every query with the variables' values in place. */
export function boardWithVariables<B extends Pick<Board, 'panels' | 'variables'>>(board: B): B {
  if (board.variables.length === 0) return board;
  return { ...board, panels: board.panels.map((p) => ({ ...p, queries: p.queries.map((q) => ({ ...q, expr: substituteVariables(q.expr, board.variables) })) })) };
}
