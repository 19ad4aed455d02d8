// How a board's grid is drawn on the screen. A board with a single panel shows it across the whole
// board: a first board made in the settings has one panel in the corner of a 12 × 8 grid, and a
// twelfth of the TV is not what anyone meant.

import type { Board } from '../../../shared/boards.ts';

export function layoutForScreen(board: Board): Board {
  if (board.panels.length !== 1) return board;
  const p = board.panels[0]!;
  if (p.x === 0 && p.y === 0 && p.w === board.columns && p.h === board.rows) return board;
  return { ...board, columns: 1, rows: 1, panels: [{ ...p, x: 0, y: 0, w: 1, h: 1 }] };
}
