// Windows as pure functions of the settings and the displays.
import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, kioskPlan, pageUrl, windowOptions } from '../../../src/main/shell/window-options.ts';
import { ShellSettingsSchema } from '../../../src/shared/shell-settings.ts';

const displays = [
  { id: 11, primary: false, bounds: { x: 1920, y: 0, width: 3840, height: 2160 } },
  { id: 10, primary: true, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
];
const kiosk = (screens: unknown) => ShellSettingsSchema.parse({ kiosk: { screens } }).kiosk;

describe('window options', () => {
  it('always isolate, sandbox and refuse Node in the renderer', () => {
    for (const k of [true, false]) {
      const o = windowOptions({ kiosk: k, preload: '/p/index.cjs' });
      expect(o.webPreferences).toMatchObject({ preload: '/p/index.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false });
      expect(o.kiosk).toBe(k);
      expect(o.fullscreen).toBe(k);
      // A TV's window keeps its timers running; a desktop window may be throttled.
      expect(o.webPreferences.backgroundThrottling).toBe(!k);
    }
  });

  it('allow navigation only to the app’s own pages', () => {
    expect(isAllowedNavigation('app://radiator/index.html?board=x')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:7070/')).toBe(false);
    expect(isAllowedNavigation('https://evil.example/')).toBe(false);
    expect(isAllowedNavigation('app://other/index.html')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
  });

  it('put one kiosk window on each chosen display, showing its screen or playlist', () => {
    const p = kioskPlan(kiosk([{ display: 'primary', show: 'lobby' }, { display: 0, show: 'ops' }]), displays, { lobby: 'default' }, '/p.cjs');
    expect(p.problems).toEqual([]);
    expect(p.windows.map((w) => [w.displayId, w.url])).toEqual([
      [10, 'app://radiator/index.html?screen=lobby'],
      [11, 'app://radiator/index.html?playlist=ops'],
    ]);
    expect(p.windows[1]!.options).toMatchObject({ x: 1920, y: 0, width: 3840, height: 2160, kiosk: true });
  });

  it('fall back to the primary display when a TV is missing, and never stack two windows', () => {
    const p = kioskPlan(kiosk([{ display: 5 }, { display: 'primary' }]), displays, {}, '/p.cjs');
    expect(p.windows).toHaveLength(1);
    expect(p.windows[0]!.displayId).toBe(10);
    expect(p.problems[0]).toMatch(/screens\.0\.display = 5: there are 2 displays/);
    expect(p.problems[1]).toMatch(/already has a kiosk window/);
    expect(kioskPlan(kiosk([{}]), [], {}, '/p.cjs').problems).toEqual(['no display found']);
  });

  it('build page URLs with the board and panel to open', () => {
    expect(pageUrl(undefined)).toBe('app://radiator/index.html');
    expect(pageUrl(undefined, {}, { board: 'pipeline', panel: 'builds' })).toBe('app://radiator/index.html?board=pipeline&panel=builds');
  });
});
