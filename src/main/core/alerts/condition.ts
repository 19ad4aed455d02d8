// Whether a rule's condition holds for one series now. Hysteresis: an instance that is already
// pending or firing must come back inside the line by a margin before it counts as clear, so a
// value hovering at the line does not flap. A `present` rule (Prometheus's) has no line: the
// expression is the condition, and a series holds while the expression returns it.

import { medianSorted } from 'simple-statistics';
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

/** A series a `present` rule's expression returned (`present`) or no longer returns. */
export function judgePresent(present: boolean, v: number | null): Judgement {
  if (!present) return { holds: false, reason: 'the expression no longer returns this series' };
  return { holds: true, reason: `the expression returns this series${v === null ? '' : ` (value ${fmt(v)})`}` };
}

/**
 * Mean ± k·σ of the trailing window (without the current point), with the window's own outliers
 * left out (beyond k robust σ of the median, then iterated k·σ clipping): "3σ from normal" should not mean "3σ from an hour that held
 * the last incident", where that incident's points inflate σ until the next one fits inside.
 */
export function judgeSigma(c: Sigma, history: number[], v: number, active: boolean): Judgement {
  let xs = history.filter((x) => Number.isFinite(x));
  if (xs.length < 10) return { holds: false, reason: `${xs.length} points of history; need 10 for mean ± ${c.k}σ` };
  const all = xs.length;
  // Start from the median and the MAD, which an incident covering less than half the window
  // cannot move; then k·σ clipping until nothing more is left out.
  const sorted = [...xs].sort((a, b) => a - b);
  const med = medianSorted(sorted);
  const mad = 1.4826 * medianSorted(sorted.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
  if (mad > 0) {
    const kept = xs.filter((x) => Math.abs(x - med) <= c.k * mad);
    if (kept.length >= 10) xs = kept;
  }
  let mean = 0;
  let sd = 0;
  for (let round = 0; round < 10; round++) {
    mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const m = mean;
    sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    const kept = sd > 0 ? xs.filter((x) => Math.abs(x - m) <= c.k * sd) : xs;
    if (kept.length === xs.length || kept.length < 10) break;
    xs = kept;
  }
  const k = active ? Math.max(0, c.k - c.hysteresis) : c.k;
  const dist = sd > 0 ? Math.abs(v - mean) / sd : v === mean ? 0 : Infinity;
  const side = c.direction === 'above' ? v > mean : c.direction === 'below' ? v < mean : true;
  const holds = side && dist > k;
  const left = all - xs.length;
  return { holds, reason: `${fmt(v)} is ${Number.isFinite(dist) ? fmt(dist) : '∞'}σ from the mean ${fmt(mean)} (line ${c.direction === 'both' ? '' : `${c.direction} `}${fmt(c.k)}σ${left ? `; ${left} outlying point${left > 1 ? 's' : ''} of ${all} left out` : ''})` };
}
