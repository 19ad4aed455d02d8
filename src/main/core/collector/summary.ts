// A sliding-window summary, as statsd_exporter's default timer: quantiles over the last
// SUMMARY_MAX_AGE_MS in SUMMARY_AGE_BUCKETS age buckets, plus a cumulative sum and count.
// Each age bucket keeps every observation up to SUMMARY_RESERVOIR_SIZE, then a uniform
// reservoir sample, so memory per series is bounded whatever the rate.

import { SUMMARY_AGE_BUCKETS, SUMMARY_MAX_AGE_MS, SUMMARY_RESERVOIR_SIZE } from '../../../shared/limits.ts';

interface AgeBucket {
  start: number;
  values: Float64Array;
  stored: number;
  seen: number;
  weight: number;
}

export class SlidingSummary {
  sum = 0;
  count = 0;
  private readonly buckets: AgeBucket[] = [];
  private readonly span = SUMMARY_MAX_AGE_MS / SUMMARY_AGE_BUCKETS;
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  private bucketFor(now: number): AgeBucket {
    const start = Math.floor(now / this.span) * this.span;
    const i = Math.floor(now / this.span) % SUMMARY_AGE_BUCKETS;
    let b = this.buckets[i];
    if (!b) {
      b = { start, values: new Float64Array(8), stored: 0, seen: 0, weight: 0 };
      this.buckets[i] = b;
    } else if (b.start !== start) {
      b.start = start;
      b.stored = 0;
      b.seen = 0;
      b.weight = 0;
    }
    return b;
  }

  /** `weight` is 1 / sample rate: one sampled timing stands for that many. */
  observe(v: number, now: number, weight = 1): void {
    this.sum += v * weight;
    this.count += weight;
    const b = this.bucketFor(now);
    b.seen++;
    b.weight += weight;
    if (b.stored < SUMMARY_RESERVOIR_SIZE) {
      if (b.stored === b.values.length) {
        const next = new Float64Array(Math.min(b.values.length * 2, SUMMARY_RESERVOIR_SIZE));
        next.set(b.values);
        b.values = next;
      }
      b.values[b.stored++] = v;
    } else {
      const j = Math.floor(this.random() * b.seen);
      if (j < SUMMARY_RESERVOIR_SIZE) b.values[j] = v;
    }
  }

  /** A batch sampled elsewhere: `values` are up to a reservoir's worth of `seen` observations
   * whose weights add up to `weight` and whose weighted sum is `sum`. */
  observeMany(values: Float64Array, seen: number, weight: number, sum: number, now: number): void {
    this.sum += sum;
    this.count += weight;
    const n = values.length;
    if (n === 0) return;
    const b = this.bucketFor(now);
    const seenEach = seen / n;
    const weightEach = weight / n;
    for (let i = 0; i < n; i++) {
      b.seen += seenEach;
      b.weight += weightEach;
      if (b.stored < SUMMARY_RESERVOIR_SIZE) {
        if (b.stored === b.values.length) {
          const next = new Float64Array(Math.min(b.values.length * 2, SUMMARY_RESERVOIR_SIZE));
          next.set(b.values);
          b.values = next;
        }
        b.values[b.stored++] = values[i]!;
      } else {
        const j = Math.floor(this.random() * b.seen);
        if (j < SUMMARY_RESERVOIR_SIZE) b.values[j] = values[i]!;
      }
    }
  }

  /** φ-quantiles over the window ending at `now`: the smallest observation whose cumulative
   * weight reaches φ of the total. NaN for every φ when the window is empty, as Prometheus's
   * summaries report. */
  quantiles(now: number, qs: readonly number[]): number[] {
    const live = this.buckets.filter((b) => b && b.stored > 0 && b.start > now - SUMMARY_MAX_AGE_MS);
    let n = 0;
    for (const b of live) n += b.stored;
    if (n === 0) return qs.map(() => NaN);
    const vals = new Float64Array(n);
    const w = new Float64Array(n);
    let k = 0;
    for (const b of live) {
      const each = b.weight / b.stored;
      for (let i = 0; i < b.stored; i++) {
        vals[k] = b.values[i]!;
        w[k++] = each;
      }
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i]!;
    return qs.map((q) => {
      const target = q * total;
      let cum = 0;
      for (const i of order) {
        cum += w[i]!;
        if (cum >= target - 1e-9 * total) return vals[i]!;
      }
      return vals[order[n - 1]!]!;
    });
  }
}
