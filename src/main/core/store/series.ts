// One series in memory: its identity, its open chunk, and the closed chunks still inside the hot
// window. Everything older is only on disk.

import type { LabelPairs, SeriesId } from '../../../shared/model.ts';
import { ClosedChunk, LOOSE_SERIES, type SeriesPage, type SeriesTable } from './series-table.ts';

export { ClosedChunk };

/** The `closed` of a series that holds none. */
export const NO_CHUNKS: readonly ClosedChunk[] = Object.freeze([]);

export class Series implements SeriesId {
  readonly id: number;
  readonly name: string;
  readonly labels: LabelPairs;
  readonly key: string;
  /** Closed chunks held in memory, oldest first (add with `addClosed`; none: one shared empty
   * list, not an array per series). */
  closed: readonly ClosedChunk[] = NO_CHUNKS;
  /** Where the numbers below and the open chunk are kept: a column each in `page`, at `slot`
   * (see series-table.ts). */
  private readonly page: SeriesPage;
  private readonly slot: number;

  /** `table`: its store's (series made outside a store share one). */
  constructor(id: number, name: string, labels: LabelPairs, key: string, table: SeriesTable = LOOSE_SERIES) {
    this.id = id;
    this.name = name;
    this.labels = labels;
    this.key = key;
    this.page = table.pageForNewSeries();
    this.slot = this.page.used++;
  }

  // ── the open chunk: the one being appended to, none until the first sample (or after a close)

  /** Samples in the open chunk (0: there is none). */
  get openCount(): number {
    return this.page.openCount[this.slot]!;
  }

  /** The open chunk's first and last times (when openCount > 0). */
  get openTMin(): number {
    return this.page.openTMin[this.slot]!;
  }

  get openTMax(): number {
    return this.page.openTMax[this.slot]!;
  }

  /** Appends to the open chunk, opening one if there is none; returns its sample count. Times
   * must increase; the caller (the store) enforces it. */
  appendOpen(ts: number, value: number): number {
    return this.page.append(this.slot, ts, value);
  }

  /** The open chunk's bytes (a copy, safe to keep after more appends). */
  openSnapshot(): Uint8Array {
    return this.page.snapshot(this.slot);
  }

  /** Closes the open chunk and returns it; the next append opens a new one. */
  closeOpen(): ClosedChunk {
    return this.page.close(this.slot);
  }

  /** Appends a closed chunk (newer than those held) to `closed`. */
  addClosed(c: ClosedChunk): void {
    if (this.closed === NO_CHUNKS) this.closed = [c];
    else (this.closed as ClosedChunk[]).push(c);
  }

  /** Makes `bytes` (`count` samples, as ChunkEncoder writes them) the open chunk. */
  loadOpen(bytes: Uint8Array, count: number): void {
    this.page.load(this.slot, bytes, count);
  }

  /** Samples of the open chunk already written to disk by a checkpoint. */
  get openPersisted(): number {
    return this.page.openPersisted[this.slot]!;
  }
  set openPersisted(n: number) {
    this.page.openPersisted[this.slot] = n;
  }

  get lastTs(): number {
    return this.page.lastTs[this.slot]!;
  }
  set lastTs(t: number) {
    this.page.lastTs[this.slot] = t;
  }

  /** The oldest sample anywhere (memory or disk); an import may only add before it or after lastTs. */
  get firstTs(): number {
    return this.page.firstTs[this.slot]!;
  }
  set firstTs(t: number) {
    this.page.firstTs[this.slot] = t;
  }

  get lastValue(): number {
    return this.page.lastValue[this.slot]!;
  }
  set lastValue(v: number) {
    this.page.lastValue[this.slot] = v;
  }

  /** When the value last differed from the one before. */
  get lastChangeTs(): number {
    return this.page.lastChangeTs[this.slot]!;
  }
  set lastChangeTs(t: number) {
    this.page.lastChangeTs[this.slot] = t;
  }

  /** When input last arrived for this series — not a repeat of a held value (for staleness on
   * the screen: a StatsD gauge or a pushed group is repeated forever after its sender stops). */
  get lastInputTs(): number {
    return this.page.lastInputTs[this.slot]!;
  }
  set lastInputTs(t: number) {
    this.page.lastInputTs[this.slot] = t;
  }

  /** The oldest timestamp memory holds for this series; older samples are read from disk. */
  get memFrom(): number {
    return this.page.memFrom[this.slot]!;
  }
  set memFrom(t: number) {
    this.page.memFrom[this.slot] = t;
  }

  /** Whether any sample of this series was ever written to disk (so a disk read can find it). */
  get onDisk(): boolean {
    return this.page.onDisk[this.slot] === 1;
  }
  set onDisk(b: boolean) {
    this.page.onDisk[this.slot] = b ? 1 : 0;
  }

  // Indexed loops: these run over every series every few seconds (the store's stats), and a for-of
  // here allocated an iterator result per chunk (about 1.6 MB/s at 100,000 series).
  get sampleCountInMemory(): number {
    let n = this.openCount;
    const closed = this.closed;
    for (let i = 0; i < closed.length; i++) n += closed[i]!.count;
    return n;
  }

  get bytesInMemory(): number {
    let n = this.page.capacity(this.slot);
    const closed = this.closed;
    for (let i = 0; i < closed.length; i++) n += closed[i]!.length;
    return n;
  }

  /** Samples in the memory chunks that overlap [from, to]: what `decodeMemoryInto` writes. */
  memoryChunkCount(from: number, to: number): number {
    let total = 0;
    for (const c of this.closed) if (!(c.tMax < from || c.tMin > to)) total += c.count;
    const n = this.openCount;
    if (n > 0 && !(this.openTMax < from || this.openTMin > to)) total += n;
    return total;
  }

  /** Decode the memory chunks that overlap [from, to], whole, into the arrays at `offset`, in
   * time order; returns the number written (samples outside [from, to] included). */
  decodeMemoryInto(from: number, to: number, ts: Float64Array, values: Float64Array, offset: number): number {
    let n = offset;
    for (const c of this.closed) if (!(c.tMax < from || c.tMin > to)) n += c.decodeInto(ts, values, n);
    if (this.openCount > 0 && !(this.openTMax < from || this.openTMin > to)) n += this.page.decode(this.slot, ts, values, n);
    return n - offset;
  }

  /** Samples with from <= ts <= to held in memory, in order. Decoded straight into the two
   * result arrays, nothing else allocated; into `scratch`'s buffers when given (the result is
   * then only valid until their next use). */
  readMemory(from: number, to: number, scratch?: { take(n: number): { ts: Float64Array; values: Float64Array } }): { ts: Float64Array; values: Float64Array } {
    const total = this.memoryChunkCount(from, to);
    const { ts, values } = scratch ? scratch.take(total) : { ts: new Float64Array(total), values: new Float64Array(total) };
    const n = this.decodeMemoryInto(from, to, ts, values, 0);
    return trimToRange(ts, values, from, to, n);
  }
}

/** The sub-arrays whose timestamps fall in [from, to]; both arrays are sorted by time over their
 * first `length` elements (all by default; what lies past is ignored). */
export function trimToRange(ts: Float64Array, values: Float64Array, from: number, to: number, length = ts.length): { ts: Float64Array; values: Float64Array } {
  let a = 0;
  let b = length;
  while (a < b && ts[a]! < from) a++;
  while (b > a && ts[b - 1]! > to) b--;
  if (a === 0 && b === ts.length) return { ts, values };
  return { ts: ts.subarray(a, b), values: values.subarray(a, b) };
}
