// The engine and the store alone, in this process, at fleet scale: the data `bench:promql
// --series` backfills (N counter series every 15 s for 1 h, `route` and `instance` labels) is
// imported straight into a Store, and the same board queries run through the engine with no
// HTTP in between. For profiling where a query's time goes (run it under `node --cpu-prof`);
// the comparison with Prometheus is `bench:promql -- --series N --scale-only`.
//
//   node bench/promql/in-process.ts [--series 20000] [--runs 5]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePromQL, rangeQuery } from '../../src/main/core/promql/index.ts';
import { Store } from '../../src/main/core/store/index.ts';
import { pct } from './scale.ts';

const { values: opt } = parseArgs({ options: { series: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const N = Number(opt.series);
const RUNS = Number(opt.runs);
if (!(N > 0) || !(RUNS > 0)) throw new Error('--series and --runs take positive numbers');

const HOUR = 3_600_000;
const STEP = 15_000;
const ROUTES = 50;
const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const start = end - HOUR;
const dir = mkdtempSync(join(tmpdir(), 'radiator-bench-inproc-'));
const store = new Store({
  dir,
  maxSeries: N + 1000,
  hotWindowMs: 2 * HOUR,
  retention: { rawMs: 7 * 24 * HOUR, rollup5mMs: 30 * 24 * HOUR, rollup1hMs: 365 * 24 * HOUR, eventsMs: 30 * 24 * HOUR },
});
const mb = (b: number) => (b / 1e6).toFixed(0);

let t0 = performance.now();
for (let i = 0; i < N; i++) {
  const s = store.resolve('bench_scale_total', [
    ['instance', `i${Math.floor(i / ROUTES)}`],
    ['route', `/r${i % ROUTES}`],
  ])!;
  // The same values as bench/promql/scale.ts's seriesLines.
  const ts: number[] = [];
  const vs: number[] = [];
  let v = (i * 7919) % 1000;
  const inc = 1 + (i % 37);
  for (let t = start; t <= end; t += STEP) {
    v += inc + ((t / STEP + i) % 5);
    ts.push(t);
    vs.push(v);
  }
  store.importSamples(s, ts, vs);
  if (i % 1000 === 999) store.commit();
}
store.commit();
for (let i = 0; i < 100; i++) store.maintain(); // roll-ups of the imported buckets, checkpoints
const m = process.memoryUsage();
process.stdout.write(`${N} series × 1 h @ 15 s imported in ${((performance.now() - t0) / 1000).toFixed(1)} s; heap ${mb(m.heapUsed)} MB, RSS ${mb(m.rss)} MB\n\n`);

const queries = [
  'sum(rate(bench_scale_total[5m]))',
  'sum by (route) (rate(bench_scale_total[5m]))',
  'topk(5, sum by (instance) (rate(bench_scale_total[5m])))',
  'rate(bench_scale_total{route="/r7"}[5m])',
  'sum(rate(bench_scale_total{route=~"/r1|/r2|/r3"}[5m]))',
];
const times = new Map<string, number[]>(queries.map((q) => [q, []]));
for (let r = 0; r < RUNS + 1; r++) {
  for (const q of queries) {
    t0 = performance.now();
    rangeQuery(store, parsePromQL(q), start + 600_000, end, 60_000);
    if (r > 0) times.get(q)!.push(performance.now() - t0); // the first round warms up
  }
}
process.stdout.write('| query | p50 ms | p95 ms |\n|---|---:|---:|\n');
for (const [q, xs] of times) process.stdout.write(`| \`${q}\` | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.95).toFixed(1)} |\n`);
store.close();
rmSync(dir, { recursive: true, force: true });
