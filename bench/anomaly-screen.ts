// A quick screen of a few configurations of the ensemble (a family from bench/anomaly/candidates.ts):
// for each, the in-sample score at its best corpus-wide threshold with each category's score at
// that threshold, each file's raw score, and its own held-out score (threshold chosen on the other
// categories). For choosing what to run the full protocol on, not for judging: the held-out score
// of a family (bench:anomaly --loco) is what decides.
//
//   node bench/anomaly-screen.ts --data ../shared/nab/data --windows ../shared/nab/combined_windows.json --family ARTime-screen [--per-file]

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArtimeDetector, Ensemble } from '../src/main/core/analysis/index.ts';
import { FAMILIES } from './anomaly/candidates.ts';
import { categoriesOf, categoryScore, heldOutCorpusScore, leaveOneCategoryOut } from './anomaly/held-out.ts';
import { loadCorpus } from './anomaly/nab-corpus.ts';
import { nabArtimeOptions } from './anomaly/nab-artime.ts';
import { fileScores, nabScore } from './anomaly/nab-score.ts';

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string' },
    windows: { type: 'string' },
    family: { type: 'string' },
    'per-file': { type: 'boolean', default: false },
  },
});
if (!opt.data || !opt.windows || !opt.family) {
  process.stderr.write('usage: node bench/anomaly-screen.ts --data <dir> --windows <json> --family <name> [--per-file]\n');
  process.exit(2);
}
const grid = FAMILIES[opt.family]?.();
if (!grid) throw new Error(`unknown family ${opt.family}`);
const files = loadCorpus(resolve(opt.data), resolve(opt.windows));
const categories = categoriesOf(files).filter((c) => files.some((f) => f.category === c && f.windows.length > 0));
const short = (c: string) => c.replace(/^(artificial|real)/, '').slice(0, 11);
const log = (s: string) => process.stdout.write(s + '\n');
log(`${'in-sample'.padStart(9)} ${'held-out'.padStart(8)} ${categories.map((c) => short(c).padStart(11)).join(' ')}  configuration`);
const perFile: number[][] = [];
for (const g of grid) {
  const scores = files.map((f) => {
    const s = new Float64Array(f.t.length);
    if (g.artime) {
      const d = new ArtimeDetector(g.artime);
      for (let i = 0; i < f.t.length; i++) s[i] = d.update({ t: f.t[i]!, v: f.v[i]! }).score;
    } else {
      // With `lookahead`, ARTime inside the ensemble is given the file's range and length as NAB gives them (a headroom reference, not streaming).
      // With `lookaheadPart`, only that part of the set-up ('range', or 'probation' and down-sampling).
      const nab = nabArtimeOptions(f.v);
      const part = g.lookaheadPart === 'range' ? { range: nab.range, fixedMin: nab.fixedMin, fixedMax: nab.fixedMax } : g.lookaheadPart === 'probation' ? { learn: nab.learn, downsample: nab.downsample } : { ...nab, maxCategories: 256 };
      const e = new Ensemble(g.lookahead && g.options.artime !== false ? { ...g.options, artime: { ...g.options.artime, ...part } } : g.options);
      for (let i = 0; i < f.t.length; i++) s[i] = e.update({ t: f.t[i]!, v: f.v[i]! }).score;
    }
    return s;
  });
  const all = nabScore(files, scores);
  const c = { name: g.name, scores };
  const held = heldOutCorpusScore(files, [c], leaveOneCategoryOut(files, [c]).rows.filter((r) => categories.includes(r.category)));
  const cells = categories.map((cat) => categoryScore(files, scores, cat, all.threshold).toFixed(1).padStart(11));
  log(`${all.normalized.toFixed(1).padStart(9)} ${held.toFixed(1).padStart(8)} ${cells.join(' ')}  ${g.name} (${all.threshold.toFixed(3)})`);
  perFile.push(fileScores(files, scores, all.threshold));
}
if (opt['per-file']) {
  log('');
  log('raw NAB score per file at each configuration\'s best threshold (columns: the configurations in order):');
  files.forEach((f, k) => log(`${f.key.padEnd(60)} ${perFile.map((p) => p[k]!.toFixed(2).padStart(7)).join(' ')}`));
}
