import { describe, expect, it } from 'vitest';
import { sigmaBand } from '../../../../src/main/core/analysis/index.ts';

describe('sigmaBand', () => {
  it('is the sample mean ± k sample standard deviations', () => {
    // mean 5, sum of squared deviations 32, sample variance 32/7
    const b = sigmaBand([2, 4, 4, 4, 5, 5, 7, 9], 2)!;
    expect(b.mean).toBe(5);
    expect(b.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(b.lower).toBeCloseTo(5 - 2 * Math.sqrt(32 / 7), 12);
    expect(b.upper).toBeCloseTo(5 + 2 * Math.sqrt(32 / 7), 12);
  });

  it('takes typed arrays and skips values that are not finite numbers', () => {
    const b = sigmaBand(Float64Array.from([1, NaN, 3, Infinity]), 3)!;
    expect(b.mean).toBe(2);
    expect(b.sd).toBeCloseTo(Math.SQRT2, 12);
  });

  it('is null with fewer than two values, and zero-width for a constant', () => {
    expect(sigmaBand([], 3)).toBeNull();
    expect(sigmaBand([NaN, 4], 3)).toBeNull();
    expect(sigmaBand([4, 4, 4], 3)).toEqual({ mean: 4, sd: 0, lower: 4, upper: 4 });
  });
});
