// The desktop app itself, through Playwright's Electron driver: the kiosk window shows a board,
// the tray menu lists a firing alert, settings survive a restart. It needs the Electron binary,
// which `npm start` downloads on its first run (scripts/electron-binary.ts); where there is none (CI machines without internet)
// every test here is skipped with that reason — never counted as passed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { locateElectron } from '../../scripts/electron-binary.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');

/** The Electron executable if it is installed (or named by ELECTRON_EXEC_PATH /
 * ELECTRON_OVERRIDE_DIST_PATH) — found the way `npm start` finds it, without downloading. */
const located = locateElectron(join(ROOT, 'node_modules', 'electron'), process.env);
const binary = located.found ? located.path : null;

test.skip(binary === null, `no Electron binary at ${located.path} (\`npm start\` fetches it on first run; this machine cannot reach Electron's download server)`);

async function launch(userData: string, args: string[] = []): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({
    executablePath: binary!,
    args: [join(ROOT, 'out/main/index.js'), '--no-sandbox', ...args],
    env: { ...process.env, RADIATOR_USER_DATA: userData, RADIATOR_E2E: '1' } as Record<string, string>,
  });
  const page = await app.firstWindow();
  return { app, page };
}

const apiOf = (page: Page) => page.evaluate(async () => (await (window as unknown as { radiator: { getInfo(): Promise<{ apiUrl: string }> } }).radiator.getInfo()).apiUrl);

test('the kiosk window shows a board, full screen, from app://', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'radiator-electron-'));
  const { app, page } = await launch(userData, ['--kiosk']);
  expect(page.url()).toMatch(/^app:\/\/radiator\//);
  await expect(page.getByTestId('board-title')).toBeVisible({ timeout: 30_000 });
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isKiosk()))).toContain(true);
  // The page cannot reach Node or Electron: only the typed bridge.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => Object.keys((window as unknown as { radiator: object }).radiator).sort())).toEqual(['exitKiosk', 'getInfo', 'openExternal']);
  await app.close();
});

test('the tray menu lists a firing alert', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'radiator-electron-'));
  const { app, page } = await launch(userData);
  const api = await apiOf(page);
  const rule = { id: 'e2e', name: 'E2E queue too long', expr: 'max(e2e_queue)', condition: { type: 'threshold', op: 'above', threshold: 10 }, interval: '1s', severity: 'critical', noData: 'normal' };
  expect((await fetch(`${api}/api/v1/config/alerts`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules: [rule], webhooks: [] }) })).status).toBe(200);
  await fetch(`${api}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'e2e_queue', value: 99 }) });
  await expect
    .poll(async () => app.evaluate(() => (globalThis as unknown as { __radiatorTray?: { state: string; menu: string[] } }).__radiatorTray), { timeout: 30_000 })
    .toMatchObject({ state: 'critical', menu: expect.arrayContaining([expect.stringContaining('E2E queue too long')]) });
  await app.close();
});

test('settings persist across a restart', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'radiator-electron-'));
  let { app, page } = await launch(userData);
  let api = await apiOf(page);
  expect((await fetch(`${api}/api/v1/config/display`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ theme: 'light' }) })).status).toBe(200);
  await app.close();
  ({ app, page } = await launch(userData));
  api = await apiOf(page);
  const config = (await (await fetch(`${api}/api/v1/config`)).json()) as { display: { theme: string } };
  expect(config.display.theme).toBe('light');
  await expect(page.locator('.screen')).toHaveAttribute('data-theme', 'light', { timeout: 30_000 });
  expect(JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8'))).toMatchObject({ display: { theme: 'light' }, version: 1 });
  await app.close();
});
