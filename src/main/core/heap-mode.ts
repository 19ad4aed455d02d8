// How V8 sizes the heap of a long-running Radiator. By default V8 lets the heap grow far past what
// is live during a burst (an import, a flood of new series) and keeps those pages: measured with
// `radiator serve` holding 20,000 imported series (4.8 M samples), RSS 608 MB with V8's defaults
// and 225 MB with --optimize-for-size (Prometheus holds the same data in 150 MB); 2,000 series,
// 455 MB and 172–186 MB. Queries and the StatsD accumulator measured the same either way; an import
// was between as fast and 2.6× slower (on a machine busy with other work). A radiator on a TV runs
// for months, so memory wins: `small` unless RADIATOR_HEAP=speed. Called first thing by the CLI
// and the Electron main process (a V8 flag is the process's, not the core's).

import v8 from 'node:v8';

export type HeapMode = 'small' | 'speed';

export function heapModeOf(env: Record<string, string | undefined>): HeapMode {
  return env.RADIATOR_HEAP === 'speed' ? 'speed' : 'small';
}

/** Sets V8's heap sizing for this process from RADIATOR_HEAP; returns the mode in effect. */
export function applyHeapMode(env: Record<string, string | undefined> = process.env): HeapMode {
  const mode = heapModeOf(env);
  if (mode === 'small') v8.setFlagsFromString('--optimize-for-size');
  return mode;
}
