// A chart's anomalies: the ensemble run over each series of a range query, in time order as it
// would have run live — the points it called anomalous (with its sentence) and the band it
// expected at each step (the seasonal expectation where it found a period, else mean ± kσ).

import { Ensemble } from './ensemble.ts';

export interface SeriesAnalysis {
  labels: Record<string, string>;
  anomalies: Array<{ t: number; v: number; score: number; explanation: string }>;
  /** [t, lower, upper] per step, where the detectors had an expectation. */
  band: Array<[number, number, number]>;
}

/** Bounded: at most MAX_SERIES series and MAX_POINTS points per series are analysed. */
export const MAX_SERIES = 20;
export const MAX_POINTS = 20_000;

export function analyseRange(result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>): SeriesAnalysis[] {
  return result.slice(0, MAX_SERIES).map((s) => {
    const e = new Ensemble();
    const out: SeriesAnalysis = { labels: s.metric, anomalies: [], band: [] };
    for (const [tSec, raw] of s.values.slice(-MAX_POINTS)) {
      const v = Number(raw);
      if (!Number.isFinite(v)) continue;
      const t = tSec * 1000;
      const o = e.update({ t, v });
      if (o.expected) out.band.push([t, o.expected.lower, o.expected.upper]);
      // The onset of each anomaly, as the ensemble reports it (once, then it holds off).
      if (o.anomalous) out.anomalies.push({ t, v, score: Math.round(o.score * 1000) / 1000, explanation: o.explanation });
    }
    return out;
  });
}
