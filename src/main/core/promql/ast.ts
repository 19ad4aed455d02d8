// The PromQL syntax tree the engine evaluates, built from @prometheus-io/lezer-promql's parse
// tree by parse.ts. Durations are in ms.

import type { LabelMatcher } from '../../../shared/model.ts';

export type AtModifier = number | 'start' | 'end' | null;

export interface VectorSelector {
  type: 'vector';
  /** The metric name when written as `name{…}`; matchers hold it too. */
  name: string | null;
  matchers: LabelMatcher[];
  offset: number;
  /** `@ <seconds>` as ms, or `@ start()` / `@ end()`. */
  at: AtModifier;
}

export interface MatrixSelector {
  type: 'matrix';
  vector: VectorSelector;
  range: number;
}

export interface Subquery {
  type: 'subquery';
  expr: Expr;
  range: number;
  /** null: the query's step (Prometheus's default resolution). */
  step: number | null;
  offset: number;
  at: AtModifier;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** true: match on `labels` (on(…)); false: ignoring(…) */
  on: boolean;
  labels: string[];
  /** group_left/group_right(…) labels copied from the "one" side */
  include: string[];
}

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values' | 'group';

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | VectorSelector
  | MatrixSelector
  | Subquery
  | { type: 'paren'; expr: Expr }
  | { type: 'unary'; op: '-' | '+'; expr: Expr }
  | { type: 'binary'; op: BinaryOp; lhs: Expr; rhs: Expr; bool: boolean; matching: VectorMatching | null }
  | { type: 'aggregate'; op: AggregateOp; expr: Expr; param: Expr | null; grouping: string[]; without: boolean }
  | { type: 'call'; func: string; args: Expr[] };

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

/** Every vector selector in an expression (what it reads from the store). */
export function selectorsOf(e: Expr, out: VectorSelector[] = []): VectorSelector[] {
  switch (e.type) {
    case 'vector':
      out.push(e);
      break;
    case 'matrix':
      out.push(e.vector);
      break;
    case 'subquery':
    case 'paren':
    case 'unary':
      selectorsOf(e.expr, out);
      break;
    case 'binary':
      selectorsOf(e.lhs, out);
      selectorsOf(e.rhs, out);
      break;
    case 'aggregate':
      if (e.param) selectorsOf(e.param, out);
      selectorsOf(e.expr, out);
      break;
    case 'call':
      for (const a of e.args) selectorsOf(a, out);
      break;
  }
  return out;
}
