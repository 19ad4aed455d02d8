// The evaluator: every node of the syntax tree is evaluated once for all steps of a query, by
// the module for its kind (selectors, aggregation, binary, functions).

import type { Expr } from './ast.ts';
import { evalAggregate } from './aggregation.ts';
import { evalBinary } from './binary.ts';
import { asVector, checkTime, type Ctx } from './context.ts';
import { evalCall, mapVector } from './functions.ts';
import { evalMatrixSelector, evalSubquery, evalVectorSelector } from './selectors.ts';
import type { Value } from './values.ts';

export function evaluate(ctx: Ctx, e: Expr): Value {
  checkTime(ctx);
  switch (e.type) {
    case 'number':
      return { kind: 'scalar', values: new Float64Array(ctx.n).fill(e.value) };
    case 'string':
      return { kind: 'string', value: e.value };
    case 'paren':
      return evaluate(ctx, e.expr);
    case 'unary': {
      const v = evaluate(ctx, e.expr);
      if (e.op === '+') return v;
      if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
      return { kind: 'vector', series: mapVector(ctx, asVector(v), (x) => -x) };
    }
    case 'vector':
      return { kind: 'vector', series: evalVectorSelector(ctx, e) };
    case 'matrix':
      return evalMatrixSelector(ctx, e);
    case 'subquery':
      return evalSubquery(ctx, e);
    case 'binary':
      return evalBinary(ctx, e);
    case 'aggregate':
      return evalAggregate(ctx, e);
    case 'call':
      return evalCall(ctx, e);
  }
}
