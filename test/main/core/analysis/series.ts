// Seeded random numbers and the constructed series the anomaly tests run on.

import type { Point } from '../../../../src/main/core/analysis/index.ts';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
export function gaussian(rnd: () => number): () => number {
  return () => {
    const u = 1 - rnd();
    const v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Student's t with df degrees of freedom: heavy tails (df = 3 has no fourth moment). */
export function studentT(rnd: () => number, df: number): () => number {
  const z = gaussian(rnd);
  return () => {
    let chi2 = 0;
    for (let i = 0; i < df; i++) chi2 += z() ** 2;
    return z() / Math.sqrt(chi2 / df);
  };
}

/** Poisson draws (Knuth), for count data. */
export function poisson(rnd: () => number, mean: number): () => number {
  const limit = Math.exp(-mean);
  return () => {
    let k = 0;
    let p = rnd();
    while (p > limit) {
      k++;
      p *= rnd();
    }
    return k;
  };
}

export const T0 = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;

/** Points one minute apart from values. */
export function points(values: number[], stepMs = MINUTE): Point[] {
  return values.map((v, i) => ({ t: T0 + i * stepMs, v }));
}

/** n values of level + σ·noise. */
export function noise(n: number, seed: number, level = 100, sigma = 1): number[] {
  const z = gaussian(prng(seed));
  return Array.from({ length: n }, () => level + sigma * z());
}

/** Gaussian noise with one spike of `size` σ at index `at`. */
export function spike(n: number, at: number, size: number, seed: number): number[] {
  const v = noise(n, seed);
  v[at]! += size;
  return v;
}

/** Gaussian noise whose level steps up by `size` σ from index `at` on. */
export function step(n: number, at: number, size: number, seed: number): number[] {
  return noise(n, seed).map((x, i) => (i >= at ? x + size : x));
}

/** Gaussian noise on a level that climbs `total` σ, linearly, from index `from` to the end. */
export function drift(n: number, from: number, total: number, seed: number): number[] {
  return noise(n, seed).map((x, i) => (i >= from ? x + (total * (i - from)) / (n - from) : x));
}

/** A sine of the given period and amplitude plus noise whose phase jumps by half a period at index `at`. */
export function phaseShift(n: number, period: number, at: number, seed: number, amplitude = 10): number[] {
  return noise(n, seed, 100, 0.5).map((x, i) => x + amplitude * Math.sin((2 * Math.PI * i) / period + (i >= at ? Math.PI : 0)));
}
