// The tray's icon, tooltip and menu from the alerts and the connection.
import { describe, expect, it } from 'vitest';
import { trayView } from '../../../src/main/shell/tray-state.ts';
import { MUTE_MS, trayMenu } from '../../../src/main/shell/tray-menu.ts';
import type { AlertInstance } from '../../../src/shared/alert-rules.ts';

let n = 0;
const alert = (over: Partial<AlertInstance> = {}): AlertInstance => ({
  fingerprint: `fp${n++}`,
  ruleId: 'r',
  ruleName: 'Queue too long',
  state: 'firing',
  severity: 'warning',
  labels: {},
  summary: 'emails holds 120',
  runbookUrl: '',
  annotations: { summary: 'emails holds 120' },
  value: 120,
  since: 0,
  activeAt: 0,
  firedAt: 0,
  silencedBy: [],
  ack: null,
  board: 'infrastructure',
  panel: 'queue',
  reason: '',
  onCall: null,
  ...over,
});

describe('tray state', () => {
  it('shows the worst of disconnected, critical, warning, stale, ok — each its own icon', () => {
    expect(trayView({ alerts: [], connected: true, stale: false })).toMatchObject({ state: 'ok', icon: 'tray-ok.png' });
    expect(trayView({ alerts: [], connected: true, stale: true }).state).toBe('stale');
    expect(trayView({ alerts: [alert()], connected: true, stale: true })).toMatchObject({ state: 'warning', icon: 'tray-warning.png' });
    const crit = trayView({ alerts: [alert(), alert({ severity: 'critical', ruleName: 'Checkout down' })], connected: true, stale: false });
    expect(crit).toMatchObject({ state: 'critical', icon: 'tray-critical.png' });
    expect(crit.tooltip).toBe('Radiator — 1 critical, 1 more firing: Checkout down');
    expect(trayView({ alerts: [alert({ severity: 'critical' })], connected: false, stale: false }).state).toBe('disconnected');
  });

  it('does not count pending, silenced or resolved alerts; counts recovering and acknowledged ones', () => {
    expect(trayView({ alerts: [alert({ state: 'pending' }), alert({ silencedBy: ['s'] }), alert({ state: 'normal' })], connected: true, stale: false }).state).toBe('ok');
    expect(trayView({ alerts: [alert({ state: 'recovering' })], connected: true, stale: false }).state).toBe('warning');
    expect(trayView({ alerts: [alert({ ack: { by: 'ana', at: 1, comment: '' } })], connected: true, stale: false }).state).toBe('warning');
  });
});

describe('tray menu', () => {
  it('lists what fires, critical first, each opening its board at its panel, with ack and mute', () => {
    const w = alert({ since: 5 });
    const c = alert({ severity: 'critical', ruleName: 'Checkout down', board: 'application', panel: null, summary: '' });
    const m = trayMenu({ alerts: [w, c], kiosk: false, connected: true, remote: null });
    expect(m[0]!.label).toBe('■ Checkout down');
    expect(m[0]!.action).toEqual({ type: 'openBoard', board: 'application', panel: null });
    expect(m[1]!.label).toBe('▲ Queue too long: emails holds 120');
    expect(m[1]!.submenu!.map((i) => i.action)).toEqual([
      { type: 'openBoard', board: 'infrastructure', panel: 'queue' },
      { type: 'ack', fingerprint: w.fingerprint },
      { type: 'mute', fingerprint: w.fingerprint, forMs: MUTE_MS },
    ]);
    expect(m.filter((i) => !i.separator).slice(-4).map((i) => i.label)).toEqual(['Open Radiator', 'Kiosk mode (full screen)', 'Settings…', 'Quit Radiator']);
  });

  it('says who acknowledged, and offers no second acknowledgement', () => {
    const m = trayMenu({ alerts: [alert({ ack: { by: 'ana', at: 1, comment: '' } })], kiosk: true, connected: true, remote: null });
    expect(m[0]!.label).toMatch(/ack ana$/);
    expect(m[0]!.submenu![1]!.enabled).toBe(false);
    expect(m.some((i) => i.label === 'Leave kiosk mode')).toBe(true);
  });

  it('says when nothing fires, or when the collector cannot be reached', () => {
    expect(trayMenu({ alerts: [], kiosk: false, connected: true, remote: null })[0]!.label).toBe('● Nothing firing');
    expect(trayMenu({ alerts: [], kiosk: false, connected: false, remote: 'http://tv.local:7070' })[0]!.label).toBe('Cannot reach http://tv.local:7070');
  });

  it('keeps the menu short', () => {
    const m = trayMenu({ alerts: Array.from({ length: 14 }, () => alert()), kiosk: false, connected: true, remote: null });
    expect(m.filter((i) => i.submenu).length).toBe(10);
    expect(m.some((i) => i.label === '…and 4 more')).toBe(true);
  });
});
