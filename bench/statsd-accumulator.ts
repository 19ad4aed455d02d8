// StatsD lines/s through the accumulator alone (the per-line half that runs on the StatsD
// thread): 40,000 tag sets under one name, against 40,000 distinct names, once every key is
// known. No sockets, no store: what a line costs to find its key and fold into the window.
// Prints the figures; asserts nothing.
//
//   node bench/statsd-accumulator.ts [--seconds 2]

import { parseArgs } from 'node:util';
import { StatsdAccumulator } from '../src/main/core/collector/statsd-accumulator.ts';

const { values: opt } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const SECONDS = Number(opt.seconds);
const KEYS = 40_000;
const PER_DATAGRAM = 20;

function datagrams(line: (i: number) => string): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < KEYS; i += PER_DATAGRAM) {
    const lines: string[] = [];
    for (let k = i; k < Math.min(KEYS, i + PER_DATAGRAM); k++) lines.push(line(k));
    out.push(Buffer.from(lines.join('\n')));
  }
  return out;
}

function run(label: string, grams: Buffer[]): number {
  const acc = new StatsdAccumulator();
  const t0 = performance.now();
  for (const g of grams) acc.ingest(g);
  acc.drain();
  const firstMs = performance.now() - t0;
  let lines = 0;
  const start = performance.now();
  let elapsed = 0;
  // One drain per pass, as if each pass were a flush window.
  while (elapsed < SECONDS * 1000) {
    for (const g of grams) acc.ingest(g);
    acc.drain();
    lines += KEYS;
    elapsed = performance.now() - start;
  }
  const rate = lines / (elapsed / 1000);
  console.log(`${label.padEnd(44)} ${(rate / 1e6).toFixed(2).padStart(6)} M lines/s   (first pass, resolving ${KEYS} new keys: ${firstMs.toFixed(0)} ms)`);
  return rate;
}

console.log(`StatsD accumulator, ${KEYS} keys, ${PER_DATAGRAM} lines a datagram, ${SECONDS} s a case (goal: ≥ 1 M lines/s with one name)`);
run('40,000 tag sets under one name', datagrams((i) => `api.requests:1|c|#user:u${i},region:eu`));
run('40,000 distinct names', datagrams((i) => `api.requests.u${i}:1|c|#region:eu`));
