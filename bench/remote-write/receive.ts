// Remote write in: samples a second Radiator takes, loss-free, from a real Prometheus (2.42) —
// beside a second Prometheus (`--web.enable-remote-write-receiver`) fed by the same sender with
// the same queue settings in the same run. A generated /metrics target (counters, many series) is
// scraped at a short interval; at each load level a fresh sender scrapes it for a fixed time, its
// targets are then removed (a reload), and it drains. Figures come from the sender's own counters
// per remote (prometheus_remote_storage_samples_total, _failed_, _retried_, _dropped_, the lag of
// its highest sent timestamp) and from each receiver's (radiator_received_total/applied/rejected
// {receiver="remote_write"}; prometheus_tsdb_head_samples_appended_total). Loss-free: nothing
// failed or dropped and every sample sent was received. Printed, and written as JSON to
// bench/results/; never asserted.
//
//   npm run bench:remote-write -- [--quick] [--levels 10000,50000] [--seconds 20] [--interval 1s]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import snappy from 'snappyjs';
import { Ingest } from '../../src/main/core/collector/ingest.ts';
import { decodeWriteRequest, encodeWriteRequest, type TimeSeries } from '../../src/main/core/remote-write/protocol.ts';
import { RemoteWriteReceiver } from '../../src/main/core/remote-write/receiver.ts';
import { Store } from '../../src/main/core/store/index.ts';
import { freePort, haveProm, startPrometheus, type RunningProcess } from '../../test/helpers/prometheus.ts';
import { STARTUP_V8_FLAGS } from '../../src/main/core/heap-mode.ts';
import { serveEntry } from '../serve-entry.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const log = (s: string) => process.stdout.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sum of a metric's samples in a text exposition, over lines whose labels include `match`. */
function metric(text: string, name: string, match = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (match && !line.includes(match)) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

/** How far the sender's queue is behind what it has read: 0 until it has sent anything. */
const lagOf = (highest: number, sent: number) => (highest > 0 && sent > 0 ? Math.max(0, highest - sent) : 0);

async function scrape(url: string): Promise<string> {
  const r = await fetch(url);
  return r.text();
}

function rssMiB(pid: number | undefined): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The load: `series` counters, each going up at every scrape. */
class Target {
  series = 0;
  private prefix: string[] = [];
  scrapes = 0;
  private server: http.Server | null = null;
  port = 0;

  /** Resolves at the next scrape (a new sender's discovery takes about 5 s to start scraping). */
  async nextScrape(timeoutMs = 20_000): Promise<void> {
    const n = this.scrapes;
    for (let waited = 0; this.scrapes === n && waited < timeoutMs; waited += 50) await sleep(50);
  }

  set(level: number, series: number): void {
    this.series = series;
    this.prefix = Array.from({ length: series }, (_, i) => `bench_rw_l${level}_requests_total{instance_id="${i}",shard="${i % 16}",path="/api/v${i % 3}/items"} `);
  }

  async start(): Promise<void> {
    this.server = http.createServer((_req, res) => {
      this.scrapes++;
      const parts: string[] = ['# TYPE bench_rw_requests_total counter\n'];
      for (let i = 0; i < this.prefix.length; i++) parts.push(this.prefix[i]!, String(this.scrapes * ((i % 7) + 1)), '\n');
      const body = parts.join('');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

async function startRadiator(work: string, name: string, maxSeries: number, fixedPort?: number): Promise<{ proc: ChildProcess; port: number }> {
  const port = fixedPort ?? (await freePort());
  const dir = join(work, name);
  mkdirSync(dir);
  const proc = spawn(
    process.execPath,
    [...STARTUP_V8_FLAGS, serveEntry(), 'serve', '--data-dir', dir, '--http-port', String(port), '--otlp-port', 'off', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--no-host-metrics', '--max-series', String(maxSeries)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: work } },
  );
  await new Promise<void>((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`radiator did not start:\n${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('boards:')) {
        clearTimeout(t);
        res();
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => rej(new Error(`radiator exited (${code}):\n${out}`)));
  });
  return { proc, port };
}

interface Receiver {
  name: string;
  url: string;
  /** Samples this receiver has taken so far (refused ones included, so a sample is counted once). */
  received(): Promise<number>;
  pid(): number | undefined;
}

interface RemoteFigures {
  receiver: string;
  sent: number;
  received: number;
  failed: number;
  retried: number;
  dropped: number;
  maxLagSeconds: number;
  drainSeconds: number;
  samplesPerSecond: number;
  lossFree: boolean;
  keptUp: boolean;
  rssMiB: number | null;
}

/** Queue settings for catching up a backlog: parallel requests from the start, bigger batches. */
const CATCH_UP_QUEUE = '{ min_shards: 4, max_shards: 16, max_samples_per_send: 2000, capacity: 10000, max_backoff: 1s }';

/** The sender's configuration: the same queue settings for every receiver (2.42's defaults, or `queue`). */
function senderConfig(targetPort: number, intervalS: string, receivers: ReadonlyArray<{ name: string; url: string }>, scrapeOn: boolean, queue?: string): string {
  const lines = ['global:', `  scrape_interval: ${intervalS}`, `  scrape_timeout: ${intervalS}`];
  if (scrapeOn) lines.push('scrape_configs:', '  - job_name: load', `    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]`);
  lines.push('remote_write:');
  for (const r of receivers) {
    lines.push(`  - url: ${r.url}`, `    name: ${r.name}`);
    if (queue) lines.push(`    queue_config: ${queue}`);
  }
  return lines.join('\n') + '\n';
}

/** The sender's figures for one remote, from its /metrics text. */
function remoteStat(text: string, name: string) {
  const m = `remote_name="${name}"`;
  return {
    // samples_total counts every attempt; what arrived is what was neither retried nor failed.
    sent: metric(text, 'prometheus_remote_storage_samples_total', m) - metric(text, 'prometheus_remote_storage_samples_retried_total', m) - metric(text, 'prometheus_remote_storage_samples_failed_total', m),
    failed: metric(text, 'prometheus_remote_storage_samples_failed_total', m),
    retried: metric(text, 'prometheus_remote_storage_samples_retried_total', m),
    dropped: metric(text, 'prometheus_remote_storage_samples_dropped_total', m),
    pending: metric(text, 'prometheus_remote_storage_samples_pending', m),
    lag: lagOf(metric(text, 'prometheus_remote_storage_highest_timestamp_in_seconds'), metric(text, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds', m)),
  };
}

interface CatchUpFigures {
  receiver: string;
  /** Samples the sender delivered (sent, not retried or failed). */
  backlog: number;
  retried: number;
  received: number;
  seconds: number;
  samplesPerSecond: number;
  lossFree: boolean;
  rssMiB: number | null;
}

/** The most a receiver takes: a sender scrapes for `seconds` while neither receiver is up (it
 * keeps the samples in its write-ahead log and retries), its target is removed, then each receiver
 * starts in turn and the sender catches up with it as fast as it answers. Samples a second from
 * its first delivery until nothing is left. */
async function catchUp(work: string, series: number, seconds: number, interval: string, target: Target): Promise<CatchUpFigures[]> {
  target.set(99, series);
  const ports = { radiator: await freePort(), prometheus: await freePort() };
  const remotes = [
    { name: 'radiator', url: `http://127.0.0.1:${ports.radiator}/api/v1/write` },
    { name: 'prometheus', url: `http://127.0.0.1:${ports.prometheus}/api/v1/write` },
  ];
  const dir = join(work, 'sender-catch-up');
  const sender = await startPrometheus(dir, senderConfig(target.port, interval, remotes, true, CATCH_UP_QUEUE), ['--web.enable-lifecycle']);
  const started: Array<() => Promise<void>> = [];
  try {
    await target.nextScrape();
    await sleep(seconds * 1000);
    writeFileSync(join(dir, 'prometheus.yml'), senderConfig(target.port, interval, remotes, false, CATCH_UP_QUEUE));
    await fetch(`${sender.url}/-/reload`, { method: 'POST' });
    await sleep(2000);
    const out: CatchUpFigures[] = [];
    for (const r of remotes) {
      // Watch the sender from before the receiver starts: it may deliver much of the backlog while
      // the receiver is still saying it is up.
      const watch = (async () => {
        let first: { t: number; sent: number } | null = null;
        let last = remoteStat(await scrape(`${sender.url}/metrics`), r.name);
        for (let i = 0; i < 1500; i++) {
          await sleep(100);
          const st = remoteStat(await scrape(`${sender.url}/metrics`), r.name);
          const t = performance.now();
          if (!first && st.sent > last.sent) first = { t: t - 50, sent: last.sent };
          if (first && st.pending === 0 && st.lag < 1 && st.sent === last.sent) return { first, done: { t, sent: st.sent }, last: st };
          last = st;
        }
        return { first, done: null, last };
      })();
      let received: () => Promise<number>;
      let pid: number | undefined;
      if (r.name === 'radiator') {
        const rad = await startRadiator(work, 'radiator-catch-up', Math.max(100_000, series * 2), ports.radiator);
        pid = rad.proc.pid;
        received = async () => metric(await scrape(`http://127.0.0.1:${ports.radiator}/metrics`), 'radiator_received_total', 'receiver="remote_write"');
        started.push(() => stopProcess(rad.proc));
      } else {
        const prom = await startPrometheus(join(work, 'prom-receiver-catch-up'), 'global: {}\n', ['--web.enable-remote-write-receiver'], ports.prometheus);
        pid = prom.proc.pid;
        received = async () => metric(await scrape(`${prom.url}/metrics`), 'prometheus_tsdb_head_samples_appended_total');
        started.push(() => prom.stop());
      }
      const { first, done, last } = await watch;
      const got = await received();
      const secs = first && done ? (done.t - first.t) / 1000 : NaN;
      out.push({
        receiver: r.name,
        backlog: last.sent,
        retried: last.retried,
        received: got,
        seconds: Math.round(secs * 100) / 100,
        samplesPerSecond: first && done ? Math.round((done.sent - first.sent) / secs) : 0,
        lossFree: done !== null && got === last.sent && last.dropped === 0,
        rssMiB: rssMiB(pid),
      });
    }
    return out;
  } finally {
    await sender.stop();
    for (const stop of started) await stop();
  }
}

function stopProcess(p: ChildProcess): Promise<void> {
  return new Promise<void>((r) => {
    if (p.exitCode !== null || p.signalCode !== null) return r();
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      r();
    }, 10_000);
    p.once('exit', () => {
      clearTimeout(t);
      r();
    });
    p.kill('SIGTERM');
  });
}

async function level(work: string, index: number, series: number, seconds: number, interval: string, target: Target, receivers: Receiver[]): Promise<RemoteFigures[]> {
  target.set(index, series);
  const dir = join(work, `sender-${index}`);
  const before = await Promise.all(receivers.map((r) => r.received()));
  const sender: RunningProcess = await startPrometheus(dir, senderConfig(target.port, interval, receivers, true), ['--web.enable-lifecycle']);
  try {
    const stat = async () => {
      const text = await scrape(`${sender.url}/metrics`);
      return receivers.map((r) => remoteStat(text, r.name));
    };
    const maxLag = receivers.map(() => 0);
    await target.nextScrape();
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(1000);
      (await stat()).forEach((s, i) => (maxLag[i] = Math.max(maxLag[i]!, s.lag)));
    }
    // Stop the load: the target goes away (its series get staleness markers), the queues drain.
    writeFileSync(join(dir, 'prometheus.yml'), senderConfig(target.port, interval, receivers, false));
    await fetch(`${sender.url}/-/reload`, { method: 'POST' });
    const loadEnd = performance.now();
    const drained = receivers.map(() => -1);
    let last = await stat();
    for (let i = 0; i < 60 && drained.includes(-1); i++) {
      await sleep(500);
      const now = await stat();
      now.forEach((s, k) => {
        // Drained: nothing pending, and nothing more sent in the last half second.
        if (drained[k] === -1 && s.pending === 0 && s.sent === last[k]!.sent && s.sent > 0) drained[k] = (performance.now() - loadEnd) / 1000;
      });
      last = now;
    }
    const after = await Promise.all(receivers.map((r) => r.received()));
    return receivers.map((r, k) => {
      const s = last[k]!;
      const received = after[k]! - before[k]!;
      const drainSeconds = drained[k] === -1 ? 30 : drained[k]!;
      return {
        receiver: r.name,
        sent: s.sent,
        received,
        failed: s.failed,
        retried: s.retried,
        dropped: s.dropped,
        maxLagSeconds: Math.round(maxLag[k]! * 10) / 10,
        drainSeconds: Math.round(drainSeconds * 10) / 10,
        samplesPerSecond: Math.round(received / (seconds + drainSeconds)),
        lossFree: s.failed === 0 && s.dropped === 0 && received === s.sent && drained[k] !== -1,
        keptUp: maxLag[k]! <= 10 && drainSeconds <= 10,
        rssMiB: rssMiB(r.pid()),
      };
    });
  } finally {
    await sender.stop();
  }
}

/** The receiver alone, in this process: snappy, decode and the door (a real store), no HTTP.
 * Requests of 2,000 series like the sender's; the first round makes the series, the next ones
 * append to them. Timed in this process's CPU time, which a busy machine disturbs less than the
 * clock (a figure per CPU-second). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function inProcess(work: string, series: number, rounds: number) {
  const H = 3_600_000;
  const store = new Store({ dir: join(work, 'in-process'), maxSeries: series * 2, hotWindowMs: H, retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H } });
  try {
    const receiver = new RemoteWriteReceiver(new Ingest({ store, repeatIntervalMs: 15_000 }), { maxMetadataPerRequest: 100 });
    const t0 = Date.now() - 10 * 60_000;
    const per = 2_000;
    const ms = { snappy: 0, decode: 0, apply: 0, create: 0 };
    let samples = 0;
    for (let round = 0; round < rounds; round++) {
      for (let off = 0; off < series; off += per) {
        const ts: TimeSeries[] = [];
        for (let i = off; i < Math.min(series, off + per); i++) {
          ts.push({
            labels: [['__name__', 'bench_rw_requests_total'], ['instance', '127.0.0.1:9100'], ['instance_id', String(i)], ['job', 'load'], ['path', `/api/v${i % 3}/items`], ['shard', String(i % 16)]],
            samples: [{ value: round * ((i % 7) + 1), timestampMs: t0 + round * 1_000 }],
          });
        }
        const body = snappy.compress(encodeWriteRequest({ timeseries: ts, metadata: [] }));
        const a = cpuMs();
        const raw = snappy.uncompress(body);
        const b = cpuMs();
        const req = decodeWriteRequest(raw);
        const c = cpuMs();
        receiver.apply(req);
        const d = cpuMs();
        if (round === 0) ms.create += d - a;
        else {
          ms.snappy += b - a;
          ms.decode += c - b;
          ms.apply += d - c;
          samples += ts.length;
        }
      }
      store.commit();
    }
    const rate = (n: number, t: number) => Math.round((n / t) * 1000);
    return {
      series,
      newSeriesPerSecond: rate(series, ms.create),
      snappyPerSecond: rate(samples, ms.snappy),
      decodePerSecond: rate(samples, ms.decode),
      applyPerSecond: rate(samples, ms.apply),
      samplesPerSecond: rate(samples, ms.snappy + ms.decode + ms.apply),
    };
  } finally {
    store.close();
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values: opt } = parseArgs({
    args: argv,
    strict: false,
    options: {
      quick: { type: 'boolean', default: false },
      levels: { type: 'string' },
      seconds: { type: 'string' },
      interval: { type: 'string' },
      'catch-up-series': { type: 'string' },
    },
  });
  const quick = opt.quick === true;
  const levels = String(opt.levels ?? (quick ? '10000' : '10000,50000,100000'))
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const seconds = Number(opt.seconds ?? (quick ? 6 : 20));
  const interval = String(opt.interval ?? '1s');
  const catchUpSeries = Number(opt['catch-up-series'] ?? (quick ? 10_000 : 100_000));
  log(`\n## Remote write in: a real Prometheus sending to Radiator and, beside it, to a Prometheus receiver\n`);
  // Figures from a shared machine move with its load: say what it was.
  log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start\n`);
  if (!haveProm) {
    log('prometheus is not installed (apt install prometheus): skipped');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'radiator-bench-rw-'));
  const solo = inProcess(work, quick ? 20_000 : 100_000, quick ? 3 : 6);
  log(`### In process: the receiver alone (snappy + decode + the one door into a real store), ${solo.series} series in requests of 2,000, no HTTP; per CPU-second\n`);
  log('| new series/s | samples/s (existing series) | snappy alone | decode alone | door alone |\n|---|---|---|---|---|');
  log(`| ${solo.newSeriesPerSecond} | ${solo.samplesPerSecond} | ${solo.snappyPerSecond} | ${solo.decodePerSecond} | ${solo.applyPerSecond} |\n`);
  const target = new Target();
  let radiator: { proc: ChildProcess; port: number } | null = null;
  let promRecv: RunningProcess | null = null;
  try {
    await target.start();
    const total = levels.reduce((a, b) => a + b, 0);
    radiator = await startRadiator(work, 'radiator', Math.min(5_000_000, Math.max(100_000, Math.ceil(total * 1.5))));
    promRecv = await startPrometheus(join(work, 'prom-receiver'), 'global: {}\n', ['--web.enable-remote-write-receiver']);
    const rad = radiator;
    const pr = promRecv;
    const receivers: Receiver[] = [
      {
        name: 'radiator',
        url: `http://127.0.0.1:${rad.port}/api/v1/write`,
        received: async () => metric(await scrape(`http://127.0.0.1:${rad.port}/metrics`), 'radiator_received_total', 'receiver="remote_write"'),
        pid: () => rad.proc.pid,
      },
      {
        name: 'prometheus',
        url: `${pr.url}/api/v1/write`,
        // Staleness markers are appended samples too, so this counts what Radiator counts.
        received: async () => metric(await scrape(`${pr.url}/metrics`), 'prometheus_tsdb_head_samples_appended_total'),
        pid: () => pr.proc.pid,
      },
    ];
    log(`### Live: a fresh sender (2.42, default queue_config) scrapes N counters every ${interval} for ${seconds} s, then its target is removed and it drains\n`);
    log('| series | offered samples/s | receiver | delivered | received | failed | retried | dropped | max lag s | drain s | loss-free | kept up | RSS MiB |');
    log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const live: Array<{ series: number; offered: number; figures: RemoteFigures[] }> = [];
    const intervalS = Number(/^(\d+(?:\.\d+)?)s$/.exec(interval)?.[1] ?? 1);
    for (let i = 0; i < levels.length; i++) {
      const n = levels[i]!;
      const figures = await level(work, i, n, seconds, interval, target, receivers);
      const offered = Math.round(n / intervalS);
      live.push({ series: n, offered, figures });
      for (const f of figures) {
        log(
          `| ${n} | ${offered} | ${f.receiver} | ${f.sent} | ${f.received} | ${f.failed} | ${f.retried} | ${f.dropped} | ${f.maxLagSeconds} | ${f.drainSeconds} | ${f.lossFree ? 'yes' : 'no'} | ${f.keptUp ? 'yes' : 'no'} | ${f.rssMiB ?? '?'} |`,
        );
      }
    }
    log('(drain: from removing the target until nothing is pending; it includes the last batch waiting for batch_send_deadline, 5 s. Kept up: never more than 10 s behind, drained within 10 s.)');
    await pr.stop();
    await stopProcess(rad.proc);
    promRecv = null;
    radiator = null;

    log(`\n### Catch-up: ${catchUpSeries} counters scraped every ${interval} for ${seconds} s while no receiver is up, then each receiver starts in turn\n`);
    log(`sender queue_config (both): ${CATCH_UP_QUEUE}\n`);
    log('| receiver | delivered | received | retried while down | catch-up s | samples/s | loss-free | RSS MiB |');
    log('|---|---|---|---|---|---|---|---|');
    const caught = await catchUp(work, catchUpSeries, seconds, interval, target);
    for (const f of caught) log(`| ${f.receiver} | ${f.backlog} | ${f.received} | ${f.retried} | ${f.seconds} | ${f.samplesPerSecond} | ${f.lossFree ? 'yes' : 'no'} | ${f.rssMiB ?? '?'} |`);
    const r = caught.find((f) => f.receiver === 'radiator');
    const p = caught.find((f) => f.receiver === 'prometheus');
    log(`\nRadiator took ${r?.samplesPerSecond ?? 0} samples/s loss-free${r?.lossFree ? '' : ' (NOT loss-free)'} from a real Prometheus catching up; Prometheus's own receiver ${p?.samplesPerSecond ?? 0} samples/s, same sender, same run.`);
    log(`(Where the two are close, the sender is the limit, not the receivers; the in-process figure above, ${solo.samplesPerSecond} samples per CPU-second, is Radiator's own ceiling.)`);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, `bench/results/remote-write-receive-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ interval, seconds, inProcess: solo, live, catchUp: { series: catchUpSeries, queue: CATCH_UP_QUEUE, figures: caught } }, null, 2));
    log(`written: ${file}`);
  } finally {
    await promRecv?.stop();
    if (radiator) await stopProcess(radiator.proc);
    await target.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
