// The ARTime detector against the published ARTime: set up as NAB sets ARTime up (the whole file's
// min and max as a fixed range; a probation of 15 % of the file, at most 750 points and even;
// down-sampling probation / 104; no cap on categories), its raw score (ARTime's confidence, rounded
// to 6 digits as ARTime rounds it) must equal NAB's published ARTime score on every row of the
// five shared categories, but for a few rows off by one in the last digit (rounding of a float
// difference). The corpus is ../shared/nab; the published rows are test/fixtures/nab-results.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../../bench/anomaly/nab-corpus.ts';
import { nabArtimeOptions } from '../../../../bench/anomaly/nab-artime.ts';
import { ArtimeDetector } from '../../../../src/main/core/analysis/index.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const NAB = resolve(ROOT, '../shared/nab');
const fixture = JSON.parse(gunzipSync(readFileSync(resolve(ROOT, 'test/fixtures/nab-results/published-results.json.gz'))).toString('utf8')) as {
  detectors: Record<string, { scores: Record<string, string[]> }>;
};

describe.skipIf(!existsSync(NAB) && !process.env.CI)('the ARTime detector reproduces the published ARTime, given NAB\'s look-ahead', () => {
  const files = loadCorpus(resolve(NAB, 'data'), resolve(NAB, 'combined_windows.json'));
  const published = fixture.detectors.ARTime!.scores;

  it('scores every row of the 42 shared files as ARTime did, to within 1e-6', () => {
    let rows = 0;
    let exact = 0;
    for (const f of files) {
      const n = f.v.length;
      const d = new ArtimeDetector(nabArtimeOptions(f.v));
      const pub = published[f.key]!;
      expect(pub, f.key).toHaveLength(n);
      for (let i = 0; i < n; i++) {
        d.update({ t: f.t[i]!, v: f.v[i]! });
        const ours = Math.round(d.raw * 1e6) / 1e6;
        const theirs = Number(pub[i]);
        expect(Math.abs(ours - theirs), `${f.key} row ${i}`).toBeLessThanOrEqual(1.5e-6);
        rows++;
        if (Math.abs(ours - theirs) < 5e-7) exact++;
      }
    }
    expect(rows).toBe(197_317);
    // All but a handful exactly (11 rows differ in the sixth digit).
    expect(rows - exact).toBeLessThanOrEqual(20);
  });
});
