// The StatsD thread: owns the UDP socket (so a busy main thread never delays a read), takes the
// TCP lines the main thread forwards, folds everything into per-key deltas and hands them back
// when asked. Keeps per-line work off the thread that serves the API, the feed and the store.
import dgram from 'node:dgram';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { HeapTrimmer, type HeapTrimmerOptions } from '../heap-trim.ts';
import { deltaTransferables, StatsdAccumulator } from './statsd-accumulator.ts';

export type ToWorker =
  | { type: 'data'; buf: ArrayBuffer }
  | { type: 'reject'; reason: string; n: number }
  | { type: 'drain'; seq: number }
  | { type: 'listen-udp'; host: string; port: number; recvBufferBytes: number }
  | { type: 'close-udp' };

export type FromWorker =
  | { type: 'delta'; seq: number; delta: ReturnType<StatsdAccumulator['drain']> }
  | { type: 'udp-listening'; port: number; granted: number }
  | { type: 'udp-error'; code: string; message: string }
  | { type: 'udp-closed' };

const port = parentPort!;
/** [0]: KiB of forwarded data handled so far; the main thread reads it to bound what is in
 * flight. [1]: memory trims run here (for /metrics). */
const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
const acc = new StatsdAccumulator();
let socket: dgram.Socket | null = null;

// This thread's own memory trimmer (see core/heap-trim.ts), reading its own heap: a flood of new
// keys leaves its parsing garbage promoted, and V8 kept 40 MB committed with 15 MB live for a
// minute and a half after 100,000 new counters; a trim gives it back once the flood is over.
const trimmer = new HeapTrimmer({
  rss: () => v8.getHeapStatistics().total_heap_size,
  ...(workerData.trim as Partial<HeapTrimmerOptions>),
  log: () => Atomics.add(shared, 1, 1),
});
trimmer.start();

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'data':
      acc.ingest(new Uint8Array(m.buf));
      Atomics.add(shared, 0, Math.ceil(m.buf.byteLength / 1024));
      break;
    case 'reject':
      acc.reject(m.reason, m.n);
      break;
    case 'drain': {
      const delta = acc.drain();
      port.postMessage({ type: 'delta', seq: m.seq, delta } satisfies FromWorker, deltaTransferables(delta));
      break;
    }
    case 'listen-udp': {
      const s = dgram.createSocket({ type: m.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: m.recvBufferBytes });
      s.on('message', (msg) => acc.ingest(msg));
      s.once('error', (e: NodeJS.ErrnoException) => port.postMessage({ type: 'udp-error', code: e.code ?? 'ERROR', message: e.message } satisfies FromWorker));
      s.bind(m.port, m.host, () => {
        s.removeAllListeners('error');
        s.on('error', (e) => console.error(`statsd udp: ${e.message}`));
        socket = s;
        let granted = 0;
        try {
          granted = s.getRecvBufferSize();
        } catch {
          granted = 0;
        }
        port.postMessage({ type: 'udp-listening', port: s.address().port, granted } satisfies FromWorker);
      });
      break;
    }
    case 'close-udp':
      if (socket) socket.close(() => port.postMessage({ type: 'udp-closed' } satisfies FromWorker));
      else port.postMessage({ type: 'udp-closed' } satisfies FromWorker);
      socket = null;
      break;
  }
});
