// Roughly how much memory one series' detector state holds once every window is full: the heap
// growth over many instances, each fed enough points to fill its buffers, divided by their number.
// Typed arrays' contents live outside the JS heap (process.memoryUsage().arrayBuffers) and are
// counted too: most of the detectors' windows are typed arrays.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function bytesPerSeries(create: () => { update(t: number, v: number): unknown }, points: number, instances = 200): number {
  // A daily pattern at 5-minute steps with noise, so the seasonal detector keeps its full state.
  let seed = 1;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const feed = (d: { update(t: number, v: number): unknown }) => {
    for (let i = 0; i < points; i++) d.update(i * 300_000, 100 + 10 * Math.sin((2 * Math.PI * i) / 288) + rnd());
  };
  feed(create()); // warm up code and shared caches before measuring
  // Twice: a typed array's contents are released only after the collection that frees its object.
  gc();
  gc();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const keep: unknown[] = [];
  for (let k = 0; k < instances; k++) {
    const d = create();
    feed(d);
    keep.push(d);
  }
  gc();
  gc();
  const after = used();
  return (after - before) / keep.length;
}
