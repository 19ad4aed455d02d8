// How much history a panel's queries read and at what step: decided once, so the board and the
// settings UI's preview (and its query check) ask the feed for the same subscription.

import type { Panel } from '../../../shared/boards.ts';
import { stepFor } from './freshness.ts';

/** Panels that show the latest value only read a few minutes. */
export const LATEST_ONLY: ReadonlySet<string> = new Set(['gauge', 'bargauge', 'statusgrid', 'table']);

export function panelShape(panel: Pick<Panel, 'type' | 'range' | 'step'>): { rangeMs: number; stepMs: number } {
  // A stat compares with the period before, so it reads twice its range.
  const rangeMs = LATEST_ONLY.has(panel.type) ? 5 * 60_000 : panel.type === 'stat' ? 2 * panel.range : panel.range;
  const stepMs = LATEST_ONLY.has(panel.type) ? 5_000 : (panel.step ?? stepFor(panel.type === 'stat' ? panel.range : rangeMs));
  return { rangeMs, stepMs };
}
