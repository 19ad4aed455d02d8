import { describe, expect, it } from 'vitest';
import { classifyDistribution } from '../../../../src/main/core/analysis/index.ts';
import { gaussian, poisson, prng, studentT } from './series.ts';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const draw = (n: number, f: () => number) => sorted(Array.from({ length: n }, f));

describe('classifyDistribution', () => {
  it('calls Gaussian noise gaussian', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const z = gaussian(prng(seed));
      expect(classifyDistribution(draw(256, () => 50 + 3 * z()))).toBe('gaussian');
    }
  });

  it('calls log-normal data (latencies, sizes) skewed', () => {
    for (const seed of [1, 2, 3]) {
      const z = gaussian(prng(seed));
      expect(classifyDistribution(draw(256, () => Math.exp(2 + 0.8 * z())))).toBe('skewed');
    }
  });

  it('calls symmetric data with fat tails heavy_tailed', () => {
    for (const seed of [1, 2, 3]) {
      const t = studentT(prng(seed), 3);
      expect(classifyDistribution(draw(1024, () => 10 + t()))).toBe('heavy_tailed');
    }
  });

  it('calls small non-negative integers counts, but not large integers that merely look continuous', () => {
    for (const seed of [1, 2, 3]) expect(classifyDistribution(draw(256, poisson(prng(seed), 3)))).toBe('counts');
    const z = gaussian(prng(9));
    expect(classifyDistribution(draw(256, () => Math.round(20000 + 3000 * z())))).toBe('gaussian');
  });

  it('leaves constants and tiny samples as gaussian: nothing says otherwise', () => {
    expect(classifyDistribution(new Array(100).fill(7))).toBe('gaussian');
    expect(classifyDistribution([1, 2, 100])).toBe('gaussian');
  });

  it('honours its thresholds', () => {
    const z = gaussian(prng(11));
    const lognormal = draw(256, () => Math.exp(2 + 0.8 * z()));
    expect(classifyDistribution(lognormal, { maxSkewness: 100, maxKurtosis: 100 })).toBe('gaussian');
  });
});
