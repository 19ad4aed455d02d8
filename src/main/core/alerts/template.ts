// Summary, annotation and label templates: the part of Prometheus's Go templates alert rules use,
// with no code in them. {{ $labels.name }}, {{ $value }}, {{ $externalLabels.name }} (Radiator
// has none: empty), {{ . }} inside a block, string and number literals; the functions printf,
// humanize, humanize1024, humanizePercentage, humanizeDuration, toUpper, toLower and title,
// called or piped; {{ if }} / {{ with }} … {{ else }} … {{ end }}; {{- and -}} trim; comments.
// Anything else (range, variables, query, comparisons, parentheses, $externalURL, …) is left as
// written, so it shows rather than rendering wrong. Numbers print as Go prints them (go-format.ts).

import { formatFloat, sprint, sprintf, type GoValue } from './go-format.ts';

export interface TemplateData {
  labels: Record<string, string>;
  value: number | null;
}

export interface TemplateOptions {
  /** Print a bare float as Go does (`{{ $value }}` → 0.3333333333333333, 1e+06), as Prometheus's
   * annotations read; otherwise to 6 significant digits, which a TV reads better. */
  prometheus?: boolean;
}

/** %.4g with Prometheus's SI prefixes: 1234567 → "1.235M", 0.00123 → "1.23m". */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatFloat(v, 'g', 4);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return formatFloat(v, 'g', 4) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatFloat(v, 'g', 4);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return formatFloat(v, 'g', 4) + prefix;
}

/** Prometheus's humanizeDuration: 3725 → "1h 2m 5s", 43200 → "12h 0m 0s", 1.5 → "1.5s". */
export function humanizeDuration(seconds: number): string {
  let v = seconds;
  if (!Number.isFinite(v)) return formatFloat(v, 'g', 4);
  if (v === 0) return `${formatFloat(v, 'g', 4)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const total = Math.trunc(v);
    const s = total % 60;
    const m = Math.trunc(total / 60) % 60;
    const h = Math.trunc(total / 3600) % 24;
    const d = Math.trunc(total / 86_400);
    if (d !== 0) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${formatFloat(v, 'g', 4)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatFloat(v, 'g', 4)}${prefix}s`;
}

type Val = GoValue | { kind: 'none' };

/** Prometheus's convertToFloat: a number, or a string that parses as one. */
function toFloat(a: Val): number | null {
  if (a.kind === 'float' || a.kind === 'int') return a.v;
  if (a.kind === 'string') {
    const s = a.v.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|inf|NaN)$/.test(s)) return null;
    return /inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
  }
  return null;
}

const str = (a: Val): string | null => (a.kind === 'string' ? a.v : null);
const float = (v: number): Val => ({ kind: 'float', v });
const text = (v: string): Val => ({ kind: 'string', v });

const onFloat =
  (f: (v: number) => string) =>
  (args: Val[]): Val | null => {
    const v = args.length === 1 ? toFloat(args[0]!) : null;
    return v === null ? null : text(f(v));
  };
const onString =
  (f: (s: string) => string) =>
  (args: Val[]): Val | null => {
    const s = args.length === 1 ? str(args[0]!) : null;
    return s === null ? null : text(f(s));
  };

const FUNCTIONS: ReadonlyMap<string, (args: Val[]) => Val | null> = new Map([
  ['humanize', onFloat(humanize)],
  ['humanize1024', onFloat(humanize1024)],
  ['humanizePercentage', onFloat((v) => `${formatFloat(v * 100, 'g', 4)}%`)],
  ['humanizeDuration', onFloat(humanizeDuration)],
  ['toUpper', onString((s) => s.toUpperCase())],
  ['toLower', onString((s) => s.toLowerCase())],
  // strings.Title: the first letter of every word.
  ['title', onString((s) => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase()))],
  [
    'printf',
    (args: Val[]): Val | null => {
      const f = args[0] && str(args[0]);
      if (f === null || f === undefined || args.some((a) => a.kind === 'none')) return null;
      return text(sprintf(f, args.slice(1) as GoValue[]));
    },
  ],
]);

interface Scope {
  data: TemplateData;
  /** `.` inside {{ with }}; undefined at the top, where `.` is Prometheus's whole data and not
   * printable here. */
  dot: Val | undefined;
}

/** Splits on `sep` outside quotes; null when a quote is not closed. */
function split(s: string, sep: RegExp): string[] | null {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      cur += c;
      if (c === '\\' && q === '"') cur += s[++i] ?? '';
      else if (c === q) q = null;
    } else if (c === '"' || c === '`') {
      q = c;
      cur += c;
    } else if (sep.test(c)) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (q) return null;
  out.push(cur);
  return out;
}

function operand(tok: string, scope: Scope): Val | null {
  if (tok === '$value') return scope.data.value === null ? { kind: 'none' } : float(scope.data.value);
  const label = /^\$(labels|externalLabels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(tok);
  if (label) return text(label[1] === 'labels' && Object.hasOwn(scope.data.labels, label[2]!) ? scope.data.labels[label[2]!]! : '');
  if (tok === '.') return scope.dot ?? null;
  if (tok.startsWith('"')) {
    try {
      return text(JSON.parse(tok) as string);
    } catch {
      return null;
    }
  }
  if (tok.startsWith('`') && tok.endsWith('`') && tok.length >= 2) return text(tok.slice(1, -1));
  if (/^[+-]?\d+$/.test(tok)) return { kind: 'int', v: Number(tok) };
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/.test(tok)) return float(Number(tok));
  return null;
}

/** A pipeline's value, or null when it uses what this renderer does not do. */
function pipeline(src: string, scope: Scope): Val | null {
  if (/[()]/.test(src.replace(/"(\\.|[^"\\])*"|`[^`]*`/g, ''))) return null;
  const commands = split(src, /\|/);
  if (!commands) return null;
  let v: Val | null = null;
  for (let i = 0; i < commands.length; i++) {
    const toks = split(commands[i]!.trim(), /\s/)?.filter((t) => t !== '');
    if (!toks || toks.length === 0) return null;
    const fn = FUNCTIONS.get(toks[0]!);
    if (!fn) {
      if (i > 0 || toks.length > 1) return null;
      v = operand(toks[0]!, scope);
      if (!v) return null;
      continue;
    }
    const args: Val[] = [];
    for (const t of toks.slice(1)) {
      const a = operand(t, scope);
      if (!a) return null;
      args.push(a);
    }
    if (v) args.push(v);
    v = fn(args);
    if (!v) return null;
  }
  return v;
}

function print(v: Val, o: TemplateOptions): string {
  if (v.kind === 'none') return 'no value';
  if (v.kind === 'float' && !o.prometheus) return Number.isFinite(v.v) ? String(Number(v.v.toPrecision(6))) : sprint(v);
  return sprint(v);
}

const truthy = (v: Val): boolean => (v.kind === 'string' ? v.v !== '' : v.kind === 'none' ? false : v.v !== 0);

type Node =
  | { t: 'text'; s: string }
  | { t: 'action'; raw: string; body: string }
  | { t: 'block'; kind: 'if' | 'with'; raw: string; cond: string; then: Node[]; else: Node[] };

interface Tok {
  raw: string;
  body: string;
  trimLeft: boolean;
  trimRight: boolean;
}

/** Text and actions, with {{- and -}} applied to the text beside them. */
/** Where the action opened at `open` ends: the index of the first }} outside a quoted string
 * (tpl.length - 1 or more when there is none), and the quote still open there, if any. */
function actionEnd(tpl: string, open: number): { end: number; quote: string | null } {
  let j = open + 2;
  let q: string | null = null;
  for (; j < tpl.length - 1; j++) {
    const c = tpl[j]!;
    if (q) {
      if (c === '\\' && q === '"') j++;
      else if (c === q) q = null;
    } else if (c === '"' || c === '`') q = c;
    else if (c === '}' && tpl[j + 1] === '}') break;
  }
  return { end: j, quote: q };
}

function lex(tpl: string): Array<string | Tok> {
  const out: Array<string | Tok> = [];
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) break;
    const { end: j } = actionEnd(tpl, open);
    if (j >= tpl.length - 1) break; // unclosed: the rest stays text
    let body = tpl.slice(open + 2, j);
    const trimLeft = /^-\s/.test(body);
    const trimRight = /\s-$/.test(body);
    if (trimLeft) body = body.slice(1);
    if (trimRight) body = body.slice(0, -1);
    out.push(tpl.slice(i, open));
    out.push({ raw: tpl.slice(open, j + 2), body: body.trim(), trimLeft, trimRight });
    i = j + 2;
  }
  out.push(tpl.slice(i));
  for (let k = 0; k < out.length; k++) {
    const t = out[k]!;
    if (typeof t === 'string') continue;
    if (t.trimLeft && typeof out[k - 1] === 'string') out[k - 1] = (out[k - 1] as string).replace(/\s+$/, '');
    if (t.trimRight && typeof out[k + 1] === 'string') out[k + 1] = (out[k + 1] as string).replace(/^\s+/, '');
  }
  return out;
}

/** The tree of blocks; null when {{ if }}/{{ with }}/{{ else }}/{{ end }} do not pair up. */
function parse(toks: Array<string | Tok>): Node[] | null {
  let at = 0;
  const seq = (inBlock: boolean): { nodes: Node[]; stop: 'end' | 'else' | null } | null => {
    const nodes: Node[] = [];
    while (at < toks.length) {
      const t = toks[at++]!;
      if (typeof t === 'string') {
        if (t) nodes.push({ t: 'text', s: t });
        continue;
      }
      if (/^\/\*[\s\S]*\*\/$/.test(t.body)) continue;
      const kw = /^(if|with|else|end)\b\s*([\s\S]*)$/.exec(t.body);
      if (!kw) {
        nodes.push({ t: 'action', raw: t.raw, body: t.body });
        continue;
      }
      const [, word, rest = ''] = kw;
      if (word === 'end' || word === 'else') {
        if (!inBlock || rest !== '') return null;
        return { nodes, stop: word };
      }
      const then = seq(true);
      if (!then || !then.stop) return null;
      let other: Node[] = [];
      if (then.stop === 'else') {
        const e = seq(true);
        if (!e || e.stop !== 'end') return null;
        other = e.nodes;
      }
      nodes.push({ t: 'block', kind: word as 'if' | 'with', raw: t.raw, cond: rest, then: then.nodes, else: other });
    }
    return inBlock ? null : { nodes, stop: null };
  };
  const r = seq(false);
  return r ? r.nodes : null;
}

function source(n: Node): string {
  if (n.t === 'text') return n.s;
  if (n.t === 'action') return n.raw;
  return n.raw + n.then.map(source).join('') + (n.else.length ? '{{ else }}' + n.else.map(source).join('') : '') + '{{ end }}';
}

function run(nodes: Node[], scope: Scope, o: TemplateOptions): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.s;
    else if (n.t === 'action') {
      const v = pipeline(n.body, scope);
      out += v ? print(v, o) : n.raw;
    } else {
      const v = pipeline(n.cond, scope);
      if (!v) out += source(n);
      else if (truthy(v)) out += run(n.then, n.kind === 'with' ? { ...scope, dot: v } : scope, o);
      else out += run(n.else, scope, o);
    }
  }
  return out;
}

export function renderTemplate(tpl: string, data: TemplateData, o: TemplateOptions = {}): string {
  if (!tpl.includes('{{')) return tpl;
  const nodes = parse(lex(tpl));
  if (!nodes) return tpl;
  return run(nodes, { data, dot: undefined }, o);
}

/** Every function a Prometheus template may call (Prometheus's and text/template's own). */
const PROMETHEUS_FUNCTIONS: ReadonlySet<string> = new Set([
  ...['query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower', 'graphLink', 'tableLink'],
  ...['sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration'],
  ...['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'],
]);
const KEYWORDS: ReadonlySet<string> = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);
const VARIABLES: ReadonlySet<string> = new Set(['$', '$labels', '$externalLabels', '$externalURL', '$value']);

/** What `promtool check rules` says of a template Go would not parse (an unclosed action, blocks
 * that do not pair up, a function or variable Prometheus does not define), or null. `name` is the
 * alert's; the message reads as Prometheus's: `template: __alert_X:1: function "foo" not defined`. */
export function checkTemplate(tpl: string, name: string): string | null {
  const at = (offset: number) => `template: __alert_${name}:${tpl.slice(0, offset).split('\n').length}: `;
  let i = 0;
  let depth = 0;
  const declares = /:=|\s=\s/.test(tpl);
  for (;;) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) break;
    const { end: j, quote: q } = actionEnd(tpl, open);
    if (j >= tpl.length - 1) return `${at(open)}${q ? 'unterminated quoted string' : 'unclosed action'}`;
    const body = tpl.slice(open + 2, j).replace(/^-\s/, '').replace(/\s-$/, '').trim();
    i = j + 2;
    if (/^\/\*[\s\S]*\*\/$/.test(body)) continue;
    if (body === '') return `${at(open)}missing value for command`;
    const words = (body.replace(/"(\\.|[^"\\])*"|`[^`]*`/g, ' "" ').match(/[^\s|()]+/g) ?? []).filter((w) => w !== ':=' && w !== '=' && w !== ',');
    const head = words[0] ?? '';
    if (head === 'if' || head === 'with' || head === 'range' || head === 'block' || head === 'define') depth++;
    else if (head === 'end') {
      if (--depth < 0) return `${at(open)}unexpected {{end}}`;
    } else if (head === 'else' && depth === 0) return `${at(open)}unexpected {{else}}`;
    for (const w of words) {
      if (KEYWORDS.has(w) || w.startsWith('.') || w.startsWith('"') || /^[+-]?[\d.]/.test(w)) continue;
      if (w.startsWith('$')) {
        const v = w.split('.')[0]!;
        if (!declares && !VARIABLES.has(v)) return `${at(open)}undefined variable "${v}"`;
        continue;
      }
      const fn = w.split('.')[0]!;
      if (!PROMETHEUS_FUNCTIONS.has(fn)) return `${at(open)}function "${fn}" not defined`;
    }
  }
  return depth > 0 ? `${at(tpl.length)}unexpected EOF` : null;
}
