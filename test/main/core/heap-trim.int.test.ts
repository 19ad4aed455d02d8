// The memory trimmer's collection gives memory back: in a Node process of its own, a burst leaves
// old space mostly garbage (one object in fifty kept), V8 runs an ordinary full collection, and
// then the trimmer trims once. Measured: an ordinary full collection frees the objects but V8
// keeps their pages resident for reuse (294 MB before, 298 MB after); the trim's memory-reducing
// collection gives them back (294 → 78 MB). With an ordinary collection in the trimmer, or no gc
// obtainable without --expose-gc, resident memory would not fall and this test fails.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestCore } from '../../helpers/core.ts';

const ROOT = join(import.meta.dirname, '../../..');

const script = `
import v8 from 'node:v8';
import vm from 'node:vm';
import { HeapTrimmer, memoryReducingGc } from ${JSON.stringify(join(ROOT, 'src/main/core/heap-trim.ts'))};
const hasGlobalGc = typeof globalThis.gc === 'function';
let keep = [];
for (let i = 0; i < 1_500_000; i++) keep.push({ a: i, b: 'x' + i, c: [i, i + 1] });
const few = [];
for (let i = 0; i < keep.length; i += 50) few.push(keep[i]);
keep = null;
// An ordinary full collection: what V8 does on its own.
v8.setFlagsFromString('--expose-gc');
vm.runInNewContext('gc')({ type: 'major', execution: 'sync' });
v8.setFlagsFromString('--no-expose-gc');
const rssBefore = process.memoryUsage.rss();
const t = new HeapTrimmer();
t.trim();
const rssAfter = process.memoryUsage.rss();
console.log(JSON.stringify({ hasGlobalGc, gcAfter: typeof globalThis.gc, got: typeof memoryReducingGc(), rssBefore, rssAfter, stats: t.stats, few: few.length }));
`;

describe('memory trim', () => {
  it('gives back the pages an ordinary full collection keeps, without exposing gc to the process', () => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { hasGlobalGc: boolean; gcAfter: string; got: string; rssBefore: number; rssAfter: number; stats: { trims: number; lastFreedBytes: number } };
    expect(out.hasGlobalGc).toBe(false);
    expect(out.gcAfter).toBe('undefined');
    expect(out.got).toBe('function');
    expect(out.stats.trims).toBe(1);
    expect(out.rssBefore).toBeGreaterThan(200 * 1024 * 1024);
    // What is live is a fiftieth of the burst: the trim leaves the process a fraction of its size.
    expect(out.rssAfter).toBeLessThan(out.rssBefore / 2);
    // Read by the trimmer around its own collection: most of what the test saw fall.
    expect(out.stats.lastFreedBytes).toBeGreaterThan((out.rssBefore - out.rssAfter) * 0.9);
  });
});

describe('the core', () => {
  it('runs a trimmer and shows it, with V8\'s committed heap, on /metrics', async () => {
    const t = await startTestCore({});
    try {
      const self = await (await fetch(`${t.url}/metrics`)).text();
      expect(self).toMatch(/^radiator_memory_trims_total 0$/m);
      expect(self).toMatch(/^radiator_memory_trim_pause_seconds 0$/m);
      expect(self).toMatch(/^radiator_memory_trim_freed_bytes 0$/m);
      const committed = Number(/^nodejs_heap_size_total_bytes (\d+)$/m.exec(self)?.[1]);
      const used = Number(/^nodejs_heap_used_bytes (\d+)$/m.exec(self)?.[1]);
      expect(committed).toBeGreaterThan(0);
      expect(committed).toBeGreaterThanOrEqual(used);
      // Typed arrays' and Buffers' memory outside V8's heap: the store's chunks live there.
      expect(Number(/^nodejs_external_memory_bytes (\d+)$/m.exec(self)?.[1])).toBeGreaterThan(0);
      // The StatsD thread's own heap and trims, read at a flush once the thread is up (the reading
      // answers on its own, after the flush).
      let after = '';
      for (let i = 0; i < 50 && !/^radiator_statsd_thread_heap_bytes/m.test(after); i++) {
        await t.core.flush();
        await new Promise((r) => setTimeout(r, 20));
        after = await (await fetch(`${t.url}/metrics`)).text();
      }
      const threadUsed = Number(/^radiator_statsd_thread_heap_bytes\{state="used"\} (\d+)$/m.exec(after)?.[1]);
      const threadCommitted = Number(/^radiator_statsd_thread_heap_bytes\{state="committed"\} (\d+)$/m.exec(after)?.[1]);
      expect(threadUsed).toBeGreaterThan(0);
      expect(threadCommitted).toBeGreaterThanOrEqual(threadUsed);
      expect(after).toMatch(/^radiator_statsd_thread_memory_trims_total 0$/m);
    } finally {
      await t.stop();
    }
  });
});
