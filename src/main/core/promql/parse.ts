// PromQL text → syntax tree, with the grammar Prometheus's own UI uses (@prometheus-io/lezer-promql)
// and Prometheus's type rules. Anything the engine does not evaluate is refused here with an error
// that names it, so no query ever returns a silently wrong answer.

import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { LabelMatcher, MatchOp } from '../../../shared/model.ts';
import { compileRegex } from '../store/index.ts';
import type { AggregateOp, AtModifier, BinaryOp, Expr, MatrixSelector, ValueType, VectorMatching, VectorSelector } from './ast.ts';
import { COMPARISON_OPS, SET_OPS } from './ast.ts';
import { FUNCTIONS } from './functions.ts';
import { PromQLError } from './promql-error.ts';

const AGGREGATES: ReadonlySet<string> = new Set(['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group']);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration (`1h30m`, `5m`, `250ms`, or plain seconds `300`) in ms. */
export function parseDurationMs(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let at = 0;
  let last = Infinity;
  let mm: RegExpExecArray | null;
  while ((mm = re.exec(text))) {
    const unit = UNITS[mm[2]!]!;
    if (unit >= last) throw new PromQLError(`not a valid duration string: "${text}"`);
    last = unit;
    total += Number(mm[1]) * unit;
    at = re.lastIndex;
  }
  if (at !== text.length || text === '') throw new PromQLError(`not a valid duration string: "${text}"`);
  return total;
}

/** Go's strconv.Unquote for the three PromQL quote styles. */
export function unquote(raw: string): string {
  const q = raw[0];
  const body = raw.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case '"':
      case "'":
        out += e;
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        if (e !== undefined && e >= '0' && e <= '7') {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else throw new PromQLError(`invalid escape sequence "\\${e ?? ''}" in string ${raw}`);
    }
  }
  return out;
}

/** A PromQL number literal: decimal, hex, Inf, NaN, or a duration used as seconds. */
function parseNumber(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/.test(t)) return parseInt(t, 16);
  if (/^[0-9]*\.?[0-9]+([e][+-]?[0-9]+)?$/.test(t) || /^[0-9]+\.$/.test(t)) return Number(t);
  if (/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return parseDurationMs(text) / 1000;
  throw new PromQLError(`bad number or duration syntax: "${text}"`);
}

class Builder {
  readonly q: string;
  constructor(q: string) {
    this.q = q;
  }

  text(n: SyntaxNode): string {
    return this.q.slice(n.from, n.to);
  }

  fail(n: SyntaxNode, msg: string): never {
    const before = this.q.slice(0, n.from);
    const line = before.split('\n').length;
    const col = n.from - before.lastIndexOf('\n');
    throw new PromQLError(`${line}:${col}: parse error: ${msg}`);
  }

  children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
    return out;
  }

  child(n: SyntaxNode, name: string): SyntaxNode | null {
    return this.children(n).find((c) => c.name === name) ?? null;
  }

  duration(n: SyntaxNode): number {
    // DurationExpr (arithmetic on durations) is an experimental Prometheus feature.
    const parts = this.children(n);
    const lit = n.name === 'NumberDurationLiteralInDurationContext' || n.name === 'NumberDurationLiteral' ? n : parts.length === 1 ? parts[0]! : null;
    if (!lit || (lit.name !== 'NumberDurationLiteralInDurationContext' && lit.name !== 'NumberDurationLiteral')) {
      this.fail(n, `duration expressions ("${this.text(n)}") are not supported; write a plain duration like 5m`);
    }
    const d = parseDurationMs(this.text(lit));
    return d;
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case 'PromQL': {
        const cs = this.children(n);
        if (cs.length !== 1) this.fail(n, 'expected one expression');
        return this.expr(cs[0]!);
      }
      case 'NumberDurationLiteral':
        return { type: 'number', value: parseNumber(this.text(n)) };
      case 'StringLiteral':
        return { type: 'string', value: unquote(this.text(n)) };
      case 'ParenExpr':
        return { type: 'paren', expr: this.expr(this.children(n)[0]!) };
      case 'UnaryExpr': {
        const [op, e] = this.children(n);
        return { type: 'unary', op: this.text(op!) as '-' | '+', expr: this.expr(e!) };
      }
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
        return this.matrixSelector(n);
      case 'SubqueryExpr': {
        const cs = this.children(n);
        const inner = this.expr(cs[0]!);
        const durations = cs.slice(1).filter((c) => c.name === 'DurationExpr' || c.name.startsWith('NumberDurationLiteral'));
        const range = this.duration(durations[0]!);
        const step = durations[1] ? this.duration(durations[1]) : null;
        if (step === 0) this.fail(n, 'zero step in subquery');
        return { type: 'subquery', expr: inner, range, step, offset: 0, at: null };
      }
      case 'OffsetExpr': {
        const cs = this.children(n);
        const target = this.expr(cs[0]!);
        const dNode = cs.find((c) => c.name === 'OffsetDurationExpr')!;
        const dText = this.text(dNode).trim();
        const neg = dText.startsWith('-');
        const d = parseDurationMs(neg ? dText.slice(1).trim() : dText.replace(/^\+/, ''));
        return this.applyModifier(n, target, 'offset', neg ? -d : d);
      }
      case 'StepInvariantExpr': {
        const cs = this.children(n);
        const target = this.expr(cs[0]!);
        const last = cs[cs.length - 1]!;
        let at: AtModifier;
        if (last.name === 'AtModifierPreprocessors') at = this.text(last).startsWith('start') ? 'start' : 'end';
        else {
          const secs = parseNumber(this.text(last));
          if (!Number.isFinite(secs)) this.fail(last, `timestamp out of bounds for @ modifier: ${this.text(last)}`);
          at = Math.round(secs * 1000);
        }
        return this.applyModifier(n, target, 'at', at);
      }
      case 'BinaryExpr':
        return this.binary(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'FunctionCall':
        return this.call(n);
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        this.fail(n, `the "${this.text(n).split(/\s/).pop()}" modifier is not supported`);
      // eslint-disable-next-line no-fallthrough
      default:
        this.fail(n, `unexpected ${n.name} "${this.text(n).slice(0, 40)}"`);
    }
  }

  applyModifier(n: SyntaxNode, target: Expr, kind: 'offset' | 'at', value: number | 'start' | 'end'): Expr {
    let t: VectorSelector | { offset: number; at: AtModifier };
    if (target.type === 'vector') t = target;
    else if (target.type === 'matrix') t = target.vector;
    else if (target.type === 'subquery') t = target;
    else this.fail(n, `${kind === 'at' ? '@ modifier' : 'offset'} must be preceded by an instant vector selector, range vector selector or subquery`);
    if (kind === 'offset') {
      if (t.offset !== 0) this.fail(n, 'offset may not be set multiple times');
      t.offset = value as number;
    } else {
      if (t.at !== null) this.fail(n, '@ <timestamp> may not be set multiple times');
      t.at = value;
    }
    return target;
  }

  vectorSelector(n: SyntaxNode): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let name: string | null = null;
    const id = this.child(n, 'Identifier');
    if (id) {
      name = this.text(id);
      matchers.push({ name: '__name__', op: '=', value: name });
    }
    const lm = this.child(n, 'LabelMatchers');
    if (lm) {
      for (const c of this.children(lm)) {
        if (c.name === 'UnquotedLabelMatcher' || c.name === 'QuotedLabelMatcher') {
          const [ln, op, val] = this.children(c);
          const labelName = ln!.name === 'QuotedLabelName' ? unquote(this.text(this.children(ln!)[0] ?? ln!)) : this.text(ln!);
          const matchOp = this.text(op!) as MatchOp;
          const value = unquote(this.text(val!));
          if (matchOp === '=~' || matchOp === '!~') {
            try {
              compileRegex(value);
            } catch (e) {
              this.fail(val!, `in matcher ${labelName}${matchOp}"${value}": ${(e as Error).message}`);
            }
          }
          if (labelName === '__name__' && name !== null) this.fail(c, `metric name must not be set twice: "${name}" or "${value}"`);
          matchers.push({ name: labelName, op: matchOp, value });
        } else if (c.name === 'QuotedLabelName') {
          // {"name"}: a quoted metric name (UTF-8 names).
          const value = unquote(this.text(this.children(c)[0] ?? c));
          if (name !== null) this.fail(c, `metric name must not be set twice: "${name}" or "${value}"`);
          name = value;
          matchers.push({ name: '__name__', op: '=', value });
        }
      }
    }
    if (matchers.every(matchesEmpty)) {
      this.fail(n, 'vector selector must contain at least one non-empty matcher');
    }
    return { type: 'vector', name, matchers, offset: 0, at: null };
  }

  matrixSelector(n: SyntaxNode): MatrixSelector {
    const cs = this.children(n);
    const inner = this.expr(cs[0]!);
    if (inner.type !== 'vector') this.fail(n, 'ranges only allowed for vector selectors');
    if (inner.offset !== 0 || inner.at !== null) this.fail(n, 'no offset or @ modifiers allowed before range');
    const range = this.duration(cs[1]!);
    if (range <= 0) this.fail(cs[1]!, 'range must be positive');
    return { type: 'matrix', vector: inner, range };
  }

  grouping(n: SyntaxNode | null): string[] {
    if (!n) return [];
    const out: string[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'LabelName') out.push(this.text(c));
      else if (c.name === 'QuotedLabelName') out.push(unquote(this.text(this.children(c)[0] ?? c)));
    }
    return out;
  }

  binary(n: SyntaxNode): Expr {
    const cs = this.children(n);
    const lhs = this.expr(cs[0]!);
    const opNode = cs[1]!;
    const op = this.text(opNode).toLowerCase() as BinaryOp;
    let bool = false;
    let matching: VectorMatching | null = null;
    let i = 2;
    for (; i < cs.length - 1; i++) {
      const c = cs[i]!;
      if (c.name === 'BoolModifier') bool = true;
      else if (c.name === 'MatchingModifierClause') {
        const parts = this.children(c);
        const kw = parts[0]!;
        matching = { card: 'one-to-one', on: kw.name === 'On', labels: this.grouping(parts[1] ?? null), include: [] };
        const g = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
        if (g) {
          matching.card = g.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          const after = parts[parts.indexOf(g) + 1];
          matching.include = after && after.name === 'GroupingLabels' ? this.grouping(after) : [];
        }
      } else if (c.name === 'FillModifier') this.fail(c, 'fill modifiers are not supported');
    }
    const rhs = this.expr(cs[cs.length - 1]!);
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [t, side] of [[lt, lhs], [rt, rhs]] as const) {
      if (t !== 'scalar' && t !== 'vector') this.fail(n, `binary expression must contain only scalar and instant vector types (got ${t} in "${this.text(n).slice(0, 60)}")`);
      void side;
    }
    if (bool && !COMPARISON_OPS.has(op)) this.fail(n, 'bool modifier can only be used on comparison operators');
    if (COMPARISON_OPS.has(op) && lt === 'scalar' && rt === 'scalar' && !bool) this.fail(n, 'comparisons between scalars must use BOOL modifier');
    if (SET_OPS.has(op)) {
      if (lt !== 'vector' || rt !== 'vector') this.fail(n, `set operator "${op}" not allowed in binary scalar expression`);
      if (matching && matching.card !== 'one-to-one') this.fail(n, `no grouping allowed for "${op}" operation`);
      matching = matching ?? { card: 'many-to-many', on: false, labels: [], include: [] };
      matching.card = 'many-to-many';
    }
    if (matching && (lt !== 'vector' || rt !== 'vector')) this.fail(n, 'vector matching only allowed between instant vectors');
    if (matching && matching.on && matching.include.some((l) => matching!.labels.includes(l))) {
      this.fail(n, `label "${matching.include.find((l) => matching!.labels.includes(l))}" must not occur in ON and GROUP clause at once`);
    }
    if (lt === 'vector' && rt === 'vector' && !matching) matching = { card: 'one-to-one', on: false, labels: [], include: [] };
    return { type: 'binary', op, lhs, rhs, bool, matching };
  }

  aggregate(n: SyntaxNode): Expr {
    const cs = this.children(n);
    const opNode = this.child(n, 'AggregateOp')!;
    const op = this.text(opNode).toLowerCase();
    if (!AGGREGATES.has(op)) this.fail(opNode, `aggregation "${op}" is not supported`);
    const mod = this.child(n, 'AggregateModifier');
    let grouping: string[] = [];
    let without = false;
    if (mod) {
      without = this.children(mod)[0]!.name === 'Without';
      grouping = this.grouping(this.child(mod, 'GroupingLabels'));
    }
    const body = cs.find((c) => c.name === 'FunctionCallBody')!;
    const args = this.children(body).map((c) => this.expr(c));
    const needsParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
    if (args.length !== (needsParam ? 2 : 1)) this.fail(n, `wrong number of arguments for aggregate expression provided, expected ${needsParam ? 2 : 1}, got ${args.length}`);
    const expr = args[args.length - 1]!;
    if (typeOf(expr) !== 'vector') this.fail(n, `expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`);
    const param = needsParam ? args[0]! : null;
    if (param) {
      const want = op === 'count_values' ? 'string' : 'scalar';
      if (typeOf(param) !== want) this.fail(n, `expected type ${want} in aggregation parameter, got ${typeName(typeOf(param))}`);
    }
    return { type: 'aggregate', op: op as AggregateOp, expr, param, grouping, without };
  }

  call(n: SyntaxNode): Expr {
    const id = this.child(n, 'FunctionIdentifier')!;
    const name = this.text(id);
    const spec = FUNCTIONS.get(name);
    if (!spec) this.fail(id, `function "${name}" is not supported by Radiator's engine`);
    const body = this.child(n, 'FunctionCallBody');
    const args = body ? this.children(body).map((c) => this.expr(c)) : [];
    const min = spec.args.length - (spec.optional ?? 0);
    if (args.length < min || (!spec.variadic && args.length > spec.args.length)) {
      this.fail(n, `expected ${spec.optional ? `at least ${min}` : spec.args.length} argument(s) in call to "${name}", got ${args.length}`);
    }
    args.forEach((a, i) => {
      const want = spec.args[Math.min(i, spec.args.length - 1)]!;
      const got = typeOf(a);
      if (got !== want) this.fail(n, `expected type ${typeName(want)} in call to function "${name}", got ${typeName(got)}`);
    });
    return { type: 'call', func: name, args };
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileRegex(m.value).test('');
    case '!~':
      return !compileRegex(m.value).test('');
  }
}

const typeName = (t: ValueType) => (t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t);

export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
    case 'aggregate':
      return 'vector';
    case 'matrix':
    case 'subquery':
      return 'matrix';
    case 'paren':
    case 'unary':
      return typeOf(e.expr);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'call':
      return FUNCTIONS.get(e.func)!.ret;
  }
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'start', 'end']);

/** A call to a name that is neither a function nor an aggregation (the grammar would only say
 * "unexpected"). String literals are blanked out first so `{a="f(x)"}` is not mistaken. */
function unknownFunction(q: string): string | null {
  const bare = q.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (m) => ' '.repeat(m.length));
  for (const m of bare.matchAll(/(?<![\w:{,=~!])([a-zA-Z_][a-zA-Z0-9_]*)\s*\(/g)) {
    const name = m[1]!;
    if (!FUNCTIONS.has(name) && !AGGREGATES.has(name.toLowerCase()) && !KEYWORDS.has(name.toLowerCase()) && !GRAMMAR_ONLY.has(name)) return name;
  }
  return null;
}

/** Functions the grammar knows but the engine does not evaluate (refused by name in call()). */
const GRAMMAR_ONLY = new Set([
  'double_exponential_smoothing',
  'first_over_time',
  'histogram_avg',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantiles',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_sum',
  'info',
  'mad_over_time',
  'sort_by_label',
  'sort_by_label_desc',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
  'limitk',
  'limit_ratio',
  'step',
  'range',
  'start',
  'end',
]);

/** Parse a PromQL expression; throws PromQLError naming the problem and where it is. */
export function parsePromQL(q: string): Expr {
  if (q.trim() === '') throw new PromQLError('empty query');
  const unknown = unknownFunction(q);
  if (unknown) throw new PromQLError(`unknown function "${unknown}"; Radiator's engine has ${FUNCTIONS.size} functions (see docs/promql.md)`);
  const tree = parser.parse(q);
  let err: SyntaxNode | null = null;
  tree.iterate({
    enter(node) {
      if (!err && node.type.isError) err = node.node;
    },
  });
  const b = new Builder(q);
  if (err) {
    const e = err as SyntaxNode;
    const near = q.slice(e.from, Math.max(e.to, e.from + 12)).trim();
    b.fail(e, near === '' ? 'unexpected end of input' : `unexpected "${near}"`);
  }
  const expr = b.expr(tree.topNode);
  const t = typeOf(expr);
  if (t === 'string') throw new PromQLError('a string literal is not a query; expected an expression');
  return expr;
}
