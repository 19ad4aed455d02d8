import { medianAbsoluteDeviation, quantile } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { findPeriod } from '../../../../src/main/core/analysis/find-period.ts';
import { ksCritical, ksStatistic } from '../../../../src/main/core/analysis/ks-detector.ts';
import { RingBuffer } from '../../../../src/main/core/analysis/ring-buffer.ts';
import { RollingMoments } from '../../../../src/main/core/analysis/rolling-moments.ts';
import { ratioScore, scoreRatio } from '../../../../src/main/core/analysis/ratio-score.ts';
import { SortedWindow } from '../../../../src/main/core/analysis/sorted-window.ts';
import { grubbsCritical, studentTQuantile } from '../../../../src/main/core/analysis/student-t.ts';
import { Surprise } from '../../../../src/main/core/analysis/surprise.ts';
import { gaussian, prng } from './series.ts';

describe('RingBuffer', () => {
  it('keeps the last capacity values in order and hands back what it drops', () => {
    const r = new RingBuffer(3);
    expect([r.push(1), r.push(2), r.push(3), r.push(4), r.push(5)]).toEqual([undefined, undefined, undefined, 1, 2]);
    expect([r.at(0), r.at(1), r.at(2)]).toEqual([3, 4, 5]);
    expect([r.back(0), r.back(2)]).toEqual([5, 3]);
    expect(r.length).toBe(3);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

describe('SortedWindow', () => {
  it('matches simple-statistics on median, MAD and quantiles as the window slides', () => {
    const rnd = prng(3);
    for (let trial = 0; trial < 200; trial++) {
      const cap = 1 + Math.floor(rnd() * 40);
      const w = new SortedWindow(cap);
      const all: number[] = [];
      for (let i = 0; i < cap + 25; i++) {
        // Ties matter for a MAD: mix in repeated integers.
        const v = rnd() < 0.3 ? Math.floor(rnd() * 3) : rnd() * 10;
        w.push(v);
        all.push(v);
      }
      const win = all.slice(-w.length);
      expect(w.sorted).toEqual([...win].sort((a, b) => a - b));
      expect(w.mad()).toBeCloseTo(medianAbsoluteDeviation(win), 12);
      expect(w.quantile(0.25)).toBe(quantile(win, 0.25));
      expect(w.countIn(2, 5)).toBe(win.filter((x) => x >= 2 && x < 5).length);
    }
  });

  it('takes the MAD about any centre, not just the median', () => {
    const w = new SortedWindow(10);
    [1, 2, 3, 4, 100].forEach((v) => w.push(v));
    // |x − 0| = 1, 2, 3, 4, 100 → 3
    expect(w.mad(0)).toBe(3);
  });
});

describe('RollingMoments', () => {
  it('tracks the mean and sample variance of the window, even on large offsets', () => {
    const m = new RollingMoments(4);
    const base = 1.7e12; // epoch-sized values would cancel catastrophically in naive sums
    for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) m.push(base + v);
    expect(m.mean() - base).toBeCloseTo(9.5, 6);
    expect(m.variance()).toBeCloseTo(5 / 3, 3);
  });
});

describe('the score mapping', () => {
  it('is ½ at the critical value, monotonic, and inverts', () => {
    expect(ratioScore(1)).toBe(0.5);
    expect(ratioScore(0)).toBe(0);
    expect(ratioScore(Infinity)).toBe(1);
    expect(ratioScore(2)).toBeGreaterThan(ratioScore(1.5));
    for (const r of [0.1, 0.5, 1, 3, 10]) expect(scoreRatio(ratioScore(r))).toBeCloseTo(r, 9);
  });
});

describe("Student's t and Grubbs critical values", () => {
  it('agree with published tables', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 1);
    expect(studentTQuantile(0.975, 100)).toBeCloseTo(1.984, 2);
    // Grubbs, two-sided, α = 0.05 (NIST/SEMATECH e-Handbook table)
    expect(grubbsCritical(20, 0.05)).toBeCloseTo(2.709, 1);
    expect(grubbsCritical(100, 0.05)).toBeCloseTo(3.384, 1);
    expect(grubbsCritical(1000, 0.01)).toBeGreaterThan(grubbsCritical(1000, 0.05));
  });
});

describe('ksStatistic', () => {
  it('equals the brute-force largest CDF gap', () => {
    const rnd = prng(5);
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 8)).sort((x, y) => x - y);
      const b = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 8) + 1).sort((x, y) => x - y);
      let d = 0;
      for (const x of [...a, ...b]) d = Math.max(d, Math.abs(a.filter((v) => v <= x).length / a.length - b.filter((v) => v <= x).length / b.length));
      expect(ksStatistic(a, b)).toBeCloseTo(d, 12);
    }
  });

  it('is bit for bit the largest gap a full merge of the two samples finds (ties, empty and one-sided samples included)', () => {
    const merged = (a: number[], b: number[]): number => {
      let i = 0;
      let j = 0;
      let d = 0;
      while (i < a.length && j < b.length) {
        const x = a[i]! <= b[j]! ? a[i]! : b[j]!;
        while (i < a.length && a[i]! <= x) i++;
        while (j < b.length && b[j]! <= x) j++;
        d = Math.max(d, Math.abs(i / a.length - j / b.length));
      }
      return d;
    };
    const rnd = prng(11);
    for (let trial = 0; trial < 20_000; trial++) {
      const levels = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 5 : 1000));
      const shift = rnd() < 0.3 ? Math.floor(rnd() * levels) : 0;
      const a = Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * levels) + shift).sort((x, y) => x - y);
      const b = Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * levels)).sort((x, y) => x - y);
      expect(ksStatistic(a, b)).toBe(merged(a, b));
    }
  });

  it("has Kolmogorov's critical value for large samples (1.36/√n at α = 0.05)", () => {
    expect(ksCritical(10_000, 0.05)).toBeCloseTo(1.358 / 100, 3);
  });
});

describe('findPeriod', () => {
  it('finds the period of a noisy sine and of a square wave', () => {
    const z = gaussian(prng(7));
    const sine = Array.from({ length: 2048 }, (_, i) => Math.sin((2 * Math.PI * i) / 288) + 0.3 * z());
    expect(findPeriod(sine)!.period).toBeCloseTo(288, -1);
    const square = Array.from({ length: 1024 }, (_, i) => (i % 100 < 50 ? 20 : 80));
    expect(findPeriod(square)!.period).toBeCloseTo(100, 0);
  });

  it('finds nothing in noise, in a trend, or with too few cycles', () => {
    const z = gaussian(prng(8));
    expect(findPeriod(Array.from({ length: 2048 }, () => z()))).toBeNull();
    let walk = 0;
    expect(findPeriod(Array.from({ length: 2048 }, () => (walk += z())))).toBeNull();
    expect(findPeriod(Array.from({ length: 512 }, (_, i) => Math.sin((2 * Math.PI * i) / 400)))).toBeNull();
  });

  it('prefers the base period to its multiples', () => {
    const z = gaussian(prng(9));
    const p = findPeriod(Array.from({ length: 4096 }, (_, i) => Math.sin((2 * Math.PI * i) / 96) + 0.2 * z()))!;
    expect(p.period).toBeCloseTo(96, 0);
  });
});

describe('Surprise', () => {
  it('is small for what a detector usually says and large for what it has not said before', () => {
    const s = new Surprise();
    const rnd = prng(10);
    for (let i = 0; i < 5000; i++) s.update(ratioScore(rnd() * 0.5));
    expect(s.update(ratioScore(0.2))).toBeLessThan(0.5);
    const big = s.update(ratioScore(3));
    expect(big).toBeGreaterThan(3);
    // …and further out is more surprising still, not capped at 1/N.
    expect(s.update(ratioScore(30))).toBeGreaterThan(big);
  });

  it('discounts a detector that fires all the time on a series', () => {
    const quiet = new Surprise();
    const noisy = new Surprise();
    const rnd = prng(11);
    for (let i = 0; i < 5000; i++) {
      quiet.update(ratioScore(rnd() * 0.5));
      noisy.update(ratioScore(rnd() < 0.05 ? 2 + rnd() : rnd() * 0.5));
    }
    expect(noisy.update(ratioScore(2.5))).toBeLessThan(quiet.update(ratioScore(2.5)) - 1);
  });

  it('with no history, judges a score as its detector would: past the critical value is rare', () => {
    expect(new Surprise().update(ratioScore(0.2))).toBeLessThan(1);
    expect(new Surprise().update(ratioScore(2))).toBeGreaterThan(3);
  });
});
