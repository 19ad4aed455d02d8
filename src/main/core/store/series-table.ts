// The numbers of series, a column each, in pages of PAGE_SLOTS series, and the bytes of their
// open chunks. A field that holds a double in a JavaScript object costs a pointer and a 16-byte
// heap number of its own; here it is 8 bytes in a Float64Array, and the series object keeps its
// page and its slot in it. An open chunk of its own would be an encoder object, a Uint8Array and
// an ArrayBuffer (about 300 bytes before its first sample); here it is a region of a shared slab
// plus its encoder state in the page's columns.
//
// Pages are filled in order and never reused (a store never forgets a series); only the page
// being filled has unused slots. Each store has its own table (see Head), so what it holds goes
// when the store goes; series made outside a store (tests) share LOOSE_SERIES, which keeps them.

import { decodeChunk, decodeInto, encodeSample, SAMPLE_ROOM, type EncoderState } from './chunk-codec.ts';

const PAGE_SLOTS = 1024;
/** The smallest region; each size class doubles it. */
const MIN_REGION = 32;
const SLAB_BYTES = 32 * 1024;
const CLOSED_SLAB_BYTES = 64 * 1024;

/** A closed chunk the store keeps in memory: its span, its count, and its bytes at `at` in `buf`
 * (a slab shared with chunks that closed about the same time, see keepClosed, or a buffer of its
 * own), without a Uint8Array view of its own per chunk. */
export class ClosedChunk {
  readonly tMin: number;
  readonly tMax: number;
  readonly count: number;
  private readonly buf: Uint8Array;
  private readonly at: number;
  /** Its size in bytes. */
  readonly length: number;

  constructor(tMin: number, tMax: number, count: number, buf: Uint8Array, at = 0, length = buf.length - at) {
    this.tMin = tMin;
    this.tMax = tMax;
    this.count = count;
    this.buf = buf;
    this.at = at;
    this.length = length;
  }

  /** Its bytes: a view, made on each call (to write it to disk). */
  get bytes(): Uint8Array {
    return this.buf.subarray(this.at, this.at + this.length);
  }

  /** Decodes it into the arrays at `offset`; returns the number written. */
  decodeInto(outTs: Float64Array, outValues: Float64Array, offset: number): number {
    return decodeInto(this.buf, this.count, outTs, outValues, offset, this.at);
  }
}

/** Copies `n` bytes without making a view for the copy: appends run for every sample, and a
 * subarray per append was about 1 MB/s of garbage at 100,000 series (n is a sample's few bytes,
 * or a region's when it grows). */
function copyBytes(from: Uint8Array, at: number, to: Uint8Array, dest: number, n: number): void {
  for (let i = 0; i < n; i++) to[dest + i] = from[at + i]!;
}

/** Regions of one size, packed densely in slabs: region r is at `slab(r)`, `offset(r)`. Freeing
 * one moves the last region into its place (and tells that region's owner), so the regions in use
 * are always 0..n-1 and a slab is let go once it is empty. */
class RegionPool {
  readonly size: number;
  private readonly table: SeriesTable;
  private readonly shift: number;
  private readonly mask: number;
  private readonly slabs: Uint8Array[] = [];
  private n = 0;
  /** Who holds each region: the slot (page number × PAGE_SLOTS + slot) whose `openRef` is it. */
  private owners = new Int32Array(64);

  constructor(table: SeriesTable, size: number) {
    this.table = table;
    this.size = size;
    const perSlab = Math.max(1, SLAB_BYTES / size);
    this.shift = Math.log2(perSlab);
    this.mask = perSlab - 1;
  }

  slab(r: number): Uint8Array {
    return this.slabs[r >>> this.shift]!;
  }

  offset(r: number): number {
    return (r & this.mask) * this.size;
  }

  alloc(page: SeriesPage, slot: number): number {
    // Whatever may fail to allocate comes before the count changes, so a failed allocation leaves
    // no region counted without its slab or owner (a later free would move it onto a live one).
    const r = this.n;
    if (r >>> this.shift === this.slabs.length) this.slabs.push(new Uint8Array((this.mask + 1) * this.size));
    if (r === this.owners.length) {
      const owners = new Int32Array(r * 2);
      owners.set(this.owners);
      this.owners = owners;
    }
    this.owners[r] = page.no * PAGE_SLOTS + slot;
    this.n = r + 1;
    return r;
  }

  free(r: number): void {
    const last = --this.n;
    if (r !== last) {
      const owner = this.owners[last]!;
      const page = this.table.pages[(owner / PAGE_SLOTS) | 0]!;
      const slot = owner % PAGE_SLOTS;
      const from = this.offset(last);
      this.slab(r).set(this.slab(last).subarray(from, from + page.openPos[slot]!), this.offset(r));
      this.owners[r] = owner;
      page.openRef[slot] = r;
    }
    // One spare slab stays, so a region freed and taken again does not allocate a slab each time.
    if (this.slabs.length >= 2 && this.n <= (this.slabs.length - 2) << this.shift) this.slabs.pop();
    if (this.owners.length > 256 && this.n < this.owners.length / 4) this.owners = this.owners.slice(0, this.owners.length / 2);
  }
}

/** The encoder state of the open chunk being appended to, loaded from and stored back to columns. */
const st: EncoderState = { pos: 0, count: 0, tMin: 0, tMax: 0, prevDelta: 0, prevHi: 0, prevLo: 0 };
/** Where a sample that may not fit is written first. */
const aside = new Uint8Array(SAMPLE_ROOM);

export class SeriesTable {
  /** Every page, by its number; the last is the one being filled. */
  readonly pages: SeriesPage[] = [];
  /** Region pools by size class (MIN_REGION << class). */
  private readonly pools: RegionPool[] = [];
  private closedSlab = new Uint8Array(0);
  private closedUsed = 0;

  /** The page of a new series; its slot is `page.used++`. */
  pageForNewSeries(): SeriesPage {
    const last = this.pages[this.pages.length - 1];
    if (last !== undefined && last.used < PAGE_SLOTS) return last;
    const page = new SeriesPage(this, this.pages.length);
    this.pages.push(page);
    return page;
  }

  /** A closed chunk to keep, its bytes copied from `bytes` into a shared slab, filled in order,
   * not into a buffer of its own (an ArrayBuffer and its allocation cost more than a small
   * chunk). Chunks that share a slab closed at about the same time and leave memory at about the
   * same time (the hot window), after which the slab goes with the last chunk in it. */
  keepClosed(tMin: number, tMax: number, count: number, bytes: Uint8Array): ClosedChunk {
    const n = bytes.length;
    if (n > CLOSED_SLAB_BYTES / 8) return new ClosedChunk(tMin, tMax, count, bytes.slice());
    if (this.closedUsed + n > this.closedSlab.length) {
      this.closedSlab = new Uint8Array(CLOSED_SLAB_BYTES);
      this.closedUsed = 0;
    }
    const at = this.closedUsed;
    this.closedSlab.set(bytes, at);
    this.closedUsed += n;
    return new ClosedChunk(tMin, tMax, count, this.closedSlab, at, n);
  }

  pool(cls: number): RegionPool {
    while (this.pools.length <= cls) this.pools.push(new RegionPool(this, MIN_REGION << this.pools.length));
    return this.pools[cls]!;
  }
}

/** Series made outside a store (tests). */
export const LOOSE_SERIES = new SeriesTable();

export class SeriesPage {
  readonly table: SeriesTable;
  /** Its index in the table's pages. */
  readonly no: number;
  /** Slots handed out. */
  used = 0;
  readonly lastTs = new Float64Array(PAGE_SLOTS).fill(-Infinity);
  readonly firstTs = new Float64Array(PAGE_SLOTS).fill(Infinity);
  readonly lastValue = new Float64Array(PAGE_SLOTS).fill(NaN);
  readonly lastChangeTs = new Float64Array(PAGE_SLOTS).fill(-Infinity);
  readonly lastInputTs = new Float64Array(PAGE_SLOTS).fill(-Infinity);
  readonly memFrom = new Float64Array(PAGE_SLOTS).fill(Infinity);
  readonly openPersisted = new Int32Array(PAGE_SLOTS);
  readonly onDisk = new Uint8Array(PAGE_SLOTS);
  // The open chunk: its region (-1: none) and size class, and its encoder's state.
  readonly openRef = new Int32Array(PAGE_SLOTS).fill(-1);
  readonly openCls = new Uint8Array(PAGE_SLOTS);
  readonly openPos = new Int32Array(PAGE_SLOTS);
  readonly openCount = new Int32Array(PAGE_SLOTS);
  readonly openTMin = new Float64Array(PAGE_SLOTS);
  readonly openTMax = new Float64Array(PAGE_SLOTS);
  readonly openPrevDelta = new Float64Array(PAGE_SLOTS);
  readonly openPrevHi = new Int32Array(PAGE_SLOTS);
  readonly openPrevLo = new Int32Array(PAGE_SLOTS);

  constructor(table: SeriesTable, no: number) {
    this.table = table;
    this.no = no;
  }

  /** Appends a sample to the slot's open chunk, opening one if there is none; returns its count.
   * A region is taken or grown (to the next size that holds it) only when the sample's bytes do
   * not fit, not whenever the room left is under SAMPLE_ROOM. */
  append(slot: number, ts: number, value: number): number {
    const table = this.table;
    let ref = this.openRef[slot]!;
    let cls = this.openCls[slot]!;
    const pos = ref < 0 ? 0 : this.openPos[slot]!;
    st.pos = pos;
    st.count = ref < 0 ? 0 : this.openCount[slot]!;
    st.tMin = this.openTMin[slot]!;
    st.tMax = this.openTMax[slot]!;
    st.prevDelta = this.openPrevDelta[slot]!;
    st.prevHi = this.openPrevHi[slot]!;
    st.prevLo = this.openPrevLo[slot]!;
    if (ref >= 0 && pos + SAMPLE_ROOM <= table.pool(cls).size) {
      const pool = table.pool(cls);
      encodeSample(pool.slab(ref), pool.offset(ref), st, ts, value);
    } else {
      // Written aside first, to learn how many bytes it takes.
      st.pos = 0;
      encodeSample(aside, 0, st, ts, value);
      const len = st.pos;
      st.pos = pos + len;
      if (ref < 0 || pos + len > table.pool(cls).size) {
        let next = ref < 0 ? 0 : cls + 1;
        while (pos + len > MIN_REGION << next) next++;
        const to = table.pool(next);
        const moved = to.alloc(this, slot);
        if (ref >= 0) {
          const from = table.pool(cls);
          const at = from.offset(ref);
          copyBytes(from.slab(ref), at, to.slab(moved), to.offset(moved), pos);
          from.free(ref);
        }
        ref = moved;
        cls = next;
        this.openRef[slot] = ref;
        this.openCls[slot] = cls;
      }
      const pool = table.pool(cls);
      copyBytes(aside, 0, pool.slab(ref), pool.offset(ref) + pos, len);
    }
    this.openPos[slot] = st.pos;
    this.openCount[slot] = st.count;
    this.openTMin[slot] = st.tMin;
    this.openTMax[slot] = st.tMax;
    this.openPrevDelta[slot] = st.prevDelta;
    this.openPrevHi[slot] = st.prevHi;
    this.openPrevLo[slot] = st.prevLo;
    return st.count;
  }

  /** The open chunk's bytes (a copy). */
  snapshot(slot: number): Uint8Array {
    const pool = this.table.pool(this.openCls[slot]!);
    const ref = this.openRef[slot]!;
    if (ref < 0) return new Uint8Array(0);
    const at = pool.offset(ref);
    return pool.slab(ref).slice(at, at + this.openPos[slot]!);
  }

  /** Bytes the open chunk holds room for (0 without one). */
  capacity(slot: number): number {
    return this.openRef[slot]! < 0 ? 0 : this.table.pool(this.openCls[slot]!).size;
  }

  /** Decodes the open chunk into the arrays at `offset`; returns the number written. */
  decode(slot: number, outTs: Float64Array, outValues: Float64Array, offset: number): number {
    const ref = this.openRef[slot]!;
    if (ref < 0) return 0;
    const pool = this.table.pool(this.openCls[slot]!);
    return decodeInto(pool.slab(ref), this.openCount[slot]!, outTs, outValues, offset, pool.offset(ref));
  }

  /** Closes the open chunk and returns it (its bytes copied, see keepClosed); the slot has no
   * open chunk after. */
  close(slot: number): ClosedChunk {
    if (this.openRef[slot]! < 0) throw new Error('no open chunk to close');
    const pool = this.table.pool(this.openCls[slot]!);
    const at = pool.offset(this.openRef[slot]!);
    const bytes = pool.slab(this.openRef[slot]!).subarray(at, at + this.openPos[slot]!);
    const chunk = this.table.keepClosed(this.openTMin[slot]!, this.openTMax[slot]!, this.openCount[slot]!, bytes);
    this.discard(slot);
    return chunk;
  }

  /** Drops the open chunk, if any. */
  discard(slot: number): void {
    const ref = this.openRef[slot]!;
    if (ref >= 0) this.table.pool(this.openCls[slot]!).free(ref);
    this.openRef[slot] = -1;
    this.openCount[slot] = 0;
    this.openPos[slot] = 0;
  }

  /** Makes `bytes` (`count` samples, as ChunkEncoder writes them) the open chunk. */
  load(slot: number, bytes: Uint8Array, count: number): void {
    this.discard(slot);
    const { ts, values } = decodeChunk(bytes, count);
    for (let i = 0; i < count; i++) this.append(slot, ts[i]!, values[i]!);
  }
}
