// The numbers of series, a column each, in pages of PAGE_SLOTS series. A field that holds a double
// in a JavaScript object costs a pointer and a 16-byte heap number of its own; here it is 8 bytes
// in a Float64Array, and the series object keeps its page and its slot in it. Pages are filled
// in order and never reused (a store never forgets a series); a page lives as long as any of
// its series, and only the page being filled has unused slots.

const PAGE_SLOTS = 1024;

export class SeriesPage {
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
}

let filling = new SeriesPage();

/** The page of a new series; its slot is `page.used++`. */
export function pageForNewSeries(): SeriesPage {
  if (filling.used === PAGE_SLOTS) filling = new SeriesPage();
  return filling;
}
