// Problems, from the shared zod schemas (instantly, in the browser) and from the server (on save),
// as one map from a field's path to its message, so each field can show its own next to it.

import type { z } from 'zod';
import { parseProblem } from '../../../shared/problems.ts';

export type Errors = Record<string, string>;

/** A friendlier word for the schema's generic ones, where the field makes the meaning obvious. */
function friendly(path: string, message: string): string {
  if (/\.expr$/.test(path) && /expected string to have >=1/.test(message)) return 'Write a query.';
  if (/(^|\.)title$/.test(path) && /expected string to have >=1/.test(message)) return 'Give it a title.';
  if (/(^|\.)name$/.test(path) && /expected string to have >=1/.test(message)) return 'Give it a name.';
  return message;
}

/** A schema's issues for a value, by path ("panels.0.w"). */
export function validate(schema: z.ZodType, value: unknown): Errors {
  const r = schema.safeParse(value);
  if (r.success) return {};
  const out: Errors = {};
  for (const i of r.error.issues) {
    const path = i.path.map(String).join('.');
    const msg = i.code === 'unrecognized_keys' ? `unknown: ${i.keys.join(', ')}` : friendly(path, i.message);
    if (!(path in out)) out[path] = msg;
  }
  return out;
}

/** The server's problem lines, by path with `prefix` taken off (a regex on the start of the
 * path, e.g. /^boards\.\d+\.?/ for one board). Lines for other places keep their whole path. */
export function fromProblems(lines: readonly string[] | undefined, prefix: RegExp | null = null): Errors {
  const out: Errors = {};
  for (const line of lines ?? []) {
    const p = parseProblem(line);
    const path = prefix ? p.path.replace(prefix, '') : p.path;
    out[path] = out[path] ? `${out[path]}; ${friendly(path, p.message)}` : friendly(path, p.message);
  }
  return out;
}

/** A DOM id for a field path (ids may not have dots in CSS selectors comfortably). */
export const fieldId = (scope: string, path: string) => `${scope}-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** A whole settings section checked the way the server will (with the boards and playlists the
 * page knows, for references between them), by path inside the section. */
export function validateSection(schema: z.ZodType, section: string, value: unknown, context: Record<string, unknown> = {}): Errors {
  const all = validate(schema, { ...context, [section]: value });
  const out: Errors = {};
  for (const [path, msg] of Object.entries(all)) {
    if (path === section) out[''] = msg;
    else if (path.startsWith(section + '.')) out[path.slice(section.length + 1)] = msg;
  }
  return out;
}
