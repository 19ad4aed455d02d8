// Mean and variance of the last N values in O(1) per point. Sums are kept relative to a shift
// (a recent mean) so large offsets such as epoch-sized values do not cancel catastrophically, and
// they are rebuilt from the buffer every N pushes so rounding error cannot accumulate.

import { RingBuffer } from './ring-buffer.ts';

export class RollingMoments {
  readonly values: RingBuffer;
  private shift = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceRebuild = 0;

  constructor(capacity: number) {
    this.values = new RingBuffer(capacity);
  }

  get length(): number {
    return this.values.length;
  }

  push(v: number): void {
    if (this.values.length === 0) this.shift = v;
    const evicted = this.values.push(v);
    const d = v - this.shift;
    this.sum += d;
    this.sumSq += d * d;
    if (evicted !== undefined) {
      const e = evicted - this.shift;
      this.sum -= e;
      this.sumSq -= e * e;
    }
    if (++this.sinceRebuild >= this.values.capacity) this.rebuild();
  }

  mean(): number {
    return this.shift + this.sum / this.values.length;
  }

  /** Sample variance (n − 1 denominator). */
  variance(): number {
    const n = this.values.length;
    if (n < 2) return 0;
    const v = (this.sumSq - (this.sum * this.sum) / n) / (n - 1);
    return v > 0 ? v : 0;
  }

  sd(): number {
    return Math.sqrt(this.variance());
  }

  private rebuild(): void {
    this.sinceRebuild = 0;
    const n = this.values.length;
    this.shift += this.sum / n;
    let s = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = this.values.at(i) - this.shift;
      s += d;
      sq += d * d;
    }
    this.sum = s;
    this.sumSq = sq;
  }

  clear(): void {
    this.values.clear();
    this.sum = 0;
    this.sumSq = 0;
    this.sinceRebuild = 0;
  }
}
