// One alert instance's state over time: normal → pending (for `for`) → firing → recovering (for
// `keepFiringFor`) → normal. Pure: given the previous state, whether the condition holds now
// (already with hysteresis), the time and the rule's durations, it returns the next state.

import type { AlertState } from '../../../shared/alert-rules.ts';

export interface InstanceState {
  state: AlertState;
  /** When `state` began. */
  since: number;
  /** When it first fired in the current episode. */
  firedAt: number | null;
  /** When the current episode began: it went pending, or fired at once (Prometheus's `activeAt`). */
  activeAt: number | null;
}

export interface Timing {
  forMs: number;
  keepFiringForMs: number;
}

export const initialState = (now: number): InstanceState => ({ state: 'normal', since: now, firedAt: null, activeAt: null });

/** Whether the condition should be judged with the "clear" (hysteresis) side of the line. */
export const isActive = (s: AlertState): boolean => s === 'pending' || s === 'firing' || s === 'recovering';

export function nextState(prev: InstanceState, holds: boolean, now: number, t: Timing): InstanceState {
  const to = (state: AlertState, firedAt = prev.firedAt, activeAt = prev.activeAt): InstanceState => (state === prev.state ? prev : { state, since: now, firedAt, activeAt });
  switch (prev.state) {
    case 'normal':
    case 'nodata':
    case 'error':
      if (!holds) return to('normal', null, null);
      return t.forMs > 0 ? to('pending', null, now) : to('firing', now, now);
    case 'pending':
      if (!holds) return to('normal', null, null);
      return now - prev.since >= t.forMs ? to('firing', now) : prev;
    case 'firing':
      if (holds) return prev;
      return t.keepFiringForMs > 0 ? to('recovering') : to('normal', null, null);
    case 'recovering':
      if (holds) return to('firing');
      return now - prev.since >= t.keepFiringForMs ? to('normal', null, null) : prev;
  }
}
