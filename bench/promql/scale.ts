// PromQL at fleet scale, Radiator beside a real Prometheus holding the same data, in one run:
// N counter series `bench_scale_total{route, instance}` every 15 s for 1 h (N × 241 samples),
// backfilled into Prometheus with promtool and into Radiator with POST /api/v1/import; then the
// board queries the issue names, alternated, p50/p95 of each; and the RSS of both processes
// holding the data (after a warm-up, after the queries, and after both have been idle 60 s).
//
//   npm run bench:promql -- --series 5000,20000,100000 [--runs 5] [--scale-only]

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, PROMTOOL, startPrometheus } from '../../test/helpers/prometheus.ts';
import { STARTUP_V8_FLAGS } from '../../src/main/core/heap-mode.ts';
import { serveEntry } from '../serve-entry.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
const STEP = 15_000;
const log = (s: string) => process.stdout.write(s + '\n');

/** How long both servers are left idle before their RSS is read the last time. */
const SETTLE_MS = 60_000;
/** A pause before each timed query: on two cores, the collector of the server that answered last
 * (Go's after a Prometheus query, V8's after a Radiator one) still runs for some 100 ms and would
 * be timed as part of the other's answer. */
const QUIET_MS = 250;

/** Resident set of a process, MB (from /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function waitUntil(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

/** One series' samples as OpenMetrics lines (a counter with a per-series rate). */
function seriesLines(i: number, start: number, end: number, routes: number): string {
  let v = (i * 7919) % 1000;
  const inc = 1 + (i % 37);
  const labels = `route="/r${i % routes}",instance="i${Math.floor(i / routes)}"`;
  let out = '';
  for (let t = start; t <= end; t += STEP) {
    v += inc + ((t / STEP + i) % 5);
    out += `bench_scale_total{${labels}} ${v} ${t / 1000}\n`;
  }
  return out;
}

interface Row {
  series: number;
  query: string;
  prom: number[];
  rad: number[];
  promError?: string;
  radError?: string;
}

export async function runScale(sizes: number[], runs: number): Promise<void> {
  const rows: Row[] = [];
  const memory: Array<{ series: number; samples: number; promRss: number; radRss: number; promRssAfter: number; radRssAfter: number; promRssSettled: number; radRssSettled: number }> = [];
  for (const n of sizes) {
    const work = mkdtempSync(join(tmpdir(), `radiator-bench-scale-${n}-`));
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const start = end - HOUR;
    const routes = 50;
    // Data, written once as OpenMetrics for promtool.
    const om = join(work, 'data.om');
    const w = createWriteStream(om);
    w.write('# TYPE bench_scale_total counter\n');
    for (let i = 0; i < n; i++) if (!w.write(seriesLines(i, start, end, routes))) await new Promise<void>((r) => w.once('drain', () => r()));
    w.write('# EOF\n');
    await new Promise<void>((r) => w.end(() => r()));
    const samples = n * (HOUR / STEP + 1);

    let t0 = performance.now();
    mkdirSync(join(work, 'prom', 'data'), { recursive: true });
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', om, join(work, 'prom', 'data')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`promtool: ${r.stderr}`);
    log(`\n${n} series × 1 h @ 15 s = ${samples} samples; promtool backfill ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    rmSync(om);
    const prom = await startPrometheus(join(work, 'prom'), 'global: {}\n', ['--storage.tsdb.retention.time=10y']);

    const radPort = await freePort();
    const rad = spawn(
      process.execPath,
      [...STARTUP_V8_FLAGS, serveEntry(), 'serve', '--data-dir', join(work, 'radiator'), '--http-port', String(radPort), '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics', '--max-series', String(Math.max(100_000, n + 1000))],
      { stdio: 'ignore', env: { ...process.env, XDG_CONFIG_HOME: work } },
    );
    const radUrl = `http://127.0.0.1:${radPort}`;
    await waitUntil(async () => (await fetch(`${radUrl}/healthz`)).ok, 30_000);
    t0 = performance.now();
    let imported = 0;
    const perRequest = 150; // whole series per request, under the 4 MiB body limit
    for (let i = 0; i < n; i += perRequest) {
      let body = '# TYPE bench_scale_total counter\n';
      for (let k = i; k < Math.min(n, i + perRequest); k++) body += seriesLines(k, start, end, routes);
      body += '# EOF\n';
      const res = await fetch(`${radUrl}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body });
      const b = (await res.json()) as { data?: { imported: number }; message?: string };
      if (!res.ok) throw new Error(`import: ${res.status} ${b.message}`);
      imported += b.data!.imported;
    }
    log(`Radiator import: ${imported} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The data ends an hour before the last full hour: what is older than Radiator's 2 h hot
    // window is read from SQLite, and how much that is depends on the minute the bench runs.
    log(`minutes of the hour's data older than the 2 h hot window: ${Math.max(0, Math.min(60, (Date.now() - 2 * HOUR - start) / 60_000)).toFixed(0)} of 60`);

    const queries: Array<[string, Record<string, string>, '/api/v1/query' | '/api/v1/query_range']> = [];
    const range = { start: String(start / 1000 + 600), end: String(end / 1000), step: '60' };
    queries.push(['sum(rate(x[5m])) range', { query: 'sum(rate(bench_scale_total[5m]))', ...range }, '/api/v1/query_range']);
    queries.push(['count(x) instant', { query: 'count(bench_scale_total)', time: String(end / 1000) }, '/api/v1/query']);
    queries.push(['sum by (route) (rate(x[5m])) range', { query: 'sum by (route) (rate(bench_scale_total[5m]))', ...range }, '/api/v1/query_range']);
    queries.push(['topk(5, sum by (instance) (rate(x[5m]))) range', { query: 'topk(5, sum by (instance) (rate(bench_scale_total[5m])))', ...range }, '/api/v1/query_range']);
    queries.push(['rate(x{route="/r7"}[5m]) range', { query: 'rate(bench_scale_total{route="/r7"}[5m])', ...range }, '/api/v1/query_range']);
    queries.push(['sum(rate(x{route=~"/r1|/r2|/r3"}[5m])) range', { query: 'sum(rate(bench_scale_total{route=~"/r1|/r2|/r3"}[5m]))', ...range }, '/api/v1/query_range']);

    const time = async (base: string, path: string, params: Record<string, string>): Promise<number> => {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
      const body = (await res.json()) as { status: string; error?: string };
      if (body.status !== 'success') throw new Error(body.error);
      return performance.now() - t;
    };
    // Warm both (first queries load indexes and chunks), then measure what each holds.
    for (const [, p, path] of queries) {
      await time(prom.url, path, p).catch(() => 0);
      await time(radUrl, path, p).catch(() => 0);
    }
    const promRss = rssMb(prom.proc.pid!);
    const radRss = rssMb(rad.pid!);
    for (const [name, p, path] of queries) {
      const row: Row = { series: n, query: name, prom: [], rad: [] };
      for (let i = 0; i < runs; i++) {
        await new Promise((r2) => setTimeout(r2, QUIET_MS));
        try {
          row.prom.push(await time(prom.url, path, p));
        } catch (e) {
          row.promError = (e as Error).message;
        }
        await new Promise((r2) => setTimeout(r2, QUIET_MS));
        try {
          row.rad.push(await time(radUrl, path, p));
        } catch (e) {
          row.radError = (e as Error).message;
        }
      }
      rows.push(row);
    }
    const promRssAfter = rssMb(prom.proc.pid!);
    const radRssAfter = rssMb(rad.pid!);
    // Both left idle, holding the data: V8's memory reducer and Go's scavenger give back what the
    // import and the queries left some seconds after the work stops.
    await new Promise((r2) => setTimeout(r2, SETTLE_MS));
    // Whether Radiator's memory trimmer (core/heap-trim.ts) or V8 on its own gave memory back.
    const selfText = await (await fetch(`${radUrl}/metrics`)).text();
    log(`Radiator's memory trims by then: ${/^radiator_memory_trims_total (\S+)$/m.exec(selfText)?.[1] ?? '?'}`);
    memory.push({ series: n, samples, promRss, radRss, promRssAfter, radRssAfter, promRssSettled: rssMb(prom.proc.pid!), radRssSettled: rssMb(rad.pid!) });
    await prom.stop();
    rad.kill('SIGTERM');
    await new Promise((r2) => rad.once('exit', r2));
    rmSync(work, { recursive: true, force: true });
  }

  log('\n| series | query | Prometheus p50 / p95 ms | Radiator p50 / p95 ms | Radiator ÷ Prometheus (p50) |');
  log('|---:|---|---:|---:|---:|');
  const cell = (xs: number[], err?: string) => (err ? `error: ${err.slice(0, 60)}` : `${pct(xs, 0.5).toFixed(1)} / ${pct(xs, 0.95).toFixed(1)}`);
  for (const x of rows) {
    const ratio = x.promError || x.radError ? '—' : `${(pct(x.rad, 0.5) / pct(x.prom, 0.5)).toFixed(2)}×`;
    log(`| ${x.series} | ${x.query} | ${cell(x.prom, x.promError)} | ${cell(x.rad, x.radError)} | ${ratio} |`);
  }
  log(`\n| series | samples | Prometheus RSS MB (warm / after queries / ${SETTLE_MS / 1000} s idle) | Radiator RSS MB (warm / after queries / ${SETTLE_MS / 1000} s idle) |`);
  log('|---:|---:|---:|---:|');
  for (const m of memory) log(`| ${m.series} | ${m.samples} | ${m.promRss.toFixed(0)} / ${m.promRssAfter.toFixed(0)} / ${m.promRssSettled.toFixed(0)} | ${m.radRss.toFixed(0)} / ${m.radRssAfter.toFixed(0)} / ${m.radRssSettled.toFixed(0)} |`);
  log(`\n(${runs} runs of each query after a warm-up, alternating Prometheus and Radiator, ${QUIET_MS} ms apart)`);
}
