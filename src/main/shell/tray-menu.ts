// The tray menu as data: what is firing (a click opens its board at its panel), acknowledge or
// mute each for an hour, kiosk on or off, settings, quit. The shell turns it into an Electron
// Menu; tests read it as it is.

import type { AlertInstance } from '../../shared/alert-rules.ts';
import { activeAlerts } from './tray-state.ts';

export type MenuAction =
  | { type: 'openBoard'; board: string; panel: string | null }
  | { type: 'ack'; fingerprint: string }
  | { type: 'mute'; fingerprint: string; forMs: number }
  | { type: 'toggleKiosk' }
  | { type: 'openWindow' }
  | { type: 'openSettings' }
  | { type: 'quit' };

export interface MenuItem {
  label: string;
  enabled: boolean;
  action: MenuAction | null;
  submenu?: MenuItem[];
  separator?: boolean;
}

export const MUTE_MS = 3_600_000;
const MAX_LISTED = 10;
const SEVERITY_MARK: Record<string, string> = { critical: '■', warning: '▲', info: '◆' };

const item = (label: string, action: MenuAction | null, enabled = true): MenuItem => ({ label, enabled: enabled && action !== null, action });
const separator = (): MenuItem => ({ label: '', enabled: false, action: null, separator: true });

export function trayMenu(input: { alerts: readonly AlertInstance[]; kiosk: boolean; connected: boolean; remote: string | null }): MenuItem[] {
  const firing = activeAlerts(input.alerts).sort((a, b) => (a.severity === b.severity ? a.since - b.since : a.severity === 'critical' ? -1 : 1));
  const out: MenuItem[] = [];
  if (!input.connected) out.push(item(input.remote ? `Cannot reach ${input.remote}` : 'Cannot reach the collector', null, false));
  else if (firing.length === 0) out.push(item('● Nothing firing', null, false));
  for (const a of firing.slice(0, MAX_LISTED)) {
    const who = a.ack ? ` — ack ${a.ack.by}` : '';
    const label = `${SEVERITY_MARK[a.severity] ?? '▲'} ${a.ruleName}${a.summary ? `: ${a.summary}` : ''}${who}`;
    out.push({
      label: label.length > 90 ? label.slice(0, 89) + '…' : label,
      enabled: true,
      action: a.board ? { type: 'openBoard', board: a.board, panel: a.panel } : { type: 'openWindow' },
      submenu: [
        item(a.board ? 'Open its board' : 'Open Radiator', a.board ? { type: 'openBoard', board: a.board, panel: a.panel } : { type: 'openWindow' }),
        item("Acknowledge (I'm on it)", a.ack ? null : { type: 'ack', fingerprint: a.fingerprint }),
        item('Mute for an hour', { type: 'mute', fingerprint: a.fingerprint, forMs: MUTE_MS }),
      ],
    });
  }
  if (firing.length > MAX_LISTED) out.push(item(`…and ${firing.length - MAX_LISTED} more`, { type: 'openWindow' }));
  out.push(separator());
  out.push(item('Open Radiator', { type: 'openWindow' }));
  out.push(item(input.kiosk ? 'Leave kiosk mode' : 'Kiosk mode (full screen)', { type: 'toggleKiosk' }));
  out.push(item('Settings…', { type: 'openSettings' }));
  out.push(separator());
  out.push(item('Quit Radiator', { type: 'quit' }));
  return out;
}
