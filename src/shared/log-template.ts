// The small template language of log rules' `value` and `labels`: `$1` or `${name}` is a regex
// capture group, `$.a.b[0]` (the whole template) a field of a JSON line, `$$` a dollar sign,
// anything else literal text. Parsed once when settings load; shared so validation and the
// core agree.

export type TemplatePart = { lit: string } | { group: string } | { json: Array<string | number> };

export interface Template {
  readonly parts: readonly TemplatePart[];
  /** The whole template is one JSON path. */
  readonly jsonPath: Array<string | number> | null;
}

const JSON_PATH = /^\$((?:\.[A-Za-z_@][\w@-]*|\[\d+\])+)$/;

/** Parse a JSON path `$.a.b[0]` (or `a.b` without the `$.`) into steps; null if malformed. */
export function parseJsonPath(s: string): Array<string | number> | null {
  const m = JSON_PATH.exec(s.startsWith('$') ? s : '$.' + s);
  if (!m) return null;
  const steps: Array<string | number> = [];
  for (const part of m[1]!.matchAll(/\.([A-Za-z_@][\w@-]*)|\[(\d+)\]/g)) steps.push(part[1] !== undefined ? part[1] : Number(part[2]));
  return steps;
}

/** Throws an Error naming the problem. */
export function parseTemplate(s: string): Template {
  if (s.startsWith('$.')) {
    const path = parseJsonPath(s);
    if (!path) throw new Error(`"${s}" is not a JSON path like $.a.b or $.list[0]`);
    return { parts: [{ json: path }], jsonPath: path };
  }
  const parts: TemplatePart[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '$') {
      lit += c;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      lit += '$';
      i++;
      continue;
    }
    let ref: string | null = null;
    if (next === '{') {
      const end = s.indexOf('}', i);
      if (end < 0) throw new Error(`"${s}": "\${" without a closing "}"`);
      ref = s.slice(i + 2, end);
      if (!/^([A-Za-z_$][\w$]*|\d{1,2})$/.test(ref)) throw new Error(`"${s}": "\${${ref}}" is not a capture group name or number`);
      i = end;
    } else {
      const m = /^\d{1,2}/.exec(s.slice(i + 1));
      if (!m) throw new Error(`"${s}": "$" must be followed by a group number, {name}, "." (a JSON path) or "$"`);
      ref = m[0];
      i += m[0].length;
    }
    if (lit) parts.push({ lit });
    lit = '';
    parts.push({ group: ref });
  }
  if (lit) parts.push({ lit });
  return { parts, jsonPath: null };
}

/** The capture groups a template refers to. */
export function templateGroups(t: Template): string[] {
  return t.parts.flatMap((p) => ('group' in p ? [p.group] : []));
}
