// The benchmark's leave-one-category-out protocol (bench/anomaly/held-out.ts): the configuration
// and threshold scored on a category are chosen without it, so a configuration that is perfect
// only on the held-out category is not chosen for it.
import { describe, expect, it } from 'vitest';
import { categoryScore, choose, heldOutCorpusScore, leaveOneCategoryOut, type Candidate } from '../../../../bench/anomaly/held-out.ts';
import type { NabFile } from '../../../../bench/anomaly/nab-corpus.ts';
import { LOW_FP_PROFILE, nabScore, normalise, STANDARD_PROFILE } from '../../../../bench/anomaly/nab-score.ts';

/** A 100-row file (probation: its first 15 rows) with one window over rows 60..69. */
function file(category: string, name: string): NabFile {
  const labels = new Uint8Array(100);
  labels.fill(1, 60, 70);
  return { key: `${category}/${name}.csv`, category, name, stamps: [], t: Float64Array.from({ length: 100 }, (_, i) => i * 60_000), v: new Float64Array(100), windows: [[60, 69]], labels };
}
const flag = (rows: number[]) => {
  const s = new Float64Array(100);
  for (const r of rows) s[r] = 0.9;
  return s;
};

// Three categories of one file each. "good" flags every window early; "a-only" flags category a's
// window and false positives elsewhere; "quiet" never flags.
const files = [file('a', 'f1'), file('b', 'f2'), file('c', 'f3')];
const good: Candidate = { name: 'good', scores: [flag([60]), flag([61]), flag([60])] };
const aOnly: Candidate = { name: 'a-only', scores: [flag([60]), flag([20, 30, 40, 50]), flag([20, 30, 40, 50])] };
const quiet: Candidate = { name: 'quiet', scores: [flag([]), flag([]), flag([])] };

describe('leave one category out', () => {
  it('chooses on the other categories only', () => {
    const { all, rows } = leaveOneCategoryOut(files, [aOnly, quiet, good]);
    expect(all.candidate).toBe('good');
    expect(rows.map((r) => r.chosen.candidate)).toEqual(['good', 'good', 'good']);
    // Without "good": on b and c "a-only" only raises false alarms, so the choice made there flags
    // nothing (a threshold above every score), and category a, held out, scores what flagging
    // nothing scores — not what "a-only" would have scored on it.
    const { rows: r2 } = leaveOneCategoryOut(files, [aOnly, quiet]);
    expect(r2[0]!.chosen.threshold).toBeGreaterThan(1);
    expect(r2[0]!.heldOut).toBeCloseTo(0, 9);
    expect(categoryScore(files, aOnly.scores, 'a', 0.5)).toBeGreaterThan(99);
  });

  it('scores a category at the chosen threshold, and the corpus from each category\'s own choice', () => {
    expect(categoryScore(files, good.scores, 'a', 0.5)).toBeGreaterThan(99);
    expect(categoryScore(files, quiet.scores, 'a', 0.5)).toBeCloseTo(0, 9);
    const c = choose(files, [aOnly, quiet], (f) => f.category !== 'a');
    expect(c.threshold).toBeGreaterThan(1);
    expect(c.trainScore).toBeCloseTo(0, 9);
    const { rows } = leaveOneCategoryOut(files, [good]);
    expect(heldOutCorpusScore(files, [good], rows)).toBeGreaterThan(99);
  });

  it('remembers each sweep by candidate, corpus, profile and fold, and never mixes them up', () => {
    // The protocol asks for the same candidate on the same fold many times; the remembered answer
    // must be the one a fresh sweep gives, for each profile and each fold, and files of the same
    // name but other windows are another corpus.
    const fresh = (fs: NabFile[], c: Candidate, keep: (f: NabFile) => boolean, cost = STANDARD_PROFILE) => {
      const idx = fs.map((f, i) => (keep(f) ? i : -1)).filter((i) => i >= 0);
      return nabScore(idx.map((i) => fs[i]!), idx.map((i) => c.scores[i]!), cost).normalized;
    };
    for (const cost of [STANDARD_PROFILE, LOW_FP_PROFILE, STANDARD_PROFILE]) {
      for (const cat of ['a', 'b', 'c']) {
        const keep = (f: NabFile) => f.category !== cat;
        for (const c of [aOnly, good, quiet]) expect(choose(files, [c], keep, cost, `without ${cat}`).trainScore).toBeCloseTo(fresh(files, c, keep, cost), 12);
      }
    }
    // The same names, the window moved to rows 20..29, where "a-only" has false positives on b and c.
    const moved = files.map((f) => ({ ...f, windows: [[20, 29]] as Array<[number, number]>, labels: new Uint8Array(100).fill(1, 20, 30) }));
    const keep = (f: NabFile) => f.category !== 'a';
    expect(choose(moved, [aOnly], keep, STANDARD_PROFILE, 'without a').trainScore).toBeCloseTo(fresh(moved, aOnly, keep), 12);
    expect(choose(moved, [aOnly], keep, STANDARD_PROFILE, 'without a').trainScore).not.toBeCloseTo(choose(files, [aOnly], keep, STANDARD_PROFILE, 'without a').trainScore, 3);
    // The null detector's score is per set of files: a perfect raw score normalises to 100 on both.
    expect(normalise(files, 3)).toBeCloseTo(100, 9);
    expect(normalise(moved.slice(0, 2), 2)).toBeCloseTo(100, 9);
  });
});
