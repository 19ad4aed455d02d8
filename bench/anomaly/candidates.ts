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
//   radiator+ARTime-relearn  the same with ARTime's range re-learning as a tunable (0: never; else
//                 the narrowing ratio), over its ARTime choices at the shipped hold-off and prior

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

/** ARTime's streaming tunables from a choice: probation, down-sampling, range margin (= growth), and optionally the category cap and re-learning ratio. */
function artimeOf(choices: Record<string, string>): Partial<ArtimeOptions> {
  return {
    learn: Number(choices.learn),
    downsample: Number(choices.downsample),
    rangeMargin: Number(choices.margin),
    rangeGrowth: Number(choices.margin),
    ...(choices.categories ? { maxCategories: Number(choices.categories) } : {}),
    ...(choices.relearn ? { relearn: Number(choices.relearn) } : {}),
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
      holdOff: Number(choices['hold-off']),
      escalate: choices.escalate === 'off' ? 0 : Number(choices.escalate),
      shape: choices.shape === 'off' ? false : { length: Number(choices.shape) },
      surprise: { priorWeight: Number(choices.prior) },
    },
    choices,
  }));
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
  'radiator+ARTime-relearn': () => artimeEnsembleGrid({ 'hold-off': [72], escalate: [1.25], shape: ['off', 16], prior: [300], learn: [300, 600], downsample: [2, 4], margin: [0.5, 1], relearn: [0, 2, 4, 8] }),
  'CAD+histogram+EWMA': () => ensembleGrid(['CAD', 'histogram', 'EWMA'], { 'hold-off': [24, 72, 144], range: ['grow1', 'patient'], prior: [100, 300], combine: ['max', 'mean'] }),
};
