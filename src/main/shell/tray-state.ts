// What the tray icon says, from the alerts and the connection: the worst of ok, warning,
// critical, stale (the data feeding the screens stopped) and disconnected (no collector), each
// with its own icon shape so it reads without colour.

import type { AlertInstance } from '../../shared/alert-rules.ts';

export type TrayState = 'ok' | 'warning' | 'critical' | 'stale' | 'disconnected';

export interface TrayInput {
  alerts: readonly AlertInstance[];
  /** The core (or the remote Radiator) answers. */
  connected: boolean;
  /** Nothing has arrived from any app for longer than the screens' max age. */
  stale: boolean;
}

export interface TrayView {
  state: TrayState;
  /** File name in resources/ (the @2x variant sits beside it). */
  icon: string;
  tooltip: string;
}

/** Alerts that count: firing (or recovering, still firing), not silenced. Acknowledged ones
 * still count — someone is on it, but it is not fixed — yet are listed as such. */
export function activeAlerts(alerts: readonly AlertInstance[]): AlertInstance[] {
  return alerts.filter((a) => (a.state === 'firing' || a.state === 'recovering') && a.silencedBy.length === 0);
}

export function trayView(input: TrayInput): TrayView {
  const firing = activeAlerts(input.alerts);
  const crit = firing.filter((a) => a.severity === 'critical').length;
  const warn = firing.length - crit;
  let state: TrayState;
  let tooltip: string;
  if (!input.connected) {
    state = 'disconnected';
    tooltip = 'Radiator — cannot reach the collector';
  } else if (crit > 0) {
    state = 'critical';
    tooltip = `Radiator — ${crit} critical${warn ? `, ${warn} more firing` : ''}: ${firing.find((a) => a.severity === 'critical')!.ruleName}`;
  } else if (warn > 0) {
    state = 'warning';
    tooltip = `Radiator — ${warn} firing: ${firing[0]!.ruleName}`;
  } else if (input.stale) {
    state = 'stale';
    tooltip = 'Radiator — no data arriving';
  } else {
    state = 'ok';
    tooltip = 'Radiator — all clear';
  }
  return { state, icon: `tray-${state}.png`, tooltip };
}
