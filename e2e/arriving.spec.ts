// Alive from the first metric (issue 14): `radiator serve` WITHOUT the demo, one StatsD gauge over
// UDP, and within 10 s the TV shows its name and value on the built-in "What's arriving" board —
// and no board in the rotation is a wall of "No data" or raw PromQL: shipped boards with nothing
// to show stay out until they have data. Screenshots of the board at 1920×1080 and 3840×2160 go
// to test-results/screens/ (gitignored), with one metric and with more than fit.
import { mkdirSync } from 'node:fs';
import dgram from 'node:dgram';
import { expect, test, type Page } from '@playwright/test';
import { dataDir, freePort, startServe, stop } from './helpers.ts';
import type { Served } from '../test/helpers/serve.ts';

// Another spec's run may clear test-results/ while this one runs: SHOTS_DIR puts them elsewhere.
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screens';
mkdirSync(SHOTS, { recursive: true });

let s: Served;
let base: string;
let udp: number;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const port = await freePort();
  s = await startServe({ port, dir: dataDir() });
  base = `http://127.0.0.1:${port}`;
  udp = s.ports.statsd_udp!;
});

test.afterAll(async () => {
  await stop(s);
});

let pageErrors: string[] = [];
test.beforeEach(({ page }) => {
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
});
test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

function sendStatsd(lines: string[]): Promise<void> {
  const sock = dgram.createSocket('udp4');
  return new Promise<void>((r) => sock.send(lines.join('\n'), udp, '127.0.0.1', () => r())).finally(() => sock.close());
}

const shown = (page: Page) => page.locator('section.slot[data-shown="true"]');

/** Every panel on the shown board has settled (no "Loading…"). */
async function settled(page: Page): Promise<void> {
  await expect(async () => {
    const states = await shown(page).locator('[data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(states).not.toContain('loading');
  }).toPass({ timeout: 15_000 });
}

test('one StatsD gauge, no demo: its name and value are on the TV within 10 s, and no board in the rotation says "No data"', async ({ page }) => {
  await page.goto(`${base}/`);
  await expect(page.getByTestId('welcome')).toBeVisible();

  await sendStatsd(['e2e.first_metric:42|g']);
  // Polled, not timed: the board, the name and the value, each within 10 s of the send.
  await expect(page.getByTestId('board-title')).toHaveText("What's arriving", { timeout: 10_000 });
  const tile = shown(page).locator('[data-panel]', { hasText: 'e2e_first_metric' });
  await expect(tile).toBeVisible({ timeout: 10_000 });
  await expect(tile.locator('[data-value]')).toHaveAttribute('data-value', '42', { timeout: 10_000 });
  await expect(tile).toContainText('statsd');
  await page.screenshot({ path: `${SHOTS}/arriving-first-1920x1080.png` });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.screenshot({ path: `${SHOTS}/arriving-first-3840x2160.png` });
  await page.setViewportSize({ width: 1920, height: 1080 });

  // Every board in the rotation: no "No data", no PromQL on the TV.
  const titles = await page.locator('ol.dots li').allTextContents();
  expect(titles[0]).toBe("What's arriving");
  // The shipped boards that read apps' metrics (Overview, Business, …) wait for theirs.
  expect(titles).not.toContain('Overview');
  expect(titles).not.toContain('Business');
  for (let i = 0; i < Math.max(1, titles.length); i++) {
    await expect(page.getByTestId('board-title')).toHaveText(titles[i]!);
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/first-metric-rotation-${i}-1920x1080.png` });
    const text = await shown(page).innerText();
    expect(text, `board "${titles[i]}"`).not.toMatch(/\bNo data\b/);
    expect(text, `board "${titles[i]}"`).not.toMatch(/\w\(|\[\dm\]|\{__name__/);
    await page.keyboard.press('ArrowRight');
  }
});

test('a board saved "In rotation" is on the TV, and its one panel fills the board', async ({ page }) => {
  const r = await fetch(`${base}/api/v1/config/boards/mine`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'mine', title: 'My board', enabled: true, panels: [{ id: 'first', type: 'stat', title: 'First metric', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: 'e2e_first_metric' }] }] }),
  });
  expect(r.ok).toBe(true);
  await page.goto(`${base}/`);
  // In no playlist, yet in the default rotation.
  await expect(page.locator('ol.dots li')).toContainText(['My board']);
  for (let i = 0; i < 5 && (await page.getByTestId('board-title').textContent())?.trim() !== 'My board'; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('board-title')).toHaveText('My board');
  const stage = (await page.locator('main.stage').boundingBox())!;
  const panel = (await shown(page).locator('[data-panel="first"]').boundingBox())!;
  expect(panel.width).toBeGreaterThan(stage.width * 0.9);
  expect(panel.height).toBeGreaterThan(stage.height * 0.9);
  await expect(shown(page).locator('[data-panel="first"] [data-value]')).toHaveAttribute('data-value', '42');
});

test('the settings say why a shipped board is skipped', async ({ page }) => {
  await page.goto(`${base}/settings#boards?board=overview`);
  await expect(page.getByTestId('skip-reason')).toContainText('Skipped on the TV until one of its queries has data: nothing received yet for');
  await expect(page.locator('[data-board-item="overview"] .badge.skipped')).toHaveText('no data yet');
  await page.screenshot({ path: `${SHOTS}/settings-skipped-1920x1080.png` });
});

test('"What\'s arriving" at 1920×1080 and 3840×2160, with more names than fit', async ({ page }) => {
  const names = ['orders_placed:3|c', 'checkout.latency:182|ms', 'queue.depth:17|g', 'signups:1|c', 'cart.size:4|g', 'payments.failed:1|c', 'search.latency:88|ms', 'cache.hits:250|c', 'db.pool_in_use:12|g', 'emails.sent:40|c', 'jobs.running:3|g'];
  await sendStatsd(names);
  await page.goto(`${base}/?board=arriving`);
  await expect(shown(page).locator('[data-panel]')).toHaveCount(9, { timeout: 10_000 });
  await expect(shown(page)).toContainText(/\+\d+ more/);
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/arriving-many-1920x1080.png` });
  expect(await tooSmall(page)).toEqual([]);
  await page.setViewportSize({ width: 3840, height: 2160 });
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/arriving-many-3840x2160.png` });
  expect(await tooSmall(page)).toEqual([]);
});

/** Text on the shown board below 2 % of the screen's height (none should be: it is read across a room). */
function tooSmall(page: Page): Promise<string[]> {
  return shown(page).evaluate((root) => {
    const out: string[] = [];
    const min = window.innerHeight * 0.02;
    for (const el of root.querySelectorAll<HTMLElement>('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (!own || el.getClientRects().length === 0) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < min) out.push(`${el.tagName}.${el.className} "${el.textContent!.trim().slice(0, 30)}" ${px}px < ${min}px`);
    }
    return out;
  });
}
