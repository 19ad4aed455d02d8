// Where the shipped anomaly ensemble's time per point goes, and a check that an optimisation left
// every output unchanged. Streams every NAB-format file under --data through the shipped ensemble
// (a fresh instance per file, as bench:anomaly does) and through each of its detectors alone, and
// prints the CPU time per point of each (process.cpuUsage over the update() loops, the best and
// worst of --runs runs, after one untimed warm-up pass), the ensemble's own share (its total less
// its detectors'), and ARTime's probation end (the update() that ends it, per series).
//
//   node bench/anomaly-cost.ts --data ../shared/nab/data [--runs 5] [--digest out.json] [--against ref.json]
//
// --digest writes a SHA-256 of every output, bit for bit — the ensemble's score, raw score,
// verdict, votes, trusted detectors, band and distribution, and each detector's score, readiness
// and band, for the shipped ensemble, the ensemble before ARTime, and ARTime alone and with NAB's
// look-ahead — and --against compares them with a digest written before a change: an exact
// optimisation leaves every one unchanged.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIME_DEFAULTS, ArtimeDetector, createDetectors, Ensemble, type Detector, type EnsembleOptions } from '../src/main/core/analysis/index.ts';
import { loadCorpus, type NabFile } from './anomaly/nab-corpus.ts';
import { nabArtimeOptions } from './anomaly/nab-artime.ts';

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string' },
    windows: { type: 'string' },
    runs: { type: 'string', default: '5' },
    digest: { type: 'string' },
    against: { type: 'string' },
    'no-time': { type: 'boolean', default: false },
  },
});
if (!opt.data) {
  process.stderr.write('usage: node bench/anomaly-cost.ts --data <dir> [--runs 5] [--digest out.json] [--against ref.json] [--no-time]\n');
  process.exit(2);
}
const data = resolve(opt.data);
// The windows do not matter here; combined_windows.json beside the data directory, if any, silences the warning.
const files: NabFile[] = loadCorpus(data, resolve(opt.windows ?? `${data}/../combined_windows.json`));
const totalPoints = files.reduce((s, f) => s + f.t.length, 0);
const log = (s: string) => process.stdout.write(s + '\n');

const f64 = new Float64Array(1);
const bytes = new Uint8Array(f64.buffer);
function num(h: ReturnType<typeof createHash>, x: number | undefined): void {
  f64[0] = x === undefined ? NaN : x;
  h.update(bytes);
  h.update(x === undefined ? 'u' : '.');
}

/** A digest of every output of the ensemble with these options, and of each of its detectors alone. */
function digestEnsemble(opts: Partial<EnsembleOptions>): Record<string, string> {
  const out: Record<string, string> = {};
  const h = createHash('sha256');
  for (const f of files) {
    const e = new Ensemble(opts);
    for (let i = 0; i < f.t.length; i++) {
      const o = e.update({ t: f.t[i]!, v: f.v[i]! });
      num(h, o.score);
      num(h, o.rawScore);
      h.update(`${o.anomalous}|${o.explanation}|${o.votes.join(',')}|${o.trusted?.join(',')}|${o.distribution}|${o.skipped}|`);
      num(h, o.expected?.center);
      num(h, o.expected?.lower);
      num(h, o.expected?.upper);
    }
  }
  out.ensemble = h.digest('hex');
  for (const d of createDetectors(opts)) {
    const hd = createHash('sha256');
    for (const f of files) {
      const x = createDetectors({ ...opts, only: [d.name] })[0]!;
      for (let i = 0; i < f.t.length; i++) {
        const o = x.update({ t: f.t[i]!, v: f.v[i]! });
        num(hd, o.score);
        hd.update(`${o.anomalous}|${o.ready}|`);
        num(hd, o.expected?.center);
        num(hd, o.expected?.lower);
        num(hd, o.expected?.upper);
      }
    }
    out[d.name] = hd.digest('hex');
  }
  return out;
}

/** ARTime set up as NAB sets it up (the published reproduction's configuration): its raw score, every row. */
function digestArtimeLookahead(): string {
  const h = createHash('sha256');
  for (const f of files) {
    const n = f.v.length;
    const d = new ArtimeDetector(nabArtimeOptions(f.v));
    for (let i = 0; i < n; i++) {
      d.update({ t: f.t[i]!, v: f.v[i]! });
      num(h, d.raw);
    }
  }
  return h.digest('hex');
}

if (opt.digest || opt.against) {
  const digest = {
    shipped: digestEnsemble({}),
    previous: digestEnsemble({ artime: false, shape: {}, surprise: { priorWeight: 100 } }),
    artimeLookahead: digestArtimeLookahead(),
    // The ensemble's other ways of combining (bench:anomaly --variants), which share its code.
    variants: {
      vote: digestEnsemble({ combine: 'vote', calibrate: false, holdOff: 0 }).ensemble!,
      mean: digestEnsemble({ combine: 'mean', calibrate: false }).ensemble!,
      calibratedVote: digestEnsemble({ combine: 'vote', threshold: 0.3 }).ensemble!,
      withCad: digestEnsemble({ cad: {} }).ensemble!,
    } as Record<string, string>,
  };
  if (opt.digest) writeFileSync(opt.digest, JSON.stringify(digest, null, 2) + '\n');
  if (opt.against) {
    const ref = JSON.parse(readFileSync(opt.against, 'utf8')) as typeof digest;
    let same = true;
    const compare = (path: string, a: unknown, b: unknown) => {
      if (a !== b) {
        same = false;
        log(`DIFFERS: ${path}`);
      }
    };
    for (const k of ['shipped', 'previous'] as const) for (const name of Object.keys(ref[k])) compare(`${k}.${name}`, digest[k][name], ref[k][name]);
    compare('artimeLookahead', digest.artimeLookahead, ref.artimeLookahead);
    for (const name of Object.keys(ref.variants)) compare(`variants.${name}`, digest.variants[name], ref.variants[name]);
    log(same ? `outputs identical to ${opt.against} (every output of the shipped and previous ensembles, each detector, ARTime with look-ahead, four other ensemble configurations)` : 'OUTPUTS DIFFER');
    if (!same) process.exitCode = 1;
  }
}

if (!opt['no-time']) {
  const runs = Number(opt.runs);
  /** CPU µs of the update() loops over the corpus, a fresh instance per file. */
  const cpuOf = (make: () => { update(p: { t: number; v: number }): unknown }): number => {
    let us = 0;
    for (const f of files) {
      const d = make();
      const { t, v } = f;
      const cpu = process.cpuUsage();
      for (let i = 0; i < t.length; i++) d.update({ t: t[i]!, v: v[i]! });
      const used = process.cpuUsage(cpu);
      us += used.user + used.system;
    }
    return us;
  };
  const warm = (make: () => { update(p: { t: number; v: number }): unknown }) => {
    const d = make();
    for (let i = 0; i < files[0]!.t.length; i++) d.update({ t: files[0]!.t[i]!, v: files[0]!.v[i]! });
  };
  const names = createDetectors().map((d) => d.name);
  const subjects: Array<[string, () => Detector | Ensemble]> = [
    ['ensemble (shipped)', () => new Ensemble()],
    ...names.map((n): [string, () => Detector] => [n, () => createDetectors({ only: [n] })[0]!]),
  ];
  for (const [, make] of subjects) warm(make);
  const times = new Map<string, number[]>(subjects.map(([n]) => [n, []]));
  // Interleaved, so a burst of load elsewhere touches every subject rather than one.
  for (let r = 0; r < runs; r++) for (const [name, make] of subjects) times.get(name)!.push((cpuOf(make) * 1000) / totalPoints);
  // ARTime's probation end: the one update() that ends it (the learn-th point), per series.
  const ends: number[] = [];
  const endAt = ARTIME_DEFAULTS.learn - 1;
  for (let r = 0; r < runs; r++) {
    for (const f of files) {
      const d = new ArtimeDetector();
      for (let i = 0; i < f.t.length; i++) {
        if (i !== endAt) {
          d.update({ t: f.t[i]!, v: f.v[i]! });
          continue;
        }
        const cpu = process.cpuUsage();
        d.update({ t: f.t[i]!, v: f.v[i]! });
        const used = process.cpuUsage(cpu);
        ends.push(used.user + used.system);
      }
    }
  }
  ends.sort((a, b) => a - b);
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0).padStart(6)}–${Math.max(...xs).toFixed(0).padEnd(6)}`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  log(`${files.length} files, ${totalPoints} points; CPU ns per point over ${runs} runs (min–max, median), each alone, a fresh instance per file:`);
  let sumMedians = 0;
  for (const [name] of subjects) {
    const xs = times.get(name)!;
    if (name !== 'ensemble (shipped)') sumMedians += median(xs);
    log(`  ${name.padEnd(20)} ${range(xs)} ${median(xs).toFixed(0).padStart(6)}`);
  }
  log(`  ${'detectors summed'.padEnd(20)} ${''.padEnd(13)} ${sumMedians.toFixed(0).padStart(6)}`);
  log(`  ${'ensemble own share'.padEnd(20)} ${''.padEnd(13)} ${(median(times.get('ensemble (shipped)')!) - sumMedians).toFixed(0).padStart(6)}  (calibration, classification, pre-filters, combination)`);
  log(`ARTime probation end: ${(ends[ends.length >> 1]! / 1000).toFixed(2)} ms CPU median per series (${(ends[0]! / 1000).toFixed(2)}–${(ends[ends.length - 1]! / 1000).toFixed(2)}, ${ends.length} series)`);
}
