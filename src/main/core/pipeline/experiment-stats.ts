// Statistics for an A/B experiment configured as a hypothesis card: per-variant rates with Wilson
// intervals, lift against the control, a fixed-horizon z-test, an always-valid sequential test
// (mSPRT) that the verdict rests on because a board is watched continuously, the Bayesian
// probability to beat control, a sample-ratio-mismatch check, and the sample the card needs.
// Formulas and verdict rules: docs/pipeline-stats.md.

import { chiSquaredSurvival, logBeta, normalQuantile, normalSurvival } from './distributions.ts';

export interface VariantCounts {
  name: string;
  exposures: number;
  conversions: number;
}

export interface ExperimentConfig {
  control: string;
  /** Relative change the card cares about: 0.05 = +5 %; negative when the metric should fall. */
  minimumEffect: number;
  /** Two-sided significance level; 0.05. */
  alpha?: number;
  /** Power for the sample-size estimate; 0.8. */
  power?: number;
  /** Planned traffic weights by variant name (any scale); equal when absent. */
  expectedSplit?: Record<string, number>;
  horizonMs: number;
  startedAt: number;
  /**
   * The control's expected conversion rate, written on the card before data arrives. It sizes the
   * sample before there is data and fixes the mSPRT's mixing variance in advance; without it the
   * observed rate is used (see docs on why fixing it is better).
   */
  baselineRate?: number;
  /**
   * The sequential p-values shown at the previous look, by variant name. The always-valid p-value
   * is the running minimum over looks (Johari et al. 2017); a caller that keeps these gets that
   * exact p-value, one that does not gets the p-value of the current look alone.
   */
  previousSequentialPValues?: Record<string, number>;
}

export interface VariantResult {
  name: string;
  rate: number;
  /** Wilson score interval at 1 − alpha. */
  ci: [number, number];
  /** rate / control rate − 1; null for the control and when the control rate is 0. */
  liftVsControl: number | null;
  /** Katz log interval of the rate ratio at 1 − alpha, minus 1; null when either arm has no conversions. */
  liftCi: [number, number] | null;
  /** Pooled two-proportion z-test against the control, two-sided. */
  zTest: { z: number; pValue: number } | null;
  /** Always-valid p-value of the normal mSPRT on the difference of proportions. */
  sequential: { pValue: number; significant: boolean } | null;
  /** P(rate > control rate) under Beta(1, 1) priors, exact. */
  probabilityToBeatControl: number | null;
}

export type ExperimentVerdict =
  | 'collecting'
  | 'significant_win'
  | 'significant_loss'
  | 'inconclusive_at_horizon'
  | 'srm_do_not_trust';

export interface ExperimentAnalysis {
  variants: VariantResult[];
  srm: { chiSquared: number; pValue: number; mismatch: boolean };
  verdict: ExperimentVerdict;
  verdictText: string;
  /** Per variant, for minimumEffect at alpha and power; NaN while the baseline rate is unknown. */
  requiredSamplePerVariant: number;
  /** Whole days to the horizon, rounded up (0 once reached): the one count the verdict and the
   * card both show, so they never disagree ("14 days left" beside "13 d to the horizon"). */
  daysLeft: number;
}

/** Sample-ratio mismatch is declared below this p: strict, because the check runs at every look. */
export const SRM_THRESHOLD = 0.001;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Single statistics, exported so they can be checked against published examples one by one.

/** Wilson's score interval for x successes in n trials at confidence 1 − alpha; [0, 1] when n = 0. */
export function wilsonInterval(x: number, n: number, alpha = 0.05): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - alpha / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // Clamp the rounding at x = 0 and x = n, where the exact limit is 0 or 1.
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Pooled two-proportion z-test of treatment against control, two-sided; null when an arm is empty. */
export function twoProportionZTest(
  controlConversions: number,
  controlExposures: number,
  conversions: number,
  exposures: number,
): { z: number; pValue: number } | null {
  if (controlExposures === 0 || exposures === 0) return null;
  const pc = controlConversions / controlExposures;
  const pt = conversions / exposures;
  const pooled = (controlConversions + conversions) / (controlExposures + exposures);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / controlExposures + 1 / exposures));
  // Both arms at 0 % (or 100 %): no evidence of a difference.
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (pt - pc) / se;
  return { z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

/**
 * Relative lift (rate ratio − 1) with the Katz log interval for the ratio:
 * ln(RR) ± z·√(1/x₁ − 1/n₁ + 1/x₀ − 1/n₀). The interval is null when either arm has no
 * conversions (the log is undefined); the lift is null when the control rate is 0.
 */
export function relativeLift(
  controlConversions: number,
  controlExposures: number,
  conversions: number,
  exposures: number,
  alpha = 0.05,
): { lift: number | null; ci: [number, number] | null } {
  if (controlExposures === 0 || exposures === 0 || controlConversions === 0) return { lift: null, ci: null };
  const rr = conversions / exposures / (controlConversions / controlExposures);
  if (conversions === 0) return { lift: rr - 1, ci: null };
  const z = normalQuantile(1 - alpha / 2);
  const se = Math.sqrt(1 / conversions - 1 / exposures + 1 / controlConversions - 1 / controlExposures);
  const log = Math.log(rr);
  return { lift: rr - 1, ci: [Math.exp(log - z * se) - 1, Math.exp(log + z * se) - 1] };
}

/**
 * The normal-approximation mixture SPRT on θ = p_t − p_c (Johari, Pekelis & Walsh, "Always Valid
 * Inference", 2017/2022, the Optimizely Stats Engine form). With θ̂ the observed difference, V its
 * variance under H0 (pooled rate, p̄(1−p̄)(1/n_c + 1/n_t)) and a N(0, τ²) mixture over θ:
 *
 *   Λ = √(V / (V + τ²)) · exp(τ²θ̂² / (2V(V + τ²)))
 *
 * Λ is (approximately) a non-negative martingale under H0, so by Ville's inequality
 * P(Λ ever ≥ 1/α) ≤ α, and min(1, 1/Λ) is a p-value that stays valid however often it is read.
 */
export function msprt(
  controlConversions: number,
  controlExposures: number,
  conversions: number,
  exposures: number,
  mixingSd: number,
): { lambda: number; pValue: number } {
  if (controlExposures === 0 || exposures === 0) return { lambda: 1, pValue: 1 };
  const pooled = (controlConversions + conversions) / (controlExposures + exposures);
  const v = pooled * (1 - pooled) * (1 / controlExposures + 1 / exposures);
  const tau2 = mixingSd * mixingSd;
  if (!(v > 0) || !(tau2 > 0)) return { lambda: 1, pValue: 1 };
  const theta = conversions / exposures - controlConversions / controlExposures;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * theta * theta) / (2 * v * (v + tau2));
  return { lambda: Math.exp(logLambda), pValue: Math.min(1, Math.exp(-logLambda)) };
}

/**
 * P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB), integer parameters; Evan Miller's
 * closed form ("Formulas for Bayesian A/B Testing"):
 *
 *   Σ_{i=0}^{aB−1} B(aA+i, bA+bB) / ((bB+i) · B(1+i, bB) · B(aA, bA))
 *
 * The sum has aB terms; by symmetry (swap the arms, or look at failure rates 1 − p) it can run over
 * whichever of aA, bA, aB, bB is smallest, so cost is bounded by the rarest outcome. Terms are built
 * by their ratio (aA+i)(bB+i) / ((aA+bA+bB+i)(1+i)) and summed in log space.
 */
export function probabilityBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  for (const v of [aA, bA, aB, bB]) {
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`Beta parameters must be integers ≥ 1, got ${v}`);
  }
  const smallest = Math.min(aA, bA, aB, bB);
  if (smallest === aB) return millerSum(aA, bA, aB, bB);
  if (smallest === aA) return 1 - millerSum(aB, bB, aA, bA);
  // 1 − p_A ~ Beta(bA, aA) and 1 − p_B ~ Beta(bB, aB); p_B > p_A ⇔ 1 − p_A > 1 − p_B.
  if (smallest === bA) return millerSum(bB, aB, bA, aA);
  return 1 - millerSum(bA, aA, bB, aB);
}

function millerSum(aA: number, bA: number, aB: number, bB: number): number {
  let logTerm = logBeta(aA, bA + bB) - logBeta(aA, bA);
  let logSum = logTerm;
  for (let i = 0; i < aB - 1; i++) {
    logTerm += Math.log(((aA + i) * (bB + i)) / ((aA + bA + bB + i) * (1 + i)));
    // log(e^s + e^t) without overflow.
    const [high, low] = logSum > logTerm ? [logSum, logTerm] : [logTerm, logSum];
    logSum = high + Math.log1p(Math.exp(low - high));
  }
  return Math.min(1, Math.max(0, Math.exp(logSum)));
}

/** Pearson's chi-squared of observed exposures against the planned split; df = variants − 1. */
export function sampleRatioMismatch(
  counts: readonly VariantCounts[],
  expectedSplit?: Record<string, number>,
): { chiSquared: number; pValue: number; mismatch: boolean } {
  const total = counts.reduce((s, c) => s + c.exposures, 0);
  if (total === 0 || counts.length < 2) return { chiSquared: 0, pValue: 1, mismatch: false };
  const weights = counts.map((c) => (expectedSplit ? expectedSplit[c.name]! : 1));
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let chiSquared = 0;
  counts.forEach((c, i) => {
    const expected = (total * weights[i]!) / weightSum;
    chiSquared += (c.exposures - expected) ** 2 / expected;
  });
  const pValue = chiSquaredSurvival(chiSquared, counts.length - 1);
  return { chiSquared, pValue, mismatch: pValue < SRM_THRESHOLD };
}

/**
 * Per-group n for a two-sided pooled two-proportion test to detect p1 → p2 (Fleiss; the formula
 * R's power.prop.test solves, strict = FALSE):
 *
 *   n = (z_{1−α/2}·√(2p̄(1−p̄)) + z_{power}·√(p1(1−p1) + p2(1−p2)))² / (p2 − p1)²
 *
 * with p̄ = (p1 + p2)/2.
 *
 * Not rounded; NaN when p2 falls outside (0, 1) or equals p1.
 */
export function sampleSizePerGroup(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || p1 === p2) return NaN;
  const pBar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const root = za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root * root) / ((p2 - p1) * (p2 - p1));
}

/** The power of that test with n per group (the inverse of sampleSizePerGroup). */
export function powerTwoProportions(n: number, p1: number, p2: number, alpha = 0.05): number {
  const pBar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2);
  const x =
    (Math.sqrt(n) * Math.abs(p1 - p2) - za * Math.sqrt(2 * pBar * (1 - pBar))) /
    Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return 1 - normalSurvival(x);
}

// ---------------------------------------------------------------------------------------------
// The analysis of one experiment.

function validate(counts: readonly VariantCounts[], cfg: ExperimentConfig, alpha: number, power: number): void {
  if (counts.length < 2) throw new RangeError('an experiment needs a control and at least one other variant');
  const names = new Set<string>();
  for (const c of counts) {
    if (names.has(c.name)) throw new RangeError(`variant ${c.name} appears twice`);
    names.add(c.name);
    if (!Number.isInteger(c.exposures) || !Number.isInteger(c.conversions) || c.exposures < 0 || c.conversions < 0) {
      throw new RangeError(`variant ${c.name}: exposures and conversions must be non-negative integers`);
    }
    if (c.conversions > c.exposures) throw new RangeError(`variant ${c.name}: more conversions than exposures`);
    if (cfg.expectedSplit && !(cfg.expectedSplit[c.name]! > 0)) {
      throw new RangeError(`expectedSplit has no positive weight for variant ${c.name}`);
    }
  }
  if (!names.has(cfg.control)) throw new RangeError(`control ${cfg.control} is not among the variants`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (!Number.isFinite(cfg.minimumEffect) || cfg.minimumEffect === 0) {
    throw new RangeError('minimumEffect must be a non-zero relative change');
  }
  if (cfg.baselineRate !== undefined && !(cfg.baselineRate > 0 && cfg.baselineRate < 1)) {
    throw new RangeError(`baselineRate must be in (0, 1), got ${cfg.baselineRate}`);
  }
  if (!Number.isFinite(cfg.startedAt) || !(cfg.horizonMs > 0)) {
    throw new RangeError('startedAt must be an instant and horizonMs positive');
  }
}

function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return `= ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

function formatPercent(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** 12345 → "12,345", the same on every machine whatever its locale. */
function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Analyse one experiment at instant now. Pure: the same inputs give the same result. */
export function analyseExperiment(counts: VariantCounts[], cfg: ExperimentConfig, now: number): ExperimentAnalysis {
  const alpha = cfg.alpha ?? 0.05;
  const power = cfg.power ?? 0.8;
  validate(counts, cfg, alpha, power);
  const control = counts.find((c) => c.name === cfg.control)!;
  const treatments = counts.filter((c) => c.name !== cfg.control);
  // Bonferroni across the treatment arms: with several arms, each gets alpha / arms so the chance
  // of any false win stays at alpha.
  const perArmAlpha = alpha / treatments.length;
  const direction = Math.sign(cfg.minimumEffect);
  const controlRate = control.exposures > 0 ? control.conversions / control.exposures : 0;

  const variants: VariantResult[] = counts.map((c) => {
    const rate = c.exposures > 0 ? c.conversions / c.exposures : 0;
    const ci = wilsonInterval(c.conversions, c.exposures, alpha);
    if (c === control) {
      return {
        name: c.name,
        rate,
        ci,
        liftVsControl: null,
        liftCi: null,
        zTest: null,
        sequential: null,
        probabilityToBeatControl: null,
      };
    }
    const lift = relativeLift(control.conversions, control.exposures, c.conversions, c.exposures, alpha);
    // The mixing sd is the card's minimum effect on the absolute scale; the baseline is fixed in
    // advance when the card gives one, else the pooled rate of the two arms (docs).
    const pooled = (control.conversions + c.conversions) / Math.max(1, control.exposures + c.exposures);
    const tau = Math.abs(cfg.minimumEffect) * (cfg.baselineRate ?? pooled);
    const current = msprt(control.conversions, control.exposures, c.conversions, c.exposures, tau).pValue;
    const previous = cfg.previousSequentialPValues?.[c.name];
    const pValue = previous !== undefined && previous < current ? previous : current;
    return {
      name: c.name,
      rate,
      ci,
      liftVsControl: lift.lift,
      liftCi: lift.ci,
      zTest: twoProportionZTest(control.conversions, control.exposures, c.conversions, c.exposures),
      sequential: { pValue, significant: pValue <= perArmAlpha },
      probabilityToBeatControl: probabilityBBeatsA(
        control.conversions + 1,
        control.exposures - control.conversions + 1,
        c.conversions + 1,
        c.exposures - c.conversions + 1,
      ),
    };
  });

  const srm = sampleRatioMismatch(counts, cfg.expectedSplit);
  const baseline = cfg.baselineRate ?? (control.conversions > 0 ? controlRate : NaN);
  const n = sampleSizePerGroup(baseline, baseline * (1 + cfg.minimumEffect), alpha, power);
  const requiredSamplePerVariant = Number.isNaN(n) ? NaN : Math.ceil(n);

  const diffOf = (v: VariantResult) => v.rate - controlRate;
  const arms = variants.filter((v) => v.name !== cfg.control);
  const significant = arms.filter((v) => v.sequential!.significant);
  const wins = significant.filter((v) => Math.sign(diffOf(v)) === direction);
  const losses = significant.filter((v) => Math.sign(diffOf(v)) === -direction);
  const byEffect = (a: VariantResult, b: VariantResult) => direction * (diffOf(b) - diffOf(a));
  const pastHorizon = now >= cfg.startedAt + cfg.horizonMs;
  const daysLeft = pastHorizon ? 0 : Math.ceil((cfg.startedAt + cfg.horizonMs - now) / DAY_MS);

  // "Treatment converts 18 % better[ so far] (always-valid p = 0.003)".
  const describe = (v: VariantResult, soFar = ''): string => {
    const p = `(always-valid p ${formatP(v.sequential!.pValue)})`;
    if (v.liftVsControl === null) {
      return `${v.name} converts at ${formatPercent(v.rate, 1)} vs ${formatPercent(controlRate, 1)}${soFar} ${p}`;
    }
    const good = v.liftVsControl * direction >= 0;
    return `${v.name} converts ${formatPercent(Math.abs(v.liftVsControl))} ${good ? 'better' : 'worse'}${soFar} ${p}`;
  };

  let verdict: ExperimentVerdict;
  let verdictText: string;
  if (srm.mismatch) {
    verdict = 'srm_do_not_trust';
    const total = counts.reduce((s, c) => s + c.exposures, 0);
    const weights = counts.map((c) => cfg.expectedSplit?.[c.name] ?? 1);
    const weightSum = weights.reduce((s, w) => s + w, 0);
    // Name the arm whose share is furthest from plan.
    let worst = 0;
    counts.forEach((c, i) => {
      const off = Math.abs(c.exposures / total - weights[i]! / weightSum);
      if (off > Math.abs(counts[worst]!.exposures / total - weights[worst]! / weightSum)) worst = i;
    });
    const w = counts[worst]!;
    verdictText =
      `Traffic split is off: ${w.name} got ${formatPercent(w.exposures / total, 1)} of exposures, ` +
      `${formatPercent(weights[worst]! / weightSum, 1)} planned (p = ${srm.pValue.toExponential(1)})` +
      ' — do not trust these results.';
  } else if (wins.length > 0) {
    verdict = 'significant_win';
    verdictText = `${describe(wins.sort(byEffect)[0]!)} — significant win.`;
  } else if (losses.length > 0) {
    verdict = 'significant_loss';
    verdictText = `${describe(losses.sort((a, b) => -byEffect(a, b))[0]!)} — significant loss.`;
  } else {
    const closest = [...arms].sort((a, b) => a.sequential!.pValue - b.sequential!.pValue)[0]!;
    const seen = counts.some((c) => c.exposures > 0);
    if (pastHorizon) {
      verdict = 'inconclusive_at_horizon';
      verdictText = seen
        ? `No significant difference by the horizon: ${describe(closest)} — inconclusive.`
        : 'The horizon has passed with no exposures — inconclusive.';
    } else {
      verdict = 'collecting';
      const left = `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
      if (!seen) {
        verdictText = `Collecting: no exposures yet, ${left}.`;
      } else {
        const smallest = Math.min(...counts.map((c) => c.exposures));
        const progress = Number.isNaN(requiredSamplePerVariant)
          ? ''
          : `; ${formatCount(smallest)} of ${formatCount(requiredSamplePerVariant)} per variant`;
        verdictText = `Collecting: ${describe(closest, ' so far')}${progress}, ${left}.`;
      }
    }
  }

  return { variants, srm, verdict, verdictText, requiredSamplePerVariant, daysLeft };
}
