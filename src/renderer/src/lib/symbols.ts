// The marks a board draws, one family per meaning so no mark means two things: a value's state is
// a filled shape (● ▲ ■, in thresholds.ts), a change against the period before an arrow, an event a
// mark of its own kind, and stale data a clock. (▲ once meant warning, "went up" and stale, and ▼
// both "went down" and a deploy.)

import { SHAPE } from './thresholds.ts';

/** Went up, went down, level. */
export const TREND = { up: '↑', down: '↓', level: '=' } as const;

/** Events, in lists and on charts. */
export const EVENT_MARK: Readonly<Record<string, string>> = { deploy: '⚑', incident: '✕', build: '◆', change: '◇', note: '•', alert: '!', check: '○' };

/** Data that stopped arriving. */
export const STALE_MARK = '◷';

/** The key a TV shows, so a mark is never a guess. */
export const SYMBOL_KEY: ReadonlyArray<{ mark: string; word: string; kind: 'state-ok' | 'state-warn' | 'state-crit' | 'trend' | 'event' | 'stale' }> = [
  { mark: SHAPE.ok, word: 'OK', kind: 'state-ok' },
  { mark: SHAPE.warn, word: 'warning', kind: 'state-warn' },
  { mark: SHAPE.crit, word: 'critical', kind: 'state-crit' },
  { mark: `${TREND.up}${TREND.down}`, word: 'change', kind: 'trend' },
  { mark: EVENT_MARK.deploy!, word: 'deploy', kind: 'event' },
  { mark: STALE_MARK, word: 'stale', kind: 'stale' },
];
