// A value's state from a panel's thresholds: the highest threshold it reaches decides. States are
// drawn by colour and by shape, so they read without colour vision too.

import type { Panel } from '../../../shared/boards.ts';

export type State = 'ok' | 'warn' | 'crit' | 'info' | 'none';

export function stateOf(v: number | null | undefined, thresholds: Panel['thresholds']): State {
  if (v === null || v === undefined || Number.isNaN(v) || thresholds.length === 0) return 'none';
  let state: State = 'none';
  let best = -Infinity;
  for (const t of thresholds) if (v >= t.value && t.value >= best) {
    best = t.value;
    state = t.state;
  }
  return state;
}

/** The shape that goes with each state (never colour alone). */
export const SHAPE: Record<State, string> = { ok: '●', warn: '▲', crit: '■', info: '◆', none: '○' };
export const STATE_WORD: Record<State, string> = { ok: 'OK', warn: 'Warning', crit: 'Critical', info: 'Info', none: 'No state' };

/** Worst first, for sorting and for a board's overall state. */
export const SEVERITY: Record<State, number> = { crit: 4, warn: 3, info: 2, ok: 1, none: 0 };
