// The tunables of the shipped detector that the leave-one-category-out protocol chooses among
// (with the threshold): hold-off length and escalation, the shape detector's subsequence length
// (or none), and the weight of the calibration prior. Each candidate is one full configuration;
// the protocol never sees the held-out category while choosing.

import type { EnsembleOptions } from '../../src/main/core/analysis/index.ts';

export interface CandidateConfig {
  name: string;
  options: Partial<EnsembleOptions>;
  /** The value of each tunable, by the tunable's name, for judging each choice on its own. */
  choices: Record<string, string>;
}

export function candidateGrid(): CandidateConfig[] {
  const out: CandidateConfig[] = [];
  for (const holdOff of [24, 72, 144])
    for (const escalate of [0, 1.25])
      for (const shape of [0, 4, 8, 16])
        for (const priorWeight of [30, 100, 300]) {
          const choices = { 'hold-off': String(holdOff), escalate: escalate ? String(escalate) : 'off', shape: shape ? String(shape) : 'off', prior: String(priorWeight) };
          out.push({
            name: Object.entries(choices).map(([k, v]) => `${k} ${v}`).join(', '),
            options: { holdOff, escalate, shape: shape ? { length: shape } : false, surprise: { priorWeight } },
            choices,
          });
        }
  return out;
}
