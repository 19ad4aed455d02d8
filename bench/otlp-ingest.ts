// OTLP/HTTP ingest: data points a second a running `radiator serve` takes over OTLP JSON and
// OTLP protobuf. The bodies are the OpenTelemetry JS SDK's own (captured from its JSON and
// protobuf exporters on a loopback server), then replayed by this process with a few requests
// in flight for a fixed time. Prints a table and writes bench/results/otlp-ingest-<time>.json.
// Figures are for comparing JSON with protobuf and one build with the next, never asserted.
//
//   npm run bench:otlp [-- --seconds 5] [-- --series 1000] [-- --inflight 4]
//
// The OpenTelemetry Collector's own receiver would be the natural peer to compare with; it is a
// Go binary that cannot be installed offline here (no Debian package, no npm package), so it is
// not in the table.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { STARTUP_V8_FLAGS } from '../src/main/core/heap-mode.ts';
import { serveEntry } from './serve-entry.ts';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    series: { type: 'string', default: '1000' },
    inflight: { type: 'string', default: '4' },
  },
});
const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(opt.seconds);
const SERIES = Number(opt.series);
const INFLIGHT = Number(opt.inflight);
const work = mkdtempSync(join(tmpdir(), 'radiator-bench-otlp-'));
const log = (s: string) => process.stdout.write(s + '\n');

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

/** What the SDK's exporter sends: one export of SERIES points (counters, gauges, histograms). */
async function capture(kind: 'json' | 'protobuf'): Promise<{ body: Buffer; contentType: string }> {
  let got: { body: Buffer; contentType: string } | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got ??= { body: Buffer.concat(chunks), contentType: req.headers['content-type'] ?? '' };
      res.writeHead(200, { 'Content-Type': req.headers['content-type'] ?? 'application/json' });
      res.end(kind === 'json' ? '{}' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/metrics`;
  const exporter = kind === 'json' ? new JsonExporter({ url }) : new ProtoExporter({ url });
  const mp = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'bench', 'service.instance.id': 'bench-1' }), readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] });
  const meter = mp.getMeter('bench');
  const counters = meter.createCounter('bench.requests');
  const gauges = meter.createGauge('bench.queue.depth');
  const hist = meter.createHistogram('bench.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.5, 1] } });
  // Points: counters and gauges one each per series; histograms a tenth as many (each is 8 series).
  for (let i = 0; i < SERIES; i++) {
    counters.add(1 + (i % 7), { route: `/r${i % 100}`, instance: `i${Math.floor(i / 100)}` });
    gauges.record(i, { queue: `q${i}` });
    if (i % 10 === 0) hist.record((i % 100) / 100, { route: `/r${i % 100}` });
  }
  await mp.forceFlush();
  await mp.shutdown();
  server.close();
  if (!got) throw new Error(`the ${kind} exporter sent nothing`);
  return got;
}

function points(kind: 'json' | 'protobuf', body: Buffer): number {
  if (kind === 'json') {
    const j = JSON.parse(body.toString()) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, { dataPoints?: unknown[] }>> }> }> };
    let n = 0;
    for (const rm of j.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) for (const v of Object.values(m)) if (v && typeof v === 'object' && Array.isArray(v.dataPoints)) n += v.dataPoints.length;
    return n;
  }
  return -1;
}

async function startRadiator(): Promise<{ proc: ChildProcess; otlp: number; api: number }> {
  const api = await freePort();
  const otlp = await freePort();
  const dir = mkdtempSync(join(work, 'data-'));
  const proc = spawn(process.execPath, [...STARTUP_V8_FLAGS, serveEntry(), 'serve', '--data-dir', dir, '--http-port', String(api), '--otlp-port', String(otlp), '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--no-host-metrics'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: work },
  });
  await new Promise<void>((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`radiator did not start:\n${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('boards:')) {
        clearTimeout(t);
        res();
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
  return { proc, otlp, api };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(port: number, body: Buffer, contentType: string): Promise<number> {
  return new Promise((res, rej) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/metrics', agent, headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function run(port: number, body: Buffer, contentType: string, pointsPerRequest: number) {
  const end = performance.now() + SECONDS * 1000;
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const s = await post(port, body, contentType);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
      if (s === 429) await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, worker));
  const secs = (performance.now() - t0) / 1000;
  const ok = statuses.get(200) ?? 0;
  return { requestsPerSecond: ok / secs, pointsPerSecond: (ok * pointsPerRequest) / secs, bytesPerPoint: body.length / pointsPerRequest, statuses: Object.fromEntries(statuses) };
}

const json = await capture('json');
const proto = await capture('protobuf');
const perRequest = points('json', json.body);
log(`SDK export: ${perRequest} data points; JSON ${json.body.length} bytes, protobuf ${proto.body.length} bytes`);
const rad = await startRadiator();
try {
  // Warm up (first-seen series are created), then measure each encoding.
  await post(rad.otlp, json.body, json.contentType);
  await post(rad.otlp, proto.body, proto.contentType);
  const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
  for (const [name, b] of [['json', json], ['protobuf', proto]] as const) {
    log(`${name}: ${SECONDS} s with ${INFLIGHT} requests in flight…`);
    results[name] = await run(rad.otlp, b.body, b.contentType, perRequest);
  }
  log('\n| encoding | requests/s | data points/s | bytes/point | replies |\n|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    log(`| ${name} | ${r.requestsPerSecond.toFixed(0)} | ${Math.round(r.pointsPerSecond).toLocaleString('en')} | ${r.bytesPerPoint.toFixed(1)} | ${JSON.stringify(r.statuses)} |`);
  }
  log('\nThe OpenTelemetry Collector is not installable offline here; no comparison with it.');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `otlp-ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ config: { seconds: SECONDS, series: SERIES, inflight: INFLIGHT, pointsPerRequest: perRequest, jsonBytes: json.body.length, protobufBytes: proto.body.length }, results }, null, 2));
  log(`wrote ${file}`);
} finally {
  rad.proc.kill('SIGTERM');
  await new Promise((r) => rad.proc.once('exit', r));
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
