// A real store behind the one door (collector/ingest.ts), for the received = applied + refused
// tests of every receiver: a small series cap, a fixed clock, the door's counters per receiver,
// and a cleanup that the calling test file runs after each test (useDoors registers it).
import { rmSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { Ingest } from '../../src/main/core/collector/ingest.ts';
import { Store } from '../../src/main/core/store/index.ts';
import { tempDir } from './core.ts';

export const H = 3_600_000;
export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

export interface Door {
  store: Store;
  ingest: Ingest;
  counts(receiver: string): { received: number; applied: number; refused: Record<string, number> };
  /** Asserts the invariant from the door's counters alone, and returns them. */
  balanced(receiver: string): { received: number; applied: number; refused: Record<string, number> };
  flush(): void;
  /** The current value of a name's overflow series, if it has one. */
  overflow(name: string): number | undefined;
}

/** Call once at the top of a test file; returns `door(maxSeries)`, closed after each test. */
export function useDoors(): (maxSeries: number) => Door {
  let cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  return (maxSeries) => {
    const dir = tempDir();
    const store = new Store({
      dir,
      maxSeries,
      hotWindowMs: H,
      retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H },
      now: () => NOW,
    });
    cleanups.push(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const ingest = new Ingest({ store, repeatIntervalMs: 15_000 });
    const counts = (receiver: string) => ({
      received: ingest.stats.received.get(receiver) ?? 0,
      applied: ingest.stats.applied.get(receiver) ?? 0,
      refused: Object.fromEntries(ingest.stats.rejected.get(receiver) ?? []),
    });
    const balanced = (receiver: string) => {
      const c = counts(receiver);
      expect(c.received).toBe(c.applied + ingest.stats.rejectedCount(receiver));
      return c;
    };
    const flush = () => {
      ingest.flush(NOW);
      store.commit();
    };
    const overflow = (name: string) => store.index.get(`${name}{radiator_overflow="true"}`)?.lastValue;
    return { store, ingest, counts, balanced, flush, overflow };
  };
}
