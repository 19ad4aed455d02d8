// The tunables the leave-one-category-out protocol chooses among (with the threshold), one grid
// per design ("family"). Each candidate is one full configuration; the protocol never sees the
// held-out category while choosing.
//   radiator      the ensemble without ARTime (the design shipped before it): hold-off length and
//                 escalation, the shape detector's subsequence length (or none), the weight of the
//                 calibration prior
//   CAD           the contextual detector alone (cad-detector.ts), with its own rest period:
//                 rest period, and how its value range is learned
//   CAD-lookahead the same given each file's min and max in advance, as NAB gives them (a reference:
//                 what the published CAD OSE's score owes to that look-ahead)
//   CAD-likelihood the CAD detector's raw score calibrated per series (surprise.ts) and held off
//                 by the ensemble: HTM's anomaly likelihood on top of CAD
//   radiator+CAD  the ensemble with CAD as one more calibrated detector
//   radiator+CAD-lean  the same at about the cost of the shipped ensemble: no shape detector, CAD capped at 256 contexts
//   CAD+EWMA+seasonal, CAD+histogram+EWMA  CAD with two of the ensemble's detectors, calibrated, max or mean
//   ARTime        the adaptive resonance detector alone (artime-detector.ts), streaming: its
//                 probation (points that set its range and vigilance), down-sampling factor, and
//                 how much room the learned range leaves (margin = growth), its category cap
//   ARTime-lookahead  the same given, as NAB gives it, each file's min and max and its length
//                 (probation 15 % of the file up to 750 points, down-sampling probation / 104): a
//                 reference only, what the published ARTime's score owes to that look-ahead
//   radiator+ARTime  the ensemble with ARTime as one more calibrated detector (the shipped design:
//                 its in-sample choice is the default)
//   radiator+ARTime+relearn  radiator+ARTime with ARTime's range re-learning ratio (0: never;
//                 else the narrowing ratio) as one more tunable, so the held-out folds choose it too
//   radiator+ARTime+relearn+escalate  the same with the escalation (off or 1.25) chosen per fold
//                 too: hold-off, escalation, shape detector, prior and ARTime's probation,
//                 down-sampling, margin and re-learning ratio all chosen per fold (bench:anomaly
//                 --loco's default)
//   radiator+ARTime-relearn  an earlier, smaller grid of the same: the ratio over ARTime's choices
//                 at the hold-off and prior chosen before (in-sample), not chosen per fold
//   radiator+ARTime-time  radiator+ARTime with ARTime's probation, down-sampling and re-learning
//                 delay in time (a day or two of data; steps of 5, 10 or 20 minutes; 50 hours)
//                 rather than points (on 5-minute data the same values in points, but for 4 files)
//   ARTime-screen, ARTime-screen2, ARTime-screen3  screens for bench/anomaly-screen.ts: the
//                 shipped configuration beside a few variants of ARTime (probation and step in
//                 time; the re-learning ratio and delay, ARTime's critical value and a probation
//                 of 288 or 312 points; the step in time with the probation in points)
//   ARTime-reprobe-screen, ARTime-reprobe-screen2  screens: the shipped configuration beside ARTime
//                 with a second probation (at 1 000–3 000 points; range re-derived or kept; the
//                 down-sampling kept or made 4 or 7)
//   radiator+ARTime-small, radiator+ARTime+reprobe-small  a small grid around the shipped
//                 configuration (hold-off, shape detector, prior), without and with the second
//                 probation's 12 variants as tunables: the paired held-out comparison
//   radiator+ARTime+reprobe  radiator+ARTime with the second probation off or at the small grid's
//                 in-sample choice (1 500 points, range re-derived, factor 4)
//   ablation-screen  the shipped configuration without one detector at a time (ARTime aside)
//   lookahead-screen the shipped configuration beside the same with ARTime given NAB's look-ahead
//                 (the file's range, probation and down-sampling): headroom, not a design

import type { ArtimeOptions, CadOptions, EnsembleOptions } from '../../src/main/core/analysis/index.ts';

export interface CandidateConfig {
  name: string;
  options: Partial<EnsembleOptions>;
  /** Set for a standalone CAD detector (then `options` is unused). */
  cad?: Partial<CadOptions>;
  /** Set for a standalone ARTime detector (then `options` is unused). */
  artime?: Partial<ArtimeOptions>;
  /** A standalone CAD or ARTime given each file's range in advance, as NAB gives it (a reference only: a live series has no such range). */
  lookahead?: boolean;
  /** bench/anomaly-screen.ts only, with `lookahead`: ARTime in the ensemble given part of NAB's set-up, 'range' (the file's min and max) or 'probation' (the probation and down-sampling from the file's length). */
  lookaheadPart?: 'range' | 'probation';
  /** The value of each tunable, by the tunable's name, for judging each choice on its own. */
  choices: Record<string, string>;
}

/** How CAD learns its value range (cad-detector.ts), by name. */
export const CAD_RANGES: Record<string, Partial<CadOptions>> = {
  grow: { range: 'learned', rangeWarmup: 300, rangeMargin: 1, rangeGrowth: 2 },
  grow1: { range: 'learned', rangeWarmup: 300, rangeMargin: 1, rangeGrowth: 1 },
  patient: { range: 'learned', rangeWarmup: 300, rangeMargin: 1, rangeGrowth: 1, rangePatience: 10 },
  epochs: { range: 'epochs', rangeWarmup: 300, rangeMargin: 0.25 },
};

function named(choices: Record<string, string>): string {
  return Object.entries(choices).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Every combination of the dimensions' values. */
function product(dims: Record<string, Array<string | number>>): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const [k, values] of Object.entries(dims)) out = out.flatMap((o) => values.map((v) => ({ ...o, [k]: String(v) })));
  return out;
}

export function candidateGrid(): CandidateConfig[] {
  return product({ 'hold-off': [24, 72, 144], escalate: ['off', 1.25], shape: ['off', 4, 8, 16], prior: [30, 100, 300] }).map((choices) => ({
    name: named(choices),
    options: {
      artime: false,
      holdOff: Number(choices['hold-off']),
      escalate: choices.escalate === 'off' ? 0 : Number(choices.escalate),
      shape: choices.shape === 'off' ? false : { length: Number(choices.shape) },
      surprise: { priorWeight: Number(choices.prior) },
    },
    choices,
  }));
}

function cadStandaloneGrid(): CandidateConfig[] {
  return product({ rest: [24, 72, 144], range: Object.keys(CAD_RANGES) }).map((choices) => ({
    name: named(choices),
    options: {},
    cad: { ...CAD_RANGES[choices.range!]!, restPeriod: Number(choices.rest) },
    choices,
  }));
}

function ensembleGrid(only: string[] | null, dims: Record<string, Array<string | number>>, cad: Partial<CadOptions> = {}): CandidateConfig[] {
  return product(dims).map((choices) => ({
    name: named(choices),
    options: {
      only,
      artime: false,
      cad: { ...CAD_RANGES[choices.range ?? 'grow']!, ...cad },
      holdOff: Number(choices['hold-off']),
      escalate: choices.escalate === undefined || choices.escalate === 'off' ? 0 : Number(choices.escalate),
      ...(choices.shape !== undefined ? { shape: choices.shape === 'off' ? false : { length: Number(choices.shape) } } : {}),
      surprise: { priorWeight: Number(choices.prior) },
      ...(choices.combine ? { combine: choices.combine as 'max' | 'mean' } : {}),
    },
    choices,
  }));
}

function cadLookaheadGrid(): CandidateConfig[] {
  return product({ rest: [24, 72, 144] }).map((choices) => ({ name: named(choices), options: {}, cad: { restPeriod: Number(choices.rest) }, lookahead: true, choices }));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A duration written as in the grids ('10m', '1d', '48h') in milliseconds. */
export function durationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(s);
  if (!m) throw new Error(`bad duration ${s}`);
  return Number(m[1]) * { m: MINUTE, h: HOUR, d: 24 * HOUR }[m[2] as 'm' | 'h' | 'd'];
}

/**
 * ARTime's streaming tunables from a choice: probation (`learn`, points, or `probation`, a
 * duration), down-sampling (`downsample`, a factor, or `step`, a duration), range margin
 * (= growth), and optionally the category cap, the re-learning ratio and its delay (`after`, a duration).
 */
function artimeOf(choices: Record<string, string>): Partial<ArtimeOptions> {
  return {
    ...(choices.learn ? { learn: Number(choices.learn) } : {}),
    ...(choices.probation ? { learnMs: durationMs(choices.probation) } : {}),
    ...(choices.downsample ? { downsample: Number(choices.downsample) } : {}),
    ...(choices.step ? { stepMs: durationMs(choices.step) } : {}),
    rangeMargin: Number(choices.margin),
    rangeGrowth: Number(choices.margin),
    ...(choices.categories ? { maxCategories: Number(choices.categories) } : {}),
    ...(choices.relearn ? { relearn: Number(choices.relearn) } : {}),
    ...(choices.after ? { relearnAfterMs: durationMs(choices.after) } : {}),
    ...(choices.relearnAfter ? { relearnAfter: Number(choices.relearnAfter) } : {}),
    ...(choices.critical ? { critical: Number(choices.critical) } : {}),
    ...(choices.reprobe && choices.reprobe !== 'off' ? { reprobeAt: Number(choices.reprobe) } : {}),
    ...(choices.rerange && choices.rerange !== '-' ? { reprobeRange: choices.rerange as 'history' | 'current' } : {}),
    ...(choices.redownsample && choices.redownsample !== '-' ? { reprobeDownsample: choices.redownsample === 'keep' ? 0 : Number(choices.redownsample) } : {}),
    ...(choices.times && choices.times !== '-' ? { reprobeTimes: Number(choices.times) } : {}),
    ...(choices.scale && choices.scale !== '-' ? { reprobeScale: Number(choices.scale) } : {}),
    ...(choices.maxds && choices.maxds !== '-' ? { reprobeMaxDownsample: Number(choices.maxds) } : {}),
  };
}

function artimeStandaloneGrid(): CandidateConfig[] {
  return product({ learn: [150, 300, 600], downsample: [1, 2, 4], margin: [0.5, 1, 2], categories: [256, 512] }).map((choices) => ({ name: named(choices), options: {}, artime: artimeOf(choices), choices }));
}

function artimeEnsembleGrid(dims: Record<string, Array<string | number>>): CandidateConfig[] {
  return product(dims).map((choices) => ({
    name: named(choices),
    options: {
      artime: artimeOf(choices),
      holdOff: choices['hold-off'] === '-' ? 0 : Number(choices['hold-off']),
      ...(choices.holdms ? { holdOffMs: durationMs(choices.holdms) } : {}),
      escalate: choices.escalate === 'off' ? 0 : Number(choices.escalate),
      shape: choices.shape === 'off' ? false : { length: Number(choices.shape) },
      surprise: { priorWeight: Number(choices.prior) },
    },
    choices,
  }));
}

/** The small grid, and with `reprobe` the same with each second probation too (its configurations without one read 'off' / '-'). */
function reprobeGrid(reprobe: boolean): CandidateConfig[] {
  const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300], downsample: [2], margin: [0.5] };
  return [
    ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'] }),
    ...(reprobe ? artimeEnsembleGrid({ ...base, reprobe: [1500, 3000], rerange: ['history', 'current'], redownsample: [2, 4, 7] }) : []),
  ];
}

/** The grids by family name (see the top of this file). */
export const FAMILIES: Record<string, () => CandidateConfig[]> = {
  radiator: candidateGrid,
  CAD: cadStandaloneGrid,
  'CAD-lookahead': cadLookaheadGrid,
  'CAD-likelihood': () => ensembleGrid(['CAD'], { 'hold-off': [24, 72, 144], range: Object.keys(CAD_RANGES), prior: [100, 300] }),
  'radiator+CAD': () => ensembleGrid(null, { 'hold-off': [24, 72, 144], escalate: ['off', 1.25], shape: ['off', 16], prior: [100, 300], range: ['grow', 'patient'] }),
  'radiator+CAD-lean': () => ensembleGrid(null, { 'hold-off': [24, 72, 144], escalate: ['off', 1.25], shape: ['off'], prior: [100, 300], range: ['grow', 'patient'] }, { maxContexts: 256 }),
  'CAD+EWMA+seasonal': () => ensembleGrid(['CAD', 'EWMA', 'seasonal'], { 'hold-off': [24, 72, 144], range: ['grow1', 'patient'], prior: [100, 300], combine: ['max', 'mean'] }),
  ARTime: artimeStandaloneGrid,
  'ARTime-lookahead': () => [{ name: 'look-ahead', options: {}, artime: {}, lookahead: true, choices: { range: 'look-ahead' } }],
  'radiator+ARTime': () => artimeEnsembleGrid({ 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1] }),
  // The shipped grid with ARTime's probation and down-sampling in time rather than points (on
  // 5-minute data 1 day ≈ 300 points, 2 days ≈ 600, steps of 5/10/20 minutes = factors 1/2/4),
  // and its re-learning delay too (50 h = 600 points at 5 minutes).
  'radiator+ARTime-time': () => artimeEnsembleGrid({ 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], probation: ['1d', '2d'], step: ['5m', '10m', '20m'], margin: [0.5, 1], after: ['50h'] }),
  // radiator+ARTime with the re-learning ratio as one more tunable.
  'radiator+ARTime+relearn': () => artimeEnsembleGrid({ 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1], relearn: [0, 2, 4, 8] }),
  // The default grid: the same with the escalation (off, or 1.25: chosen before ARTime joined) chosen per fold too.
  'radiator+ARTime+relearn+escalate': () => artimeEnsembleGrid({ 'hold-off': [24, 72], escalate: ['off', 1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1], relearn: [0, 2, 4, 8] }),
  // Screens: the shipped configuration with one thing about ARTime changed.
  'ARTime-screen': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], probation: ['1d', '2d', '4d'], step: ['10m'], margin: [0.5], after: ['50h'] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], probation: ['1d'], step: ['10m', '15m', '30m'], margin: [0.5] }),
  ],
  'ARTime-screen2': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5], relearn: [2, 4], relearnAfter: [300, 600, 1200] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5], critical: [0.2, 0.4] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [288, 312], downsample: [2], margin: [0.5] }),
  ],
  'ARTime-screen3': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], step: ['10m', '20m', '30m'], margin: [0.5] }),
  ],
  // The shipped configuration with a second probation for ARTime at 1 000–3 000 points, its range re-derived from the history or kept.
  'ARTime-reprobe-screen': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5], reprobe: [1000, 1500, 2000, 3000], rerange: ['history', 'current'] }),
  ],
  // The same with the down-sampling made coarser at the second probation (NAB's look-ahead gives a long file a factor of 7).
  'ARTime-reprobe-screen2': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] }),
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5], reprobe: [1500, 3000], rerange: ['history', 'current'], redownsample: [4, 7] }),
  ],
  // The shipped configuration beside later probations on a doubling schedule (at reprobe·2^k
  // points, k < times): the factor doubling from a fixed one, or set from the series' time scale
  // (the lag where the autocorrelation of the points kept falls below 0.5, over `scale`; no
  // re-learning when that is the current factor).
  'ARTime-schedule-screen': () => {
    const shipped = { 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] };
    return [
      ...artimeEnsembleGrid(shipped),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [750], rerange: ['history', 'current'], redownsample: [4], times: [2, 3] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [1200, 1500], rerange: ['history', 'current'], redownsample: [4], times: [2] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [1500], rerange: ['history', 'current'], scale: [4, 6, 8] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [750, 1200], rerange: ['history', 'current'], scale: [6], times: [3] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [1200, 1500], rerange: ['history'], redownsample: [4], times: [3] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [750, 1200], rerange: ['history'], scale: [3, 4], times: [3] }),
      ...artimeEnsembleGrid({ ...shipped, reprobe: [1500], rerange: ['history'], scale: [2, 3] }),
    ];
  },
  // The shipped configuration beside the ensemble's hold-off in time (6 h is the shipped 72 points
  // at 5 minutes; NAB's files differ only where the interval is not 5 minutes or points are missing).
  'holdoff-time-screen': () => {
    const shipped = { 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] };
    return [
      ...artimeEnsembleGrid(shipped),
      ...artimeEnsembleGrid({ ...shipped, holdms: ['2h', '6h', '12h'] }),
    ];
  },
  // A small grid around the shipped configuration (hold-off, shape detector, prior; ARTime as
  // shipped), without and with ARTime's second probation as tunables (at 1 500 or 3 000 points;
  // range re-derived or kept; down-sampling kept at 2 or made 4 or 7): the paired comparison.
  'radiator+ARTime-small': () => reprobeGrid(false),
  // The same small grid with later probations on a doubling schedule as tunables (first at 750,
  // 1 200 or 1 500 points; range re-derived or kept): the factor doubling from 4 (two or three
  // of them), or set from the series' time scale (scale 3, 4 or 6; one at 1 500 points, or up to
  // three from 750).
  'radiator+ARTime+doubling-small': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300], downsample: [2], margin: [0.5] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'], times: ['-'] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [750, 1200, 1500], rerange: ['history', 'current'], redownsample: [4], times: [2, 3] }),
    ];
  },
  // A second grid for the same comparison, with ARTime's own tunables free: hold-off, prior,
  // probation 300/600, factor 2/4, margin 0.5/1 (shape detector off), with the doubling schedules
  // above or none; those whose points would not fill the trend window at factor 4 left out.
  'radiator+ARTime+doubling-mid': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off'], prior: [100, 300], learn: [300, 600], downsample: [2, 4], margin: [0.5, 1] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'], times: ['-'] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [750, 1200, 1500], rerange: ['history', 'current'], redownsample: [4], times: [2, 3] }).filter((g) => {
        const ds = Number(g.choices.downsample);
        return Math.floor((Math.floor(Number(g.choices.reprobe) / ds) * ds) / 4) >= Math.floor(Number(g.choices.learn) / ds);
      }),
    ];
  },
  // radiator+ARTime (the 96: hold-off, shape detector, prior, probation 300/600, factor 1/2/4,
  // margin 0.5/1) with the 12 doubling schedules of the small grid (first at 750, 1 200 or 1 500
  // points; range re-derived or kept; two or three) or none as one more tunable the folds choose;
  // those whose points would not fill the trend window at factor 4 left out.
  'radiator+ARTime+doubling': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'], times: ['-'] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [750, 1200, 1500], rerange: ['history', 'current'], redownsample: [4], times: [2, 3] }).filter((g) => {
        const ds = Number(g.choices.downsample);
        return Math.floor((Math.floor(Number(g.choices.reprobe) / ds) * ds) / 4) >= Math.floor(Number(g.choices.learn) / ds);
      }),
    ];
  },
  // The default grid (radiator+ARTime+relearn+escalate) with the doubling schedule the small
  // grid chose in-sample (first at 1 500 points, range re-derived, factor 4, 8, 16) in every
  // configuration — those whose trend window 375 steps would not fill left out (probation 600 at
  // factor 1): picked with every category in view, so its held-out figure is optimistic.
  'radiator+ARTime+relearn+escalate+doubling': () =>
    artimeEnsembleGrid({ 'hold-off': [24, 72], escalate: ['off', 1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1], relearn: [0, 2, 4, 8], reprobe: [1500], rerange: ['history'], redownsample: [4], times: [3] }).filter(
      (g) => !(g.choices.learn === '600' && g.choices.downsample === '1'),
    ),
  // The small grid with the hold-off in points (24 / 72) or in time instead (2 / 6 / 12 hours).
  'radiator+ARTime+holdtime-small': () => {
    const base = { escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300], downsample: [2], margin: [0.5] };
    return [...artimeEnsembleGrid({ 'hold-off': [24, 72], ...base }), ...artimeEnsembleGrid({ 'hold-off': ['-'], holdms: ['2h', '6h', '12h'], ...base })];
  },
  'radiator+ARTime+timescale-small': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300], downsample: [2], margin: [0.5] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], scale: ['-'], times: ['-'] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [1500], rerange: ['history', 'current'], scale: [3, 4, 6], times: [1] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [750], rerange: ['history', 'current'], scale: [3, 4, 6], times: [3] }),
    ];
  },
  'radiator+ARTime+reprobe-small': () => reprobeGrid(true),
  // radiator+ARTime (96) with every second probation of the small grid as a tunable (the factor
  // kept, or made 4 or 7); those whose points would not fill the trend window are left out.
  'radiator+ARTime+reprobe-all': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'] }),
      ...artimeEnsembleGrid({ ...base, reprobe: [1500, 3000], rerange: ['history', 'current'], redownsample: ['keep', 4, 7] }).filter((g) => {
        const ds = Number(g.choices.downsample);
        const factor = g.choices.redownsample === 'keep' ? ds : Number(g.choices.redownsample);
        return Math.floor((Math.floor(Number(g.choices.reprobe) / ds) * ds) / factor) >= Math.floor(Number(g.choices.learn) / ds);
      }),
    ];
  },
  // radiator+ARTime (96) with the second probation off or at the small grid's in-sample choice (1 500 points, range re-derived, factor 4).
  'radiator+ARTime+reprobe': () => {
    const base = { 'hold-off': [24, 72], escalate: [1.25], shape: ['off', 16], prior: [100, 300], learn: [300, 600], downsample: [1, 2, 4], margin: [0.5, 1] };
    return [
      ...artimeEnsembleGrid({ ...base, reprobe: ['off'], rerange: ['-'], redownsample: ['-'] }),
      // Not with probation 600 at factor 1: its 600-step trend window is more than 1 500 points give at factor 4.
      ...artimeEnsembleGrid({ ...base, reprobe: [1500], rerange: ['history'], redownsample: [4] }).filter((g) => !(g.choices.learn === '600' && g.choices.downsample === '1')),
    ];
  },
  // The shipped configuration without one detector at a time.
  'ablation-screen': () => {
    const all = ['σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ', 'histogram', 'KS', 'seasonal', 'ARTime'];
    return [null, ...all.filter((d) => d !== 'ARTime')].map((drop) => ({
      name: drop ? `without ${drop}` : 'shipped',
      options: { only: drop ? all.filter((d) => d !== drop) : null },
      choices: { without: drop ?? 'none' },
    }));
  },
  // The shipped ensemble with ARTime given NAB's look-ahead (each file's range, and its probation and down-sampling from the file's length): headroom, not a design.
  'lookahead-screen': () => [
    ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] }),
    { ...artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] })[0]!, name: 'ARTime with look-ahead', lookahead: true },
  ],
  // The same, each part of the look-ahead alone: which of them realKnownCause's gain comes from.
  'lookahead-parts-screen': () => {
    const shipped = artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off'], prior: [300], learn: [300], downsample: [2], margin: [0.5] })[0]!;
    return [
      shipped,
      { ...shipped, name: 'ARTime with look-ahead', lookahead: true },
      { ...shipped, name: 'ARTime with the file\'s range only', lookahead: true, lookaheadPart: 'range' },
      { ...shipped, name: 'ARTime with the file\'s probation and down-sampling only', lookahead: true, lookaheadPart: 'probation' },
    ];
  },
  'radiator+ARTime-relearn': () => artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off', 16], prior: [300], learn: [300, 600], downsample: [2, 4], margin: [0.5, 1], relearn: [0, 2, 4, 8] }),
  'CAD+histogram+EWMA': () => ensembleGrid(['CAD', 'histogram', 'EWMA'], { 'hold-off': [24, 72, 144], range: ['grow1', 'patient'], prior: [100, 300], combine: ['max', 'mean'] }),
};
