// Scores per NAB category, and the leave-one-category-out protocol: for each category, every
// tunable (which candidate configuration, and the threshold) is chosen on the other categories
// only, then the held-out category is scored with that choice. A choice tuned on the files it
// is scored on says little; the held-out score says how it does on data it was never tuned on.

import type { NabFile } from './nab-corpus.ts';
import { fileScores, nabScore, normalise, STANDARD_PROFILE, type CostMatrix } from './nab-score.ts';

/**
 * Each candidate's best threshold and score on a set of categories, by its scores array and the
 * set's key: the protocol asks for the same ones many times (every fold, every per-choice subset),
 * and each is a sweep over every scored row. The same numbers, computed once.
 */
const chosenBy = new WeakMap<object, Map<string, { threshold: number; normalized: number }>>();
const corpusIds = new WeakMap<NabFile[], number>();
let corpora = 0;

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
  return normalise(sub.files, fileScores(sub.files, sub.scores, threshold, cost).reduce((a, b) => a + b, 0), cost);
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

/**
 * The candidate and threshold with the best corpus-wide NAB score on the given files. `key` names
 * the set `keep` selects (the same key, the same set, on the same files) so that each candidate's
 * sweep over it is done once.
 */
export function choose(files: NabFile[], candidates: Candidate[], keep: (f: NabFile) => boolean, cost: CostMatrix = STANDARD_PROFILE, key?: string): Choice {
  let best: Choice | null = null;
  if (key !== undefined && !corpusIds.has(files)) corpusIds.set(files, corpora++);
  const k = key === undefined ? undefined : `${cost.tpWeight},${cost.fpWeight},${cost.fnWeight}|${corpusIds.get(files)}|${key}`;
  for (const c of candidates) {
    let memo = chosenBy.get(c.scores);
    if (!memo) chosenBy.set(c.scores, (memo = new Map()));
    let s = k === undefined ? undefined : memo.get(k);
    if (!s) {
      const sub = pick(files, c.scores, keep);
      s = nabScore(sub.files, sub.scores, cost);
      if (k !== undefined) memo.set(k, { threshold: s.threshold, normalized: s.normalized });
    }
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
  const all = choose(files, candidates, () => true, cost, 'all');
  const allScores = candidates.find((c) => c.name === all.candidate)!.scores;
  const rows = categoriesOf(files).map((category) => {
    const chosen = choose(files, candidates, (f) => f.category !== category, cost, `without ${category}`);
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
