// Where a Grafana dashboard's panels go on TV boards. Pure. A section (a Grafana row, or the
// panels above the first row) becomes one board, or one board per screenful when it is taller
// than a screen; a board keeps Grafana's 24 columns and its relative x/w, one grid row per Grafana
// height unit, so nothing is squeezed and nothing overlaps. Screens are cut only between panels
// (where no panel straddles the line), at most GRAFANA_SCREEN_UNITS tall and MAX_BOARD_PANELS
// panels each.

import { GRAFANA_SCREEN_UNITS, MAX_BOARD_PANELS } from '../../../shared/limits.ts';

export interface GridItem<T> {
  item: T;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Screen<T> {
  /** Grid rows of the board (≥ the lowest panel's bottom edge). */
  rows: number;
  items: Array<GridItem<T>>;
}

/** Grafana's grid is 24 columns wide. */
export const GRAFANA_COLUMNS = 24;
/** A board's grid rows: one screenful of Grafana height units (half of one for a short section,
 * its panels twice as tall when that fits, so a strip of stats does not hug the top of an empty
 * screen, nor stretch into a wall). */
const BOARD_ROWS = GRAFANA_SCREEN_UNITS;

/** Clamps into the 24 columns and moves each panel up as far as the panels above it allow, as
 * Grafana's grid does (a collapsed row keeps its panels at old positions, with gaps of hundreds of
 * units between them, or overlapping the open layout). Top-left order; nothing overlaps. */
export function settle<T>(items: ReadonlyArray<GridItem<T>>): Array<GridItem<T>> {
  const done: Array<GridItem<T>> = [];
  for (const p0 of [...items].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const p = { ...p0 };
    p.x = Math.max(0, Math.min(GRAFANA_COLUMNS - 1, Math.round(p.x)));
    p.w = Math.max(1, Math.min(GRAFANA_COLUMNS - p.x, Math.round(p.w)));
    p.h = Math.max(1, Math.round(p.h));
    // Just below the lowest panel above that shares a column with it.
    p.y = Math.max(0, ...done.filter((q) => p.x < q.x + q.w && q.x < p.x + p.w).map((q) => q.y + q.h));
    done.push(p);
  }
  return done;
}

/** One section's panels as screens: cut only where no panel straddles the line. */
export function screensOf<T>(section: ReadonlyArray<GridItem<T>>, screenUnits = BOARD_ROWS, maxPanels = MAX_BOARD_PANELS): Array<Screen<T>> {
  const items = settle(section);
  if (items.length === 0) return [];
  const top0 = Math.min(...items.map((p) => p.y));
  for (const p of items) p.y -= top0;
  const bottom = Math.max(...items.map((p) => p.y + p.h));
  // Lines where a cut leaves every panel whole.
  const cuts: number[] = [];
  for (let c = 1; c <= bottom; c++) if (items.every((p) => p.y + p.h <= c || p.y >= c)) cuts.push(c);
  const screens: Array<Screen<T>> = [];
  let top = 0;
  while (top < bottom) {
    const within = (c: number) => items.filter((p) => p.y >= top && p.y + p.h <= c).length;
    const fits = cuts.filter((c) => c > top && c - top <= screenUnits && within(c) <= maxPanels);
    // The furthest cut that fits; else the nearest (a panel taller than a screen, or a band of
    // more panels than a board holds, which is then dealt out below).
    const cut = fits.length > 0 ? fits[fits.length - 1]! : cuts.find((c) => c > top)!;
    const band = items.filter((p) => p.y >= top && p.y + p.h <= cut).map((p) => ({ ...p, y: p.y - top }));
    for (let i = 0; i < band.length; i += maxPanels) screens.push(fit(band.slice(i, i + maxPanels), cut - top, screenUnits));
    top = cut;
  }
  return screens;
}

/** A band on a board's grid: as it is when it fits 48 rows (the most a board has); scaled down
 * (edges rounded, never below one row, overlaps moved down) when a panel is taller than that. */
function fit<T>(band: Array<GridItem<T>>, height: number, screenUnits: number): Screen<T> {
  const maxRows = 48;
  // A short band (a row of stats) is drawn twice as tall where that still fits half a screen,
  // and gets at least half a screen: not a strip along the top of an empty TV.
  if (height <= screenUnits) {
    const half = Math.ceil(screenUnits / 2);
    const f = height * 2 <= half ? 2 : 1;
    const items = f === 1 ? band : band.map((p) => ({ ...p, y: p.y * f, h: p.h * f }));
    return { rows: Math.max(half, height * f), items };
  }
  if (height <= maxRows) return { rows: height, items: band };
  // Panels raised to one row push those below them down: shrink a little more until it fits.
  let scaled: Array<GridItem<T>> = band;
  for (let k = maxRows / height; k > 0; k *= 0.9) {
    scaled = settle(band.map((p) => {
      const y = Math.floor(p.y * k);
      return { ...p, y, h: Math.max(1, Math.floor((p.y + p.h) * k) - y) };
    }));
    if (Math.max(...scaled.map((p) => p.y + p.h)) <= maxRows) break;
  }
  const rows = Math.max(...scaled.map((p) => p.y + p.h));
  return { rows: Math.min(maxRows, Math.max(screenUnits, rows)), items: scaled };
}
