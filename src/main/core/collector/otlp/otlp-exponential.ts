// Exponential histograms as classic buckets. Radiator's store has no native histograms, so an
// OTLP exponential histogram becomes `_bucket{le}` series at power-of-two boundaries (scale 0):
// exact for any sender scale ≥ 0, since scale-s buckets nest inside scale-0 ones; a sender at a
// negative scale keeps its own (coarser, still power-of-two) boundaries. Past
// MAX_OTLP_EXPONENTIAL_BUCKETS boundaries, neighbours merge pairwise (scale −1, −2, …) so one
// wide-ranging series cannot create hundreds of `le` series. Buckets between the lowest and the
// highest populated one are all emitted (zeros too), so `le` sets only grow at their ends.

import { MAX_OTLP_EXPONENTIAL_BUCKETS } from '../../../../shared/limits.ts';
import type { ExponentialHistogramPoint } from './otlp-model.ts';

/** [upper bound, cumulative count] ascending, ending with [+Inf, count]. */
export type CumulativeBuckets = Array<[number, number]>;

interface Range {
  lo: number;
  hi: number;
  counts: Map<number, number>;
}

function merged(offset: number, counts: readonly number[], shift: number): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  const m = new Map<number, number>();
  const div = 2 ** shift;
  for (let k = 0; k < counts.length; k++) {
    const n = counts[k]!;
    const j = Math.floor((offset + k) / div);
    if (n > 0) {
      if (j < lo) lo = j;
      if (j > hi) hi = j;
    }
    m.set(j, (m.get(j) ?? 0) + n);
  }
  return lo === Infinity ? null : { lo, hi, counts: m };
}

export function exponentialToBuckets(p: ExponentialHistogramPoint, maxBuckets = MAX_OTLP_EXPONENTIAL_BUCKETS): CumulativeBuckets {
  // Target scale: 0, or the sender's when coarser; lowered until the ranges fit.
  let target = Math.min(p.scale, 0);
  let pos: Range | null;
  let neg: Range | null;
  for (;;) {
    const shift = p.scale - target;
    pos = merged(p.positive.offset, p.positive.counts, shift);
    neg = merged(p.negative.offset, p.negative.counts, shift);
    const width = (pos ? pos.hi - pos.lo + 1 : 0) + (neg ? neg.hi - neg.lo + 1 : 0);
    if (width <= maxBuckets || target <= -10) break;
    target--;
  }
  const bound = (j: number) => 2 ** (j * 2 ** -target);
  const out: CumulativeBuckets = [];
  let cum = 0;
  // Negative bucket j holds values in [-bound(j+1), -bound(j)): its upper bound is -bound(j).
  // Ascending `le` means the most negative bucket first, so j descends.
  if (neg) {
    for (let j = neg.hi; j >= neg.lo; j--) {
      cum += neg.counts.get(j) ?? 0;
      out.push([-bound(j), cum]);
    }
  }
  if (p.zeroCount > 0 || p.zeroThreshold > 0 || (pos === null && neg === null)) {
    cum += p.zeroCount;
    out.push([p.zeroThreshold, cum]);
  }
  if (pos) {
    for (let j = pos.lo; j <= pos.hi; j++) {
      cum += pos.counts.get(j) ?? 0;
      const ub = bound(j + 1);
      // The zero bucket's bound may coincide with a positive boundary: keep `le` unique.
      if (out.length > 0 && out[out.length - 1]![0] >= ub) out[out.length - 1]![1] = cum;
      else out.push([ub, cum]);
    }
  }
  out.push([Infinity, Math.max(p.count, cum)]);
  return out;
}
