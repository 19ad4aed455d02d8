// Whether a rule's condition holds for one series now. Hysteresis: an instance that is already
// pending or firing must come back inside the line by a margin before it counts as clear, so a
// value hovering at the line does not flap.

import type { Rule } from '../../../shared/alert-rules.ts';

export interface Judgement {
  holds: boolean;
  reason: string;
}

type Threshold = Extract<Rule['condition'], { type: 'threshold' }>;
type Sigma = Extract<Rule['condition'], { type: 'sigma' }>;

const fmt = (v: number) => String(Number(v.toPrecision(4)));

export function judgeThreshold(c: Threshold, v: number, active: boolean): Judgement {
  if (Number.isNaN(v)) return { holds: false, reason: 'value is NaN' };
  if (c.op === 'outside') {
    const min = c.min!;
    const max = c.max!;
    const h = c.hysteresis ?? 0.05 * (max - min);
    const lo = active ? min + h : min;
    const hi = active ? max - h : max;
    const holds = v < lo || v > hi;
    return { holds, reason: `${fmt(v)} ${holds ? 'is outside' : 'is inside'} [${fmt(min)}, ${fmt(max)}]` };
  }
  const thr = c.threshold!;
  const h = c.hysteresis ?? 0.05 * Math.abs(thr);
  if (c.op === 'above') {
    const holds = active ? v > thr - h : v > thr;
    return { holds, reason: `${fmt(v)} ${holds ? '>' : '≤'} ${fmt(thr)}` };
  }
  const holds = active ? v < thr + h : v < thr;
  return { holds, reason: `${fmt(v)} ${holds ? '<' : '≥'} ${fmt(thr)}` };
}

/** Mean ± k·σ of the trailing window (without the current point). */
export function judgeSigma(c: Sigma, history: number[], v: number, active: boolean): Judgement {
  const xs = history.filter((x) => Number.isFinite(x));
  if (xs.length < 10) return { holds: false, reason: `${xs.length} points of history; need 10 for mean ± ${c.k}σ` };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  const k = active ? Math.max(0, c.k - c.hysteresis) : c.k;
  const dist = sd > 0 ? Math.abs(v - mean) / sd : v === mean ? 0 : Infinity;
  const holds = dist > k;
  return { holds, reason: `${fmt(v)} is ${Number.isFinite(dist) ? fmt(dist) : '∞'}σ from the mean ${fmt(mean)} (line ${fmt(c.k)}σ)` };
}
