// Scores per NAB category, and the leave-one-category-out protocol: for each category, every
// tunable (which candidate configuration, and the threshold) is chosen on the other categories
// only, then the held-out category is scored with that choice. A choice tuned on the files it
// is scored on says little; the held-out score says how it does on data it was never tuned on.

import type { NabFile } from './nab-corpus.ts';
import { fileScores, nabScore, normalise, STANDARD_PROFILE, type CostMatrix } from './nab-score.ts';

/** A candidate: one configuration's scores, one array per file (in the corpus's order). */
export interface Candidate {
  name: string;
  scores: ArrayLike<number>[];
}

export function categoriesOf(files: NabFile[]): string[] {
  return [...new Set(files.map((f) => f.category))].sort();
}

function pick(files: NabFile[], scores: ArrayLike<number>[], keep: (f: NabFile) => boolean): { files: NabFile[]; scores: ArrayLike<number>[] } {
  const idx = files.map((f, i) => (keep(f) ? i : -1)).filter((i) => i >= 0);
  return { files: idx.map((i) => files[i]!), scores: idx.map((i) => scores[i]!) };
}

/** The normalised score of one category at a given threshold. */
export function categoryScore(files: NabFile[], scores: ArrayLike<number>[], category: string, threshold: number, cost: CostMatrix = STANDARD_PROFILE): number {
  const sub = pick(files, scores, (f) => f.category === category);
  return nabScore(sub.files, sub.scores, cost, threshold).atThreshold!;
}

/** The normalised score of one category at the threshold best for that category alone. */
export function categoryBest(files: NabFile[], scores: ArrayLike<number>[], category: string, cost: CostMatrix = STANDARD_PROFILE): number {
  const sub = pick(files, scores, (f) => f.category === category);
  return nabScore(sub.files, sub.scores, cost).normalized;
}

export interface Choice {
  candidate: string;
  threshold: number;
  /** The normalised score on the files it was chosen on. */
  trainScore: number;
}

/** The candidate and threshold with the best corpus-wide NAB score on the given files. */
export function choose(files: NabFile[], candidates: Candidate[], keep: (f: NabFile) => boolean, cost: CostMatrix = STANDARD_PROFILE): Choice {
  let best: Choice | null = null;
  for (const c of candidates) {
    const sub = pick(files, c.scores, keep);
    const s = nabScore(sub.files, sub.scores, cost);
    if (!best || s.normalized > best.trainScore) best = { candidate: c.name, threshold: s.threshold, trainScore: s.normalized };
  }
  return best!;
}

export interface HeldOutRow {
  category: string;
  /** Tuned on every category, this one included: its score at that choice. */
  inSample: number;
  /** Tuned on the other categories only: this one's score at that choice. */
  heldOut: number;
  chosen: Choice;
}

export function leaveOneCategoryOut(files: NabFile[], candidates: Candidate[], cost: CostMatrix = STANDARD_PROFILE): { all: Choice; rows: HeldOutRow[] } {
  const all = choose(files, candidates, () => true, cost);
  const allScores = candidates.find((c) => c.name === all.candidate)!.scores;
  const rows = categoriesOf(files).map((category) => {
    const chosen = choose(files, candidates, (f) => f.category !== category, cost);
    const scores = candidates.find((c) => c.name === chosen.candidate)!.scores;
    return {
      category,
      inSample: categoryScore(files, allScores, category, all.threshold, cost),
      heldOut: categoryScore(files, scores, category, chosen.threshold, cost),
      chosen,
    };
  });
  return { all, rows };
}

/** The corpus-wide NAB score when each category is scored at its own held-out choice. */
export function heldOutCorpusScore(files: NabFile[], candidates: Candidate[], rows: HeldOutRow[], cost: CostMatrix = STANDARD_PROFILE): number {
  const byName = new Map(candidates.map((c) => [c.name, c.scores]));
  let raw = 0;
  for (const row of rows) {
    const sub = pick(files, byName.get(row.chosen.candidate)!, (f) => f.category === row.category);
    raw += fileScores(sub.files, sub.scores, row.chosen.threshold, cost).reduce((a, b) => a + b, 0);
  }
  return normalise(files, raw, cost);
}
