// Closed chunks that a restart reads back from SQLite go into the store's shared slabs, as chunks
// closed while running do, instead of each keeping SQLite's blob with a buffer of its own (about
// 370 bytes more RSS per chunk until it leaves the hot window); their samples are unchanged.
import { describe, expect, it } from 'vitest';
import { tempDir, tempStores } from '../../../helpers/core.ts';

const H = 3_600_000;
const { open, closed } = tempStores({ hotWindowMs: 2 * H });

describe('closed chunks read back at a restart', () => {
  it('share the slabs and hold the same samples', () => {
    const dir = tempDir();
    const first = open(dir);
    const start = Date.now() - H;
    const names = ['a_total', 'b_total', 'c_total'];
    for (let k = 0; k < 300; k++) {
      for (const [i, n] of names.entries()) first.append(first.resolve(n, [])!, start + k * 10_000, k * (i + 2) + 0.5);
      first.commit();
    }
    const before = names.map((n) => first.resolve(n, [])!.closed.map((c) => [c.tMin, c.tMax, c.count, Array.from(c.bytes)]));
    expect(before.every((cs) => cs.length >= 2)).toBe(true);
    first.close();
    closed(first);

    const again = open(dir);
    const after = names.map((n) => again.resolve(n, [])!.closed.map((c) => [c.tMin, c.tMax, c.count, Array.from(c.bytes)]));
    expect(after).toEqual(before);
    const buffers = new Set(names.flatMap((n) => again.resolve(n, [])!.closed.map((c) => c.bytes.buffer)));
    expect(buffers.size).toBe(1);
  });
});
