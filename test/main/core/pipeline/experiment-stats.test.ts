// Experiment statistics against published worked examples, the mSPRT against a simulation of
// daily peeking, and the verdict rules of docs/pipeline-stats.md.
import { describe, expect, it } from 'vitest';
import { logBeta } from '../../../../src/main/core/pipeline/distributions.ts';
import {
  analyseExperiment,
  msprt,
  powerTwoProportions,
  probabilityBBeatsA,
  relativeLift,
  sampleRatioMismatch,
  sampleSizePerGroup,
  twoProportionZTest,
  wilsonInterval,
} from '../../../../src/main/core/pipeline/experiment-stats.ts';
import type { ExperimentConfig, VariantCounts } from '../../../../src/main/core/pipeline/experiment-stats.ts';
import { seededRandom } from './seeded-random.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** A printed value is the true value rounded to `decimals`: it is within half a unit. */
function expectPrinted(actual: number, printed: number, decimals: number): void {
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

const card = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({
  control: 'Control',
  minimumEffect: 0.05,
  horizonMs: 14 * DAY,
  startedAt: T0,
  ...over,
});

const arms = (control: [number, number], treatment: [number, number]): VariantCounts[] => [
  { name: 'Control', exposures: control[0], conversions: control[1] },
  { name: 'Treatment', exposures: treatment[0], conversions: treatment[1] },
];

describe('Wilson score interval', () => {
  it("matches Newcombe (1998), Statistics in Medicine 17:857–872, Table II, method 3 (score, no CC)", () => {
    const table: Array<[number, number, number, number]> = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of table) {
      const [l, h] = wilsonInterval(x, n, 0.05);
      expectPrinted(l, lo, 4);
      expectPrinted(h, hi, 4);
    }
  });

  it('narrows with alpha and reaches 1 at x = n', () => {
    const [l90, h90] = wilsonInterval(81, 263, 0.1);
    const [l95, h95] = wilsonInterval(81, 263, 0.05);
    expect(l90).toBeGreaterThan(l95);
    expect(h90).toBeLessThan(h95);
    expect(wilsonInterval(29, 29)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('two-proportion z-test', () => {
  it("gives z² = Pearson's X² = 25.01 on the Physicians' Health Study table", () => {
    // Myocardial infarctions: placebo 189 of 11,034, aspirin 104 of 11,037 (Steering Committee of
    // the Physicians' Health Study, NEJM 1989; the 2×2 table Agresti uses in Categorical Data
    // Analysis). For a 2×2 table the pooled z-test's z² is Pearson's X², worked by hand: 293
    // infarctions of 22,071 give expected counts 146.48 (placebo) and 146.52 (aspirin), so
    // X² = 42.52²·(1/146.48 + 1/146.52 + 1/10887.52 + 1/10890.48) = 25.01.
    const r = twoProportionZTest(189, 11034, 104, 11037)!;
    expect(r.z).toBeLessThan(0);
    expectPrinted(r.z * r.z, 25.01, 2);
    // Two-sided p of |z| = 5.0014: 5.7e-7.
    expect(r.pValue).toBeGreaterThan(5.6e-7);
    expect(r.pValue).toBeLessThan(5.8e-7);
  });

  it('is z = 0, p = 1 when both arms are at 0 %, null when an arm is empty', () => {
    expect(twoProportionZTest(0, 100, 0, 100)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(0, 0, 5, 100)).toBeNull();
  });
});

describe('relative lift and its interval', () => {
  it('matches Moore, McCabe & Craig, Introduction to the Practice of Statistics 9e, Example 8.18', () => {
    // Aspirin 45 of 411 vs placebo 73 of 411 major vascular events: relative risk 0.6164, 95 %
    // interval 0.4364 to 0.8707. Lift is the relative risk minus 1, so −38.4 % (−56.4 %, −12.9 %).
    const r = relativeLift(73, 411, 45, 411, 0.05);
    expectPrinted(r.lift! + 1, 0.6164, 4);
    expectPrinted(r.ci![0] + 1, 0.4364, 4);
    expectPrinted(r.ci![1] + 1, 0.8707, 4);
  });

  it('has no interval without conversions in an arm, and no lift over a 0 % control', () => {
    expect(relativeLift(10, 100, 0, 100)).toEqual({ lift: -1, ci: null });
    expect(relativeLift(0, 100, 3, 100)).toEqual({ lift: null, ci: null });
  });
});

describe('sample-ratio mismatch', () => {
  it('flags the example in Kohavi, Tang & Xu, Trustworthy Online Controlled Experiments (2020), ch. 3', () => {
    // 821,588 control vs 815,482 treatment users on a planned 50/50 split: the book gives p = 1.8e-6.
    const srm = sampleRatioMismatch([
      { name: 'Control', exposures: 821_588, conversions: 0 },
      { name: 'Treatment', exposures: 815_482, conversions: 0 },
    ]);
    expect(srm.pValue.toExponential(1)).toBe('1.8e-6');
    expect(srm.mismatch).toBe(true);
  });

  it('uses the planned split and df = variants − 1 (three arms, hand computed)', () => {
    // Planned 50/25/25 of 1,000: expected 500/250/250; observed 500/260/240 gives
    // χ² = 0 + 10²/250 + 10²/250 = 0.8, and with 2 df the survival is e^(−0.4) = 0.6703.
    const srm = sampleRatioMismatch(
      [
        { name: 'A', exposures: 500, conversions: 0 },
        { name: 'B', exposures: 260, conversions: 0 },
        { name: 'C', exposures: 240, conversions: 0 },
      ],
      { A: 2, B: 1, C: 1 },
    );
    expect(srm.chiSquared).toBeCloseTo(0.8, 12);
    expect(srm.pValue).toBeCloseTo(Math.exp(-0.4), 12);
    expect(srm.mismatch).toBe(false);
  });
});

/** P(p_B > p_A) by quadrature: ∫ f_B(x) F_A(x) dx on a fine grid, independent of the closed form. */
function probabilityByQuadrature(aA: number, bA: number, aB: number, bB: number, steps = 200_000): number {
  const h = 1 / steps;
  const pdf = (a: number, b: number, x: number) =>
    x <= 0 || x >= 1 ? 0 : Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - logBeta(a, b));
  let cdfA = 0;
  let previousA = pdf(aA, bA, 0);
  let previousTerm = 0;
  let total = 0;
  for (let i = 1; i <= steps; i++) {
    const x = i * h;
    const fA = pdf(aA, bA, x);
    cdfA += ((previousA + fA) / 2) * h;
    previousA = fA;
    const term = pdf(aB, bB, x) * cdfA;
    total += ((previousTerm + term) / 2) * h;
    previousTerm = term;
  }
  return total;
}

describe("probability to beat control (Evan Miller's closed form)", () => {
  it('gives the exact answers of cases that integrate by hand', () => {
    // A uniform, B ~ Beta(2, 1) (density 2x): ∫ x·2x dx = 2/3; Miller's sum is 1/2 + 1/6.
    expect(probabilityBBeatsA(1, 1, 2, 1)).toBeCloseTo(2 / 3, 14);
    // A uniform, B ~ Beta(a, 1): ∫ x·a·x^(a−1) dx = a/(a+1).
    expect(probabilityBBeatsA(1, 1, 10, 1)).toBeCloseTo(10 / 11, 14);
    // A uniform, B ~ Beta(1, b): E[p_B] = 1/(1+b).
    expect(probabilityBBeatsA(1, 1, 1, 3)).toBeCloseTo(1 / 4, 14);
    // Identical posteriors: one half, whichever branch the symmetry picks.
    expect(probabilityBBeatsA(37, 500, 37, 500)).toBeCloseTo(0.5, 12);
    expect(probabilityBBeatsA(500, 37, 500, 37)).toBeCloseTo(0.5, 12);
  });

  it('agrees with quadrature in each of its four orientations', () => {
    // Smallest parameter: aB; aA; bA; bB. The quadrature's error is about 1e-7.
    const cases: Array<[number, number, number, number]> = [
      [30, 200, 12, 150],
      [12, 150, 30, 200],
      [200, 9, 180, 14],
      [180, 14, 200, 9],
    ];
    for (const [aA, bA, aB, bB] of cases) {
      expect(probabilityBBeatsA(aA, bA, aB, bB)).toBeCloseTo(probabilityByQuadrature(aA, bA, aB, bB), 6);
    }
  });

  it('is P = 1 − P with the arms swapped, at realistic counts', () => {
    // 1,000 vs 1,100 conversions out of 10,000 each.
    const forward = probabilityBBeatsA(1001, 9001, 1101, 8901);
    expect(forward + probabilityBBeatsA(1101, 8901, 1001, 9001)).toBeCloseTo(1, 12);
    expect(forward).toBeCloseTo(probabilityByQuadrature(1001, 9001, 1101, 8901, 400_000), 5);
  });
});

describe('sample size', () => {
  it("matches R's power.prop.test (the same pooled formula) on its help-page examples", () => {
    // power.prop.test(p1 = .50, p2 = .75, power = .90) → n = 76.7 per group;
    // power.prop.test(n = 50, p1 = .50, p2 = .75) → power = 0.740.
    expectPrinted(sampleSizePerGroup(0.5, 0.75, 0.05, 0.9), 76.7, 1);
    expectPrinted(powerTwoProportions(50, 0.5, 0.75, 0.05), 0.74, 3);
    // And the two invert each other.
    expect(powerTwoProportions(sampleSizePerGroup(0.1, 0.11, 0.05, 0.8), 0.1, 0.11)).toBeCloseTo(0.8, 10);
  });

  it('is what the card asks for, rounded up, and NaN until the baseline is known', () => {
    const planned = card({ baselineRate: 0.5, minimumEffect: 0.5, power: 0.9 });
    const sized = analyseExperiment(arms([10, 1], [10, 1]), planned, T0);
    expect(sized.requiredSamplePerVariant).toBe(77);
    const fromData = analyseExperiment(arms([1000, 100], [1000, 100]), card({ minimumEffect: 0.1 }), T0);
    expect(fromData.requiredSamplePerVariant).toBe(Math.ceil(sampleSizePerGroup(0.1, 0.11)));
    expect(analyseExperiment(arms([0, 0], [0, 0]), card(), T0).requiredSamplePerVariant).toBeNaN();
  });
});

describe('mixture SPRT', () => {
  it("is Johari et al.'s two-stream form when both arms have n users", () => {
    // "Always Valid Inference", the normal two-stream case:
    // Λ = √(2σ²/(2σ² + nτ²)) · exp(n²τ²θ̂² / (4σ²(2σ² + nτ²))), σ² the per-user variance (here the
    // pooled p̄(1 − p̄)).
    const n = 5000;
    const [xc, xt] = [500, 560];
    const tau = 0.01;
    const pBar = (xc + xt) / (2 * n);
    const s2 = pBar * (1 - pBar);
    const theta = (xt - xc) / n;
    const expected =
      Math.sqrt((2 * s2) / (2 * s2 + n * tau * tau)) *
      Math.exp((n * n * tau * tau * theta * theta) / (4 * s2 * (2 * s2 + n * tau * tau)));
    expect(msprt(xc, n, xt, n, tau).lambda).toBeCloseTo(expected, 12);
    expect(msprt(xc, n, xt, n, tau).pValue).toBeCloseTo(1 / expected, 12);
  });

  it('keeps false positives at or under alpha while peeking every batch; the naive z-test does not', () => {
    // 1,000 A/A experiments at a 10 % rate, 200 users per arm per look, 50 looks (10,000 per arm),
    // stopping at the first look with p ≤ 0.05, as a team watching the TV daily would.
    const rand = seededRandom(20260302);
    const sims = 1000;
    let naive = 0;
    let sequential = 0;
    let fixedHorizon = 0;
    for (let s = 0; s < sims; s++) {
      let xc = 0;
      let xt = 0;
      let n = 0;
      let naiveHit = false;
      let sequentialHit = false;
      for (let look = 0; look < 50; look++) {
        for (let i = 0; i < 200; i++) {
          if (rand() < 0.1) xc++;
          if (rand() < 0.1) xt++;
        }
        n += 200;
        if (twoProportionZTest(xc, n, xt, n)!.pValue <= 0.05) naiveHit = true;
        // The mixing sd analyseExperiment uses for a +10 % card: 0.1 × the pooled rate.
        if (msprt(xc, n, xt, n, (0.1 * (xc + xt)) / (2 * n)).pValue <= 0.05) sequentialHit = true;
      }
      if (naiveHit) naive++;
      if (sequentialHit) sequential++;
      if (twoProportionZTest(xc, n, xt, n)!.pValue <= 0.05) fixedHorizon++;
    }
    // Binomial standard error at 5 % over 1,000 runs is 0.7 %: allow three.
    expect(fixedHorizon / sims).toBeGreaterThan(0.029);
    expect(fixedHorizon / sims).toBeLessThan(0.071);
    expect(sequential / sims).toBeLessThanOrEqual(0.071);
    // Peeking 50 times with a fixed-horizon test: roughly a third of A/A tests "win".
    expect(naive / sims).toBeGreaterThan(0.2);
  });

  it('holds through analyseExperiment too, carrying the previous look as a board would', () => {
    // 300 A/A experiments at 5 %, a daily look for 20 days with 500 new users per arm each day.
    const rand = seededRandom(99);
    const sims = 300;
    let falseVerdicts = 0;
    let naive = 0;
    for (let s = 0; s < sims; s++) {
      let [nc, xc, nt, xt] = [0, 0, 0, 0];
      let previous: Record<string, number> = {};
      let verdictHit = false;
      let naiveHit = false;
      for (let day = 1; day <= 20; day++) {
        for (let i = 0; i < 500; i++) {
          if (rand() < 0.05) xc++;
          if (rand() < 0.05) xt++;
        }
        nc += 500;
        nt += 500;
        const a = analyseExperiment(
          arms([nc, xc], [nt, xt]),
          card({ minimumEffect: 0.1, horizonMs: 30 * DAY, previousSequentialPValues: previous }),
          T0 + day * DAY,
        );
        const t = a.variants[1]!;
        previous = { Treatment: t.sequential!.pValue };
        if (a.verdict === 'significant_win' || a.verdict === 'significant_loss') verdictHit = true;
        if (t.zTest!.pValue <= 0.05) naiveHit = true;
      }
      if (verdictHit) falseVerdicts++;
      if (naiveHit) naive++;
    }
    // Standard error at 5 % over 300 runs is 1.3 %: allow three.
    expect(falseVerdicts / sims).toBeLessThanOrEqual(0.09);
    expect(naive / sims).toBeGreaterThan(0.12);
  });

  it('still finds a real effect: +20 % is detected in most runs by 10,000 per arm', () => {
    const rand = seededRandom(7);
    let detected = 0;
    for (let s = 0; s < 200; s++) {
      let xc = 0;
      let xt = 0;
      let n = 0;
      let hit = false;
      for (let look = 0; look < 50 && !hit; look++) {
        for (let i = 0; i < 200; i++) {
          if (rand() < 0.1) xc++;
          if (rand() < 0.12) xt++;
        }
        n += 200;
        hit = msprt(xc, n, xt, n, (0.1 * (xc + xt)) / (2 * n)).pValue <= 0.05;
      }
      if (hit) detected++;
    }
    expect(detected / 200).toBeGreaterThan(0.8);
  });

  it('analyseExperiment keeps the running minimum when given the previous look', () => {
    // 10 % vs 11.2 % over 5,000 each: this look alone gives p ≈ 0.48.
    const counts = arms([5000, 500], [5000, 560]);
    const fresh = analyseExperiment(counts, card({ minimumEffect: 0.1 }), T0 + DAY);
    const current = fresh.variants[1]!.sequential!.pValue;
    expect(current).toBeGreaterThan(0.4);
    expect(current).toBeLessThan(0.6);
    const remembered = analyseExperiment(
      counts,
      card({ minimumEffect: 0.1, previousSequentialPValues: { Treatment: 0.04 } }),
      T0 + DAY,
    );
    expect(remembered.variants[1]!.sequential).toEqual({ pValue: 0.04, significant: true });
    // A larger previous value does not raise the current one.
    const higher = analyseExperiment(
      counts,
      card({ minimumEffect: 0.1, previousSequentialPValues: { Treatment: 0.9 } }),
      T0 + DAY,
    );
    expect(higher.variants[1]!.sequential!.pValue).toBe(current);
  });
});

describe('analyseExperiment verdicts', () => {
  it('declares a significant win by the sequential test and says so in one sentence', () => {
    // 10 % vs 11.8 % over 10,000 each: z = 4.08, always-valid p ≈ 0.01.
    const a = analyseExperiment(arms([10_000, 1000], [10_000, 1180]), card(), T0 + 5 * DAY);
    expect(a.verdict).toBe('significant_win');
    expect(a.verdictText).toBe('Treatment converts 18 % better (always-valid p = 0.01) — significant win.');
    const t = a.variants[1]!;
    expect(t.liftVsControl).toBeCloseTo(0.18, 12);
    expect(t.zTest!.z).toBeCloseTo(4.084, 3);
    expect(t.probabilityToBeatControl).toBeGreaterThan(0.9999);
    expect(a.variants[0]).toMatchObject({
      name: 'Control',
      liftVsControl: null,
      zTest: null,
      sequential: null,
      probabilityToBeatControl: null,
    });
  });

  it('declares a significant loss in the other direction', () => {
    const a = analyseExperiment(arms([10_000, 1180], [10_000, 1000]), card(), T0 + 5 * DAY);
    expect(a.verdict).toBe('significant_loss');
    expect(a.verdictText).toMatch(
      /^Treatment converts 15 % worse \(always-valid p = 0\.0\d+\) — significant loss\.$/,
    );
  });

  it('turns the direction round for a card whose metric should fall', () => {
    const a = analyseExperiment(arms([10_000, 1180], [10_000, 1000]), card({ minimumEffect: -0.05 }), T0 + 5 * DAY);
    expect(a.verdict).toBe('significant_win');
    expect(a.verdictText).toMatch(/^Treatment converts 15 % better/);
  });

  it('does not call a win the fixed-horizon z-test alone would call', () => {
    // z = 2.3 (p = 0.02 fixed-horizon) is not enough evidence for an always-valid test.
    const a = analyseExperiment(arms([10_000, 1000], [10_000, 1090]), card(), T0 + 5 * DAY);
    expect(a.variants[1]!.zTest!.pValue).toBeLessThan(0.05);
    expect(a.variants[1]!.sequential!.significant).toBe(false);
    expect(a.verdict).toBe('collecting');
    expect(a.verdictText).toMatch(
      /^Collecting: Treatment converts 9 % better so far \(always-valid p = 0\.\d\d\); 10,000 of [\d,]+ per variant, 9 days left\.$/,
    );
  });

  it('is inconclusive once the horizon passes without significance', () => {
    const a = analyseExperiment(arms([10_000, 1000], [10_000, 1020]), card(), T0 + 14 * DAY);
    expect(a.verdict).toBe('inconclusive_at_horizon');
    expect(a.verdictText).toMatch(/^No significant difference by the horizon: Treatment converts 2 % better/);
  });

  it('lets a sample-ratio mismatch override a significant result', () => {
    // The same win, but with 48 % of traffic on one arm of a 50/50 plan.
    const a = analyseExperiment(arms([10_800, 1080], [10_000, 1180]), card(), T0 + 5 * DAY);
    expect(a.variants[1]!.sequential!.significant).toBe(true);
    expect(a.srm.mismatch).toBe(true);
    expect(a.verdict).toBe('srm_do_not_trust');
    expect(a.verdictText).toMatch(
      /^Traffic split is off: .* of exposures, 50\.0 % planned \(p = .+\) — do not trust these results\.$/,
    );
  });

  it('checks the split the card planned', () => {
    const planned = card({ expectedSplit: { Control: 9, Treatment: 1 } });
    expect(analyseExperiment(arms([9000, 900], [1000, 100]), planned, T0).srm.mismatch).toBe(false);
    expect(analyseExperiment(arms([9000, 900], [1000, 100]), card(), T0).srm.mismatch).toBe(true);
  });

  it('splits alpha across several treatment arms (Bonferroni)', () => {
    // An arm whose sequential p lies between 0.025 and 0.05 is significant alone, not beside a second arm.
    const counts = arms([10_000, 1000], [10_000, 1160]);
    const alone = analyseExperiment(counts, card(), T0 + DAY);
    const p = alone.variants[1]!.sequential!.pValue;
    expect(p).toBeGreaterThan(0.025);
    expect(p).toBeLessThan(0.05);
    expect(alone.verdict).toBe('significant_win');
    const second: VariantCounts = { name: 'B', exposures: 10_000, conversions: 1000 };
    const withSecond = analyseExperiment([...counts, second], card(), T0 + DAY);
    expect(withSecond.variants[1]!.sequential!.significant).toBe(false);
    expect(withSecond.verdict).toBe('collecting');
  });

  it('collects quietly before any exposure', () => {
    const a = analyseExperiment(arms([0, 0], [0, 0]), card(), T0);
    expect(a.verdict).toBe('collecting');
    expect(a.verdictText).toBe('Collecting: no exposures yet, 14 days left.');
    expect(a.variants[1]!.probabilityToBeatControl).toBeCloseTo(0.5, 12);
  });

  it('counts the days to the horizon once, rounded up, for the verdict and the card alike', () => {
    // 13.5 days left: the verdict said "14 days left" while the card showed "13 d to the horizon".
    const a = analyseExperiment(arms([0, 0], [0, 0]), card(), T0 + DAY / 2);
    expect(a.daysLeft).toBe(14);
    expect(a.verdictText).toBe(`Collecting: no exposures yet, ${a.daysLeft} days left.`);
    expect(analyseExperiment(arms([0, 0], [0, 0]), card(), T0 + 13 * DAY + 1).daysLeft).toBe(1);
    expect(analyseExperiment(arms([0, 0], [0, 0]), card(), T0 + 14 * DAY).daysLeft).toBe(0);
  });

  it('refuses inputs it cannot analyse', () => {
    expect(() => analyseExperiment(arms([10, 11], [10, 1]), card(), T0)).toThrow(RangeError);
    expect(() => analyseExperiment(arms([10, 1], [10, 1]), card({ control: 'Nope' }), T0)).toThrow(RangeError);
    const partialSplit = card({ expectedSplit: { Control: 1 } });
    expect(() => analyseExperiment(arms([10, 1], [10, 1]), partialSplit, T0)).toThrow(RangeError);
    const alone: VariantCounts[] = [{ name: 'Control', exposures: 1, conversions: 0 }];
    expect(() => analyseExperiment(alone, card(), T0)).toThrow(RangeError);
  });
});
