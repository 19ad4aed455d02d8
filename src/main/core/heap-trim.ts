// Giving back the memory a burst left behind. After an import and the queries that read it, V8
// keeps the pages it no longer uses (in its spaces, or pooled for reuse) resident, and its own
// memory reducer does not always return them. Measured with `npm run serve` after importing 20,000
// series × 1 h and running four board queries six times: 45 MB of live heap, 107 MB committed,
// 218 MB of V8 pages resident, RSS 396–419 MB for minutes; one memory-reducing collection (the
// one V8 runs before giving up on an allocation) took 171 ms and left RSS at 229 MB. This runs
// that collection when the process has grown well past where the last one left it and has then
// stopped growing with its event loop mostly idle: once per burst, never while one is under way,
// never more often than once a minute, and less often when each trim finds the process back where
// the last one found it. It does not touch glibc's heap (freed request bodies; see docs/promql.md).

import v8 from 'node:v8';
import vm from 'node:vm';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import {
  HEAP_TRIM_CHECK_INTERVAL_MS,
  HEAP_TRIM_MAX_BACKOFF,
  HEAP_TRIM_MAX_UTILIZATION,
  HEAP_TRIM_MIN_GROWTH_BYTES,
  HEAP_TRIM_MIN_INTERVAL_MS,
  HEAP_TRIM_QUIET_BYTES,
} from '../../shared/limits.ts';

export interface HeapTrimPolicy {
  /** Resident memory at least this far above where the last trim (or the start) left it. */
  minGrowthBytes: number;
  /** …and moved less than this since the previous check… */
  quietBytes: number;
  /** …and the event loop busy at most this fraction of the time since then: the burst is over
   * (a long import holds resident memory steady while it keeps the loop busy). */
  maxUtilization: number;
  /** No two trims closer than this. */
  minIntervalMs: number;
}

/** Whether to trim now, from resident memory at the previous check and now, where the last trim
 * left it, and how busy the event loop was in between (0–1). `lastTrimAt` is -Infinity before the
 * first trim. */
export function shouldTrimHeap(
  prevRss: number | null,
  rss: number,
  baselineRss: number,
  utilization: number,
  lastTrimAt: number,
  now: number,
  policy: HeapTrimPolicy,
): boolean {
  if (prevRss === null) return false;
  if (now - lastTrimAt < policy.minIntervalMs) return false;
  return rss - baselineRss >= policy.minGrowthBytes && Math.abs(rss - prevRss) < policy.quietBytes && utilization <= policy.maxUtilization;
}

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

let gcFunction: GcFunction | null | undefined;

/** V8's `gc` function without exposing it to the process's own global: the flag only affects
 * contexts created after it is set, so the function is taken from a fresh context and the flag
 * is set back. Null when this V8 does not give one. */
export function memoryReducingGc(): GcFunction | null {
  if (gcFunction !== undefined) return gcFunction;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return (gcFunction = existing as GcFunction);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    gcFunction = typeof fn === 'function' ? (fn as GcFunction) : null;
  } catch {
    gcFunction = null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  return gcFunction;
}

/** V8's memory-reducing collection as a call (null when this V8 gives no gc function). */
function memoryReducingCollection(): (() => void) | null {
  const gc = memoryReducingGc();
  return gc ? () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }) : null;
}

/** The event loop's utilization since the previous call of the returned function. */
function loopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return u;
  };
}

export interface HeapTrimStats {
  trims: number;
  /** How long the last trim held the event loop, in seconds (0 before the first). */
  lastPauseSeconds: number;
  /** Resident bytes the last trim gave back. */
  lastFreedBytes: number;
}

export interface HeapTrimmerOptions extends Partial<HeapTrimPolicy> {
  checkEveryMs?: number;
  rss?: () => number;
  /** The event loop's utilization (0–1) since the previous call. */
  utilization?: () => number;
  now?: () => number;
  log?: (line: string) => void;
  /** The collection a trim runs (V8's memory-reducing one unless given). */
  collect?: () => void;
}

/** Reads resident memory on a timer and runs a memory-reducing collection when shouldTrimHeap
 * says so. */
export class HeapTrimmer {
  readonly stats: HeapTrimStats = { trims: 0, lastPauseSeconds: 0, lastFreedBytes: 0 };
  private readonly policy: HeapTrimPolicy;
  private readonly checkEveryMs: number;
  private readonly rss: () => number;
  private readonly utilization: () => number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly collect: (() => void) | null;
  private prevRss: number | null = null;
  private baselineRss: number | null = null;
  private lastTrimAt = -Infinity;
  /** Resident memory just before the last trim (null before the first). */
  private lastTrimBefore: number | null = null;
  /** The least time to the next trim: the policy's, doubled each time a trim finds the process
   * back where the last one found it (see check()). */
  private intervalMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: HeapTrimmerOptions = {}) {
    this.policy = {
      minGrowthBytes: opts.minGrowthBytes ?? HEAP_TRIM_MIN_GROWTH_BYTES,
      quietBytes: opts.quietBytes ?? HEAP_TRIM_QUIET_BYTES,
      maxUtilization: opts.maxUtilization ?? HEAP_TRIM_MAX_UTILIZATION,
      minIntervalMs: opts.minIntervalMs ?? HEAP_TRIM_MIN_INTERVAL_MS,
    };
    this.intervalMs = this.policy.minIntervalMs;
    this.checkEveryMs = opts.checkEveryMs ?? HEAP_TRIM_CHECK_INTERVAL_MS;
    this.rss = opts.rss ?? (() => process.memoryUsage.rss());
    this.utilization = opts.utilization ?? loopUtilization();
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.collect = opts.collect ?? null;
  }

  start(): void {
    if (this.timer || !memoryReducingGc()) return;
    // Where the start left it: a burst in the first interval (apps pointed at a collector that
    // just started) would otherwise set the baseline itself, and never be trimmed.
    this.baselineRss = Math.min(this.baselineRss ?? Infinity, this.rss());
    this.timer = setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check; trims when due. Returns whether it trimmed. */
  check(): boolean {
    const rss = this.rss();
    const busy = this.utilization();
    const prev = this.prevRss;
    this.prevRss = rss;
    // Growth is measured from the lowest reading since the last trim (the first reading may be
    // in the middle of a burst; V8 may give some back by itself).
    this.baselineRss = Math.min(this.baselineRss ?? rss, rss);
    // Well above where the last trim found the process: a new burst, not the steady work below.
    if (this.lastTrimBefore !== null && rss >= this.lastTrimBefore + this.policy.minGrowthBytes) this.intervalMs = this.policy.minIntervalMs;
    if (!shouldTrimHeap(prev, rss, this.baselineRss, busy, this.lastTrimAt, this.now(), { ...this.policy, minIntervalMs: this.intervalMs })) return false;
    // Back where the last trim found it: steady work (a board's queries every few seconds) grows
    // what a trim gave back again and holds it. Trimming that every minute would pause the loop
    // every minute for memory that comes straight back, so the wait doubles (up to
    // HEAP_TRIM_MAX_BACKOFF × the policy's); a burst that goes above that level starts afresh.
    const regrown = this.lastTrimBefore !== null && rss <= this.lastTrimBefore + this.policy.quietBytes;
    this.intervalMs = regrown ? Math.min(this.intervalMs * 2, this.policy.minIntervalMs * HEAP_TRIM_MAX_BACKOFF) : this.policy.minIntervalMs;
    this.trim();
    return true;
  }

  /** One memory-reducing collection now, whatever the policy says. */
  trim(): void {
    const collect = this.collect ?? memoryReducingCollection();
    if (!collect) return;
    const before = this.rss();
    this.lastTrimBefore = before;
    const t0 = performance.now();
    collect();
    const pause = (performance.now() - t0) / 1000;
    const after = this.rss();
    // What the process holds now is the new baseline: growth from here on is the next burst's.
    this.prevRss = after;
    this.baselineRss = after;
    this.lastTrimAt = this.now();
    this.stats.trims++;
    this.stats.lastPauseSeconds = pause;
    this.stats.lastFreedBytes = Math.max(0, before - after);
    const mb = (n: number) => (n / 1048576).toFixed(0);
    this.log(`memory trimmed: resident ${mb(before)} → ${mb(after)} MB, in ${(pause * 1000).toFixed(0)} ms`);
  }
}
