// The per-line half of StatsD on its own: window deltas, and keys told apart by hashes.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatsdAccumulator } from '../../../../src/main/core/collector/statsd-accumulator.ts';

function fnv30(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (const b of Buffer.from(s, 'latin1')) h = Math.imul(h ^ b, 16777619);
  return h & 0x3fffffff;
}

describe('StatsdAccumulator', () => {
  it('folds a window into one delta per key: increments summed, gauge set then moved', () => {
    const acc = new StatsdAccumulator(() => 0.5);
    acc.ingest('c:1|c\nc:2|c\nc:4|c|@0.5\ng:+5|g\ng:10|g\ng:-3|g\nt:100|ms\nt:300|ms\ns:a|s\ns:a|s\ns:b|s');
    const d = acc.drain();
    const id = (name: string) => d.newKeys.find((k) => k.name === name)!.id;
    expect(d.newKeys.map((k) => [k.name, k.kind])).toEqual([
      ['c', 'counter'],
      ['g', 'gauge'],
      ['t', 'summary'],
      ['s', 'set'],
    ]);
    expect([...d.counters.ids]).toEqual([id('c')]);
    expect([...d.counters.incs]).toEqual([11]);
    expect([...d.counters.lines]).toEqual([3]);
    // A set wipes the earlier move; the later move applies on top.
    expect([...d.gauges.sets]).toEqual([10]);
    expect([...d.gauges.adds]).toEqual([-3]);
    expect(d.summaries[0]).toMatchObject({ id: id('t'), seen: 2, weight: 2, sum: 0.4 });
    expect([...d.summaries[0]!.values]).toEqual([0.1, 0.3]);
    expect(d.sets[0]!.members.sort()).toEqual(['a', 'b']);
    expect(d.received).toBe(11);
    const next = acc.drain();
    expect(next.newKeys).toEqual([]);
    expect(next.counters.ids.length).toBe(0);
  });

  it('refuses a second type for a name in the parsing thread, counting each line', () => {
    const acc = new StatsdAccumulator();
    acc.ingest('x:1|c\nx:1|g\nx:2|g');
    const d = acc.drain();
    expect(d.rejects).toEqual([['type_conflict', 2]]);
  });

  it('40,000 tag sets under one name: each its own key, found again by its identity on every pass', () => {
    const acc = new StatsdAccumulator();
    const lines = Array.from({ length: 40_000 }, (_, i) => `one.name:1|c|#user:u${i}`);
    const datagrams: Buffer[] = [];
    for (let i = 0; i < lines.length; i += 20) datagrams.push(Buffer.from(lines.slice(i, i + 20).join('\n')));
    const first = (() => {
      for (const d of datagrams) acc.ingest(d);
      return acc.drain();
    })();
    expect(first.newKeys).toHaveLength(40_000);
    expect(new Set(first.newKeys.map((k) => k.labels[0]![1])).size).toBe(40_000);
    for (let pass = 0; pass < 3; pass++) for (const d of datagrams) acc.ingest(d);
    const again = acc.drain();
    expect(again.newKeys).toEqual([]);
    expect(again.counters.ids.length).toBe(40_000);
    expect([...again.counters.incs].every((v) => v === 3)).toBe(true);
    expect(again.received).toBe(120_000);
  });

  it('timestamped lines travel one by one, not in the window fold', () => {
    const acc = new StatsdAccumulator();
    acc.ingest('c:1|c|T1700000000\nc:2|c|T1700000001\ng:5|g|T1700000000\nboth:1|c\nboth:4|c|T1700000000');
    const d = acc.drain();
    const name = (id: number) => d.newKeys.find((k) => k.id === id)!.name;
    // Only `both` has an untimed line to fold; its timed line is not counted there again.
    expect([...d.counters.ids].map(name)).toEqual(['both']);
    expect([...d.counters.lines]).toEqual([1]);
    expect(d.gauges.ids.length).toBe(0);
    expect(d.timed.map((t) => [name(t.id), t.value, t.tsMs])).toEqual([
      ['c', 1, 1_700_000_000_000],
      ['c', 2, 1_700_000_001_000],
      ['g', 5, 1_700_000_000_000],
      ['both', 4, 1_700_000_000_000],
    ]);
  });

  it('a key id freed by the cap and reused starts empty, whatever kind had it before', () => {
    const acc = new StatsdAccumulator(() => 0.5, { maxKeys: 4 });
    // Six keys of every kind, each left with state; the drain past the cap frees the oldest ids.
    acc.ingest('a:5|c\nb:7|g\nc:9|ms\nd:x|s\ne:1|c\nf:2|c');
    const first = acc.drain();
    expect(first.evicted.keys).toBe(3);
    // New keys of other kinds take the freed ids and fold only their own lines.
    acc.ingest('n1:1|s\nn1:y|s\nn2:4|ms\nn3:+2|g');
    const d = acc.drain();
    expect(d.newKeys.map((k) => k.kind)).toEqual(['set', 'summary', 'gauge']);
    expect(d.newKeys.every((k) => first.newKeys.some((f) => f.id === k.id))).toBe(true);
    expect(d.counters.ids.length).toBe(0);
    const byName = (id: number) => d.newKeys.find((k) => k.id === id)!.name;
    expect(d.sets.map((x) => [byName(x.id), x.members.sort()])).toEqual([['n1', ['1', 'y']]]);
    expect(d.summaries.map((x) => [byName(x.id), [...x.values], x.seen])).toEqual([['n2', [0.004], 1]]);
    expect([...d.gauges.sets]).toEqual([NaN]);
    expect([...d.gauges.adds]).toEqual([2]);
    expect(d.received).toBe(4);
  });

  it('keeps names apart whose 30-bit hashes collide', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; !pair; i++) {
      const name = `m${i}`;
      const h = fnv30(name);
      const other = seen.get(h);
      if (other) pair = [other, name];
      seen.set(h, name);
    }
    const acc = new StatsdAccumulator();
    acc.ingest(`${pair[0]}:1|c\n${pair[1]}:5|c\n${pair[0]}:1|c`);
    const d = acc.drain();
    expect(d.newKeys.map((k) => k.name)).toEqual(pair);
    expect([...d.counters.incs]).toEqual([2, 5]);
  });
});

describe.skipIf(!existsSync('out/main/statsd-worker.js'))('the bundled StatsD thread (out/main, what the desktop app runs)', () => {
  it('starts, takes lines and drains them', async () => {
    // What WorkerStatsdPipeline gives it: the shared counters (KiB handled, trims) and the trimmer's policy.
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const w = new Worker(new URL('../../../../out/main/statsd-worker.js', import.meta.url), { workerData: { shared: shared.buffer, trim: {} } });
    const buf = new TextEncoder().encode('bundled:3|c');
    w.postMessage({ type: 'data', buf: buf.buffer }, [buf.buffer]);
    w.postMessage({ type: 'drain', seq: 1 });
    const reply = await new Promise<{ delta: { newKeys: Array<{ name: string }>; counters: { incs: Float64Array } } }>((resolve) => w.once('message', resolve));
    await w.terminate();
    expect(reply.delta.newKeys[0]!.name).toBe('bundled');
    expect([...reply.delta.counters.incs]).toEqual([3]);
    expect(Atomics.load(shared, 0)).toBe(1);
  });
});
