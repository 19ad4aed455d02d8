// The benchmark's NAB scorer against NAB's own published numbers: for two published detectors
// (ARTime and Numenta's HTM), their published per-row scores on the five shared categories, at
// their published thresholds, must give every file the raw score (and TP/FP/FN counts) that NAB's
// scorer wrote in results/<detector>/<detector>_<profile>_scores.csv. The corpus is ../shared/nab.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../../bench/anomaly/nab-corpus.ts';
import { fileScores, LOW_FP_PROFILE, probationLength, STANDARD_PROFILE } from '../../../../bench/anomaly/nab-score.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const NAB = resolve(ROOT, '../shared/nab');
interface Published {
  thresholds: Record<string, number>;
  scores: Record<string, string[]>;
  published: Record<string, Record<string, { score: number; tp: number; fp: number; fn: number }>>;
}
const fixture = JSON.parse(gunzipSync(readFileSync(resolve(ROOT, 'test/fixtures/nab-results/published-results.json.gz'))).toString('utf8')) as { detectors: Record<string, Published> };

// The corpus lives beside the checkout (CI lays shared/ there); without it there is nothing to compare.
describe.skipIf(!existsSync(NAB) && !process.env.CI)('the NAB scorer reproduces NAB\'s published per-file scores', () => {
  const files = loadCorpus(resolve(NAB, 'data'), resolve(NAB, 'combined_windows.json'));
  it('reads all 42 shared files', () => expect(files).toHaveLength(42));
  for (const [detector, d] of Object.entries(fixture.detectors)) {
    for (const [profile, cost] of [['standard', STANDARD_PROFILE], ['reward_low_FP_rate', LOW_FP_PROFILE]] as const) {
      it(`${detector}, ${profile} profile, threshold ${d.thresholds[profile]}`, () => {
        const scores = files.map((f) => {
          const s = d.scores[f.key];
          expect(s, f.key).toBeDefined();
          expect(s).toHaveLength(f.t.length);
          return Float64Array.from(s!, Number);
        });
        const ours = fileScores(files, scores, d.thresholds[profile]!, cost);
        files.forEach((f, k) => {
          const pub = d.published[profile]![f.key]!;
          expect(ours[k], `${detector} ${profile} ${f.key}`).toBeCloseTo(pub.score, 9);
          // TP and FP as NAB counts them: rows flagged after probation, inside and outside windows.
          const start = probationLength(f.t.length);
          let tp = 0;
          let fp = 0;
          for (let i = 0; i < f.t.length; i++) {
            if (i < start || scores[k]![i]! < d.thresholds[profile]!) continue;
            if (f.labels[i]) tp++;
            else fp++;
          }
          expect({ tp, fp }, f.key).toEqual({ tp: pub.tp, fp: pub.fp });
        });
      });
    }
  }
});
