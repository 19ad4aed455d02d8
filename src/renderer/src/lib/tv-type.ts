// The TV's type rule: text sizes come from the screen's height and the panel's box, not fixed
// rems. On a board, secondary text (titles, rows, legends, axes) is never below 2 % of the screen's
// height (~22 px at 1080p: a 55-inch TV read from 5 m) and key text starts at 3 %; what cannot be
// shown at that size is counted ("+N more"), never shrunk below it or dropped. The settings
// window's preview has no board around it and keeps desktop sizes.

/** Secondary text on a TV, as a share of the screen's height. */
export const TV_MIN_FRACTION = 0.02;
/** Key text (values in rows and lists) on a TV. */
export const TV_KEY_FRACTION = 0.03;

export interface TypeScale {
  /** The smallest text allowed, px. */
  min: number;
  /** Key text, px. */
  key: number;
  /** The screen's height, px (what the fractions are of). */
  screenPx: number;
  tv: boolean;
}

/** Outside a board (the settings' preview): desktop sizes. */
export const DESKTOP_SCALE: TypeScale = { min: 12, key: 15, screenPx: 0, tv: false };

/** Rounded up to a tenth of a pixel, so "at least 2 %" holds after rounding. */
const up = (px: number) => Math.ceil(Math.round(px * 1000) / 100) / 10;

export function typeScale(screenHeightPx: number): TypeScale {
  const h = Number.isFinite(screenHeightPx) && screenHeightPx > 0 ? screenHeightPx : 1080;
  return { min: Math.max(12, up(h * TV_MIN_FRACTION)), key: Math.max(15, up(h * TV_KEY_FRACTION)), screenPx: h, tv: true };
}

/** The key a board hands its panels their type scale under (Svelte context). */
export const TYPE_SCALE = Symbol('type-scale');

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The largest font (px) at which a text `widthEm` ems wide and `heightEm` ems tall fits a
 * `boxW`×`boxH` box, kept within [min, max]: as large as fits, like Grafana's auto-sized stat.
 * At `min` it may not fit; the caller clips or counts what is left. */
export function fitFont(widthEm: number, heightEm: number, boxW: number, boxH: number, min: number, max: number): number {
  if (!(widthEm > 0) || !(heightEm > 0) || !(boxW > 0) || !(boxH > 0)) return min;
  const f = Math.min(boxW / widthEm, boxH / heightEm);
  return Math.floor(clamp(f, min, Math.max(min, max)) * 10) / 10;
}

export interface ListLayout {
  /** Rows shown, in order. */
  shown: number;
  /** Rows left out and counted on a "+N more" line (which takes a row itself). */
  more: number;
  /** Each row's text, px. */
  fontPx: number;
  /** Each row's height, px. */
  rowPx: number;
}

/**
 * Rows of a table or list in a box `boxH` tall: as many of `count` as fit with text at least
 * `min`, the rows growing to fill the box (text up to `max`). A row is `rowEm` ems of its text
 * tall. A short list is laid out as if it had `atLeast` rows, so two rows do not turn into posters.
 */
export function listLayout(count: number, boxH: number, opts: { min: number; max: number; rowEm: number; atLeast?: number }): ListLayout {
  const { min, max, rowEm } = opts;
  if (count <= 0 || !(boxH > 0)) return { shown: Math.max(0, count), more: 0, fontPx: min, rowPx: min * rowEm };
  const capacity = Math.max(1, Math.floor(boxH / (min * rowEm) + 1e-9));
  const shown = count <= capacity ? count : Math.max(0, capacity - 1);
  const more = count - shown;
  const slots = Math.max(shown + (more > 0 ? 1 : 0), opts.atLeast ?? 1);
  const fontPx = Math.floor(clamp(boxH / slots / rowEm, min, Math.max(min, max)) * 10) / 10;
  return { shown, more, fontPx, rowPx: boxH / slots };
}

/**
 * Tiles in a `w`×`h` box: the column count that lets a tile's text (its longest line
 * `longestEm` ems wide, `tileEm` ems tall) be largest. When even one tile per cell at `min`
 * cannot hold them all, the last cell says "+N more".
 */
export function tileLayout(count: number, w: number, h: number, opts: { min: number; max: number; longestEm: number; tileEm: number; gap: number; padPx: number }): { cols: number; rows: number; shown: number; more: number; fontPx: number } {
  const n = Math.max(1, count);
  if (!(w > 0) || !(h > 0)) return { cols: Math.ceil(Math.sqrt(n)), rows: Math.ceil(n / Math.ceil(Math.sqrt(n))), shown: count, more: 0, fontPx: opts.min };
  const fontFor = (c: number, cells: number) => {
    const r = Math.ceil(cells / c);
    const tw = (w - opts.gap * (c - 1)) / c;
    const th = (h - opts.gap * (r - 1)) / r;
    return Math.min(th / opts.tileEm, (tw - opts.padPx) / opts.longestEm);
  };
  let best = { cols: 1, font: -Infinity };
  for (let c = 1; c <= n; c++) {
    const f = fontFor(c, n);
    if (f > best.font + 0.5) best = { cols: c, font: f };
  }
  if (best.font >= opts.min || count <= 1) {
    const fontPx = Math.floor(clamp(best.font, opts.min, Math.max(opts.min, opts.max)) * 10) / 10;
    return { cols: best.cols, rows: Math.ceil(n / best.cols), shown: count, more: 0, fontPx };
  }
  // Not all fit at the smallest size: as many cells as do, the last one counting the rest.
  const rowsFit = Math.max(1, Math.floor((h + opts.gap) / (opts.min * opts.tileEm + opts.gap)));
  const colsFit = Math.max(1, Math.floor((w + opts.gap) / (opts.min * opts.longestEm + opts.padPx + opts.gap)));
  const cells = rowsFit * colsFit;
  const shown = Math.max(0, Math.min(count, cells - 1));
  return { cols: colsFit, rows: rowsFit, shown, more: count - shown, fontPx: opts.min };
}

/** Whether entries `widths` px wide, in order, fit on `rows` lines `availW` wide with `gap`
 * between them (as flex-wrap lays them out; an entry wider than a line gets a line, cut). */
export function fitsOnLines(widths: readonly number[], availW: number, rows: number, gap: number): boolean {
  if (rows < 1 || !(availW > 0)) return widths.length === 0;
  let line = 1;
  let x = 0;
  for (const w0 of widths) {
    const w = Math.min(w0, availW);
    if (x === 0) x = w;
    else if (x + gap + w <= availW + 0.5) x += gap + w;
    else {
      line++;
      x = w;
    }
    if (line > rows) return false;
  }
  return true;
}

/**
 * How many legend entries (`widths`, px, in order) fit on `rows` lines `availW` wide with `gap`
 * between entries, leaving room for a "+N more" entry (`moreWidth(n)` px) when some do not. Every
 * series is either shown or counted: shown + more = widths.length.
 */
export function legendFit(widths: readonly number[], availW: number, rows: number, gap: number, moreWidth: (n: number) => number): { shown: number; more: number } {
  const n = widths.length;
  for (let k = n; k >= 0; k--) {
    const items = widths.slice(0, k);
    if (k < n) items.push(moreWidth(n - k));
    if (fitsOnLines(items, availW, rows, gap)) return { shown: k, more: n - k };
  }
  return { shown: 0, more: n };
}

/**
 * The legend entries to show when not all fit: those with the largest `values` (the series a
 * person most needs named), kept in the chart's order, with room for "+N more". Returns the
 * indices shown, in order; everything else is counted.
 */
export function legendPick(widths: readonly number[], values: ReadonlyArray<number | null>, availW: number, rows: number, gap: number, moreWidth: (n: number) => number): { shown: number[]; more: number } {
  const n = widths.length;
  const rank = widths.map((_, i) => i).sort((a, b) => (values[b] ?? -Infinity) - (values[a] ?? -Infinity) || a - b);
  for (let k = n; k >= 0; k--) {
    const chosen = new Set(rank.slice(0, k));
    const shown = widths.map((_, i) => i).filter((i) => chosen.has(i));
    const items = shown.map((i) => widths[i]!);
    if (k < n) items.push(moreWidth(n - k));
    if (fitsOnLines(items, availW, rows, gap)) return { shown, more: n - k };
  }
  return { shown: [], more: n };
}
