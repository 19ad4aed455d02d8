// The last N values kept both in arrival order and sorted, so order statistics (median, MAD,
// quantiles, bin counts, empirical CDFs) cost O(log N) or O(N) per point instead of a sort.

import { medianSorted, quantileSorted } from 'simple-statistics';
import { RingBuffer } from './ring-buffer.ts';

/** Index of the first element of sorted that is >= x (sorted.length if none). */
export function lowerBound(sorted: ArrayLike<number>, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted that is > x (sorted.length if none). */
export function upperBound(sorted: ArrayLike<number>, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedWindow {
  readonly order: RingBuffer;
  /** Ascending; a plain array so simple-statistics' *Sorted functions take it as is. */
  readonly sorted: number[] = [];

  constructor(capacity: number) {
    this.order = new RingBuffer(capacity);
  }

  get length(): number {
    return this.sorted.length;
  }

  get full(): boolean {
    return this.order.full;
  }

  /** Adds v, dropping the oldest value once full; returns the dropped value. */
  push(v: number): number | undefined {
    const evicted = this.order.push(v);
    const a = this.sorted;
    if (evicted === undefined) {
      a.splice(upperBound(a, v), 0, v);
      return evicted;
    }
    // Replace in place: only the values between the evicted one and the new one move, by one
    // place (two splices would move the whole tail twice and allocate on every point).
    const out = lowerBound(a, evicted);
    const at = upperBound(a, v);
    if (at > out) {
      for (let k = out; k < at - 1; k++) a[k] = a[k + 1]!;
      a[at - 1] = v;
    } else {
      for (let k = out; k > at; k--) a[k] = a[k - 1]!;
      a[at] = v;
    }
    return evicted;
  }

  min(): number {
    return this.sorted[0]!;
  }

  max(): number {
    return this.sorted[this.sorted.length - 1]!;
  }

  median(): number {
    return medianSorted(this.sorted);
  }

  quantile(p: number): number {
    return quantileSorted(this.sorted, p);
  }

  /** How many values lie in [lo, hi). */
  countIn(lo: number, hi: number): number {
    return lowerBound(this.sorted, hi) - lowerBound(this.sorted, lo);
  }

  /**
   * The median absolute deviation from center. The window is already sorted, so the deviations
   * below center (walking down from it) and above it (walking up) are two ascending sequences,
   * and the middle deviation is a k-th smallest of two sorted sequences: O(log N), no copy
   * (simple-statistics' mad() would copy and re-sort the window on every point).
   */
  mad(center = this.median()): number {
    const n = this.sorted.length;
    if (n === 0) return NaN;
    const k = (n - 1) >> 1; // 0-based rank of the lower middle deviation
    const a = this.kthDeviation(center, k);
    return n % 2 === 1 ? a : (a + this.nextDeviation) / 2;
  }

  /** Set by kthDeviation(center, k): the (k+1)-th smallest deviation (Infinity if none). */
  private nextDeviation = Infinity;

  /** The k-th smallest (0-based) of |x − center| over the window. */
  private kthDeviation(center: number, k: number): number {
    const s = this.sorted;
    const split = lowerBound(s, center);
    const nLow = split; // deviations center − s[split−1−i], ascending in i
    const nHigh = s.length - split; // deviations s[split+i] − center, ascending in i
    const low = (i: number): number => center - s[split - 1 - i]!;
    const high = (i: number): number => s[split + i]! - center;
    // Take i from the low side and k+1−i from the high side; find the i where the two meet.
    let lo = Math.max(0, k + 1 - nHigh);
    let hi = Math.min(k + 1, nLow);
    while (lo < hi) {
      const i = (lo + hi) >>> 1;
      const j = k + 1 - i;
      if (j > 0 && i < nLow && high(j - 1) > low(i)) lo = i + 1;
      else hi = i;
    }
    const i = lo;
    const j = k + 1 - i;
    const fromLow = i > 0 ? low(i - 1) : -Infinity;
    const fromHigh = j > 0 ? high(j - 1) : -Infinity;
    // The k+1 smallest are the i smallest below center and the j smallest above it, so the next
    // one is the smaller of the next on either side: the (k+1)-th without a second search.
    const nextLow = i < nLow ? low(i) : Infinity;
    const nextHigh = j < nHigh ? high(j) : Infinity;
    this.nextDeviation = nextLow < nextHigh ? nextLow : nextHigh;
    return Math.max(fromLow, fromHigh);
  }

  /** Mean absolute deviation from center, the fallback scale when more than half the window is one value. */
  meanAbsDeviation(center: number): number {
    const s = this.sorted;
    let sum = 0;
    for (let i = 0; i < s.length; i++) sum += Math.abs(s[i]! - center);
    return sum / s.length;
  }

  clear(): void {
    this.order.clear();
    this.sorted.length = 0;
  }
}
