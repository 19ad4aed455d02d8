// StatsD ingest: the highest offered rate each receiver takes with < 0.1 % loss, at 1 and 10
// metrics per datagram and 10 and 10,000 distinct series — Radiator (with its store and a live
// feed subscriber running), Etsy's statsd daemon, and a bare Node dgram receiver that only splits
// lines, all with the same receive-buffer size, in one run. Then JSON ingest samples/s, and the
// memory each of Radiator, Etsy statsd and a real Prometheus (scraping them) needs per series
// holding 100,000 counter series. Prints tables and writes bench/results/statsd-ingest-<time>.json.
//
//   npm run bench:statsd [-- --quick] [-- --recv-buffer 8388608] [-- --trial-ms 2000]
//                        [-- --only bare|etsy|radiator|prometheus]
//                        [-- --v8-flags="<flags>"]   Node flags for Radiator (default: the ones
//                                                   `npm run serve` passes, core/heap-mode.ts)
//                        [-- --compare-v8-flags]    also search Radiator's rate with V8's defaults
//
// The load comes from bench/peers/udp-blaster.c (compiled here with cc): paced sendmmsg from
// its own process, so the sender does not cap the rate or steal the receiver's event loop.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { STARTUP_V8_FLAGS } from '../src/main/core/heap-mode.ts';
import { serveEntry } from './serve-entry.ts';
import { haveProm, startPrometheus } from '../test/helpers/prometheus.ts';

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'recv-buffer': { type: 'string', default: String(8 * 1024 * 1024) },
    'trial-ms': { type: 'string', default: '2000' },
    only: { type: 'string' },
    'v8-flags': { type: 'string', default: STARTUP_V8_FLAGS.join(' ') },
    'compare-v8-flags': { type: 'boolean', default: false },
  },
});
const v8Flags = opt['v8-flags'].split(/\s+/).filter(Boolean);
const ROOT = resolve(import.meta.dirname, '..');
const RECV_BUFFER = Number(opt['recv-buffer']);
const TRIAL_MS = Number(opt['trial-ms']);
const LOSS_LIMIT = 0.001;
const work = mkdtempSync(join(tmpdir(), 'radiator-bench-'));
const log = (s: string) => process.stdout.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

// ── the load generator ──────────────────────────────────────────────────────────────
const blaster = join(work, 'udp-blaster');
{
  const cc = spawnSync('cc', ['-O2', '-o', blaster, join(ROOT, 'bench/peers/udp-blaster.c')], { stdio: 'inherit' });
  if (cc.status !== 0) throw new Error('could not compile bench/peers/udp-blaster.c (is a C compiler installed?)');
}

/** Datagrams of `perDatagram` counter lines cycling over `series` names, length-prefixed. */
function payloadFile(perDatagram: number, series: number): string {
  const datagrams = Math.max(1, Math.ceil(series / perDatagram));
  const parts: Buffer[] = [];
  for (let d = 0; d < datagrams; d++) {
    const lines: string[] = [];
    for (let k = 0; k < perDatagram; k++) lines.push(`bench.requests.s${(d * perDatagram + k) % series}:1|c`);
    const body = Buffer.from(lines.join('\n'));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(body.length);
    parts.push(len, body);
  }
  const file = join(work, `payload-${perDatagram}-${series}.bin`);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** Datagrams sent; the rate actually offered is sent / duration. */
function blast(port: number, rate: number, ms: number, file: string): Promise<number> {
  return new Promise((res, rej) => {
    const p = spawn(blaster, ['127.0.0.1', String(port), String(Math.round(rate)), String(ms), file]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    p.on('exit', (code) => (code === 0 ? res(Number(out.trim().split(' ')[0])) : rej(new Error(`blaster exited ${code}`))));
  });
}

// ── receivers ───────────────────────────────────────────────────────────────────────
interface Receiver {
  name: string;
  port: number;
  /** Metrics (lines) received so far, once the receiver has caught up. */
  count(): Promise<number>;
  /** How long after a blast counts are complete (a flush, for the daemons that count at flush). */
  settleMs: number;
  rss(): Promise<number | null>;
  stop(): Promise<void>;
}

function lastCount(proc: ChildProcess): () => number {
  let n = 0;
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('count ')) n = Number(l.slice(6));
  });
  return () => n;
}

function waitForLine(proc: ChildProcess, re: RegExp, what: string): Promise<RegExpMatchArray> {
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`${what} did not start:\n${out}`)), 20_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', on);
        res(m);
      }
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
}

function rssOf(pid: number | undefined): number | null {
  if (!pid) return null;
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)]);
  const kb = Number(r.stdout.toString().trim());
  return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
}

const stopProc = (p: ChildProcess) =>
  new Promise<void>((res) => {
    if (p.exitCode !== null) return res();
    p.once('exit', () => res());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 5_000).unref();
  });

async function startBare(): Promise<Receiver> {
  const port = await freePort();
  const p = spawn(process.execPath, [join(ROOT, 'bench/peers/bare-receiver.ts'), String(port), String(RECV_BUFFER)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = await waitForLine(p, /ready (\d+)/, 'bare receiver');
  const count = lastCount(p);
  return { name: 'bare dgram', port, settleMs: 400, count: async () => count(), rss: async () => rssOf(p.pid), stop: () => stopProc(p), granted: Number(ready[1]) } as Receiver;
}

async function startEtsy(): Promise<Receiver> {
  const port = await freePort();
  const mgmt = await freePort();
  const config = join(work, 'etsy-config.js');
  writeFileSync(
    config,
    JSON.stringify({
      port,
      mgmt_port: mgmt,
      mgmt_address: '127.0.0.1',
      flushInterval: 1000,
      backends: [join(ROOT, 'bench/peers/etsy-count-backend.cjs')],
      servers: [{ server: join(ROOT, 'bench/peers/etsy-udp-server.cjs'), port, address: '127.0.0.1', recvBufferSize: RECV_BUFFER }],
    }),
  );
  const p = spawn(process.execPath, ['--require', join(ROOT, 'bench/peers/util-log-shim.cjs'), join(ROOT, 'node_modules/statsd/stats.js'), config], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(p, /server is up/, 'Etsy statsd');
  const count = lastCount(p);
  return { name: 'Etsy statsd', port, settleMs: 1_500, count: async () => count(), rss: async () => rssOf(p.pid), stop: () => stopProc(p) };
}

async function startRadiator(extra: string[] = [], nodeFlags: readonly string[] = v8Flags, subscribe = true): Promise<Receiver & { http: number; ws: WebSocket | null; feedBytes: () => number }> {
  const port = await freePort();
  const http = await freePort();
  const dir = mkdtempSync(join(work, 'radiator-'));
  const p = spawn(
    process.execPath,
    [...nodeFlags, serveEntry(), 'serve', '--data-dir', dir, '--http-port', String(http), '--statsd-port', String(port), '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics', '--set', `receivers.statsd.recvBufferBytes=${RECV_BUFFER}`, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: work } },
  );
  await waitForLine(p, /boards:/, 'radiator');
  // A live subscriber (unless asked for none), so the feed does its work every flush.
  let feedBytes = 0;
  let ws: WebSocket | null = null;
  if (subscribe) {
    const sock = new WebSocket(`ws://127.0.0.1:${http}/feed`);
    await new Promise((r) => sock.once('open', r));
    sock.on('message', (d: Buffer) => (feedBytes += d.length));
    sock.send(JSON.stringify({ type: 'subscribe', id: 'bench', query: '{__name__=~"bench_.*"}', rangeMs: 60_000 }));
    ws = sock;
  }
  const metric = async (name: string, label = ''): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    const m = new RegExp(`^${name}${label ? `\\{[^}]*${label}[^}]*\\}` : '(?:\\{\\})?'} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    name: nodeFlags === v8Flags ? 'Radiator' : `Radiator (${nodeFlags.join(' ') || 'V8 defaults'})`,
    port,
    http,
    ws,
    feedBytes: () => feedBytes,
    settleMs: 1_500,
    count: () => metric('radiator_received_total', 'receiver="statsd"'),
    rss: async () => rssOf(p.pid),
    async stop() {
      ws?.close();
      await stopProc(p);
    },
  };
}

// ── the search for the loss-free rate ───────────────────────────────────────────────
interface Trial {
  rate: number;
  sent: number;
  received: number;
  loss: number;
}

async function trial(r: Receiver, rate: number, perDatagram: number, file: string): Promise<Trial> {
  const before = await r.count();
  const sent = await blast(r.port, rate, TRIAL_MS, file);
  // Wait until the count stops moving (and at least one flush for the daemons that count at flush).
  await sleep(r.settleMs);
  let last = await r.count();
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    const c = await r.count();
    if (c === last) break;
    last = c;
  }
  const received = last - before;
  const sentMetrics = sent * perDatagram;
  // The rate offered is what the sender managed, which can be a little under the target.
  return { rate: sent / (TRIAL_MS / 1000), sent: sentMetrics, received, loss: sentMetrics === 0 ? 0 : Math.max(0, 1 - received / sentMetrics) };
}

async function maxLossFree(r: Receiver, perDatagram: number, file: string): Promise<{ best: Trial | null; trials: Trial[] }> {
  const trials: Trial[] = [];
  let good: Trial | null = null;
  let bad: number | null = null;
  let rate = perDatagram === 1 ? 20_000 : 8_000;
  const ceiling = 1_500_000;
  while (rate <= ceiling) {
    const t = await trial(r, rate, perDatagram, file);
    trials.push(t);
    log(`    ${r.name.padEnd(12)} ${String(Math.round(t.rate)).padStart(8)} dgram/s offered → loss ${(t.loss * 100).toFixed(3)} %`);
    if (t.loss <= LOSS_LIMIT) {
      good = t;
      rate *= 1.6;
    } else {
      bad = rate;
      break;
    }
  }
  if (bad !== null) {
    let lo = good?.rate ?? bad / 4;
    let hi = bad;
    for (let i = 0; i < (opt.quick ? 2 : 4); i++) {
      const mid = (lo + hi) / 2;
      const t = await trial(r, mid, perDatagram, file);
      trials.push(t);
      log(`    ${r.name.padEnd(12)} ${String(Math.round(t.rate)).padStart(8)} dgram/s offered → loss ${(t.loss * 100).toFixed(3)} %`);
      if (t.loss <= LOSS_LIMIT) {
        good = t;
        lo = mid;
      } else hi = mid;
    }
  }
  return { best: good, trials };
}

// ── main ────────────────────────────────────────────────────────────────────────────
interface Row {
  perDatagram: number;
  series: number;
  receiver: string;
  datagramsPerSec: number;
  metricsPerSec: number;
  rssMB: number | null;
}
const rows: Row[] = [];
const configs: Array<[number, number]> = opt.quick ? [[10, 10_000]] : [[1, 10], [1, 10_000], [10, 10], [10, 10_000]];
const starters: Array<[string, () => Promise<Receiver>]> = [
  ['bare', startBare],
  ['etsy', startEtsy],
  ['radiator', () => startRadiator()],
  ...(opt['compare-v8-flags'] ? ([['radiator', () => startRadiator([], [])]] as Array<[string, () => Promise<Receiver>]>) : []),
];
log(`StatsD ingest, loss-free (< ${LOSS_LIMIT * 100} %) rate, ${TRIAL_MS} ms trials, receive buffer ${RECV_BUFFER} bytes asked\n`);
for (const [perDatagram, series] of configs) {
  const file = payloadFile(perDatagram, series);
  log(`  ${perDatagram} metric(s) per datagram, ${series} series`);
  for (const [key, start] of starters) {
    if (opt.only && opt.only !== key) continue;
    const r = await start();
    await sleep(500);
    const { best } = await maxLossFree(r, perDatagram, file);
    const rss = await r.rss();
    await r.stop();
    const dps = best ? best.rate : 0;
    rows.push({ perDatagram, series, receiver: r.name, datagramsPerSec: Math.round(dps), metricsPerSec: Math.round(dps * perDatagram), rssMB: rss === null ? null : Math.round(rss / 1e6) });
  }
}

// JSON ingest samples/s: concurrent clients posting 1000-sample batches over 10,000 series.
let jsonRate = 0;
if (!opt.only || opt.only === 'radiator') {
  const r = await startRadiator();
  const batches = Array.from({ length: 10 }, (_, b) =>
    JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ name: 'bench.json', type: 'counter', value: 1, labels: { s: `s${b * 1000 + i}` } }))),
  );
  let accepted = 0;
  const t0 = performance.now();
  const until = t0 + (opt.quick ? 3_000 : 6_000);
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      let k = w;
      while (performance.now() < until) {
        const res = await fetch(`http://127.0.0.1:${r.http}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: batches[k++ % batches.length] });
        accepted += ((await res.json()) as { accepted: number }).accepted;
      }
    }),
  );
  jsonRate = Math.round(accepted / ((performance.now() - t0) / 1000));
  await r.stop();
}

// Memory holding 100,000 series: Radiator, Etsy statsd (the same counters, which it keeps forever
// by default) and a real Prometheus scraping a generated /metrics with 100,000 counter series.
// Per series = (RSS holding them − RSS of the same process idle) ÷ series, both read in this run.
// Each process is read twice while it keeps holding them: 20 s after the last datagram (or
// scrape), and 40 s later again. The second figure is the one to compare: V8 gives back the pages
// a burst left (its memory reducer runs some seconds after allocation slows), and Go's scavenger
// does the same for Prometheus, so the first reading is partly garbage not yet returned.
interface Held {
  receiver: string;
  series: number;
  idleMB: number;
  heldMB: number;
  bytesPerSeries: number;
  settledMB: number;
  settledBytesPerSeries: number;
}
const held: Held[] = [];
const HELD = 100_000;
const SETTLE_MS = 40_000;
/** Resident memory now and again SETTLE_MS later. */
async function twoReadings(rss: () => number | null | Promise<number | null>): Promise<[number | null, number | null]> {
  const first = await rss();
  await sleep(SETTLE_MS);
  return [first, await rss()];
}
const heldRow = (receiver: string, series: number, idle: number | null, full: number | null, settled: number | null) => {
  if (idle === null || full === null || settled === null || !series) return;
  held.push({
    receiver,
    series,
    idleMB: Math.round(idle / 1e6),
    heldMB: Math.round(full / 1e6),
    bytesPerSeries: Math.round((full - idle) / series),
    settledMB: Math.round(settled / 1e6),
    settledBytesPerSeries: Math.round((settled - idle) / series),
  });
};
let storeMemoryMB: number | null = null;
// Radiator twice: with a feed subscriber to every series (what the throughput runs keep, so the
// feed does its work each flush) and with none (a collector whose screens show a few panels).
// The subscriber is sent every series' labels and every point, and costs its own bytes.
for (const subscribed of [true, false]) {
  if (opt.only && opt.only !== 'radiator') break;
  const r = await startRadiator(['--max-series', '200000'], v8Flags, subscribed);
  await sleep(3_000);
  const idle = await r.rss();
  const file = payloadFile(10, HELD);
  await blast(r.port, 10_000, 1_500, file); // 15,000 datagrams: every series at least once
  await sleep(20_000); // one repeat interval, so every series has written twice
  const text = await (await fetch(`http://127.0.0.1:${r.http}/metrics`)).text();
  const get = (n: string) => Number(new RegExp(`^${n} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  if (subscribed) storeMemoryMB = Math.round(get('radiator_store_memory_bytes') / 1e5) / 10;
  const flags = v8Flags.length ? v8Flags.join(' ') : 'V8 defaults';
  heldRow(`Radiator (${flags}; ${subscribed ? 'a feed subscriber to every series' : 'no feed subscriber'})`, get('radiator_series'), idle, ...(await twoReadings(() => r.rss())));
  await r.stop();
}
if (!opt.only || opt.only === 'etsy') {
  const r = await startEtsy();
  await sleep(3_000);
  const idle = await r.rss();
  const before = await r.count();
  await blast(r.port, 10_000, 1_500, payloadFile(10, HELD));
  await sleep(20_000); // flushes every second; read when Radiator is read, 20 s after the last datagram
  const got = (await r.count()) - before;
  // Etsy keeps one counter per name it has seen; the count backend reports lines, so the series
  // held are the distinct names sent (all of them when no line was lost).
  heldRow('Etsy statsd', got >= HELD ? HELD : 0, idle, ...(await twoReadings(() => r.rss())));
  if (got < HELD) log(`  Etsy statsd received ${got} of ${HELD} lines; its memory row is left out`);
  await r.stop();
}
if ((!opt.only || opt.only === 'prometheus') && haveProm) {
  let body = '';
  const target = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const targetPort = (target.address() as { port: number }).port;
  const prom = await startPrometheus(join(work, 'prom'), `global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`);
  await sleep(8_000);
  const idle = rssOf(prom.proc.pid);
  const lines: string[] = ['# TYPE bench_requests_total counter'];
  for (let i = 0; i < HELD; i++) lines.push(`bench_requests_total{s="s${i}"} ${i % 7}`);
  body = lines.join('\n') + '\n';
  await sleep(20_000); // four scrapes
  const q = await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('count(bench_requests_total)')}`)).json() as { data: { result: Array<{ value: [number, string] }> } };
  heldRow('Prometheus 2.42 (scraping)', Number(q.data.result[0]?.value[1] ?? 0), idle, ...(await twoReadings(() => rssOf(prom.proc.pid))));
  await prom.stop();
  target.close();
}

// ── report ──────────────────────────────────────────────────────────────────────────
log('\n| metrics/datagram | series | receiver | loss-free datagrams/s | metrics/s | RSS MB |');
log('|---:|---:|---|---:|---:|---:|');
for (const r of rows) log(`| ${r.perDatagram} | ${r.series} | ${r.receiver} | ${r.datagramsPerSec.toLocaleString('en')} | ${r.metricsPerSec.toLocaleString('en')} | ${r.rssMB ?? '?'} |`);
const pick = (recv: string) => rows.find((r) => r.perDatagram === 10 && r.series === 10_000 && r.receiver === recv)?.metricsPerSec ?? 0;
const rad = pick('Radiator');
const etsy = pick('Etsy statsd');
const bare = pick('bare dgram');
if (rad && etsy && bare) {
  log(`\nAt 10 metrics/datagram and 10,000 series: Radiator ${(rad / etsy).toFixed(2)}× Etsy statsd (goal ≥ 2×), ${Math.round((rad / bare) * 100)} % of the bare receiver (goal ≥ 70 %).`);
}
if (jsonRate) log(`JSON ingest: ${jsonRate.toLocaleString('en')} samples/s (4 clients, 1000-sample batches, 10,000 series)`);
if (held.length) {
  log(`\nMemory holding ${HELD.toLocaleString('en')} counter series (per series = (held − idle) ÷ series; held read 20 s after the load and again ${SETTLE_MS / 1000} s later):`);
  log('| process | series | idle RSS MB | held at 20 s MB | bytes per series | held settled MB | bytes per series (settled) |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const h of held) log(`| ${h.receiver} | ${h.series.toLocaleString('en')} | ${h.idleMB} | ${h.heldMB} | ${h.bytesPerSeries.toLocaleString('en')} | ${h.settledMB} | ${h.settledBytesPerSeries.toLocaleString('en')} |`);
  if (storeMemoryMB !== null) log(`(Radiator's store reports ${storeMemoryMB} MB of chunk bytes in memory.)`);
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const outFile = join(ROOT, 'bench/results', `statsd-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, JSON.stringify({ recvBufferBytes: RECV_BUFFER, trialMs: TRIAL_MS, rows, jsonSamplesPerSec: jsonRate, v8Flags, held, storeMemoryMB }, null, 2));
log(`\nwritten ${outFile}`);
rmSync(work, { recursive: true, force: true });
process.exit(0);
