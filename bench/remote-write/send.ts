// Remote write out: how fast Radiator's sender empties a backlog into a real Prometheus 2.42
// receiver, and whether it keeps up with a steady load (by default 100 000 series every 10 s) on
// less than 10 % of a core — beside a Prometheus remote-writing the same load to the same receiver
// in the same run (its steady CPU, and how fast it catches up after the receiver was down).
// Radiator's sender runs in this process on a store of its own, written as the core's flush
// writes it (append, commit: one WAL record per flush); its CPU is this process's CPU time
// (process.cpuUsage) minus the time spent producing the load. Prometheus's CPU is its whole
// process (scrape, TSDB and remote write together), so it bounds its sender from above.
// Printed, and written as JSON to bench/results/; never asserted.
//
//   npm run bench:remote-write -- [--quick] [--series 100000] [--interval 10s] [--window 60]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../src/shared/duration-schema.ts';
import { parseSettings } from '../../src/shared/settings.ts';
import { Store } from '../../src/main/core/store/index.ts';
import { RemoteWriteSender } from '../../src/main/core/remote-write/sender.ts';
import { freePort, haveProm, startPrometheus, type RunningProcess } from '../../test/helpers/prometheus.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const log = (s: string) => process.stdout.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** A metric's value in a text exposition (summed over its label sets). */
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
const metricsOf = async (p: RunningProcess) => (await fetch(`${p.url}/metrics`)).text();

export async function run(args: string[]): Promise<void> {
  const { values: opt } = parseArgs({
    args,
    strict: false,
    options: { quick: { type: 'boolean', default: false }, series: { type: 'string' }, interval: { type: 'string' }, window: { type: 'string' } },
  });
  // --quick (under about a minute): a fifth of the series, every 2 s, 10 s windows — a smoke run,
  // not the 100k-series figure.
  const quick = opt.quick === true;
  const SERIES = Number(opt.series ?? (quick ? 20_000 : 100_000));
  const INTERVAL_MS = parseDuration(opt.interval ?? (quick ? '2s' : '10s')) ?? 10_000;
  const WINDOW_S = Number(opt.window ?? (quick ? 10 : 60));
  const BACKLOG_FLUSHES = quick ? 5 : 20;
  const OUTAGE_S = quick ? 5 : 30;
  log(`\n## Remote write out: Radiator's sender → Prometheus 2.42 (${fmt(SERIES)} series, every ${INTERVAL_MS / 1000} s, ${WINDOW_S} s windows${quick ? ', quick' : ''})`);
  if (!haveProm) {
    log('(no prometheus binary: skipped)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'radiator-bench-rw-send-'));
  const procs: RunningProcess[] = [];
  let target: http.Server | null = null;
  const result: Record<string, unknown> = { series: SERIES, intervalMs: INTERVAL_MS, windowS: WINDOW_S, quick };
  try {
    const receiverArgs = ['--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=1d'];
    let receiver = await startPrometheus(join(work, 'receiver'), 'global:\n  scrape_interval: 1h\n', receiverArgs);
    procs.push(receiver);
    const writeUrl = `${receiver.url}/api/v1/write`;

    // ── Radiator: a store written as the core writes it, and the sender on it ──────────────
    const store = new Store({ dir: join(work, 'radiator'), maxSeries: SERIES * 2, hotWindowMs: 3_600_000, retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 }, log: () => {} });
    const series = Array.from({ length: SERIES }, (_, i) => store.resolve('bench_rw_send_requests_total', [['instance_id', String(i)], ['job', 'bench'], ['shard', String(i % 16)]])!);
    let value = 0;
    /** One flush: a sample for every series at `ts`, committed as one WAL record. */
    const produce = (ts: number) => {
      value++;
      for (let i = 0; i < series.length; i++) store.append(series[i]!, ts, value * ((i % 7) + 1));
      store.commit();
    };
    const settings = parseSettings({ remoteWrite: [{ id: 'bench', url: writeUrl }] }).remoteWrite;
    const deps = { store, now: Date.now, log: (l: string) => log(`  radiator: ${l}`), version: 'bench', flushIntervalMs: INTERVAL_MS };

    // Backlog: the endpoint's cursor is at the start, then BACKLOG_FLUSHES flushes arrive while it is stopped.
    let sender = new RemoteWriteSender(deps);
    await sender.set(settings);
    await sender.stop();
    const t0 = Date.now() - BACKLOG_FLUSHES * 1_000;
    for (let k = 0; k < BACKLOG_FLUSHES; k++) produce(t0 + k * 1_000);
    const backlog = BACKLOG_FLUSHES * SERIES;
    sender = new RemoteWriteSender(deps);
    const cpu0 = cpuSeconds();
    const wall0 = performance.now();
    await sender.set(settings);
    while (sender.stats()[0]!.pending > 0) await sleep(20);
    const drainS = (performance.now() - wall0) / 1000;
    const drainCpu = cpuSeconds() - cpu0;
    const drained = sender.stats()[0]!;
    result.radiatorDrain = { samples: backlog, seconds: drainS, samplesPerSecond: backlog / drainS, cpuSeconds: drainCpu, sent: drained.sent, failed: Object.fromEntries(drained.failed), dropped: Object.fromEntries(drained.dropped) };
    log(`Radiator, a backlog of ${fmt(backlog)} samples: sent in ${fmt(drainS, 2)} s = ${fmt(backlog / drainS)} samples/s, ${fmt(drainCpu, 2)} CPU s (${fmt((drainCpu / backlog) * 1e6, 2)} CPU s per million); failed ${drained.failed.size === 0 ? 0 : JSON.stringify(Object.fromEntries(drained.failed))}, dropped ${drained.dropped.size === 0 ? 0 : JSON.stringify(Object.fromEntries(drained.dropped))}`);

    // Steady: one flush of every series per interval, for the window.
    let produceCpu = 0;
    let worstPendingAtFlush = 0;
    let worstLag = 0;
    const s0 = cpuSeconds();
    const w0 = performance.now();
    const sent0 = sender.stats()[0]!.sent;
    const flushes = Math.max(1, Math.round((WINDOW_S * 1000) / INTERVAL_MS));
    for (let k = 0; k < flushes; k++) {
      const due = w0 + k * INTERVAL_MS;
      while (performance.now() < due) {
        await sleep(Math.min(200, due - performance.now()));
        worstLag = Math.max(worstLag, sender.stats()[0]!.lagSeconds);
      }
      // Keeping up: what the previous flush added is gone before the next one.
      worstPendingAtFlush = Math.max(worstPendingAtFlush, sender.stats()[0]!.pending);
      const c = cpuSeconds();
      produce(Date.now());
      sender.notify();
      produceCpu += cpuSeconds() - c;
    }
    const end = w0 + flushes * INTERVAL_MS;
    while (performance.now() < end) await sleep(Math.min(200, end - performance.now()));
    worstPendingAtFlush = Math.max(worstPendingAtFlush, sender.stats()[0]!.pending);
    const steadyWall = (performance.now() - w0) / 1000;
    const senderCpu = cpuSeconds() - s0 - produceCpu;
    const steadySent = sender.stats()[0]!.sent - sent0;
    const keepsUp = worstPendingAtFlush === 0;
    result.radiatorSteady = { flushes, seconds: steadyWall, sent: steadySent, senderCpuSeconds: senderCpu, senderCpuShare: senderCpu / steadyWall, produceCpuSeconds: produceCpu, worstPendingAtFlush, worstLagSeconds: worstLag, keepsUp };
    log(
      `Radiator, steady ${fmt(SERIES)} series every ${INTERVAL_MS / 1000} s for ${fmt(steadyWall, 1)} s: sent ${fmt(steadySent)} (${fmt(steadySent / steadyWall)} samples/s); ` +
        `sender CPU ${fmt(senderCpu, 2)} s = ${fmt((100 * senderCpu) / steadyWall, 1)} % of a core (writing the load took ${fmt(produceCpu, 2)} s, not counted); ` +
        `keeps up: ${keepsUp ? 'yes' : 'NO'} (samples still waiting at the next flush, worst: ${fmt(worstPendingAtFlush)}; oldest unsent sample waited at most ${fmt(worstLag, 1)} s, batch deadline 5 s)`,
    );
    await sender.stop();
    store.close();

    // ── Prometheus: scraping the same load and remote-writing it to the same receiver ────────
    let scrapes = 0;
    const prefix = Array.from({ length: SERIES }, (_, i) => `bench_rw_prom_requests_total{instance_id="${i}",shard="${i % 16}"} `);
    target = http.createServer((_req, res) => {
      scrapes++;
      const parts: string[] = ['# TYPE bench_rw_prom_requests_total counter\n'];
      for (let i = 0; i < prefix.length; i++) parts.push(prefix[i]!, String(scrapes * ((i % 7) + 1)), '\n');
      const body = parts.join('');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    const tport = await freePort();
    await new Promise<void>((r) => target!.listen(tport, '127.0.0.1', r));
    const config =
      `global:\n  scrape_interval: ${INTERVAL_MS / 1000}s\n  scrape_timeout: ${Math.min(10, INTERVAL_MS / 1000)}s\n` +
      `scrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: ['127.0.0.1:${tport}']\n` +
      `remote_write:\n  - url: ${writeUrl}\n    queue_config: { max_samples_per_send: 2000, batch_send_deadline: 5s, min_backoff: 30ms, max_backoff: 5s }\n`;
    const prom = await startPrometheus(join(work, 'sender'), config, ['--storage.tsdb.retention.time=1d']);
    procs.push(prom);
    // Past its first scrape, so start-up is not in the window.
    for (let waited = 0; scrapes === 0 && waited < 30_000; waited += 100) await sleep(100);
    await sleep(2_000);
    let m = await metricsOf(prom);
    const p0 = { cpu: metric(m, 'process_cpu_seconds_total'), sent: metric(m, 'prometheus_remote_storage_samples_total'), t: performance.now() };
    let promWorstLag = 0;
    const pEnd = performance.now() + WINDOW_S * 1000;
    while (performance.now() < pEnd) {
      await sleep(Math.min(1_000, pEnd - performance.now()));
      m = await metricsOf(prom);
      const highest = metric(m, 'prometheus_remote_storage_highest_timestamp_in_seconds');
      const sentTs = metric(m, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds');
      if (highest > 0 && sentTs > 0) promWorstLag = Math.max(promWorstLag, highest - sentTs);
    }
    const p1 = { cpu: metric(m, 'process_cpu_seconds_total'), sent: metric(m, 'prometheus_remote_storage_samples_total'), t: performance.now() };
    const pWall = (p1.t - p0.t) / 1000;
    result.prometheusSteady = { seconds: pWall, sent: p1.sent - p0.sent, processCpuSeconds: p1.cpu - p0.cpu, processCpuShare: (p1.cpu - p0.cpu) / pWall, worstLagSeconds: promWorstLag, failed: metric(m, 'prometheus_remote_storage_samples_failed_total'), dropped: metric(m, 'prometheus_remote_storage_samples_dropped_total') };
    log(
      `Prometheus, steady (same load, scraped) for ${fmt(pWall, 1)} s: sent ${fmt(p1.sent - p0.sent)} (${fmt((p1.sent - p0.sent) / pWall)} samples/s); ` +
        `whole process CPU ${fmt(p1.cpu - p0.cpu, 2)} s = ${fmt((100 * (p1.cpu - p0.cpu)) / pWall, 1)} % of a core (scrape + TSDB + remote write); worst lag ${fmt(promWorstLag, 1)} s`,
    );

    // Prometheus behind: the receiver is down for a while, then back. Caught up once it has sent
    // a sample as new as the moment the receiver returned; the rate is over the samples it sent
    // from its first send after the return until then.
    const port = receiver.port;
    await receiver.stop();
    await sleep(OUTAGE_S * 1000);
    receiver = await startPrometheus(join(work, 'receiver'), 'global:\n  scrape_interval: 1h\n', receiverArgs, port);
    procs.push(receiver);
    const returnedAt = Date.now() / 1000;
    m = await metricsOf(prom);
    let first: { sent: number; t: number } | null = null;
    let last = { sent: metric(m, 'prometheus_remote_storage_samples_total'), t: performance.now() };
    let caughtUp = false;
    const giveUp = performance.now() + 60_000;
    while (!caughtUp && performance.now() < giveUp) {
      await sleep(100);
      m = await metricsOf(prom);
      const now = { sent: metric(m, 'prometheus_remote_storage_samples_total'), t: performance.now() };
      if (!first && now.sent > last.sent) first = last;
      last = now;
      caughtUp = first !== null && metric(m, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds') >= returnedAt - INTERVAL_MS / 1000;
    }
    if (first && caughtUp) {
      const n = last.sent - first.sent;
      const s = (last.t - first.t) / 1000;
      result.prometheusCatchUp = { outageS: OUTAGE_S, samples: n, seconds: s, samplesPerSecond: n / s };
      log(`Prometheus, after the receiver was down ${OUTAGE_S} s: caught up ${fmt(n)} samples in ${fmt(s, 2)} s = ${fmt(n / s)} samples/s (polled every 100 ms, so rough)`);
    } else log('Prometheus did not catch up within 60 s of the receiver coming back');

    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, `bench/results/remote-write-send-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    log(`(written to ${file})`);
  } finally {
    target?.closeAllConnections();
    target?.close();
    for (const p of procs.reverse()) await p.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

// Run on its own: node bench/remote-write/send.ts [--quick]
if (import.meta.filename === process.argv[1]) await run(process.argv.slice(2));
