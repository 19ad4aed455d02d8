// NAB benchmark of the streaming anomaly detectors and their ensemble ('radiator'). Streams every
// <category>/<file>.csv under --data through each detector (a fresh instance per file, no
// look-ahead), writes NAB-format results to <out>/<detector>/<category>/<detector>_<file>.csv,
// then prints per detector: the NAB standard-profile score at its best corpus-wide threshold and
// at its own threshold, the low-FP profile's, detected-window precision / recall / F1, the cost
// per point, and a table per category (beside the published ARTime and HTM results on the same
// files, from test/fixtures/nab-results).
//
//   npm run bench:anomaly -- --data ../shared/nab/data --windows ../shared/nab/combined_windows.json --no-write --loco
//
// Options: --only σ,MAD,radiator (a subset, by name), --variants (also the ensemble combinations
// docs/anomaly.md compares: vote, mean, uncalibrated, no hold-off, …), --per-file (each file's raw
// NAB score at the best threshold), --no-write (skip the results files), --loco (the
// leave-one-category-out protocol over the shipped detector's tunables, bench/anomaly/candidates.ts:
// for each category, every tunable and the threshold chosen on the other categories, then the
// held-out category scored; and the same per design choice), --families radiator,CAD,… (which
// designs --loco judges, each over its own grid, bench/anomaly/candidates.ts; default
// radiator+ARTime+relearn+escalate, the shipped design's grid with all its grid's tunables chosen
// per fold, 768 configurations, about 30 minutes; `radiator` is the design before ARTime).
// `--only X --loco --families Y` runs only the protocol for family Y (and the runner X).
//
//   npm run bench:anomaly -- --data ../shared/nab/data --windows ../shared/nab/combined_windows.json --no-write --loco --families CAD,CAD-likelihood,radiator+CAD --only CAD

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIME_DEFAULTS, ArtimeDetector, CAD_DEFAULTS, CadDetector, createDetectors, Ensemble, type ArtimeOptions, type CadOptions, type EnsembleOptions } from '../src/main/core/analysis/index.ts';
import { loadCorpus, type NabFile } from './anomaly/nab-corpus.ts';
import { nabArtimeOptions } from './anomaly/nab-artime.ts';
import { bytesPerSeries } from './anomaly/memory.ts';
import { fileScores, LOW_FP_PROFILE, nabScore, probationLength, windowMetrics, type WindowMetrics } from './anomaly/nab-score.ts';
import { CAD_RANGES, FAMILIES, type CandidateConfig } from './anomaly/candidates.ts';
import { categoriesOf, categoryBest, categoryScore, heldOutCorpusScore, leaveOneCategoryOut, type Candidate } from './anomaly/held-out.ts';
import { publishedResults } from './anomaly/published.ts';

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string' },
    windows: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    variants: { type: 'boolean', default: false },
    'per-file': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    loco: { type: 'boolean', default: false },
    families: { type: 'string', default: 'radiator+ARTime+relearn+escalate' },
  },
});
if (!opt.data || !opt.windows || (!opt.out && !opt['no-write'])) {
  process.stderr.write('usage: node bench/anomaly.ts --data <dir> --windows <combined_windows.json> (--out <dir> | --no-write) [--only a,b] [--variants] [--per-file] [--loco]\n');
  process.exit(2);
}

interface Runner {
  /** The name in the table and, made file-safe, in the results paths. */
  name: string;
  /** A fresh detector for one file (the file is only for the look-ahead reference: NAB's inputMin/inputMax). */
  create(file: NabFile): { update(t: number, v: number): number; threshold: number };
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

/** A standalone CAD detector; with lookahead, given the whole file's range first, as NAB does (a reference, not a streaming detector). */
function cadRunner(name: string, opts: Partial<CadOptions>, lookahead = false): Runner {
  return {
    name,
    create(file) {
      const range = (v: Float64Array) => ({ range: 'fixed' as const, fixedMin: v.reduce((a, b) => Math.min(a, b)), fixedMax: v.reduce((a, b) => Math.max(a, b)) });
      const d = new CadDetector(lookahead ? { ...opts, ...range(file.v) } : opts);
      return { update: (t, v) => d.update({ t, v }).score, threshold: d.threshold };
    },
  };
}

/**
 * A standalone ARTime detector; with lookahead, set up as NAB sets it up (nab-artime.ts): the whole file's range,
 * and a probation of 15 % of the file (at most 750 points, even) with down-sampling probation / 104
 * (a reference, not a streaming detector).
 */
function artimeRunner(name: string, opts: Partial<ArtimeOptions>, lookahead = false): Runner {
  return {
    name,
    create(file) {
      const d = new ArtimeDetector(lookahead ? { ...opts, ...nabArtimeOptions(file.v) } : opts);
      return { update: (t, v) => d.update({ t, v }).score, threshold: d.threshold };
    },
  };
}

const runnerOf = (c: CandidateConfig): Runner =>
  c.cad ? cadRunner(c.name, c.cad, c.lookahead) : c.artime ? artimeRunner(c.name, c.artime, c.lookahead) : ensembleRunner(c.name, c.options);

// Every detector alone (the shape detector too, which the ensemble leaves out by default).
const runners: Runner[] = createDetectors({ shape: {} }).map((d, i) => ({
  name: d.name,
  create() {
    const fresh = createDetectors({ shape: {} })[i]!;
    return { update: (t, v) => fresh.update({ t, v }).score, threshold: fresh.threshold };
  },
}));
runners.push(cadRunner('CAD', { ...CAD_DEFAULTS, restPeriod: 72 }));
runners.push(ensembleRunner('radiator'));
runners.push(ensembleRunner('radiator-previous', { artime: false, shape: {}, surprise: { priorWeight: 100 } }));
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
    ensembleRunner('radiator-hold-off-144', { holdOff: 144, escalate: 0 }),
    ensembleRunner('radiator-no-escalation', { escalate: 0 }),
    ensembleRunner('radiator-shape-16', { shape: {} }),
    ensembleRunner('radiator-no-ARTime', { artime: false }),
    ensembleRunner('radiator-sigma-rules-always', { distribution: { maxSkewness: Infinity, maxKurtosis: Infinity, countsDistinctFraction: -1 } }),
    ensembleRunner('radiator-local-on-seasonal', { seasonalDistrustsLocal: false }),
    ensembleRunner('radiator+CAD', { cad: {} }),
    ensembleRunner('radiator-previous+CAD', { artime: false, shape: {}, surprise: { priorWeight: 100 }, cad: {} }),
    ensembleRunner('CAD-likelihood', { only: ['CAD'], cad: {} }),
    ensembleRunner('CAD+EWMA+seasonal', { only: ['CAD', 'EWMA', 'seasonal'], cad: {} }),
    ...Object.entries(CAD_RANGES).map(([k, r]) => cadRunner(`CAD-range-${k}`, { ...r, restPeriod: 72 })),
    cadRunner('CAD-lookahead', { restPeriod: 72 }, true),
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
  cpuNsPerPoint: number;
  perFile: number[];
  lowFp: number;
  scores: Float64Array[];
}

/** A fresh runner's scores over the corpus, and the time its update() took. */
function scoreCorpus(r: Runner, write: boolean): { scores: Float64Array[]; ns: bigint; cpuUs: number; own: number } {
  const scores: Float64Array[] = [];
  let ns = 0n;
  let cpuUs = 0;
  let own = 0.5;
  for (const f of files) {
    const d = r.create(f);
    own = d.threshold;
    const s = new Float64Array(f.t.length);
    const { t, v } = f;
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = 0; i < t.length; i++) s[i] = d.update(t[i]!, v[i]!);
    ns += process.hrtime.bigint() - start;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    scores.push(s);
    if (write) writeResults(dirName(r.name), f, s);
  }
  return { scores, ns, cpuUs, own };
}

const rows: Row[] = [];
for (const r of selected) {
  // One untimed pass over the first file, so the timing is of compiled code, not of the JIT.
  const warm = r.create(files[0]!);
  for (let i = 0; i < files[0]!.t.length; i++) warm.update(files[0]!.t[i]!, files[0]!.v[i]!);
  const { scores: allScores, ns, cpuUs, own } = scoreCorpus(r, !opt['no-write']);
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
    cpuNsPerPoint: (cpuUs * 1000) / totalPoints,
    perFile: fileScores(files, allScores, nab.threshold),
    lowFp: nabScore(files, allScores, LOW_FP_PROFILE).normalized,
    scores: allScores,
  });
}

const f2 = (x: number) => x.toFixed(2);
const pad = (s: string, n: number) => s.padStart(n);
const width = Math.max(10, ...rows.map((r) => r.name.length));
const metrics = (m: WindowMetrics) => `${pad(f2(m.precision), 5)} ${pad(f2(m.recall), 5)} ${pad(f2(m.f1), 5)} ${pad(String(m.fpEvents), 5)}`;
log('');
log(`${''.padEnd(width)} │ ${'at the best threshold'.padEnd(40)} │ ${"at the detector's own threshold".padEnd(40)} │`);
log(`${'detector'.padEnd(width)} │ ${pad('NAB', 6)} ${pad('thr', 6)} ${pad('P', 5)} ${pad('R', 5)} ${pad('F1', 5)} ${pad('FP', 5)}   │ ${pad('NAB', 6)} ${pad('thr', 6)} ${pad('P', 5)} ${pad('R', 5)} ${pad('F1', 5)} ${pad('FP', 5)}   │ ${pad('ns/point', 8)} ${pad('CPU ns/pt', 9)}`);
// NAB's sweep starts above every score (1.1): a best threshold there means never flagging.
const thr = (x: number) => (x > 1 ? 'none' : x.toFixed(3));
for (const row of rows) {
  log(`${row.name.padEnd(width)} │ ${pad(row.nab.toFixed(1), 6)} ${pad(thr(row.threshold), 6)} ${metrics(row.atBest)}   │ ${pad(row.nabOwn.toFixed(1), 6)} ${pad(row.own.toFixed(3), 6)} ${metrics(row.atOwn)}   │ ${pad(row.nsPerPoint.toFixed(0), 8)} ${pad(row.cpuNsPerPoint.toFixed(0), 9)}`);
}
if (selected.some((r) => r.name === 'radiator')) {
  const kb = bytesPerSeries(() => {
    const e = new Ensemble();
    return { update: (t: number, v: number) => e.update({ t, v }) };
  }, 2500) / 1024;
  log('');
  log(`memory: about ${kb.toFixed(0)} KiB of detector state per series for the ensemble once its windows are full (heap and typed-array growth over 200 series).`);
}
if (selected.some((r) => r.name === 'CAD' || r.name.includes('+CAD') || r.name.startsWith('CAD'))) {
  const kb = bytesPerSeries(() => {
    const d = new CadDetector();
    return { update: (t: number, v: number) => d.update({ t, v }) };
  }, 10_000) / 1024;
  log(`memory: about ${kb.toFixed(0)} KiB of state per series for CAD (its dictionary full: ${CAD_DEFAULTS.maxContexts} contexts; heap growth over 200 series).`);
}
if (selected.some((r) => r.name.includes('ARTime'))) {
  const kb = bytesPerSeries(() => {
    const x = new ArtimeDetector();
    return { update: (t: number, v: number) => x.update({ t, v }) };
  }, 20_000) / 1024;
  const weights = (ARTIME_DEFAULTS.maxCategories * 4 * ARTIME_DEFAULTS.window * 4) / 1024;
  log(`memory: about ${kb.toFixed(0)} KiB of state per series for ARTime on this smooth series; its network is at most ${ARTIME_DEFAULTS.maxCategories} categories, ${weights.toFixed(0)} KiB of weights (heap and typed-array growth over 200 series).`);
}
log('');
log('NAB: standard profile (TP 1, FP 0.11, FN 1), normalised so the null detector scores 0 and a perfect one 100;');
log('the best threshold is NAB\'s, optimised over the whole corpus (an exact sweep over every distinct score).');
log('P / R / F1: of labelled windows — a window is detected if any point in it is flagged (score ≥ thr); each run of');
log('consecutive flagged points outside every window is one false positive (FP). Probationary rows (NAB\'s first 15 %) are ignored.');
log('ns/point: the detector\'s update() over the whole corpus, one fresh instance per file, after one untimed warm-up file, on this machine: wall clock, and the process\'s CPU time (user + system, GC threads included) over the same loops, which other load on the machine inflates less.');
if (opt['per-file']) {
  log('');
  log('raw NAB score per file at the best threshold (a missed window costs 1, a caught one earns up to 1, each FP point up to 0.11):');
  const cw = Math.max(...files.map((f) => f.key.length));
  log(`${'file'.padEnd(cw)} ${rows.map((r) => pad(r.name.slice(0, 9), 9)).join(' ')}`);
  files.forEach((f, k) => log(`${f.key.padEnd(cw)} ${rows.map((r) => pad(r.perFile[k]!.toFixed(2), 9)).join(' ')}`));
}

// ── per category ─────────────────────────────────────────────────────────────────────
const categories = categoriesOf(files);
const windowsIn = (c: string) => files.filter((f) => f.category === c).reduce((n, f) => n + f.windows.length, 0);
const shown: Candidate[] = [...rows.filter((r) => r.name.startsWith('radiator') || r.name.startsWith('CAD') || r.name.startsWith('ARTime') || r.name === 'histogram').map((r) => ({ name: r.name, scores: r.scores })), ...publishedResults(files)];
const cwidth = Math.max(width, ...shown.map((c) => c.name.length));
const short = (c: string) => c.replace(/^(artificial|real)/, '').slice(0, 14);
log('');
log('per category: NAB at the corpus-wide threshold / at the category\'s own best threshold (a category without');
log('labelled windows shows its false-positive points at the corpus-wide threshold instead); low-FP: the whole corpus, reward_low_FP_rate profile');
log(`${'detector'.padEnd(cwidth)} │ ${categories.map((c) => pad(short(c), 14)).join(' ')} │ ${pad('all', 6)} ${pad('low-FP', 6)}`);
for (const c of shown) {
  const nab = nabScore(files, c.scores);
  const cells = categories.map((cat) => {
    if (windowsIn(cat) === 0) {
      let fp = 0;
      files.forEach((f, k) => {
        if (f.category !== cat) return;
        for (let i = Math.ceil(probationLength(f.t.length)); i < f.t.length; i++) if (c.scores[k]![i]! >= nab.threshold) fp++;
      });
      return pad(`${fp} FP`, 14);
    }
    return pad(`${categoryScore(files, c.scores, cat, nab.threshold).toFixed(1)} / ${categoryBest(files, c.scores, cat).toFixed(1)}`, 14);
  });
  log(`${c.name.padEnd(cwidth)} │ ${cells.join(' ')} │ ${pad(nab.normalized.toFixed(1), 6)} ${pad(nabScore(files, c.scores, LOW_FP_PROFILE).normalized.toFixed(1), 6)}`);
}

// ── leave one category out ───────────────────────────────────────────────────────────
function heldOut(family: string, grid: CandidateConfig[]): void {
  log('');
  log(`${family}: leave-one-category-out over ${grid.length} configurations (bench/anomaly/candidates.ts) and the threshold:`);
  const candidates: Candidate[] = grid.map((g) => ({ name: g.name, scores: scoreCorpus(runnerOf(g), false).scores }));
  const scored = categories.filter((c) => windowsIn(c) > 0);
  const { all, rows: held } = leaveOneCategoryOut(files, candidates);
  const cw = Math.max(...categories.map((c) => c.length));
  log(`${'held-out category'.padEnd(cw)} │ ${pad('in-sample', 9)} ${pad('held-out', 9)} │ chosen on the other categories (threshold, their score)`);
  for (const r of held) {
    if (!scored.includes(r.category)) {
      log(`${r.category.padEnd(cw)} │ ${pad('—', 9)} ${pad('—', 9)} │ ${r.chosen.candidate} (${r.chosen.threshold.toFixed(3)}, ${r.chosen.trainScore.toFixed(1)}) — no labelled windows to score`);
      continue;
    }
    log(`${r.category.padEnd(cw)} │ ${pad(r.inSample.toFixed(1), 9)} ${pad(r.heldOut.toFixed(1), 9)} │ ${r.chosen.candidate} (${r.chosen.threshold.toFixed(3)}, ${r.chosen.trainScore.toFixed(1)})`);
  }
  const heldRows = held.filter((r) => scored.includes(r.category));
  log(`${'whole corpus'.padEnd(cw)} │ ${pad(all.trainScore.toFixed(1), 9)} ${pad(heldOutCorpusScore(files, candidates, heldRows).toFixed(1), 9)} │ in-sample choice: ${all.candidate} (${all.threshold.toFixed(3)})`);
  log('in-sample: tuned on every category, this one included; held-out: tuned without it. The held-out whole-corpus');
  log('score adds each category\'s raw NAB score at its own held-out choice, normalised over the whole corpus.');
  // Each configuration on its own, its threshold chosen without the category it is scored on:
  // the cross-validated score a default is chosen by (slightly optimistic for the winner, which
  // the nested figure above is not).
  const perConfig = candidates
    .map((c) => ({ name: c.name, held: heldOutCorpusScore(files, [c], leaveOneCategoryOut(files, [c]).rows.filter((x) => scored.includes(x.category))) }))
    .sort((a, b) => b.held - a.held);
  log('');
  log('configurations by their own held-out score (threshold chosen on the other categories), best five:');
  for (const c of perConfig.slice(0, 5)) log(`  ${c.held.toFixed(1).padStart(5)}  ${c.name}`);
  // Each design choice judged the same way: the protocol run with that choice fixed.
  log('');
  log('each design choice, judged held-out (the protocol re-run over only the configurations with that choice):');
  const byName = new Map(candidates.map((c, k) => [c.name, grid[k]!.choices]));
  const dimensions = [...new Set(grid.flatMap((g) => Object.keys(g.choices)))];
  for (const dimension of dimensions) {
    const values = [...new Set(grid.map((g) => g.choices[dimension]!))];
    const cells = values.map((v) => {
      const subset = candidates.filter((c) => byName.get(c.name)![dimension] === v);
      const { rows: r } = leaveOneCategoryOut(files, subset);
      return `${v}: ${heldOutCorpusScore(files, subset, r.filter((x) => scored.includes(x.category))).toFixed(1)}`;
    });
    log(`  ${dimension.padEnd(10)} ${cells.join('   ')}`);
  }
}
if (opt.loco) {
  for (const family of opt.families!.split(',')) {
    const grid = FAMILIES[family];
    if (!grid) throw new Error(`unknown family ${family}; known: ${Object.keys(FAMILIES).join(', ')}`);
    heldOut(family, grid());
  }
}
if (!opt['no-write']) log(`results: ${resolve(opt.out!)}`);
