// The numeric kernels of PromQL's functions, as Prometheus (2.x) computes them: counter
// extrapolation in rate/increase/delta, linear regression for deriv/predict_linear, the
// *_over_time reductions, quantiles and classic-histogram quantiles.

/** Kahan–Babuška summation step, as Prometheus uses in sums and regressions. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** Prometheus's extrapolatedRate over samples [lo, hi) of a window [rangeStart, rangeEnd] (ms).
 * Undefined (no output) with fewer than two samples. */
export function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (hi - lo < 2) return undefined;
  const firstT = ts[lo]!;
  const firstV = vs[lo]!;
  const lastT = ts[hi - 1]!;
  let result = vs[hi - 1]! - firstV;
  if (isCounter) {
    let prev = firstV;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (hi - lo - 1);
  if (isCounter && result > 0 && firstV >= 0) {
    // A counter cannot go below zero: do not extrapolate to before it would have been zero.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  result *= extrapolateTo / sampledInterval;
  if (isRate) result /= (rangeEnd - rangeStart) / 1000;
  return result;
}

/** irate (isRate) and idelta over the last two samples of [lo, hi). */
export function instantValue(ts: Float64Array, vs: Float64Array, lo: number, hi: number, isRate: boolean): number | undefined {
  if (hi - lo < 2) return undefined;
  const last = vs[hi - 1]!;
  const prev = vs[hi - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  const dt = ts[hi - 1]! - ts[hi - 2]!;
  if (isRate) {
    if (dt === 0) return undefined;
    result /= dt / 1000;
  }
  return result;
}

/** Least-squares slope and intercept (at `interceptTime`, ms) over samples [lo, hi). */
export function linearRegression(ts: Float64Array, vs: Float64Array, lo: number, hi: number, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n++;
    const x = (ts[i]! - interceptTime) / 1000;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Prometheus's quantile: φ-quantile with linear interpolation between closest ranks. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = values.slice().sort((a, b) => a - b);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

export function sumOverTime(vs: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  let c = 0;
  for (let i = lo; i < hi; i++) [sum, c] = kahanSumInc(vs[i]!, sum, c);
  return Number.isFinite(sum) ? sum + c : sum;
}

export function avgOverTime(vs: Float64Array, lo: number, hi: number): number {
  let mean = 0;
  let c = 0;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
      if (Number.isFinite(v)) continue;
    }
    [mean, c] = kahanSumInc(v / count - mean / count, mean, c);
  }
  return Number.isFinite(mean) ? mean + c : mean;
}

/** Population variance (Welford with Kahan, as Prometheus). */
export function varianceOverTime(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

export function minOverTime(vs: Float64Array, lo: number, hi: number): number {
  let min = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i]!;
    if (v < min || Number.isNaN(min)) min = v;
  }
  return min;
}

export function maxOverTime(vs: Float64Array, lo: number, hi: number): number {
  let max = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i]!;
    if (v > max || Number.isNaN(max)) max = v;
  }
  return max;
}

export function changes(vs: Float64Array, lo: number, hi: number): number {
  let n = 0;
  let prev = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = vs[i]!;
    if (!(cur === prev || (Number.isNaN(cur) && Number.isNaN(prev)))) n++;
    prev = cur;
  }
  return n;
}

export function resets(vs: Float64Array, lo: number, hi: number): number {
  let n = 0;
  let prev = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = vs[i]!;
    if (cur < prev) n++;
    prev = cur;
  }
  return n;
}

export interface Bucket {
  upperBound: number;
  count: number;
}

/** Prometheus's bucketQuantile for classic histograms. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  // Coalesce buckets with the same upper bound (the same bucket from several series).
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  // Bucket counts must not go down; fix them up as Prometheus does.
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Go's math.Pow where it differs from JavaScript's `**`. */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return x ** y;
}

/** Go's math.Mod: the sign of x, NaN for y = 0 — as JavaScript's %. */
export const goMod = (x: number, y: number): number => x % y;

/** A value as the Prometheus API writes it (strconv 'f', shortest, no exponent). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expStr] = s.split('e');
  const exp = Number(expStr);
  const neg = mant!.startsWith('-');
  const digits = mant!.replace('-', '').replace('.', '');
  const pointAt = (mant!.replace('-', '').indexOf('.') === -1 ? mant!.replace('-', '').length : mant!.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (neg ? '-' : '') + out;
}
