// Window options as a pure function of the shell's settings, so they can be tested without
// Electron. Security defaults are fixed here and nowhere else.

export interface WindowPlan {
  width: number;
  height: number;
  fullscreen: boolean;
  kiosk: boolean;
  autoHideMenuBar: boolean;
  backgroundColor: string;
  show: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    webSecurity: true;
    spellcheck: false;
  };
}

export function windowOptions(opts: { kiosk: boolean; preload: string }): WindowPlan {
  return {
    width: 1280,
    height: 800,
    fullscreen: opts.kiosk,
    kiosk: opts.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b0f14',
    show: false,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  };
}

/** Only pages the core serves may be shown; everything else is refused. */
export function isAllowedNavigation(target: string, apiUrl: string): boolean {
  try {
    return new URL(target).origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}
