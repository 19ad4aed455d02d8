// The Electron shell: starts the core in-process and shows the boards. The shell's logic
// lives in pure functions under src/main/shell/; this file only wires Electron to them.
import { app, BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { parseSettings } from '../../shared/settings.ts';
import { startCore, type Core } from '../core/core.ts';
import { registerIpc } from './ipc.ts';
import { isAllowedNavigation, windowOptions } from './window-options.ts';

const kiosk = process.argv.includes('--kiosk');
let core: Core | null = null;

if (!app.requestSingleInstanceLock()) app.quit();

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  const dataDir = join(app.getPath('userData'), 'data');
  core = await startCore({
    settings: parseSettings({}),
    dataDir,
    rendererDir: join(import.meta.dirname, '../renderer'),
    version: app.getVersion(),
  });
  const apiUrl = `http://127.0.0.1:${core.ports().http}`;
  registerIpc(() => ({ version: app.getVersion(), apiUrl, dataDir, kiosk }));

  const win = new BrowserWindow(windowOptions({ kiosk, preload: join(import.meta.dirname, '../preload/index.cjs') }));
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, apiUrl)) e.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(apiUrl + '/');
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (e) => {
  if (!core) return;
  e.preventDefault();
  const c = core;
  core = null;
  void c.stop().finally(() => app.quit());
});

main().catch((e: Error) => {
  console.error(`radiator: ${e.message}`);
  app.exit(1);
});
