// When the memory trimmer runs a memory-reducing collection: only once resident memory has grown
// well past where the last trim left it and has stopped moving, never twice within the least
// interval. That V8's collection really gives memory back is heap-trim.int.test.ts (in a process
// of its own).
import { describe, expect, it } from 'vitest';
import { HeapTrimmer, shouldTrimHeap } from '../../../src/main/core/heap-trim.ts';
import { HEAP_TRIM_MAX_BACKOFF } from '../../../src/shared/limits.ts';

const MB = 1024 * 1024;
const policy = { minGrowthBytes: 64 * MB, quietBytes: 16 * MB, maxUtilization: 0.5, minIntervalMs: 300_000 };

describe('shouldTrimHeap', () => {
  it.each([
    ['no previous reading', null, 400, 200, 0.1, -Infinity, 1e6, false],
    ['grown and still', 396, 400, 200, 0.1, -Infinity, 1e6, true],
    ['grown and falling slowly', 410, 400, 200, 0.1, -Infinity, 1e6, true],
    ['grown but still growing', 300, 400, 200, 0.1, -Infinity, 1e6, false],
    ['grown but falling fast (V8 giving back already)', 440, 400, 200, 0.1, -Infinity, 1e6, false],
    ['grown and still, but the loop busy (a long import)', 396, 400, 200, 0.9, -Infinity, 1e6, false],
    ['grown and still, the loop half busy', 396, 400, 200, 0.5, -Infinity, 1e6, true],
    ['not grown enough', 250, 250, 200, 0.1, -Infinity, 1e6, false],
    ['grown exactly the least', 264, 264, 200, 0.1, -Infinity, 1e6, true],
    ['too soon after the last trim', 400, 400, 200, 0.1, 800_000, 1e6, false],
    ['the least interval passed', 400, 400, 200, 0.1, 700_000, 1e6, true],
  ])('%s', (_name, prev, rss, baseline, busy, last, now, want) => {
    expect(shouldTrimHeap(prev === null ? null : prev * MB, rss * MB, baseline * MB, busy, last, now, policy)).toBe(want);
  });
});

describe('HeapTrimmer', () => {
  it('measures growth from the lowest reading, not the first', () => {
    const readings = [400, 180, 250, 250, 250, 170];
    let i = 0;
    const t = new HeapTrimmer({ ...policy, rss: () => readings[i++]! * MB, utilization: () => 0.1, now: () => 1e6, log: () => {} });
    expect(t.check()).toBe(false); // 400: started in a burst
    expect(t.check()).toBe(false); // 180: V8 gave it back by itself; the new low
    expect(t.check()).toBe(false); // 250: grown 70 MB from the low, but moving
    expect(t.check()).toBe(true); // 250, still: trims (250 → 170)
    expect(t.stats.lastFreedBytes).toBe(80 * MB);
  });

  it('measures from where the start left the process: a burst before the first check is trimmed', () => {
    // Readings in MB: 150 at start(); apps send at once, so the first check already reads 420.
    const readings = [150, 420, 418, 418, 230];
    let i = 0;
    const t = new HeapTrimmer({ ...policy, checkEveryMs: 1e9, rss: () => readings[Math.min(i++, readings.length - 1)]! * MB, utilization: () => 0.1, now: () => 1e6, log: () => {} });
    t.start();
    try {
      expect(t.check()).toBe(false); // 420: grown from 150, no previous reading yet
      expect(t.check()).toBe(true); // 418, still: trims (418 → 230)
      expect(t.stats.lastFreedBytes).toBe(188 * MB);
    } finally {
      t.stop();
    }
  });

  it('trims once a burst is over, starts again from where the trim left the process, and waits the least interval', () => {
    // Readings in MB: start 150; a burst to 420; still; the trim's before/after (420 → 230); …
    const readings = [150, 420, 418, 418, 230, 240, 330, 330, 330, 200];
    let i = 0;
    let clock = 1_000_000;
    const lines: string[] = [];
    const t = new HeapTrimmer({ ...policy, rss: () => readings[Math.min(i++, readings.length - 1)]! * MB, utilization: () => 0.1, now: () => clock, log: (l) => lines.push(l) });
    expect(t.check()).toBe(false); // the baseline, 150
    expect(t.check()).toBe(false); // 420: grown, but still moving
    expect(t.check()).toBe(true); // 418: grown and still: trims (reads 418 before, 230 after)
    expect(t.stats).toMatchObject({ trims: 1, lastFreedBytes: 188 * MB });
    expect(lines[0]).toMatch(/^memory trimmed: resident 418 → 230 MB, in \d+ ms$/);
    expect(t.check()).toBe(false); // 240: within 64 MB of where the trim left it
    clock += 60_000;
    expect(t.check()).toBe(false); // 330: grown from 230, moving
    expect(t.check()).toBe(false); // 330, still, but within 5 minutes of the trim
    clock += 300_000;
    expect(t.check()).toBe(true); // 330 still, 5 minutes on: trims (330 → 200)
    expect(t.stats.trims).toBe(2);
  });
  it('backs off when steady work regrows what each trim gives back, and starts afresh on a new burst', () => {
    // A board's queries every few seconds: a trim takes 290 → 228 MB, the queries bring it back to
    // 290 within a check or two, and it holds there. Readings every 15 s for an hour, then a burst.
    const pol = { minGrowthBytes: 32 * MB, quietBytes: 16 * MB, maxUtilization: 0.5, minIntervalMs: 60_000 };
    let clock = 0;
    let level = 228;
    const trimAt: number[] = [];
    const collect = () => {
      trimAt.push(clock);
      level = 228; // what the trim gives back…
    };
    const t = new HeapTrimmer({ ...pol, rss: () => level * MB, utilization: () => 0.1, now: () => clock, log: () => {}, collect });
    for (; clock <= 3_600_000; clock += 15_000) {
      if (t.check()) continue;
      level = 290; // …comes back with the next queries
    }
    // Without the back-off: a trim every minute or so (about 50 in the hour). With it: the waits
    // double, 1, 2, 4, 8, 16 minutes, then 16 minutes at most.
    expect(trimAt.length).toBeGreaterThanOrEqual(5);
    expect(trimAt.length).toBeLessThanOrEqual(9);
    const gaps = trimAt.slice(1).map((x, i) => x - trimAt[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(Math.min(gaps[i - 1]!, 60_000 * HEAP_TRIM_MAX_BACKOFF));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000 * HEAP_TRIM_MAX_BACKOFF + 45_000);
    // A new burst, well above where the last trim found it: trimmed a minute after the last trim
    // at the latest, and the wait is back to one minute.
    const last = trimAt.at(-1)!;
    clock = last + 60_000;
    level = 600;
    t.check();
    clock += 15_000;
    expect(t.check()).toBe(true); // 600, still: trims at once (the wait is measured from the last trim)
    level = 290;
    clock += 15_000;
    t.check();
    clock += 60_000;
    level = 600;
    t.check();
    clock += 15_000;
    expect(t.check()).toBe(true); // another burst a minute later: the wait is one minute again
  });
});
