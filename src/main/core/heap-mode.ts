// How V8 sizes the heap of a long-running Radiator. V8 lets the heap grow far past what is live
// during a burst (an import, a flood of new series) and keeps those pages; --optimize-for-size
// keeps it close to what is live. Measured on this 2-core machine (bench:promql --series 2000
// --scale-only and bench:statsd --quick, both modes in one sitting):
//   speed (V8's defaults): 2,000 imported series 474 MB RSS; StatsD 107,503 datagrams/s loss-free
//     (89 % of a bare receiver), JSON 307,282 samples/s, 100,029 series 669 MB.
//   small (--optimize-for-size): 2,000 series 197 MB; StatsD 83,217 datagrams/s (55 %), JSON
//     165,203 samples/s, 100,029 series 381 MB.
// Ingest throughput is a goal (≥ 70 % of a bare receiver), so `speed` is the default; a TV that
// only shows boards may choose RADIATOR_HEAP=small. Applied first thing by the CLI and the
// Electron main process (a V8 flag is the process's, not the core's).

import v8 from 'node:v8';

/** V8 flags that only work when given as the process starts: V8 sizes its young generation when
 * it creates the heap, and `v8.setFlagsFromString` later changes nothing. By default V8 lets each
 * of the two semi-spaces grow to 64 MB here (24 GiB machine), and a collector that allocates all
 * the time keeps them full: 134 MB of the 580 MB RSS holding 100,031 StatsD series. Capped at
 * 8 MB: about 100 MB less, with the same loss-free StatsD rate (bench:statsd --quick
 * --compare-v8-flags, three paired runs on a quiet machine: 108,266 / 107,629, 119,319 / 120,264,
 * 107,850 / 118,565 datagrams/s capped / V8's default). Capped at 4 MB it held about 50 MB less
 * again but lost 10–30 % of that rate (83,207 / 108,246, 121,034 / 132,336, 83,321 / 95,647), which
 * the ≥ 2× Etsy statsd goal cannot spare. `npm run serve` passes them to Node, `npm start` to
 * Electron as --js-flags, and the benchmarks to the servers they start. */
export const STARTUP_V8_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** Whether this process was started with STARTUP_V8_FLAGS (Node's execArgv or, in Electron, the
 * --js-flags switch, which Electron passes to V8 and leaves in process.argv). */
export function hasStartupV8Flags(execArgv: readonly string[] = process.execArgv, argv: readonly string[] = process.argv): boolean {
  const jsFlags = argv.filter((a) => a.startsWith('--js-flags=')).flatMap((a) => a.slice('--js-flags='.length).split(/\s+/));
  return STARTUP_V8_FLAGS.every((f) => execArgv.includes(f) || jsFlags.includes(f));
}

export type HeapMode = 'small' | 'speed';

export function heapModeOf(env: Record<string, string | undefined>): HeapMode {
  return env.RADIATOR_HEAP === 'small' ? 'small' : 'speed';
}

/** Sets V8's heap sizing for this process from RADIATOR_HEAP; returns the mode in effect. */
export function applyHeapMode(env: Record<string, string | undefined> = process.env): HeapMode {
  const mode = heapModeOf(env);
  if (mode === 'small') v8.setFlagsFromString('--optimize-for-size');
  return mode;
}
