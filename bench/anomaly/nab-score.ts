// NAB's scoring, mirrored from numenta/NAB: nab/sweeper.py (calcSweepScore,
// calcScoreByThreshold, scaledSigmoid, the probation length) for the per-point weights and the
// threshold sweep, and nab/runner.py (normalize) for 100 × (score − null) / (perfect − null),
// perfect being the number of windows × tpWeight and null the constant-0.5 null detector at its
// own best threshold. Like NAB's optimiser the threshold is chosen over the whole corpus, but
// by an exact sweep over every distinct score rather than a hill climb.

import type { NabFile } from './nab-corpus.ts';

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** NAB's "standard" application profile. */
export const STANDARD_PROFILE: CostMatrix = { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 };
/** NAB's "reward low FP rate" profile: each false positive costs twice as much. */
export const LOW_FP_PROFILE: CostMatrix = { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 };
export const PROBATION_PERCENT = 0.15;

/** NAB's probationary period: the first 15 % of a file, at most 750 rows (nab/util.py getProbationPeriod). */
export function probationLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1.0;
}

interface SweepRow {
  score: number;
  /** The row's weight if it is flagged: a TP's by its position in its window, an FP's by its distance past the last window. */
  weight: number;
  /** Global window id, or −1 outside every window. */
  window: number;
}

/** The per-row weights of one file, probationary rows dropped (sweeper.calcSweepScore). */
function sweepRows(file: NabFile, scores: ArrayLike<number>, cost: CostMatrix, windowBase: number, out: SweepRow[]): void {
  const n = file.t.length;
  const probation = probationLength(n);
  const maxTP = scaledSigmoid(-1.0);
  let w = 0; // next window
  let cur = -1; // index into file.windows of the window we are in
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    if (cur < 0 && w < file.windows.length && i === file.windows[w]![0]) cur = w++;
    let weight: number;
    if (cur >= 0) {
      const [left, right] = file.windows[cur]!;
      const width = right - left + 1;
      weight = (scaledSigmoid(-(right - i + 1) / width) * cost.tpWeight) / maxTP;
    } else {
      const past = prevRight < 0 ? 3.0 : prevWidth > 1 ? Math.abs(prevRight - i) / (prevWidth - 1) : 3.0;
      weight = scaledSigmoid(past) * cost.fpWeight;
    }
    if (i >= probation) out.push({ score: scores[i]!, weight, window: cur >= 0 ? windowBase + cur : -1 });
    if (cur >= 0 && i === file.windows[cur]![1]) {
      prevRight = i;
      prevWidth = file.windows[cur]![1] - file.windows[cur]![0] + 1;
      cur = -1;
    }
  }
}

export interface SweepResult {
  /** The threshold with the highest raw score (flag when score ≥ threshold). */
  threshold: number;
  rawScore: number;
}

/** The best corpus-wide threshold and its raw NAB score (sweeper.calcScoreByThreshold over all files at once). */
export function sweepCorpus(files: NabFile[], scores: ArrayLike<number>[], cost: CostMatrix = STANDARD_PROFILE): SweepResult {
  const rows: SweepRow[] = [];
  let windowBase = 0;
  files.forEach((f, k) => {
    sweepRows(f, scores[k]!, cost, windowBase, rows);
    windowBase += f.windows.length;
  });
  rows.sort((a, b) => b.score - a.score);
  // Every scorable window starts as a miss; flagging its rows replaces that with its best TP weight.
  const windowPart = new Map<number, number>();
  for (const r of rows) if (r.window >= 0) windowPart.set(r.window, -cost.fnWeight);
  let windowSum = -cost.fnWeight * windowPart.size;
  let fpSum = 0;
  let best: SweepResult = { threshold: 1.1, rawScore: windowSum };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.window < 0) fpSum += r.weight;
    else {
      const prev = windowPart.get(r.window)!;
      if (r.weight > prev) {
        windowSum += r.weight - prev;
        windowPart.set(r.window, r.weight);
      }
    }
    // A threshold is complete once every row with its score is in.
    const next = rows[i + 1];
    if (next === undefined || next.score !== r.score) {
      const total = windowSum + fpSum;
      if (total > best.rawScore) best = { threshold: r.score, rawScore: total };
    }
  }
  return best;
}

/** Each file's raw score at one threshold (sweeper.scoreDataSet), for finding where a detector wins and loses. */
export function fileScores(files: NabFile[], scores: ArrayLike<number>[], threshold: number, cost: CostMatrix = STANDARD_PROFILE): number[] {
  return files.map((f, k) => {
    const rows: SweepRow[] = [];
    sweepRows(f, scores[k]!, cost, 0, rows);
    const best = new Map<number, number>();
    let total = 0;
    for (const r of rows) {
      if (r.window >= 0 && !best.has(r.window)) best.set(r.window, -cost.fnWeight);
      if (r.score < threshold) continue;
      if (r.window < 0) total += r.weight;
      else best.set(r.window, Math.max(best.get(r.window)!, r.weight));
    }
    for (const v of best.values()) total += v;
    return total;
  });
}

const nullScores = new Map<string, number>();
const fileIds = new WeakMap<NabFile, number>();
/** A number for each file object (its identity, not its name: two files may share a name). */
function idOf(f: NabFile): number {
  let id = fileIds.get(f);
  if (id === undefined) fileIds.set(f, (id = fileCount++));
  return id;
}
let fileCount = 0;

/** A raw score over these files as 100 × (raw − null) / (perfect − null) (nab/runner.py normalize). */
export function normalise(files: NabFile[], raw: number, cost: CostMatrix = STANDARD_PROFILE): number {
  // The null detector's score depends only on the files and the profile: swept once per set.
  const key = `${cost.tpWeight},${cost.fpWeight},${cost.fnWeight}|${files.map(idOf).join(',')}`;
  let nullScore = nullScores.get(key);
  if (nullScore === undefined) {
    nullScore = sweepCorpus(files, files.map((f) => new Float64Array(f.t.length).fill(0.5)), cost).rawScore;
    nullScores.set(key, nullScore);
  }
  const perfect = files.reduce((s, f) => s + f.windows.length, 0) * cost.tpWeight;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

export interface NabScore extends SweepResult {
  /** 100 × (raw − null) / (perfect − null). */
  normalized: number;
  /** The same at a fixed threshold, when one was given. */
  atThreshold?: number;
}

/**
 * The normalised NAB score of a detector's scores over the corpus at its best threshold, and at
 * fixedThreshold if given (the detector's own, to see what a live rule would get).
 */
export function nabScore(files: NabFile[], scores: ArrayLike<number>[], cost: CostMatrix = STANDARD_PROFILE, fixedThreshold?: number): NabScore {
  const best = sweepCorpus(files, scores, cost);
  const normalize = (raw: number) => normalise(files, raw, cost);
  const out: NabScore = { ...best, normalized: normalize(best.rawScore) };
  if (fixedThreshold !== undefined) out.atThreshold = normalize(fileScores(files, scores, fixedThreshold, cost).reduce((a, b) => a + b, 0));
  return out;
}

export interface WindowMetrics {
  windows: number;
  detected: number;
  /** Maximal runs of consecutive flagged rows outside every window, each counted once. */
  fpEvents: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Detected-window precision, recall and F1 at a threshold, probationary rows ignored. */
export function windowMetrics(files: NabFile[], scores: ArrayLike<number>[], threshold: number): WindowMetrics {
  let windows = 0;
  let detected = 0;
  let fpEvents = 0;
  files.forEach((f, k) => {
    const s = scores[k]!;
    const n = f.t.length;
    const probation = probationLength(n);
    for (const [a, b] of f.windows) {
      if (b < probation) continue;
      windows++;
      for (let i = Math.max(a, Math.ceil(probation)); i <= b; i++) {
        if (s[i]! >= threshold) {
          detected++;
          break;
        }
      }
    }
    let inRun = false;
    for (let i = Math.ceil(probation); i < n; i++) {
      const fp = f.labels[i] === 0 && s[i]! >= threshold;
      if (fp && !inRun) fpEvents++;
      inRun = fp;
    }
  });
  const precision = detected + fpEvents > 0 ? detected / (detected + fpEvents) : 0;
  const recall = windows > 0 ? detected / windows : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { windows, detected, fpEvents, precision, recall, f1 };
}
