// Window options as pure functions of the settings and the displays, so they can be tested
// without Electron. Security defaults are fixed here and nowhere else.

import type { ShellSettings } from '../../shared/shell-settings.ts';

export const APP_ORIGIN = 'app://radiator';

export interface WindowPlan {
  x?: number;
  y?: number;
  width: number;
  height: number;
  fullscreen: boolean;
  kiosk: boolean;
  autoHideMenuBar: boolean;
  backgroundColor: string;
  show: boolean;
  title: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    spellcheck: false;
    backgroundThrottling: boolean;
  };
}

export function windowOptions(opts: { kiosk: boolean; preload: string; bounds?: { x: number; y: number; width: number; height: number } }): WindowPlan {
  return {
    ...(opts.bounds ? { x: opts.bounds.x, y: opts.bounds.y } : {}),
    width: opts.bounds?.width ?? 1280,
    height: opts.bounds?.height ?? 800,
    fullscreen: opts.kiosk,
    kiosk: opts.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b0f14',
    show: false,
    title: 'Radiator',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // A TV's window is never "in the background": keep the clock and the rotation running.
      backgroundThrottling: !opts.kiosk,
    },
  };
}

export interface DisplayInfo {
  id: number;
  primary: boolean;
  bounds: { x: number; y: number; width: number; height: number };
}

export interface KioskWindowPlan {
  displayId: number;
  /** The page, e.g. app://radiator/index.html?screen=lobby */
  url: string;
  options: WindowPlan;
}

/** One full-screen window per configured screen, on its display. A display that is not there
 * (a TV switched off) falls back to the primary one, once; problems say what was changed. */
export function kioskPlan(
  kiosk: ShellSettings['kiosk'],
  displays: readonly DisplayInfo[],
  screens: Readonly<Record<string, string>>,
  preload: string,
): { windows: KioskWindowPlan[]; problems: string[] } {
  const problems: string[] = [];
  const primary = displays.find((d) => d.primary) ?? displays[0];
  if (!primary) return { windows: [], problems: ['no display found'] };
  const used = new Set<number>();
  const windows: KioskWindowPlan[] = [];
  kiosk.screens.forEach((s, i) => {
    let d = s.display === 'primary' ? primary : displays[s.display];
    if (!d) {
      problems.push(`shell.kiosk.screens.${i}.display = ${s.display}: there are ${displays.length} displays; using the primary one`);
      d = primary;
    }
    if (used.has(d.id)) {
      problems.push(`shell.kiosk.screens.${i}: display ${s.display} already has a kiosk window; skipped`);
      return;
    }
    used.add(d.id);
    windows.push({ displayId: d.id, url: pageUrl(s.show, screens), options: windowOptions({ kiosk: true, preload, bounds: d.bounds }) });
  });
  return { windows, problems };
}

/** The page for a screen name (display.screens) or a playlist id. */
export function pageUrl(show: string | undefined, screens: Readonly<Record<string, string>> = {}, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  if (show) q.set(Object.hasOwn(screens, show) ? 'screen' : 'playlist', show);
  const qs = q.toString();
  return `${APP_ORIGIN}/index.html${qs ? `?${qs}` : ''}`;
}

/** Only the app's own pages may be shown in its windows; everything else is refused. */
export function isAllowedNavigation(target: string, origin = APP_ORIGIN): boolean {
  try {
    // A custom scheme's URL has an opaque ("null") origin: compare scheme and host instead.
    const t = new URL(target);
    const o = new URL(origin);
    return t.protocol === o.protocol && t.host === o.host && t.username === '' && t.password === '';
  } catch {
    return false;
  }
}
