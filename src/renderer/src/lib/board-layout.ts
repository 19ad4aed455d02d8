// How a board's grid is drawn on the screen. A board with a single panel shows it across the whole
// board: a first board made in the settings has one panel in the corner of a 12 × 8 grid, and a
// twelfth of the TV is not what anyone meant. Rows below the lowest panel are not drawn either.

import type { Board } from '../../../shared/boards.ts';

export function layoutForScreen(board: Board): Board {
  if (board.panels.length === 0) return board;
  if (board.panels.length !== 1) {
    // Rows no panel reaches are left out, so the panels fill the screen rather than leave its
    // bottom empty (an imported Grafana row is often shorter than the board's grid).
    const used = Math.max(...board.panels.map((p) => p.y + p.h));
    return used < board.rows ? { ...board, rows: used } : board;
  }
  const p = board.panels[0]!;
  if (p.x === 0 && p.y === 0 && p.w === board.columns && p.h === board.rows) return board;
  return { ...board, columns: 1, rows: 1, panels: [{ ...p, x: 0, y: 0, w: 1, h: 1 }] };
}
