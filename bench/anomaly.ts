// NAB benchmark of the streaming anomaly detectors and their ensemble ('radiator'). Streams every
// <category>/<file>.csv under --data through each detector (a fresh instance per file, no
// look-ahead), writes NAB-format results to <out>/<detector>/<category>/<detector>_<file>.csv,
// then prints per detector: the NAB standard-profile score at its best corpus-wide threshold and
// at its own threshold, detected-window precision / recall / F1 at both, and the cost per point.
//
//   npm run bench:anomaly -- --data /work/shared/nab/data --windows /work/shared/nab/combined_windows.json --out /tmp/nab-out
//
// Options: --only σ,MAD,radiator (a subset, by name), --variants (also the ensemble combinations
// docs/anomaly.md compares: vote, mean, uncalibrated, no hold-off, …), --per-file (each file's raw
// NAB score at the best threshold), --no-write (skip the results files).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDetectors, Ensemble, type EnsembleOptions } from '../src/main/core/analysis/index.ts';
import { loadCorpus, type NabFile } from './anomaly/nab-corpus.ts';
import { bytesPerSeries } from './anomaly/memory.ts';
import { fileScores, nabScore, windowMetrics, type WindowMetrics } from './anomaly/nab-score.ts';

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string' },
    windows: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    variants: { type: 'boolean', default: false },
    'per-file': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
if (!opt.data || !opt.windows || (!opt.out && !opt['no-write'])) {
  process.stderr.write('usage: node bench/anomaly.ts --data <dir> --windows <combined_windows.json> --out <dir> [--only a,b] [--variants] [--per-file] [--no-write]\n');
  process.exit(2);
}

interface Runner {
  /** The name in the table and, made file-safe, in the results paths. */
  name: string;
  /** A fresh detector for one file. */
  create(): { update(t: number, v: number): number; threshold: number };
}

function ensembleRunner(name: string, opts: Partial<EnsembleOptions> = {}): Runner {
  return {
    name,
    create() {
      const e = new Ensemble(opts);
      return { update: (t, v) => e.update({ t, v }).score, threshold: e.threshold };
    },
  };
}

const runners: Runner[] = createDetectors().map((d, i) => ({
  name: d.name,
  create() {
    const fresh = createDetectors()[i]!;
    return { update: (t, v) => fresh.update({ t, v }).score, threshold: fresh.threshold };
  },
}));
runners.push(ensembleRunner('radiator'));
if (opt.variants) {
  // Each changes one thing about the default ensemble; the thresholds put the hold-off trigger
  // where that combination's scores live.
  runners.push(
    ensembleRunner('radiator-consensus', { combine: 'vote', calibrate: false, holdOff: 0, threshold: 0.5 }),
    ensembleRunner('radiator-vote', { combine: 'vote', calibrate: false, threshold: 0.4 }),
    ensembleRunner('radiator-mean', { combine: 'mean', calibrate: false }),
    ensembleRunner('radiator-max', { combine: 'max', calibrate: false, threshold: 0.85 }),
    ensembleRunner('radiator-calibrated-vote', { combine: 'vote', threshold: 0.3 }),
    ensembleRunner('radiator-no-hold-off', { holdOff: 0 }),
    ensembleRunner('radiator-hold-off-288', { holdOff: 288 }),
    ensembleRunner('radiator-sigma-rules-always', { distribution: { maxSkewness: Infinity, maxKurtosis: Infinity, countsDistinctFraction: -1 } }),
    ensembleRunner('radiator-local-on-seasonal', { seasonalDistrustsLocal: false }),
  );
}

/** Results directory names must be file-safe: 'σ' becomes 'sigma'. */
const dirName = (name: string) => (name === 'σ' ? 'sigma' : name);

const only = opt.only ? new Set(opt.only.split(',')) : null;
const selected = runners.filter((r) => !only || only.has(r.name));
const files = loadCorpus(resolve(opt.data), resolve(opt.windows));
const totalPoints = files.reduce((s, f) => s + f.t.length, 0);
const log = (s: string) => process.stdout.write(s + '\n');
log(`${files.length} files in ${new Set(files.map((f) => f.category)).size} categories, ${totalPoints} points, ${files.reduce((s, f) => s + f.windows.length, 0)} labelled windows`);

function writeResults(dir: string, file: NabFile, scores: Float64Array): void {
  const path = join(resolve(opt.out!), dir, file.category);
  mkdirSync(path, { recursive: true });
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < scores.length; i++) lines.push(`${file.stamps[i]},${file.v[i]},${scores[i]},${file.labels[i]}`);
  writeFileSync(join(path, `${dir}_${file.name}.csv`), lines.join('\n') + '\n');
}

interface Row {
  name: string;
  nab: number;
  nabOwn: number;
  threshold: number;
  own: number;
  atBest: WindowMetrics;
  atOwn: WindowMetrics;
  nsPerPoint: number;
  perFile: number[];
}

const rows: Row[] = [];
for (const r of selected) {
  const allScores: Float64Array[] = [];
  let ns = 0n;
  let own = 0.5;
  // One untimed pass over the first file, so the timing is of compiled code, not of the JIT.
  const warm = r.create();
  for (let i = 0; i < files[0]!.t.length; i++) warm.update(files[0]!.t[i]!, files[0]!.v[i]!);
  for (const f of files) {
    const d = r.create();
    own = d.threshold;
    const scores = new Float64Array(f.t.length);
    const { t, v } = f;
    const start = process.hrtime.bigint();
    for (let i = 0; i < t.length; i++) scores[i] = d.update(t[i]!, v[i]!);
    ns += process.hrtime.bigint() - start;
    allScores.push(scores);
    if (!opt['no-write']) writeResults(dirName(r.name), f, scores);
  }
  const nab = nabScore(files, allScores, undefined, own);
  rows.push({
    name: r.name,
    nab: nab.normalized,
    nabOwn: nab.atThreshold!,
    threshold: nab.threshold,
    own,
    atBest: windowMetrics(files, allScores, nab.threshold),
    atOwn: windowMetrics(files, allScores, own),
    nsPerPoint: Number(ns) / totalPoints,
    perFile: fileScores(files, allScores, nab.threshold),
  });
}

const f2 = (x: number) => x.toFixed(2);
const pad = (s: string, n: number) => s.padStart(n);
const width = Math.max(10, ...rows.map((r) => r.name.length));
const metrics = (m: WindowMetrics) => `${pad(f2(m.precision), 5)} ${pad(f2(m.recall), 5)} ${pad(f2(m.f1), 5)} ${pad(String(m.fpEvents), 5)}`;
log('');
log(`${''.padEnd(width)} │ ${'at the best threshold'.padEnd(40)} │ ${"at the detector's own threshold".padEnd(40)} │`);
log(`${'detector'.padEnd(width)} │ ${pad('NAB', 6)} ${pad('thr', 6)} ${pad('P', 5)} ${pad('R', 5)} ${pad('F1', 5)} ${pad('FP', 5)}   │ ${pad('NAB', 6)} ${pad('thr', 6)} ${pad('P', 5)} ${pad('R', 5)} ${pad('F1', 5)} ${pad('FP', 5)}   │ ${pad('ns/point', 8)}`);
// NAB's sweep starts above every score (1.1): a best threshold there means never flagging.
const thr = (x: number) => (x > 1 ? 'none' : x.toFixed(3));
for (const row of rows) {
  log(`${row.name.padEnd(width)} │ ${pad(row.nab.toFixed(1), 6)} ${pad(thr(row.threshold), 6)} ${metrics(row.atBest)}   │ ${pad(row.nabOwn.toFixed(1), 6)} ${pad(row.own.toFixed(3), 6)} ${metrics(row.atOwn)}   │ ${pad(row.nsPerPoint.toFixed(0), 8)}`);
}
if (selected.some((r) => r.name === 'radiator')) {
  const kb = bytesPerSeries(() => {
    const e = new Ensemble();
    return { update: (t: number, v: number) => e.update({ t, v }) };
  }, 2500) / 1024;
  log('');
  log(`memory: about ${kb.toFixed(0)} KiB of detector state per series for the ensemble once its windows are full (heap growth over 200 series).`);
}
log('');
log('NAB: standard profile (TP 1, FP 0.11, FN 1), normalised so the null detector scores 0 and a perfect one 100;');
log('the best threshold is NAB\'s, optimised over the whole corpus (an exact sweep over every distinct score).');
log('P / R / F1: of labelled windows — a window is detected if any point in it is flagged (score ≥ thr); each run of');
log('consecutive flagged points outside every window is one false positive (FP). Probationary rows (NAB\'s first 15 %) are ignored.');
log('ns/point: the detector\'s update() over the whole corpus, one fresh instance per file, after one untimed warm-up file, on this machine.');
if (opt['per-file']) {
  log('');
  log('raw NAB score per file at the best threshold (a missed window costs 1, a caught one earns up to 1, each FP point up to 0.11):');
  const cw = Math.max(...files.map((f) => f.key.length));
  log(`${'file'.padEnd(cw)} ${rows.map((r) => pad(r.name.slice(0, 9), 9)).join(' ')}`);
  files.forEach((f, k) => log(`${f.key.padEnd(cw)} ${rows.map((r) => pad(r.perFile[k]!.toFixed(2), 9)).join(' ')}`));
}
if (!opt['no-write']) log(`results: ${resolve(opt.out!)}`);
