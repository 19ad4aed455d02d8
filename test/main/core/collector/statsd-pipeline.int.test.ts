// The StatsD thread under a flood of new series: a window it answers late is applied late, never
// dropped — every line is applied or refused with a counted reason.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Ingest } from '../../../../src/main/core/collector/ingest.ts';
import { StatsdApplier } from '../../../../src/main/core/collector/statsd-apply.ts';
import { InlineStatsdPipeline, WorkerStatsdPipeline } from '../../../../src/main/core/collector/statsd-pipeline.ts';
import { parseSelector, Store } from '../../../../src/main/core/store/index.ts';
import { tempDir } from '../../../helpers/core.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('WorkerStatsdPipeline', () => {
  it('keeps a control counter exact through a new-series flood when every window comes back late', async () => {
    let now = Date.now();
    const dir = tempDir();
    const store = new Store({
      dir,
      maxSeries: 2_000,
      hotWindowMs: 3_600_000,
      retention: { rawMs: 86_400_000, rollup5mMs: 86_400_000, rollup1hMs: 86_400_000, eventsMs: 86_400_000 },
      now: () => now,
    });
    cleanups.push(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const ingest = new Ingest({ store, repeatIntervalMs: 15_000 });
    const { agg, stats } = ingest;
    const applier = new StatsdApplier(ingest, () => {}, () => now);
    // No wait at all: every flush asks for a window and moves on before the thread answers, the
    // way a flush gave up on a thread busy resolving new series (it used to drop the reply).
    const pipeline = new WorkerStatsdPipeline({ drainWaitMs: 0 });
    cleanups.push(() => pipeline.stop());
    let windowsApplied = 0;
    const flush = async (waitMs?: number) => {
      for (const d of await pipeline.collect(waitMs)) {
        applier.apply(d);
        windowsApplied++;
      }
      agg.flush(now);
      store.commit();
      now += 1000;
    };

    // 4,000 datagrams of one control counter and 24 new tagged keys of one name, past the cap.
    const DATAGRAMS = 4_000;
    const NEW_PER_DATAGRAM = 24;
    for (let i = 0; i < DATAGRAMS; i++) {
      const lines = ['control:1|c'];
      for (let j = 0; j < NEW_PER_DATAGRAM; j++) lines.push(`flood:1|c|#k:${i * NEW_PER_DATAGRAM + j}`);
      pipeline.ingest(Buffer.from(lines.join('\n')));
      if (i % 100 === 99) {
        await new Promise((r) => setImmediate(r));
        await flush();
      }
    }
    await flush(Infinity);

    const value = (sel: string) => store.index.select(parseSelector(sel)).reduce((n, s) => n + s.lastValue, 0);
    expect(windowsApplied).toBeGreaterThan(1);
    expect(value('control')).toBe(DATAGRAMS);
    // received = applied + refused (by reason): nothing vanished.
    const received = stats.received.get('statsd') ?? 0;
    const refused = stats.rejectedCount('statsd');
    expect(received).toBe(DATAGRAMS * (1 + NEW_PER_DATAGRAM));
    expect(value('control') + value('flood') + refused).toBe(received);
    // Past the cap the flood folded into the overflow series rather than being refused.
    expect(value('flood{radiator_overflow="true"}')).toBeGreaterThan(0);
  });

  it("reads the thread's own heap at each collect, for /metrics (the process's resident memory counts both threads)", async () => {
    const pipeline = new WorkerStatsdPipeline();
    cleanups.push(() => pipeline.stop());
    expect(pipeline.threadHeap()).toBeNull();
    pipeline.ingest(new TextEncoder().encode('a:1|c\nb:2|g'));
    await pipeline.collect(Infinity);
    // The first collect may come before the thread is up; the reading is asked for beside each
    // drain and answered on its own.
    await pipeline.collect(Infinity);
    for (let i = 0; i < 100 && !pipeline.threadHeap(); i++) await new Promise((r) => setTimeout(r, 10));
    const h = pipeline.threadHeap()!;
    expect(h.used).toBeGreaterThan(0);
    expect(h.committed).toBeGreaterThanOrEqual(h.used);
    expect(new InlineStatsdPipeline().threadHeap()).toBeNull();
  });

  it('trims its own heap once a flood of new keys is over, and counts it', async () => {
    // Thresholds small enough for a test-sized flood; checked every 50 ms instead of 15 s.
    const pipeline = new WorkerStatsdPipeline({ trim: { checkEveryMs: 50, minGrowthBytes: 4 * 1024 * 1024, quietBytes: 1024 * 1024, minIntervalMs: 0 } });
    cleanups.push(() => pipeline.stop());
    await pipeline.collect(Infinity);
    await pipeline.collect(Infinity);
    expect(pipeline.threadHeap()!.trims).toBe(0);
    // 100,000 new keys in 1,000-line chunks: the parse leaves garbage behind on the thread.
    const enc = new TextEncoder();
    for (let c = 0; c < 100; c++) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) lines.push(`flood.k${c * 1000 + i}:1|c`);
      pipeline.ingest(enc.encode(lines.join('\n')));
    }
    let peak = 0;
    for (let i = 0; i < 200 && pipeline.threadHeap()!.trims === 0; i++) {
      const delta = (await pipeline.collect(Infinity)).reduce((n, d) => n + d.counters.ids.length, 0);
      if (i === 0) expect(delta).toBe(100_000);
      peak = Math.max(peak, pipeline.threadHeap()!.committed);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(pipeline.threadHeap()!.trims).toBeGreaterThanOrEqual(1);
    await pipeline.collect(Infinity);
    await new Promise((r) => setTimeout(r, 50));
    await pipeline.collect(Infinity);
    expect(pipeline.threadHeap()!.committed).toBeLessThan(peak);
  });
});
