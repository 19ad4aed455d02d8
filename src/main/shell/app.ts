// The Electron shell: starts the core in-process (or follows a remote Radiator), serves the boards
// from app://, opens a normal window or kiosk windows, owns the tray and OS notifications, and
// keeps the settings with electron-store. Every decision is a pure function in this folder
// (window-options, tray-state, tray-menu, notification-policy, renderer-recovery, app-protocol,
// external-links); this file only wires Electron to them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { timingSafeEqual } from 'node:crypto';
import { app, BrowserWindow, dialog, globalShortcut, Menu, Notification, nativeImage, powerSaveBlocker, protocol, screen, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import Store from 'electron-store';
import type { AlertInstance } from '../../shared/alert-rules.ts';
import type { AppInfo } from '../../shared/ipc-contract.ts';
import type { Settings } from '../../shared/settings.ts';
import { startCore, type Core } from '../core/core.ts';
import { applyHeapMode } from '../core/heap-mode.ts';
import { confOptions } from '../core/settings/conf-persistence.ts';
import { openSettingsOrDefaults } from '../core/settings/settings-file.ts';
import type { SettingsPersistence } from '../core/settings/settings-store.ts';
import { SETTINGS_VERSION } from '../../shared/settings.ts';
import { appCsp, resolveAppPath, withCsp } from './app-protocol.ts';
import { configuredLinks, mayOpenExternally } from './external-links.ts';
import { redactingLog } from '../../shared/redact.ts';
import { registerIpc } from './ipc.ts';
import { NotificationPolicy, type NotificationKind } from './notification-policy.ts';
import { RendererRecovery } from './renderer-recovery.ts';
import { trayMenu, type MenuAction, type MenuItem } from './tray-menu.ts';
import { trayView } from './tray-state.ts';
import { APP_ORIGIN, isAllowedNavigation, kioskPlan, pageUrl, windowOptions, type WindowPlan } from './window-options.ts';

// V8's heap sizing from RADIATOR_HEAP (core/heap-mode.ts), before the core starts.
applyHeapMode();

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const argv = process.argv;
let kiosk = argv.includes('--kiosk');
let core: Core | null = null;
let tray: Tray | null = null;
let mainWindow: BrowserWindow | null = null;
const kioskWindows: BrowserWindow[] = [];
let awakeBlocker: number | null = null;
let quitting = false;

// Tests (and a portable install) point the app at its own settings and data.
if (process.env.RADIATOR_USER_DATA) app.setPath('userData', process.env.RADIATOR_USER_DATA);
if (!app.requestSingleInstanceLock()) app.quit();

/** electron-store writing the same settings file, in the same format, as `radiator serve`. */
class ElectronStorePersistence implements SettingsPersistence {
  readonly location: string;
  private store: Store<Record<string, unknown>> | null = null;
  constructor(file: string) {
    this.location = file;
  }
  save(file: Record<string, unknown>): void {
    const o = confOptions(this.location);
    this.store ??= new Store<Record<string, unknown>>({ cwd: o.cwd, name: o.configName, fileExtension: o.fileExtension, configFileMode: o.configFileMode, clearInvalidConfig: true, accessPropertiesByDotNotation: false });
    this.store.store = { ...file, version: SETTINGS_VERSION };
  }
}

const resourcesDir = () => (app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources'));
const rendererDir = () => join(import.meta.dirname, '../renderer');
const preload = () => join(import.meta.dirname, '../preload/index.cjs');

/** Every window is made here. The security settings are written out at the call (and win over
 * the plan), so neither a plan nor a scanner reading this file can miss them. */
function secureWindow(plan: WindowPlan): BrowserWindow {
  return new BrowserWindow({
    ...plan,
    webPreferences: {
      ...plan.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  const settingsFile = join(app.getPath('userData'), 'settings.json');
  const opened = openSettingsOrDefaults(settingsFile, {}, new ElectronStorePersistence(settingsFile));
  const settingsStore = opened.store;
  let settings: Settings = settingsStore.current;
  kiosk ||= settings.shell.kiosk.enabled;
  const remote = settings.shell.remote;
  const policy = new NotificationPolicy(settings.shell.tray.notifications);

  // Deny every permission a page may ask for (camera, notifications, geolocation, …).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  let apiUrl: string;
  let token: string | null = null;
  if (remote) {
    apiUrl = remote.url.replace(/\/$/, '');
    token = remote.token;
  } else {
    core = await startCore({
      settingsStore,
      dataDir: join(app.getPath('userData'), 'data'),
      rendererDir: rendererDir(),
      version: app.getVersion(),
      extraCorsOrigins: [APP_ORIGIN],
      // Log lines may quote a configured URL (a scrape target, a webhook): never with its secret.
      log: redactingLog((l) => console.log(l)),
      onNotify: (kind, alert) => notify(kind, alert),
      onPipeline: (e) => {
        const d = policy.decideBuild(e.project, e.transition, new Date());
        if (d.show && Notification.isSupported()) new Notification({ title: d.title, body: d.body }).show();
      },
    });
    apiUrl = `http://127.0.0.1:${core.ports().http}`;
  }

  // app://radiator/… serves the built renderer, with a CSP naming the one collector it reads.
  const csp = appCsp(apiUrl);
  protocol.handle('app', async (req) => {
    const hit = resolveAppPath(req.url, rendererDir());
    if (!hit) return new Response('not found', { status: 404 });
    try {
      const body = readFileSync(hit.file);
      const text = hit.type.startsWith('text/html') ? withCsp(body.toString('utf8'), csp) : body;
      return new Response(text, { headers: { 'Content-Type': hit.type, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });

  // Every window: no navigation away, no new windows, links only to configured http(s) pages.
  app.on('web-contents-created', (_e, wc) => {
    wc.setWindowOpenHandler(({ url }) => {
      if (mayOpenExternally(url, configuredLinks(settings))) void shell.openExternal(url);
      return { action: 'deny' };
    });
    wc.on('will-navigate', (e, url) => {
      if (!isAllowedNavigation(url)) e.preventDefault();
    });
    wc.on('will-attach-webview', (e) => e.preventDefault());
  });

  const info = (): AppInfo => ({
    version: app.getVersion(),
    apiUrl,
    token,
    kiosk,
    settingsProblem: opened.fallback,
    exitShortcut: settings.shell.kiosk.exitShortcut,
    pinRequired: settings.shell.kiosk.pin !== null,
    hideCursorAfterMs: settings.shell.kiosk.hideCursorAfter,
  });
  registerIpc({
    getInfo: () => info(),
    openExternal: async (url) => {
      if (!mayOpenExternally(url, configuredLinks(settings))) return { opened: false };
      await shell.openExternal(url);
      return { opened: true };
    },
    exitKiosk: (pin) => {
      const want = settings.shell.kiosk.pin;
      if (want !== null && (pin === null || pin.length !== want.length || !timingSafeEqual(Buffer.from(pin), Buffer.from(want)))) return { left: false, reason: 'wrong PIN' };
      setKiosk(false);
      return { left: true };
    },
  });

  // ── windows ──────────────────────────────────────────────────────────────────────────
  const recoveries = new Map<number, RendererRecovery>();
  const watch = (win: BrowserWindow) => {
    const rec = new RendererRecovery();
    recoveries.set(win.id, rec);
    const act = (a: ReturnType<RendererRecovery['on']>) => {
      if (a.do === 'reload') setTimeout(() => !win.isDestroyed() && win.webContents.reload(), a.afterMs);
    };
    win.webContents.on('render-process-gone', (_e, d) => act(rec.on({ type: 'crashed', reason: d.reason }, Date.now())));
    win.on('unresponsive', () => act(rec.on({ type: 'unresponsive' }, Date.now())));
    win.on('responsive', () => act(rec.on({ type: 'responsive' }, Date.now())));
    const timer = setInterval(() => act(rec.check(Date.now())), 5_000);
    win.on('closed', () => {
      clearInterval(timer);
      recoveries.delete(win.id);
    });
  };

  const openMain = (url = pageUrl(undefined)) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      void mainWindow.loadURL(url);
      mainWindow.show();
      mainWindow.focus();
      return;
    }
    mainWindow = secureWindow(windowOptions({ kiosk: false, preload: preload() }));
    watch(mainWindow);
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => (mainWindow = null));
    void mainWindow.loadURL(url);
  };

  const openKiosk = () => {
    const displays = screen.getAllDisplays().map((d) => ({ id: d.id, primary: d.id === screen.getPrimaryDisplay().id, bounds: d.bounds }));
    const plan = kioskPlan(settings.shell.kiosk, displays, settings.display.screens, preload());
    for (const p of plan.problems) console.warn(`radiator: ${p}`);
    for (const w of plan.windows) {
      const win = secureWindow(w.options);
      watch(win);
      win.setMenu(null);
      win.once('ready-to-show', () => win.show());
      void win.loadURL(w.url);
      kioskWindows.push(win);
      win.on('closed', () => kioskWindows.splice(kioskWindows.indexOf(win), 1));
    }
    if (settings.shell.kiosk.keepAwake && awakeBlocker === null) awakeBlocker = powerSaveBlocker.start('prevent-display-sleep');
    // Without a PIN the shortcut leaves at once; with one, the page asks for it (see App.svelte).
    if (settings.shell.kiosk.pin === null) globalShortcut.register(settings.shell.kiosk.exitShortcut, () => setKiosk(false));
  };

  const closeKiosk = () => {
    for (const w of [...kioskWindows]) w.destroy();
    kioskWindows.length = 0;
    if (awakeBlocker !== null) powerSaveBlocker.stop(awakeBlocker);
    awakeBlocker = null;
    globalShortcut.unregisterAll();
  };

  function setKiosk(on: boolean): void {
    if (on === kiosk && (on ? kioskWindows.length > 0 : true)) return;
    kiosk = on;
    if (on) {
      mainWindow?.close();
      openKiosk();
    } else {
      closeKiosk();
      openMain();
    }
    refreshTray();
  }

  // ── tray and notifications ───────────────────────────────────────────────────────────
  function notify(kind: NotificationKind, alert: AlertInstance): void {
    const d = policy.decide(kind, alert, new Date());
    if (!d.show || !Notification.isSupported()) return;
    const n = new Notification({ title: d.title, body: d.body, silent: alert.severity !== 'critical' });
    n.on('click', () => openMain(pageUrl(undefined, {}, alert.board ? { board: alert.board, ...(alert.panel ? { panel: alert.panel } : {}) } : {})));
    n.show();
  }
  setInterval(() => {
    const s = policy.summary(new Date());
    if (s && Notification.isSupported()) new Notification(s).show();
  }, 60_000).unref();

  let alerts: AlertInstance[] = [];
  let connected = true;
  let stale = false;
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const previous = new Map<string, AlertInstance>();
  const poll = async () => {
    try {
      const [a, st] = await Promise.all([
        fetch(`${apiUrl}/api/v1/alerting/alerts`, { headers, signal: AbortSignal.timeout(5_000) }),
        fetch(`${apiUrl}/api/v1/status`, { headers, signal: AbortSignal.timeout(5_000) }),
      ]);
      if (!a.ok || !st.ok) throw new Error(`HTTP ${a.status}/${st.status}`);
      alerts = ((await a.json()) as { alerts: AlertInstance[] }).alerts;
      const status = (await st.json()) as { lastAppInputAt: number | null; serverTime: number };
      connected = true;
      stale = status.lastAppInputAt !== null && status.serverTime - status.lastAppInputAt > 5 * 60_000;
      // A remote Radiator's transitions become notifications here (the own core calls notify).
      if (remote) {
        const now = new Map(alerts.map((x) => [x.fingerprint, x]));
        for (const x of alerts) {
          const was = previous.get(x.fingerprint)?.state;
          if (was !== x.state && (x.state === 'firing' || x.state === 'nodata' || x.state === 'error')) notify(x.state, x);
        }
        for (const [fp, x] of previous) if (!now.has(fp) && x.state === 'firing') notify('resolved', x);
        previous.clear();
        for (const [k, v] of now) previous.set(k, v);
      }
    } catch {
      connected = false;
    }
    refreshTray();
  };
  setInterval(() => void poll(), 5_000).unref();

  const run = async (action: MenuAction) => {
    switch (action.type) {
      case 'openBoard':
        return openMain(pageUrl(undefined, {}, { board: action.board, ...(action.panel ? { panel: action.panel } : {}) }));
      case 'openWindow':
        return openMain();
      case 'openSettings':
        return openMain(`${APP_ORIGIN}/index.html?view=settings`);
      case 'toggleKiosk':
        return setKiosk(!kiosk);
      case 'quit':
        return app.quit();
      case 'ack':
      case 'mute':
        await fetch(`${apiUrl}/api/v1/alerting/acks`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ fingerprint: action.fingerprint, by: userInfo().username, comment: action.type === 'mute' ? 'muted from the tray' : 'from the tray', ...(action.type === 'mute' ? { muteFor: '1h' } : {}) }),
        }).catch(() => undefined);
        return poll();
    }
  };
  const toElectron = (items: MenuItem[]): MenuItemConstructorOptions[] =>
    items.map((i) =>
      i.separator
        ? { type: 'separator' }
        : { label: i.label, enabled: i.enabled, ...(i.submenu ? { submenu: toElectron(i.submenu) } : { click: () => i.action && void run(i.action) }) },
    );
  function refreshTray(): void {
    const view = trayView({ alerts, connected, stale });
    const icon = nativeImage.createFromPath(join(resourcesDir(), view.icon));
    if (!tray) tray = new Tray(icon);
    else tray.setImage(icon);
    tray.setToolTip(view.tooltip);
    const model = trayMenu({ alerts, kiosk, connected, remote: remote?.url ?? null });
    tray.setContextMenu(Menu.buildFromTemplate(toElectron(model)));
    // The e2e suite reads the menu here (a native menu is not in any page).
    if (process.env.RADIATOR_E2E) (globalThis as { __radiatorTray?: unknown }).__radiatorTray = { state: view.state, tooltip: view.tooltip, menu: model.map((i) => i.label) };
  }

  // ── settings that change while running ───────────────────────────────────────────────
  settingsStore.onChange((next) => {
    settings = next;
    policy.setPolicy(next.shell.tray.notifications);
    app.setLoginItemSettings({ openAtLogin: next.shell.startAtLogin });
  });
  app.setLoginItemSettings({ openAtLogin: settings.shell.startAtLogin });
  app.on('second-instance', () => (kiosk ? kioskWindows[0]?.focus() : openMain()));

  if (opened.fallback && Notification.isSupported()) {
    new Notification({ title: 'Radiator started on default settings', body: `The settings file could not be used (${opened.fallback.problems[0]}). It was kept as ${opened.fallback.keptAs}.` }).show();
  }
  Menu.setApplicationMenu(null);
  await poll();
  if (kiosk) openKiosk();
  else openMain();
}

// A tray app keeps running with no window open.
app.on('window-all-closed', () => {
  if (quitting) app.quit();
});
app.on('before-quit', (e) => {
  quitting = true;
  globalShortcut.unregisterAll();
  if (!core) return;
  e.preventDefault();
  const c = core;
  core = null;
  void c.stop().finally(() => app.quit());
});

main().catch((e: Error) => {
  console.error(`radiator: ${e.message}`);
  // A desktop user sees no terminal: say why in a dialog (a port in use names the setting).
  dialog.showErrorBox('Radiator cannot start', e.message);
  app.exit(1);
});
