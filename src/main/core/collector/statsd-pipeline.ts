// Where StatsD is parsed: on its own thread (the default), which also owns the UDP socket, or
// with `receivers.statsd.worker: false` on this one. Either way `collect()` returns the flush
// windows' deltas, oldest first, for statsd-apply.ts.
//
// A slow thread delays a window, never loses it: a flush waits for the thread's reply at most
// STATSD_DRAIN_WAIT_MS (so the other receivers keep flushing), and a reply that comes later is
// kept and handed over, in order, by the next `collect()`.
//
// TCP lines reach the thread from here: chunks that arrive in one turn of the event loop are
// joined with newlines into one transferred buffer. If the thread falls more than
// MAX_STATSD_INFLIGHT_BYTES behind, new chunks are dropped and counted (`overload`) rather than
// queued without bound.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_STATSD_INFLIGHT_BYTES, STATSD_DRAIN_WAIT_MS, STATSD_THREAD_TRIM_MIN_GROWTH_BYTES, STATSD_THREAD_TRIM_QUIET_BYTES } from '../../../shared/limits.ts';
import type { HeapTrimPolicy } from '../heap-trim.ts';
import type { Receiver } from './receiver.ts';
import { StatsdAccumulator, type StatsdDelta } from './statsd-accumulator.ts';
import { StatsdUdpReceiver, type StatsdUdpOptions } from './statsd-udp.ts';
import type { FromWorker, ToWorker } from './statsd-worker.ts';

export interface StatsdPipeline {
  /** Bytes from a socket on this thread (TCP, or UDP when inline). */
  ingest(data: Uint8Array): void;
  reject(reason: string): void;
  /** The UDP receiver: on the StatsD thread, or on this one when inline. */
  udpReceiver(opts: StatsdUdpOptions): Receiver & { readonly port: number; readonly grantedRecvBufferBytes: number };
  /** The deltas of every window not yet collected, oldest first. Waits for the window it asks
   * for at most `waitMs`; if that comes later, the next call returns it. */
  collect(waitMs?: number): Promise<StatsdDelta[]>;
  /** The StatsD thread's V8 heap as last read (at a collect), and the memory trims it ran; null
   * when inline or not read yet. */
  threadHeap(): { used: number; committed: number; trims: number } | null;
  stop(): Promise<void>;
}

export class InlineStatsdPipeline implements StatsdPipeline {
  private readonly acc = new StatsdAccumulator();
  ingest(data: Uint8Array): void {
    this.acc.ingest(data);
  }
  reject(reason: string): void {
    this.acc.reject(reason);
  }
  udpReceiver(opts: StatsdUdpOptions) {
    return new StatsdUdpReceiver(opts, (b) => this.acc.ingest(b));
  }
  collect(): Promise<StatsdDelta[]> {
    return Promise.resolve([this.acc.drain()]);
  }
  threadHeap(): null {
    return null;
  }
  async stop(): Promise<void> {}
}

/** The UDP socket on the StatsD thread, driven from here. */
class WorkerUdpReceiver implements Receiver {
  private readonly pipeline: WorkerStatsdPipeline;
  private readonly opts: StatsdUdpOptions;
  port: number;
  grantedRecvBufferBytes = 0;
  private listening = false;
  constructor(pipeline: WorkerStatsdPipeline, opts: StatsdUdpOptions) {
    this.pipeline = pipeline;
    this.opts = opts;
    this.port = opts.port;
  }
  get description(): string {
    return `statsd udp ${this.opts.host}:${this.port} (receive buffer ${Math.round(this.grantedRecvBufferBytes / 1024)} KiB)`;
  }
  async start(): Promise<void> {
    const r = await this.pipeline.request({ type: 'listen-udp', host: this.opts.host, port: this.opts.port, recvBufferBytes: this.opts.recvBufferBytes }, ['udp-listening', 'udp-error']);
    if (r.type === 'udp-error') throw Object.assign(new Error(r.message), { code: r.code });
    if (r.type === 'udp-listening') {
      this.port = r.port;
      this.grantedRecvBufferBytes = r.granted;
      this.listening = true;
    }
  }
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await this.pipeline.request({ type: 'close-udp' }, ['udp-closed']);
  }
}

const NL = 10;

/** The worker file: next to this module when running from source (.ts); in the desktop app's
 * bundle it is its own entry, out/main/statsd-worker.js, beside index.js, and in `serve`'s
 * out/cli/statsd-worker.js beside cli.js (or one level up if this module landed in a shared
 * chunk). */
function workerUrl(): URL {
  const candidates = import.meta.url.endsWith('.ts') ? ['./statsd-worker.ts'] : ['./statsd-worker.js', '../statsd-worker.js'];
  for (const c of candidates) {
    const u = new URL(c, import.meta.url);
    if (existsSync(fileURLToPath(u))) return u;
  }
  throw new Error(`cannot find the StatsD worker (${candidates.join(', ')} from ${import.meta.url}); set receivers.statsd.worker to false`);
}

export interface WorkerStatsdPipelineOptions {
  /** How long `collect()` waits for the thread by default (STATSD_DRAIN_WAIT_MS). */
  drainWaitMs?: number;
  /** The thread's memory trimmer's policy (STATSD_THREAD_TRIM). */
  trim?: Partial<HeapTrimPolicy> & { checkEveryMs?: number };
}

/** The StatsD thread's trimmer reads the thread's committed heap (see shared/limits.ts). */
const STATSD_THREAD_TRIM = { minGrowthBytes: STATSD_THREAD_TRIM_MIN_GROWTH_BYTES, quietBytes: STATSD_THREAD_TRIM_QUIET_BYTES };

export class WorkerStatsdPipeline implements StatsdPipeline {
  private readonly worker: Worker;
  /** Written by the thread: [0] KiB of forwarded data it handled, [1] memory trims it ran. */
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private readonly drainWaitMs: number;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private scheduled = false;
  private postedKiB = 0;
  private seq = 0;
  /** Deltas the thread sent that no `collect()` has returned yet, in the order it sent them
   * (the thread answers drains in order). */
  private arrived: StatsdDelta[] = [];
  /** Whoever waits for the reply to drain `seq`. */
  private waiter: { seq: number; wake: () => void } | null = null;
  private requests: Array<{ types: string[]; resolve: (m: FromWorker) => void }> = [];
  private overload = 0;
  private stopped = false;
  private failed: Error | null = null;
  private heap: { used: number; committed: number } | null = null;

  constructor(opts: WorkerStatsdPipelineOptions = {}) {
    this.drainWaitMs = opts.drainWaitMs ?? STATSD_DRAIN_WAIT_MS;
    this.worker = new Worker(workerUrl(), { workerData: { shared: this.shared.buffer, trim: opts.trim ?? STATSD_THREAD_TRIM } });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'delta') {
        this.arrived.push(m.delta);
        if (this.waiter && m.seq >= this.waiter.seq) this.waiter.wake();
        return;
      }
      const i = this.requests.findIndex((r) => r.types.includes(m.type));
      if (i >= 0) this.requests.splice(i, 1)[0]!.resolve(m);
    });
    this.worker.on('error', (e) => {
      this.failed = e;
      console.error(`statsd worker failed: ${e.message}`);
      this.waiter?.wake();
    });
    // Not unref'd: a flush waiting for the worker's delta must keep the process alive
    // (stop() terminates it).
  }

  /** Send a control message and wait for the first reply of one of `types`. */
  request(msg: ToWorker, types: string[]): Promise<FromWorker> {
    return new Promise((resolve) => {
      this.requests.push({ types, resolve });
      this.worker.postMessage(msg);
    });
  }

  udpReceiver(opts: StatsdUdpOptions) {
    return new WorkerUdpReceiver(this, opts);
  }

  ingest(data: Uint8Array): void {
    if (this.stopped) return;
    if ((this.postedKiB - Atomics.load(this.shared, 0)) * 1024 > MAX_STATSD_INFLIGHT_BYTES) {
      this.overload++;
      return;
    }
    this.batch.push(data);
    this.batchBytes += data.length + 1;
    if (this.batchBytes > 256 * 1024) this.send();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.send());
    }
  }

  private send(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    // A dedicated ArrayBuffer (not the shared Buffer pool), so it can be transferred.
    const out = new Uint8Array(new ArrayBuffer(this.batchBytes));
    let pos = 0;
    for (const b of this.batch) {
      out.set(b, pos);
      pos += b.length;
      out[pos++] = NL;
    }
    this.batch = [];
    this.batchBytes = 0;
    this.postedKiB += Math.ceil(out.byteLength / 1024);
    this.worker.postMessage({ type: 'data', buf: out.buffer } satisfies ToWorker, [out.buffer]);
  }

  reject(reason: string): void {
    this.worker.postMessage({ type: 'reject', reason, n: 1 });
  }

  async collect(waitMs = this.drainWaitMs): Promise<StatsdDelta[]> {
    if (!this.failed) {
      this.send();
      if (this.overload > 0) {
        this.worker.postMessage({ type: 'reject', reason: 'overload', n: this.overload });
        this.overload = 0;
      }
      const seq = ++this.seq;
      this.worker.postMessage({ type: 'drain', seq });
      // Read for /metrics; it answers between the thread's messages, so it never waits on them
      // (and refuses before the thread is up, which the next collect makes good).
      this.worker.getHeapStatistics().then(
        (h) => (this.heap = { used: h.used_heap_size, committed: h.total_heap_size }),
        () => {},
      );
      if (waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = Number.isFinite(waitMs) ? setTimeout(resolve, waitMs) : null;
          this.waiter = {
            seq,
            wake: () => {
              if (timer) clearTimeout(timer);
              resolve();
            },
          };
        });
        this.waiter = null;
      }
    }
    const out = this.arrived;
    this.arrived = [];
    return out;
  }

  threadHeap(): { used: number; committed: number; trims: number } | null {
    return this.heap && { ...this.heap, trims: Atomics.load(this.shared, 1) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}
