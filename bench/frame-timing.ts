// Renderer frame timing and heap, in Debian's Chromium, against a real `radiator serve`:
//  1. a board of 12 time-series panels × 10 series × 8,640 points (144 min at 1 s), every series
//     updated each second: p50/p95/p99/max frame interval, frames over budget, long tasks and the
//     main thread's busy share, at 3840×2160 and 1920×1080;
//  2. renderer heap (after forced GC), DOM nodes and feed subscriptions after 10 and after 200
//     board rotations through a playlist (the bench board and three default boards).
// It asserts nothing: it prints a table and writes bench/results/frame-timing.json.
// The issue's goal: p95 frame time under 16.7 ms at 3840×2160, and no heap growth beyond noise.
//
//   npm run bench:frames [-- --seconds 30] [-- --rotations 200] [-- --sizes 3840x2160,1920x1080] [-- --build]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { STARTUP_V8_FLAGS } from '../src/main/core/heap-mode.ts';
import { serveEntry } from './serve-entry.ts';

const USAGE = `Usage: node bench/frame-timing.ts [options]

Measures the boards' renderer in Chromium: frame timing on a 12-panel board of 120 series ×
8,640 points updating each second, and renderer heap after 10 versus N board rotations.

Options:
  --seconds <n>      Measurement window per screen size, after a 5 s warm-up (default 30)
  --rotations <n>    Board rotations for the heap check (default 200; 0 skips it)
  --sizes <list>     Viewports, e.g. 3840x2160,1920x1080 (default); the heap check uses the first
  --build            Run \`npm run build\` even if out/renderer/index.html exists
  -h, --help         Print this help

Environment: CHROMIUM_PATH (default /usr/bin/chromium).`;

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rotations: { type: 'string', default: '200' },
    sizes: { type: 'string', default: '3840x2160,1920x1080' },
    build: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const SECONDS = Number(opt.seconds);
const ROTATIONS = Number(opt.rotations);
const SIZES = opt.sizes.split(',').map((s) => {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not WIDTHxHEIGHT`);
  return { width: Number(m[1]), height: Number(m[2]) };
});
if (!(SECONDS > 0) || !(Number.isInteger(ROTATIONS) && ROTATIONS >= 0) || SIZES.length === 0) {
  process.stderr.write(`bad options\n\n${USAGE}\n`);
  process.exit(2);
}

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const NODE = join(ROOT, 'node_modules/.bin/node');
const FAMILIES = 12;
const SERIES_PER_FAMILY = 10;
const POINTS = 8_640; // 144 min at 1 s
const WARMUP_MS = 5_000;
const FRAME_BUDGET_MS = 16.7;
const ROTATION_BOARDS = ['bench', 'overview', 'application', 'infrastructure'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const work = mkdtempSync(join(tmpdir(), 'radiator-bench-frames-'));
const log = (s: string) => process.stdout.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── helpers ─────────────────────────────────────────────────────────────────────────────

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

async function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number, stepMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const ms = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mb = (bytes: number) => bytes / 1_048_576;

/** The server, as a user starts it: its own process, its own data dir, settings file and XDG
 * config dir (so nothing on this machine is read or written). */
interface Server {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(): Promise<Server> {
  const port = await freePort();
  mkdirSync(join(work, 'data'));
  mkdirSync(join(work, 'xdg'));
  const proc = spawn(
    NODE,
    [...STARTUP_V8_FLAGS, serveEntry(), 'serve', '--data-dir', join(work, 'data'), '--config', join(work, 'settings.json'), '--http-port', String(port), '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics'],
    { cwd: ROOT, env: { ...process.env, XDG_CONFIG_HOME: join(work, 'xdg'), NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = await waitUntil(
    'the server\'s "boards:" line',
    async () => {
      if (gone) throw new Error(`radiator serve exited early:\n${out}`);
      return /^boards: (http:\/\/\S+?)\/?(?:\s|$)/m.exec(out)?.[1];
    },
    30_000,
    50,
  ).catch((e: Error) => {
    proc.kill('SIGTERM');
    throw new Error(`${e.message}\n--- server output ---\n${out}`);
  });
  return { proc, url: url.replace(/\/$/, ''), output: () => out, exited };
}

async function api(base: string, method: string, path: string, body: unknown, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 2_000)}`);
  return text ? JSON.parse(text) : null;
}

// ── the data: 120 gauges on a smooth, mean-reverting random walk ────────────────────────

let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
/** One walker per series: [family][s] → level and velocity (the velocity walks, so lines are smooth). */
const walkers = Array.from({ length: FAMILIES }, (_, f) => Array.from({ length: SERIES_PER_FAMILY }, (_, s) => ({ base: 20 + 5 * s + f, v: 20 + 5 * s + f, dv: 0 })));
function step(w: { base: number; v: number; dv: number }): number {
  w.dv = 0.9 * w.dv + (rnd() - 0.5) * 0.4 + (w.base - w.v) * 0.002;
  w.v += w.dv;
  return Math.round(w.v * 1000) / 1000;
}

/** 8,640 s of history ending at `endMs`, one family per request (each body ~3.5 MB). */
async function backfill(base: string, endMs: number): Promise<void> {
  const startMs = endMs - (POINTS - 1) * 1_000;
  for (let f = 0; f < FAMILIES; f++) {
    // Walk time-major (all series per second) so every walker stays in step with the live feed;
    // then write the family's lines series by series.
    const lines: string[][] = Array.from({ length: SERIES_PER_FAMILY }, () => []);
    for (let i = 0; i < POINTS; i++) {
      const ts = startMs + i * 1_000;
      for (let s = 0; s < SERIES_PER_FAMILY; s++) lines[s]!.push(`bench_load_${f}{s="${s}"} ${step(walkers[f]![s]!)} ${ts}`);
    }
    const body = `# TYPE bench_load_${f} gauge\n${lines.map((l) => l.join('\n')).join('\n')}\n`;
    const r = (await api(base, 'POST', '/api/v1/import', body, 'text/plain; version=0.0.4')) as { data?: { imported?: number } };
    const imported = r.data?.imported;
    if (imported !== POINTS * SERIES_PER_FAMILY) log(`warning: bench_load_${f}: imported ${imported} of ${POINTS * SERIES_PER_FAMILY} samples (${JSON.stringify(r).slice(0, 300)})`);
  }
}

/** Every second, the next value of all 120 series (the server stamps them at its flush). */
function startLive(base: string): { stop: () => void; stats: { sent: number; failed: number; lastError: string | null } } {
  const stats = { sent: 0, failed: 0, lastError: null as string | null };
  let busy = false;
  const t = setInterval(() => {
    if (busy) return; // never pile up requests behind a stalled server
    busy = true;
    const batch = walkers.flatMap((fam, f) => fam.map((w, s) => ({ name: `bench_load_${f}`, value: step(w), labels: { s: String(s) }, type: 'gauge' })));
    api(base, 'POST', '/api/v1/metrics', batch)
      .then(() => stats.sent++)
      .catch((e: Error) => {
        stats.failed++;
        stats.lastError = e.message;
      })
      .finally(() => (busy = false));
  }, 1_000);
  return { stop: () => clearInterval(t), stats };
}

function benchBoard() {
  // A 4 × 3 grid on 12 columns × 8 rows: rows of heights 3, 3, 2.
  const ys = [0, 3, 6];
  const hs = [3, 3, 2];
  return {
    title: 'Frame bench',
    columns: 12,
    rows: 8,
    panels: Array.from({ length: FAMILIES }, (_, i) => ({
      id: `p${i}`,
      type: 'timeseries',
      title: `Load ${i}`,
      x: (i % 4) * 3,
      y: ys[Math.floor(i / 4)]!,
      w: 3,
      h: hs[Math.floor(i / 4)]!,
      queries: [{ expr: `bench_load_${i}`, legend: '{{s}}' }],
      range: '144m',
      step: '1s',
      events: null,
    })),
  };
}

// ── the page ────────────────────────────────────────────────────────────────────────────
// Callbacks passed to page.evaluate run in the page. This file is type-checked without the DOM
// lib, so the little of the page it touches is typed here.

interface RadiatorState {
  board: string | null;
  next: string | null;
  mode: string;
  paused: boolean;
  connection: string;
  subscriptions: number;
}
interface PerfEntry {
  entryType: string;
  startTime: number;
  duration: number;
  /** long-animation-frame only. */
  blockingDuration?: number;
  renderStart?: number;
  scripts?: Array<{ duration: number }>;
}
/** A long animation frame, split into where its time went. */
interface Loaf {
  duration: number;
  blocking: number;
  script: number;
  /** From the rendering update's start (rAF, style, layout, paint) to the frame's end. */
  render: number;
}
interface BenchRecorder {
  intervals: number[];
  longTasks: number[];
  loafs: Loaf[];
  stop: boolean;
  observers: Array<{ disconnect(): void }>;
}
interface PageWindow {
  __radiator?: RadiatorState;
  __bench?: BenchRecorder;
  requestAnimationFrame(cb: (t: number) => void): number;
  performance: { now(): number };
  PerformanceObserver: {
    new (cb: (list: { getEntries(): PerfEntry[] }) => void): { observe(o: { type: string; buffered?: boolean }): void; disconnect(): void };
    supportedEntryTypes: readonly string[];
  };
  document: {
    querySelectorAll(sel: string): ArrayLike<{ getAttribute(n: string): string | null }>;
    getElementsByTagName(n: string): { length: number };
  };
}

interface ConsoleLog {
  errors: string[];
}

function watchConsole(page: Page, label: string): ConsoleLog {
  const logged: ConsoleLog = { errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logged.errors.push(`[${label}] console.${m.type()}: ${m.text()}${m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => logged.errors.push(`[${label}] page error: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => logged.errors.push(`[${label}] request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return logged;
}

/** Reads the feed's snapshot messages off the page's WebSocket while the board loads: how many
 * series and points per series the renderer was sent (a build that ignores the panel's step
 * gets ~720 points instead of 8,640). Stopped before measuring, so it costs no measured frames. */
function watchSnapshots(page: Page): { stop: () => void; result: () => FrameResult['snapshot'] } {
  const lengths: number[] = [];
  const steps = new Set<number>();
  let on = true;
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      if (!on || typeof f.payload !== 'string' || !f.payload.startsWith('{"type":"snapshot"')) return;
      const m = JSON.parse(f.payload) as { from: number; to: number; series: Array<{ ts: number[] }> };
      for (const s of m.series) {
        lengths.push(s.ts.length);
        if (s.ts.length > 1) steps.add(s.ts[1]! - s.ts[0]!);
      }
    }),
  );
  return {
    stop: () => (on = false),
    result: () => ({ series: lengths.length, minPoints: lengths.length ? Math.min(...lengths) : 0, maxPoints: lengths.length ? Math.max(...lengths) : 0, stepsMs: [...steps] }),
  };
}

/** Every panel of the shown board, and their states. */
function panelStates(page: Page): Promise<{ board: string | null; states: string[] }> {
  return page.evaluate(() => {
    const w = (globalThis as unknown as PageWindow);
    const els = Array.from(w.document.querySelectorAll('[data-shown="true"] [data-panel]'));
    return { board: w.__radiator?.board ?? null, states: els.map((e) => e.getAttribute('data-state') ?? '?') };
  });
}

async function waitForBoardFresh(page: Page, board: string, ms: number): Promise<void> {
  let last: { board: string | null; states: string[] } = { board: null, states: [] };
  await waitUntil(
    `board "${board}" with every panel fresh`,
    async () => {
      last = await panelStates(page);
      return last.board === board && last.states.length > 0 && last.states.every((s) => s === 'fresh');
    },
    ms,
    250,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last seen: board ${last.board}, panel states [${last.states.join(', ')}]`);
  });
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

interface FrameResult {
  viewport: string;
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  over16_7: number;
  over33: number;
  longTasks: number;
  longTaskMs: number;
  loafs: number | null;
  loafMs: number | null;
  loafBreakdownMs: { script: number; render: number; blocking: number } | null;
  busyShare: number;
  scriptShare: number;
  layoutShare: number;
  styleShare: number;
  wallMs: number;
  /** JS heap and ArrayBuffers at the end of the window (no forced GC): what the board holds. */
  heapUsedMB: number;
  arrayBuffersMB: number;
  /** Series and points per series in the feed's snapshots: proof the board drew what it should. */
  snapshot: { series: number; minPoints: number; maxPoints: number; stepsMs: number[] };
  consoleErrors: string[];
}

async function measureFrames(browser: Browser, base: string, size: { width: number; height: number }): Promise<FrameResult> {
  const label = `${size.width}x${size.height}`;
  const context = await browser.newContext({ viewport: size });
  try {
    const page = await context.newPage();
    const logged = watchConsole(page, label);
    const snapshot = watchSnapshots(page);
    await page.goto(`${base}/?board=bench`);
    await waitForBoardFresh(page, 'bench', 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logged.errors.join('\n')}`);
    });
    snapshot.stop();
    await sleep(WARMUP_MS);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    // Start the recorder: frame-to-frame intervals from rAF, long tasks and long animation frames.
    const loafSupported = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const rec: BenchRecorder = { intervals: [], longTasks: [], loafs: [], stop: false, observers: [] };
      w.__bench = rec;
      const types = w.PerformanceObserver.supportedEntryTypes;
      const observe = (type: string, take: (e: PerfEntry) => void) => {
        if (!types.includes(type)) return;
        const o = new w.PerformanceObserver((list) => list.getEntries().forEach(take));
        o.observe({ type });
        rec.observers.push(o);
      };
      observe('longtask', (e) => rec.longTasks.push(e.duration));
      observe('long-animation-frame', (e) =>
        rec.loafs.push({
          duration: e.duration,
          blocking: e.blockingDuration ?? 0,
          script: (e.scripts ?? []).reduce((a, x) => a + x.duration, 0),
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
        }),
      );
      let prev = -1;
      const frame = (t: number) => {
        if (rec.stop) return;
        if (prev >= 0) rec.intervals.push(t - prev);
        prev = t;
        w.requestAnimationFrame(frame);
      };
      w.requestAnimationFrame(frame);
      return types.includes('long-animation-frame');
    });
    const before = await metrics(cdp);
    await sleep(SECONDS * 1_000);
    const after = await metrics(cdp);
    const heapNow = await cdp.send('Runtime.getHeapUsage');
    const rec = await page.evaluate(() => {
      const r = (globalThis as unknown as PageWindow).__bench!;
      r.stop = true;
      r.observers.forEach((o) => o.disconnect());
      return { intervals: r.intervals, longTasks: r.longTasks, loafs: r.loafs };
    });
    await cdp.detach();
    // For a look at what was measured (after the window, so it costs no measured frames).
    await page.screenshot({ path: join(RESULTS, `frame-timing-${label}.png`) });

    // Performance metrics are in seconds; Timestamp is the renderer's monotonic clock.
    const wall = after.Timestamp! - before.Timestamp!;
    const share = (k: string) => (after[k]! - before[k]!) / wall;
    const sorted = [...rec.intervals].sort((a, b) => a - b);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      viewport: label,
      frames: sorted.length,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? NaN,
      // Intervals sit on the 16.7 ms vsync with jitter either side, so "over 16.7" counts
      // late frames loosely; "over 33" is at least one whole vsync missed.
      over16_7: sorted.filter((x) => x > FRAME_BUDGET_MS).length,
      over33: sorted.filter((x) => x > 33).length,
      longTasks: rec.longTasks.length,
      longTaskMs: sum(rec.longTasks),
      loafs: loafSupported ? rec.loafs.length : null,
      loafMs: loafSupported ? sum(rec.loafs.map((l) => l.duration)) : null,
      loafBreakdownMs: loafSupported ? { script: sum(rec.loafs.map((l) => l.script)), render: sum(rec.loafs.map((l) => l.render)), blocking: sum(rec.loafs.map((l) => l.blocking)) } : null,
      busyShare: share('TaskDuration'),
      scriptShare: share('ScriptDuration'),
      layoutShare: share('LayoutDuration'),
      styleShare: share('RecalcStyleDuration'),
      wallMs: wall * 1_000,
      snapshot: snapshot.result(),
      heapUsedMB: mb(heapNow.usedSize),
      arrayBuffersMB: mb(heapNow.backingStorageSize ?? 0),
      consoleErrors: logged.errors,
    };
  } finally {
    await context.close();
  }
}

interface HeapPoint {
  rotations: number;
  board: string | null;
  next: string | null;
  heapUsedMB: number;
  heapTotalMB: number;
  /** ArrayBuffer backing stores live outside the JS heap (chart data is typed arrays). */
  arrayBuffersMB: number;
  /** Blink's own garbage-collected heap (DOM objects). */
  blinkHeapMB: number;
  domNodes: number;
  jsEventListeners: number | null;
  subscriptions: number | null;
}

interface HeapResult {
  viewport: string;
  points: HeapPoint[];
  rotationMs: { p50: number; max: number };
  stuck: string | null;
  consoleErrors: string[];
}

async function heapAfterRotations(browser: Browser, base: string, size: { width: number; height: number }, total: number): Promise<HeapResult> {
  const label = `${size.width}x${size.height}`;
  // Checkpoints: after 10 (the issue's baseline), after `total`, and after the first count ≥ 10
  // that leaves the same board on screen as `total` does — the screen keeps the current and
  // next board mounted, so heaps only compare like for like when the same boards are mounted
  // (after 10 of 4 boards, two data-less boards; after 200, the bench board's 1.2 M points).
  const n = ROTATION_BOARDS.length;
  const matched = 10 + ((((total - 10) % n) + n) % n);
  const checkpoints = new Set([Math.min(10, total), Math.min(matched, total), total]);
  const context = await browser.newContext({ viewport: size });
  try {
    const page = await context.newPage();
    const logged = watchConsole(page, `rotation ${label}`);
    const cdp = await context.newCDPSession(page);
    await page.goto(`${base}/?playlist=bench-rot`);
    const state = () => page.evaluate(() => (globalThis as unknown as PageWindow).__radiator ?? null);
    await waitUntil('the playlist to start on "bench"', async () => (await state())?.board === 'bench', 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logged.errors.join('\n')}`);
    });
    await waitForBoardFresh(page, 'bench', 60_000);

    const points: HeapPoint[] = [];
    const took: number[] = [];
    let stuck: string | null = null;
    const sample = async (rotations: number) => {
      // Let the shown board finish loading (no panel still "loading") before measuring.
      await waitUntil('the shown board to load', async () => {
        const p = await panelStates(page);
        return p.states.every((s) => s !== 'loading');
      }, 20_000).catch(() => undefined);
      // The renderer lets go of a released query 2 s later (so the next board can pick it up);
      // wait past that, or the board that just left is still counted.
      await sleep(3_000);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      let domNodes: number;
      let listeners: number | null = null;
      try {
        const c = await cdp.send('Memory.getDOMCounters');
        domNodes = c.nodes;
        listeners = c.jsEventListeners;
      } catch {
        domNodes = await page.evaluate(() => (globalThis as unknown as PageWindow).document.getElementsByTagName('*').length);
      }
      const s = await state();
      points.push({ rotations, board: s?.board ?? null, next: s?.next ?? null, heapUsedMB: mb(heap.usedSize), heapTotalMB: mb(heap.totalSize), arrayBuffersMB: mb(heap.backingStorageSize ?? 0), blinkHeapMB: mb(heap.embedderHeapUsedSize ?? 0), domNodes, jsEventListeners: listeners, subscriptions: s?.subscriptions ?? null });
    };

    for (let i = 1; i <= total; i++) {
      const prev = (await state())?.board ?? null;
      const t0 = Date.now();
      await page.keyboard.press('ArrowRight');
      await sleep(400);
      const moved = await waitUntil('the board to change', async () => {
        const b = (await state())?.board ?? null;
        return b !== prev ? { b } : null;
      }, 10_000, 50).catch(() => null);
      if (!moved) {
        const s = await state();
        stuck = `rotation ${i}: ArrowRight did not move off "${prev}" within 10 s (mode ${s?.mode}, paused ${s?.paused})`;
        break;
      }
      took.push(Date.now() - t0);
      if (checkpoints.has(i)) await sample(i);
    }
    const sortedTook = took.sort((a, b) => a - b);
    return { viewport: label, points, rotationMs: { p50: quantile(sortedTook, 0.5), max: sortedTook[sortedTook.length - 1] ?? NaN }, stuck, consoleErrors: logged.errors };
  } finally {
    await context.close();
  }
}

// ── run ─────────────────────────────────────────────────────────────────────────────────

let server: Server | null = null;
let browser: Browser | null = null;
let live: ReturnType<typeof startLive> | null = null;

async function cleanUp(): Promise<void> {
  live?.stop();
  await browser?.close().catch(() => undefined);
  if (server && server.proc.exitCode === null) {
    server.proc.kill('SIGTERM');
    await Promise.race([server.exited, sleep(15_000).then(() => server!.proc.kill('SIGKILL'))]);
  }
  rmSync(work, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

async function main(): Promise<void> {
  if (opt.build || !existsSync(join(ROOT, 'out/renderer/index.html'))) {
    log('building the renderer (npm run build)…');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` } });
    if (b.status !== 0) throw new Error('npm run build failed');
  }

  const staleSources = warnIfStale();
  mkdirSync(RESULTS, { recursive: true });
  server = await startServer();
  const base = server.url;
  log(`server: ${base}`);

  // End the history a couple of seconds ago, so the live samples (stamped at the server's next
  // flush) come after it.
  const endMs = Math.floor(Date.now() / 1_000) * 1_000 - 2_000;
  const t0 = Date.now();
  await backfill(base, endMs);
  live = startLive(base);
  log(`backfill: ${FAMILIES * SERIES_PER_FAMILY} series × ${POINTS} points in ${((Date.now() - t0) / 1000).toFixed(1)} s; live updates every 1 s`);

  await api(base, 'PUT', '/api/v1/config/boards/bench', benchBoard());
  await api(base, 'PUT', '/api/v1/config/playlists/bench-rot', { name: 'Bench rotation', boards: ROTATION_BOARDS });

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();

  const frames: FrameResult[] = [];
  for (const size of SIZES) {
    log(`frames at ${size.width}×${size.height}: waiting for the board, ${WARMUP_MS / 1000} s warm-up, ${SECONDS} s measured…`);
    frames.push(await measureFrames(browser, base, size));
  }
  let heap: HeapResult | null = null;
  if (ROTATIONS > 0) {
    log(`heap: ${ROTATIONS} rotations at ${SIZES[0]!.width}×${SIZES[0]!.height}…`);
    heap = await heapAfterRotations(browser, base, SIZES[0]!, ROTATIONS);
  }
  const liveStats = { ...live.stats };

  // ── report ──
  const cpu = cpus();
  const machine = { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version, chromium: chromiumVersion };
  log('');
  log(`Radiator renderer frame timing — ${FAMILIES} time-series panels × ${SERIES_PER_FAMILY} series × ${POINTS.toLocaleString('en')} points, all updating each second`);
  log(`machine: ${machine.cpu}, ${machine.cores} cores; Chromium ${chromiumVersion} (headless, --disable-gpu); Node ${process.version}`);
  log('note: headless Chromium with --disable-gpu rasterises and composites in software, so these frame intervals are an upper bound for a GPU-backed screen.');
  log('');
  const head = ['viewport', 'frames', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', '>16.7ms', '>33ms', 'long tasks', 'long task ms', 'LoAF', 'LoAF ms', 'busy %', 'script %', 'layout %', 'style %', 'heap MB'];
  const rows = frames.map((f) => [
    f.viewport,
    String(f.frames),
    ms(f.p50, 2),
    ms(f.p95, 2),
    ms(f.p99, 2),
    ms(f.max, 2),
    `${f.over16_7} (${((100 * f.over16_7) / Math.max(1, f.frames)).toFixed(0)}%)`,
    `${f.over33} (${((100 * f.over33) / Math.max(1, f.frames)).toFixed(0)}%)`,
    String(f.longTasks),
    f.longTaskMs.toFixed(0),
    f.loafs === null ? 'n/a' : String(f.loafs),
    f.loafMs === null ? 'n/a' : f.loafMs.toFixed(0),
    (100 * f.busyShare).toFixed(1),
    (100 * f.scriptShare).toFixed(1),
    (100 * f.layoutShare).toFixed(1),
    (100 * f.styleShare).toFixed(1),
    f.heapUsedMB.toFixed(1),
  ]);
  printTable(head, rows);
  for (const f of frames) {
    const sn = f.snapshot;
    log(`  ${f.viewport}: the renderer was sent ${sn.series} series of ${sn.minPoints === sn.maxPoints ? sn.minPoints : `${sn.minPoints}–${sn.maxPoints}`} points (step ${sn.stepsMs.join(', ') || '?'} ms)`);
    if (sn.series !== FAMILIES * SERIES_PER_FAMILY || sn.minPoints < POINTS - 1)
      log(`  WARNING: expected ${FAMILIES * SERIES_PER_FAMILY} series of ${POINTS} points at a 1000 ms step — the figures above are not for the intended load (a stale build? try --build)`);
  }
  for (const f of frames) {
    const b = f.loafBreakdownMs;
    if (b && f.loafs) log(`  ${f.viewport}: long animation frames (≥ 50 ms): ${f.loafs}, ${f.loafMs!.toFixed(0)} ms in all — scripts (those ≥ 5 ms) ${b.script.toFixed(0)} ms, rendering update (rAF, style, layout, paint) ${b.render.toFixed(0)} ms, blocking ${b.blocking.toFixed(0)} ms`);
  }
  for (const f of frames) {
    // rAF is paced by the 60 Hz vsync, so an interval is never below 16.67 ms and jitters around
    // it; a p95 within 10 % of it means frames are on the vsync, not late.
    const verdict = f.p95 < FRAME_BUDGET_MS ? 'met' : f.p95 < FRAME_BUDGET_MS * 1.1 ? 'met within vsync jitter (intervals are paced by the 60 Hz vsync and cannot go below 16.67 ms)' : 'NOT met';
    log(`  ${f.viewport}: p95 ${ms(f.p95, 2)} ms — goal < ${FRAME_BUDGET_MS} ms: ${verdict}; measured over ${(f.wallMs / 1000).toFixed(1)} s`);
  }
  log('  (">16.7ms" counts vsync jitter too: an on-time frame measures 16.6–16.8 ms; ">33ms" is at least one whole frame missed.)');

  if (heap) {
    log('');
    log(`Renderer heap after board rotations (playlist ${ROTATION_BOARDS.join(' → ')}, ${heap.viewport}; after two forced GCs)`);
    printTable(
      ['rotations', 'shown', 'next', 'JS heap used MB', 'JS heap total MB', 'ArrayBuffers MB', 'Blink heap MB', 'DOM nodes', 'listeners', 'subscriptions'],
      heap.points.map((p) => [String(p.rotations), p.board ?? '–', p.next ?? '–', p.heapUsedMB.toFixed(2), p.heapTotalMB.toFixed(2), p.arrayBuffersMB.toFixed(2), p.blinkHeapMB.toFixed(2), String(p.domNodes), p.jsEventListeners === null ? 'n/a' : String(p.jsEventListeners), p.subscriptions === null ? 'n/a' : String(p.subscriptions)]),
    );
    const first = heap.points[0];
    const last = heap.points[heap.points.length - 1];
    const signed = (n: number, digits = 0) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
    const growth = (a: HeapPoint, b: HeapPoint) =>
      `JS heap ${signed(b.heapUsedMB - a.heapUsedMB, 2)} MB (${signed((100 * (b.heapUsedMB - a.heapUsedMB)) / a.heapUsedMB, 1)}%), ArrayBuffers ${signed(b.arrayBuffersMB - a.arrayBuffersMB, 2)} MB, DOM nodes ${signed(b.domNodes - a.domNodes)}, subscriptions ${signed((b.subscriptions ?? 0) - (a.subscriptions ?? 0))}`;
    if (first && last && first !== last) log(`  growth ${first.rotations} → ${last.rotations}: ${growth(first, last)}${first.board !== last.board ? '  (different boards mounted; see the like-for-like line)' : ''}`);
    const like = heap.points.find((p) => p !== last && last && p.board === last.board && p.next === last.next);
    if (like && last && like !== first) log(`  growth ${like.rotations} → ${last.rotations} (same boards mounted): ${growth(like, last)}`);
    log(`  rotation time (ArrowRight to board changed, incl. the 400 ms wait): p50 ${heap.rotationMs.p50} ms, max ${heap.rotationMs.max} ms`);
    if (heap.stuck) log(`  STOPPED EARLY: ${heap.stuck}`);
  }

  log('');
  log(`live updates: ${liveStats.sent} batches of ${FAMILIES * SERIES_PER_FAMILY} sent, ${liveStats.failed} failed${liveStats.lastError ? ` (last: ${liveStats.lastError})` : ''}`);
  const errors = [...frames.flatMap((f) => f.consoleErrors), ...(heap?.consoleErrors ?? [])];
  log(`page console errors and warnings: ${errors.length === 0 ? 'none' : errors.length}`);
  for (const e of errors.slice(0, 40)) log(`  ${e}`);
  if (errors.length > 40) log(`  … ${errors.length - 40} more in the JSON`);

  const file = join(RESULTS, 'frame-timing.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine,
        config: { seconds: SECONDS, warmupMs: WARMUP_MS, rotations: ROTATIONS, sizes: SIZES, panels: FAMILIES, seriesPerPanel: SERIES_PER_FAMILY, pointsPerSeries: POINTS, chromiumArgs: CHROMIUM_ARGS },
        renderer: { reusedBuild: !opt.build, sourcesNewerThanBuild: staleSources },
        note: 'headless Chromium with --disable-gpu composites in software: frame intervals are an upper bound',
        frames,
        heap,
        live: liveStats,
      },
      null,
      2,
    ) + '\n',
  );
  log(`\nwrote ${file}`);
}

/** The build is reused, so say when the renderer's sources changed after it. */
function warnIfStale(): string[] {
  const built = statSync(join(ROOT, 'out/renderer/index.html')).mtimeMs;
  const newer = ['src/renderer', 'src/shared'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => {
      const st = statSync(join(ROOT, dir, f));
      return st.isFile() && st.mtimeMs > built;
    }).map((f) => join(dir, f)),
  );
  if (newer.length) log(`warning: out/renderer is older than ${newer.length} source file(s) (${newer.slice(0, 5).join(', ')}${newer.length > 5 ? ', …' : ''}); measuring the built renderer — pass --build to rebuild`);
  return newer;
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log(line(head));
  log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) log(line(r));
}

try {
  await main();
} catch (e) {
  process.stderr.write(`frame-timing: ${(e as Error).stack ?? String(e)}\n`);
  // (TypeScript narrows the module-level `let` to its initial null; main() may have set it.)
  const s = server as Server | null;
  if (s) process.stderr.write(`--- server output (last 3000 chars) ---\n${s.output().slice(-3_000)}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
