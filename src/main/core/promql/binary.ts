// Binary operators: arithmetic and comparisons between scalars and vectors, and vector matching
// (one-to-one, group_left/group_right, and/or/unless) by Prometheus's rules.

import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import type { BinaryOp, Expr, VectorMatching } from './ast.ts';
import { COMPARISON_OPS } from './ast.ts';
import { asScalar, asVector, checkTime, type Ctx } from './context.ts';
import { evaluate } from './evaluate.ts';
import { goMod, goPow } from './kernels.ts';
import { PromQLError } from './promql-error.ts';
import { mergeSame, newStepSeries, onlyLabels, signature, withoutLabels, type StepSeries, type Value } from './values.ts';

function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return goMod(a, b);
    case '^':
      return goPow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
  }
  throw new PromQLError(`operator "${op}" not allowed here`, 'execution');
}

const dropsName = (op: BinaryOp) => op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^' || op === 'atan2';

export function evalBinary(ctx: Ctx, e: Extract<Expr, { type: 'binary' }>): Value {
  const lv = evaluate(ctx, e.lhs);
  const rv = evaluate(ctx, e.rhs);
  const op = e.op;
  const cmp = COMPARISON_OPS.has(op);
  if (lv.kind === 'scalar' && rv.kind === 'scalar') {
    const out = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = arith(op, lv.values[i]!, rv.values[i]!);
    return { kind: 'scalar', values: out };
  }
  if (lv.kind === 'vector' && rv.kind === 'vector') return { kind: 'vector', series: vectorBinary(ctx, op, lv.series, rv.series, e.matching!, e.bool) };
  // vector ⊕ scalar, either way round
  const swap = lv.kind === 'scalar';
  const vec = asVector(swap ? rv : lv);
  const sc = asScalar(swap ? lv : rv);
  const out = vec.map((s) => {
    const o = newStepSeries(dropsName(op) || e.bool ? null : s.name, s.labels, ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      if (!s.present[i]) continue;
      const a = swap ? sc[i]! : s.values[i]!;
      const b = swap ? s.values[i]! : sc[i]!;
      const r = arith(op, a, b);
      if (cmp) {
        if (e.bool) {
          o.values[i] = r;
        } else {
          if (r !== 1) continue;
          o.values[i] = s.values[i]!; // the vector's value, whichever side it is on
        }
      } else o.values[i] = r;
      o.present[i] = 1;
    }
    return o;
  });
  return { kind: 'vector', series: mergeSame(out, ctx.n) };
}

function vectorBinary(ctx: Ctx, op: BinaryOp, lhs: StepSeries[], rhs: StepSeries[], matching: VectorMatching, bool: boolean): StepSeries[] {
  const list = new Set(matching.labels);
  const sig = (s: StepSeries) => signature(s.name, s.labels, list, matching.on);
  const n = ctx.n;
  if (op === 'and' || op === 'or' || op === 'unless') {
    const lsig = lhs.map(sig);
    const rsig = rhs.map(sig);
    const out: StepSeries[] = [];
    const lOut = lhs.map((s) => newStepSeries(s.name, s.labels, n));
    const rOut = op === 'or' ? rhs.map((s) => newStepSeries(s.name, s.labels, n)) : [];
    for (let i = 0; i < n; i++) {
      const rightSigs = new Set<string>();
      rhs.forEach((s, j) => s.present[i] && rightSigs.add(rsig[j]!));
      const leftSigs = new Set<string>();
      lhs.forEach((s, j) => {
        if (!s.present[i]) return;
        leftSigs.add(lsig[j]!);
        const keep = op === 'or' || (op === 'and' ? rightSigs.has(lsig[j]!) : !rightSigs.has(lsig[j]!));
        if (keep) {
          lOut[j]!.present[i] = 1;
          lOut[j]!.values[i] = s.values[i]!;
        }
      });
      if (op === 'or') {
        rhs.forEach((s, j) => {
          if (s.present[i] && !leftSigs.has(rsig[j]!)) {
            rOut[j]!.present[i] = 1;
            rOut[j]!.values[i] = s.values[i]!;
          }
        });
      }
    }
    for (const s of [...lOut, ...rOut]) if (s.present.some((p) => p === 1)) out.push(s);
    return mergeSame(out, n);
  }

  // One side is "one", the other "many" (or both one, for one-to-one).
  const manyToOne = matching.card === 'many-to-one';
  const oneToMany = matching.card === 'one-to-many';
  const many = oneToMany ? rhs : lhs;
  const one = oneToMany ? lhs : rhs;
  const oneBySig = new Map<string, number[]>();
  one.forEach((s, j) => {
    const k = sig(s);
    const list2 = oneBySig.get(k);
    if (list2) list2.push(j);
    else oneBySig.set(k, [j]);
  });
  const manySig = many.map(sig);
  const cmp = COMPARISON_OPS.has(op);
  const results = new Map<string, StepSeries>();
  const pairLabels = new Map<string, { name: string | null; labels: LabelPairs }>();
  const include = new Set(matching.include);

  const resultLabels = (m: StepSeries, o: StepSeries): { name: string | null; labels: LabelPairs } => {
    let name = m.name;
    let labels = m.labels;
    if (dropsName(op) || (cmp && bool)) name = null;
    if (matching.card === 'one-to-one') {
      if (matching.on) {
        labels = onlyLabels(labels, list);
        if (!list.has('__name__')) name = null;
      } else labels = withoutLabels(labels, list);
    }
    if (include.size > 0) {
      const map = new Map(labels);
      for (const ln of include) {
        const v = o.labels.find(([k]) => k === ln)?.[1];
        if (v !== undefined && v !== '') map.set(ln, v);
        else map.delete(ln);
      }
      labels = [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    return { name, labels };
  };

  for (let i = 0; i < n; i++) {
    checkTime(ctx);
    // The "one" side must be unique per signature at each step.
    const oneAt = new Map<string, number>();
    for (const [k, idxs] of oneBySig) {
      let found = -1;
      for (const j of idxs) {
        if (!one[j]!.present[i]) continue;
        if (found >= 0) {
          throw new PromQLError(
            `found duplicate series for the match group {${k.replace(/\u0000/g, '=')}} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
            'execution',
          );
        }
        found = j;
      }
      if (found >= 0) oneAt.set(k, found);
    }
    const seenOneToOne = new Set<string>();
    for (let j = 0; j < many.length; j++) {
      const m = many[j]!;
      if (!m.present[i]) continue;
      const oi = oneAt.get(manySig[j]!);
      if (oi === undefined) continue;
      const o = one[oi]!;
      if (!manyToOne && !oneToMany) {
        if (seenOneToOne.has(manySig[j]!)) {
          throw new PromQLError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', 'execution');
        }
        seenOneToOne.add(manySig[j]!);
      }
      const lvv = oneToMany ? o.values[i]! : m.values[i]!;
      const rvv = oneToMany ? m.values[i]! : o.values[i]!;
      const r = arith(op, lvv, rvv);
      let value: number;
      if (cmp) {
        if (bool) value = r;
        else if (r !== 1) continue;
        else value = lvv;
      } else value = r;
      const pk = `${j}|${oi}`;
      let rl = pairLabels.get(pk);
      if (!rl) pairLabels.set(pk, (rl = resultLabels(m, o)));
      const rk = seriesKey(rl.name ?? '', rl.labels);
      let out = results.get(rk);
      if (!out) results.set(rk, (out = newStepSeries(rl.name, rl.labels, n)));
      if (out.present[i]) throw new PromQLError('multiple matches for labels: grouping labels must ensure unique matches', 'execution');
      out.present[i] = 1;
      out.values[i] = value;
    }
  }
  return [...results.values()];
}
