// The special functions under the experiment statistics, against printed tables and identities
// that hold exactly.
import { describe, expect, it } from 'vitest';
import {
  chiSquaredSurvival,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSurvival,
  regularizedGammaQ,
} from '../../../../src/main/core/pipeline/distributions.ts';

/** A printed table value is the true value rounded to `decimals`: it is within half a unit. */
function expectPrinted(actual: number, printed: number, decimals: number): void {
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-15);
}

const logFactorial = (n: number) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};

describe('logGamma and logBeta', () => {
  it('match factorials and Γ(½) = √π', () => {
    for (const n of [1, 2, 5, 10, 20, 100, 170]) expect(logGamma(n)).toBeCloseTo(logFactorial(n - 1), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // Abramowitz & Stegun Table 6.1: Γ(1.1) = 0.9513507699; the reflection branch gives Γ(0.1) = Γ(1.1)/0.1.
    expectPrinted(Math.exp(logGamma(1.1)), 0.9513507699, 10);
    expectPrinted(Math.exp(logGamma(0.1)) * 0.1, 0.9513507699, 10);
  });

  it('B(a, b) for integers is (a−1)!(b−1)!/(a+b−1)!', () => {
    expect(Math.exp(logBeta(2, 3))).toBeCloseTo(1 / 12, 14);
    expect(logBeta(50, 70)).toBeCloseTo(logFactorial(49) + logFactorial(69) - logFactorial(119), 9);
  });

  it('refuses x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
  });
});

describe('normal distribution', () => {
  it('Φ matches the NIST/SEMATECH e-Handbook §1.3.6.7.1 table (area from 0 to z, 5 decimals)', () => {
    expectPrinted(normalCdf(1) - 0.5, 0.34134, 5);
    expectPrinted(normalCdf(1.96) - 0.5, 0.475, 5);
    expectPrinted(normalCdf(3) - 0.5, 0.49865, 5);
    expectPrinted(0.5 - normalCdf(-1.2), 0.38493, 5);
  });

  it('keeps relative precision far in the upper tail', () => {
    // Q(5) = 2.8665157187919391e-7 and Q(10) = 7.6198530241605261e-24: erfc(z/√2)/2 evaluated
    // at 30 digits (mpmath).
    expect(normalSurvival(5) / 2.8665157187919391e-7).toBeCloseTo(1, 10);
    expect(normalSurvival(10) / 7.6198530241605261e-24).toBeCloseTo(1, 10);
    expect(normalSurvival(0)).toBe(0.5);
  });

  it('Φ⁻¹ matches the normal percentage points of Abramowitz & Stegun ch. 26 (9 decimals)', () => {
    expectPrinted(normalQuantile(0.975), 1.959963985, 9);
    expectPrinted(normalQuantile(0.9), 1.281551566, 9);
    expectPrinted(normalQuantile(0.999), 3.090232306, 9);
    expectPrinted(normalQuantile(1e-10), -6.361340902, 9);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
  });

  it('Φ⁻¹ inverts Φ over the whole range, including both AS 241 tail branches', () => {
    for (const p of [1e-300, 1e-20, 1e-5, 0.02, 0.3, 0.6, 0.93, 0.99999]) {
      const x = normalQuantile(p);
      expect(normalCdf(x) / p).toBeCloseTo(1, 10);
    }
  });
});

describe('chi-squared survival', () => {
  it('puts alpha at the NIST/SEMATECH e-Handbook §1.3.6.7.4 upper critical values', () => {
    // The table rounds to 3 decimals, so alpha must fall between the survival half a unit either side.
    const table: Array<[number, number, number]> = [
      [3.841, 1, 0.05],
      [5.991, 2, 0.05],
      [7.815, 3, 0.05],
      [18.307, 10, 0.05],
      [10.828, 1, 0.001],
      [16.266, 3, 0.001],
    ];
    for (const [x, df, alpha] of table) {
      expect(chiSquaredSurvival(x - 0.0005, df)).toBeGreaterThan(alpha);
      expect(chiSquaredSurvival(x + 0.0005, df)).toBeLessThan(alpha);
    }
  });

  it('matches the closed forms for even df: e^(−x/2) at 2, e^(−x/2)(1 + x/2) at 4', () => {
    for (const x of [0.1, 1, 7.5, 40, 300]) {
      expect(chiSquaredSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 12);
      expect(chiSquaredSurvival(x, 4) / (Math.exp(-x / 2) * (1 + x / 2))).toBeCloseTo(1, 12);
    }
  });

  it('is 1 at 0 and Q(a, x) is monotone in x', () => {
    expect(chiSquaredSurvival(0, 3)).toBe(1);
    expect(regularizedGammaQ(2.5, 1)).toBeGreaterThan(regularizedGammaQ(2.5, 2));
  });
});
