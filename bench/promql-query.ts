// PromQL latency, Radiator against a real Prometheus holding the same data, in one run:
//  1. query_range over 100 series × 24 h at a 60 s step (raw, rate, and a sum by of rates);
//  2. a 50-expression board refresh (each expression over the last hour at 15 s).
// The data (24 h every 15 s) is written as OpenMetrics, loaded into Prometheus with promtool's
// create-blocks-from openmetrics and into Radiator with POST /api/v1/import. Both are queried
// over HTTP, alternately, after a warm-up; medians and p95s of N runs are printed.
//
//   npm run bench:promql [-- --runs 10]
// At fleet scale as well (bench/promql/scale.ts): 5k, 20k and 100k counter series beside Prometheus,
// with the RSS of both processes holding the data:
//   npm run bench:promql -- --series 5000,20000,100000 [--scale-only]

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pct, runScale, waitUntil } from './promql/scale.ts';
import { freePort } from '../test/helpers/prometheus.ts';
import { STARTUP_V8_FLAGS } from '../src/main/core/heap-mode.ts';
import { serveEntry } from './serve-entry.ts';

const { values: opt } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, series: { type: 'string' }, 'scale-only': { type: 'boolean', default: false } },
});
const RUNS = Number(opt.runs);
const SIZES = (opt.series ?? '').split(',').filter(Boolean).map(Number);
if (SIZES.some((n) => !(n > 0))) throw new Error(`--series: a comma-separated list of series counts, e.g. 5000,20000,100000 (got ${opt.series})`);
if (opt['scale-only']) {
  await runScale(SIZES.length > 0 ? SIZES : [5_000, 20_000, 100_000], Math.min(RUNS, 5));
  process.exit(0);
}
const ROOT = resolve(import.meta.dirname, '..');
const HOUR = 3_600_000;
const work = mkdtempSync(join(tmpdir(), 'radiator-bench-promql-'));
const log = (s: string) => process.stdout.write(s + '\n');

// ── data: 100 counters, 20 gauges and a 10-bucket histogram per route, every 15 s for 24 h ──
const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const start = end - 24 * HOUR;
const STEP = 15_000;
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const lines: string[] = ['# TYPE bench_requests_total unknown'];
const routes = Array.from({ length: 10 }, (_, i) => `/r${i}`);
for (const route of routes) {
  for (let inst = 0; inst < 10; inst++) {
    let v = 0;
    for (let t = start; t <= end; t += STEP) {
      v += Math.floor(rnd() * 50);
      lines.push(`bench_requests_total{route="${route}",instance="i${inst}"} ${v} ${(t / 1000).toFixed(3)}`);
    }
  }
}
lines.push('# TYPE bench_temperature unknown');
for (let g = 0; g < 20; g++) {
  for (let t = start; t <= end; t += STEP) lines.push(`bench_temperature{sensor="s${g}"} ${(20 + 5 * Math.sin(t / 3.6e6 + g) + rnd()).toFixed(3)} ${(t / 1000).toFixed(3)}`);
}
lines.push('# TYPE bench_latency_seconds_bucket unknown');
const bounds = ['0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
for (const route of routes) {
  const cum = bounds.map(() => 0);
  const rows: string[][] = bounds.map(() => []);
  for (let t = start; t <= end; t += STEP) {
    for (let k = 0; k < 20; k++) {
      const obs = Math.exp(-4 + rnd() * 5);
      bounds.forEach((b, j) => {
        if (b === '+Inf' || obs <= Number(b)) cum[j]!++;
      });
    }
    bounds.forEach((b, j) => rows[j]!.push(`bench_latency_seconds_bucket{route="${route}",le="${b}"} ${cum[j]} ${(t / 1000).toFixed(3)}`));
  }
  for (const r of rows) lines.push(...r);
}
lines.push('# EOF');
const om = lines.join('\n') + '\n';
const omFile = join(work, 'data.om');
writeFileSync(omFile, om);
log(`data: ${lines.length - 4} samples, ${100 + 20 + 100} series, 24 h every 15 s (${(om.length / 1e6).toFixed(0)} MB OpenMetrics)`);

// ── Prometheus ──────────────────────────────────────────────────────────────────────
const promData = join(work, 'prom');
mkdirSync(promData);
let t0 = performance.now();
const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', omFile, promData], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`promtool: ${r.stderr}`);
log(`promtool create-blocks-from openmetrics: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
writeFileSync(join(work, 'prometheus.yml'), 'global: {}\n');
const promPort = await freePort();
const prom = spawn('prometheus', [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${promData}`, `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=10y'], { stdio: 'ignore' });
const promUrl = `http://127.0.0.1:${promPort}`;
await waitUntil(async () => (await fetch(`${promUrl}/-/ready`)).ok, 60_000);

// ── Radiator ────────────────────────────────────────────────────────────────────────
const radPort = await freePort();
const rad = spawn(
  process.execPath,
  [...STARTUP_V8_FLAGS, serveEntry(), 'serve', '--data-dir', join(work, 'radiator'), '--http-port', String(radPort), '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics'],
  { stdio: 'ignore', env: { ...process.env, XDG_CONFIG_HOME: work } },
);
const radUrl = `http://127.0.0.1:${radPort}`;
await waitUntil(async () => (await fetch(`${radUrl}/healthz`)).ok, 30_000);
t0 = performance.now();
const imp = await fetch(`${radUrl}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body: om });
const impBody = (await imp.json()) as { data: { imported: number } };
log(`Radiator POST /api/v1/import: ${impBody.data.imported} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ── measurements ────────────────────────────────────────────────────────────────────
async function timeQuery(base: string, params: Record<string, string>): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/query_range`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  const body = (await res.json()) as { status: string; error?: string };
  if (body.status !== 'success') throw new Error(`${base}: ${body.error}`);
  return performance.now() - t;
}


async function compare(name: string, run: (base: string) => Promise<number>): Promise<{ name: string; prom: number[]; rad: number[] }> {
  await run(promUrl);
  await run(radUrl);
  const out = { name, prom: [] as number[], rad: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    out.prom.push(await run(promUrl));
    out.rad.push(await run(radUrl));
  }
  return out;
}

const day = { start: String(start / 1000), end: String(end / 1000), step: '60' };
const results = [
  await compare('raw, 100 series × 24 h @ 60 s', (b) => timeQuery(b, { query: 'bench_requests_total', ...day })),
  await compare('rate(…[5m]), 100 series × 24 h', (b) => timeQuery(b, { query: 'rate(bench_requests_total[5m])', ...day })),
  await compare('sum by (route) (rate(…[5m])), 24 h', (b) => timeQuery(b, { query: 'sum by (route) (rate(bench_requests_total[5m]))', ...day })),
];

const board: string[] = [];
for (const route of routes.slice(0, 5)) {
  board.push(`sum(rate(bench_requests_total{route="${route}"}[5m]))`);
  board.push(`histogram_quantile(0.95, sum by (le) (rate(bench_latency_seconds_bucket{route="${route}"}[5m])))`);
  board.push(`histogram_quantile(0.5, rate(bench_latency_seconds_bucket{route="${route}"}[5m]))`);
  board.push(`topk(3, rate(bench_requests_total{route="${route}"}[5m]))`);
  board.push(`max_over_time(sum(rate(bench_requests_total{route="${route}"}[1m]))[10m:1m])`);
}
for (let g = 0; g < 10; g++) board.push(`avg_over_time(bench_temperature{sensor="s${g}"}[10m])`);
board.push('sum by (route) (rate(bench_requests_total[5m]))', 'sum(rate(bench_requests_total[5m]))', 'count(bench_temperature > 22)');
board.push('stddev(bench_temperature)', 'quantile(0.9, bench_temperature)', 'max(bench_temperature)', 'min(bench_temperature)');
board.push('increase(bench_requests_total{instance="i0"}[1h])', 'deriv(bench_temperature{sensor="s1"}[15m])', 'predict_linear(bench_temperature{sensor="s2"}[30m], 3600)');
board.push('sum(increase(bench_latency_seconds_bucket{le="+Inf"}[5m]))', 'changes(bench_temperature{sensor="s3"}[30m])', 'sum without (instance) (rate(bench_requests_total[5m]))');
while (board.length < 50) board.push(`rate(bench_requests_total{instance="i${board.length % 10}"}[5m])`);
const hour = { start: String((end - HOUR) / 1000), end: String(end / 1000), step: '15' };
results.push(
  await compare(`board refresh: ${board.length} expressions × 1 h @ 15 s`, async (b) => {
    const t = performance.now();
    for (const q of board) await timeQuery(b, { query: q, ...hour });
    return performance.now() - t;
  }),
);

log(`\n| query | Prometheus ${'p50 / p95 ms'} | Radiator p50 / p95 ms | Radiator ÷ Prometheus (p50) |`);
log('|---|---:|---:|---:|');
for (const x of results) {
  log(`| ${x.name} | ${pct(x.prom, 0.5).toFixed(1)} / ${pct(x.prom, 0.95).toFixed(1)} | ${pct(x.rad, 0.5).toFixed(1)} / ${pct(x.rad, 0.95).toFixed(1)} | ${(pct(x.rad, 0.5) / pct(x.prom, 0.5)).toFixed(2)}× |`);
}
log(`\n(${RUNS} runs each after a warm-up, alternating; Prometheus ${(await (await fetch(`${promUrl}/api/v1/status/buildinfo`)).json() as { data: { version: string } }).data.version})`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', `promql-query-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
prom.kill();
rad.kill('SIGTERM');
await new Promise((r2) => setTimeout(r2, 500));
rmSync(work, { recursive: true, force: true });
if (SIZES.length > 0) await runScale(SIZES, Math.min(RUNS, 5));
process.exit(0);
