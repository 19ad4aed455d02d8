// The board editor's grid arithmetic, pure so it is tested without a browser: moving and resizing
// a panel within the board's columns × rows, what the arrow keys do, and where a new panel fits.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Grid {
  columns: number;
  rows: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** A position inside the grid for a rectangle of this size. */
export function moveTo(r: Rect, x: number, y: number, g: Grid): Rect {
  return { ...r, x: clamp(x, 0, Math.max(0, g.columns - r.w)), y: clamp(y, 0, Math.max(0, g.rows - r.h)) };
}

/** A size of at least one cell that stays inside the grid from where the rectangle is. */
export function resizeTo(r: Rect, w: number, h: number, g: Grid): Rect {
  return { ...r, w: clamp(w, 1, g.columns - r.x), h: clamp(h, 1, g.rows - r.y) };
}

/** Arrow keys move by a cell; with Shift they resize. Null for any other key. */
export function applyKey(r: Rect, key: string, shift: boolean, g: Grid): Rect | null {
  const d: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const step = d[key];
  if (!step) return null;
  return shift ? resizeTo(r, r.w + step[0], r.h + step[1], g) : moveTo(r, r.x + step[0], r.y + step[1], g);
}

export const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The first free place (top to bottom, left to right) for a w × h panel, trying smaller sizes if
 * the board is full; the top-left corner when nothing is free. */
export function freeSpot(taken: readonly Rect[], g: Grid, w = 4, h = 2): Rect {
  for (const [tw, th] of [[w, h], [Math.min(w, 2), h], [1, 1]] as const) {
    const cw = Math.min(tw, g.columns);
    const ch = Math.min(th, g.rows);
    for (let y = 0; y + ch <= g.rows; y++) {
      for (let x = 0; x + cw <= g.columns; x++) {
        const r = { x, y, w: cw, h: ch };
        if (!taken.some((t) => overlaps(r, t))) return r;
      }
    }
  }
  return { x: 0, y: 0, w: Math.min(w, g.columns), h: Math.min(h, g.rows) };
}

/** A new id not yet used, from a stem: panel, panel-2, panel-3… */
export function freshId(stem: string, used: Iterable<string>): string {
  const set = new Set(used);
  if (!set.has(stem)) return stem;
  for (let i = 2; ; i++) if (!set.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** "Column 3, row 2, 4 wide and 2 high" — what a screen reader hears after a move. */
export function describeRect(r: Rect): string {
  return `column ${r.x + 1}, row ${r.y + 1}, ${r.w} wide and ${r.h} high`;
}
