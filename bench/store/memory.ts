// Bytes per series the store holds in memory, fresh and once its hot window is full: N counter
// series written every `interval` (10 s, a StatsD repeat) through Store.append/commit/maintain, in
// this process, with the V8 heap and the array buffers read after forced GCs. bench:statsd
// measures a whole server's RSS 20 s after 100,000 series arrive; this shows what the same series
// cost after hours, when each holds its closed chunks of the hot window (2 h by default).
//
//   node --expose-gc bench/store/memory.ts [--series 20000] [--interval-s 10] [--hours 2]
//   (npm run bench:store-memory -- …)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { Store } from '../../src/main/core/store/index.ts';

const { values: opt } = parseArgs({ options: { series: { type: 'string', default: '20000' }, 'interval-s': { type: 'string', default: '10' }, hours: { type: 'string', default: '2' } } });
const gcFn = (globalThis as { gc?: () => void }).gc;
if (!gcFn) {
  console.error('run with node --expose-gc (npm run bench:store-memory does)');
  process.exit(2);
}
const N = Number(opt.series);
const STEP = Number(opt['interval-s']) * 1000;
const HOURS = Number(opt.hours);
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'radiator-bench-store-memory-'));
const store = new Store({ dir, maxSeries: N + 1000, hotWindowMs: 2 * HOUR, retention: { rawMs: 7 * 24 * HOUR, rollup5mMs: 30 * 24 * HOUR, rollup1hMs: 365 * 24 * HOUR, eventsMs: 30 * 24 * HOUR } });

const measure = () => {
  gcFn();
  gcFn();
  return { heap: v8.getHeapStatistics().used_heap_size, buffers: process.memoryUsage().arrayBuffers };
};
const base = measure();
const series = Array.from({ length: N }, (_, i) => store.resolve('bench_requests_total', [['s', `s${i}`]])!);
const steps = Math.round((HOURS * HOUR) / STEP);
const start = Date.now() - steps * STEP;
const marks = new Set([1, Math.round(steps / 4), Math.round(steps / 2), steps]);
console.log(`${N.toLocaleString('en')} counter series, one sample each ${STEP / 1000} s, hot window 2 h\n`);
console.log('| time written | samples per series | heap B/series | array buffers B/series | total B/series | store: chunk bytes per sample |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (let k = 1; k <= steps; k++) {
  const ts = start + k * STEP;
  for (let i = 0; i < N; i++) store.append(series[i]!, ts, k * 3 + (i % 7));
  store.commit();
  store.maintain();
  if (marks.has(k)) {
    const m = measure();
    const st = store.getStats();
    const heap = (m.heap - base.heap) / N;
    const buf = (m.buffers - base.buffers) / N;
    console.log(`| ${((k * STEP) / 60_000).toFixed(0)} min | ${k} | ${heap.toFixed(0)} | ${buf.toFixed(0)} | ${(heap + buf).toFixed(0)} | ${(st.bytesInMemory / st.samplesInMemory).toFixed(2)} |`);
  }
}
store.close();
rmSync(dir, { recursive: true, force: true });
