// ARTime set up the way NAB runs it (the published ARTime's configuration, a reference with
// look-ahead, not a streaming detector): the whole file's min and max, a probation of 15 % of the
// file (at most 750 points, even), down-sampling probation / 104 (8 × 13, ARTime's own choice), and
// no cap on categories. Shared by bench:anomaly's ARTime-lookahead, bench/anomaly-cost.ts and the
// test that reproduces the published scores.

import type { ArtimeOptions } from '../../src/main/core/analysis/index.ts';

export function nabArtimeOptions(values: ArrayLike<number>): Partial<ArtimeOptions> {
  const n = values.length;
  let probation = n < 5000 ? Math.floor(0.15 * n) : 750;
  probation -= probation % 2;
  const downsample = Math.max(1, Math.floor(probation / 104));
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  return { range: 'fixed', fixedMin: min, fixedMax: max, learn: probation, downsample, maxCategories: 1 << 20 };
}
