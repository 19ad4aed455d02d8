// The live screen in Chromium against `radiator serve`: demo data renders, a lost collector shows
// a banner, a restarted one is picked up again without a reload, and an empty start shows the
// "point your apps here" snippets with the real ports.
import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { dataDir, freePort, startServe, stop } from './helpers.ts';

const SHOTS = 'test-results/screens';
mkdirSync(SHOTS, { recursive: true });

test('demo data renders live, survives losing and regaining the collector', async ({ page }) => {
  const port = await freePort();
  const dir = dataDir();
  let s = await startServe({ port, dir, demo: true });
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByRole('status')).toHaveText(/live/);
  await expect(page.locator('article.card h2', { hasText: /^http_requests$/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.ev.deploy').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/live-1920x1080.png` });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.screenshot({ path: `${SHOTS}/live-3840x2160.png` });
  // No scroll bars at either size.
  const overflow = await page.evaluate(() => [document.documentElement.scrollWidth > innerWidth, document.documentElement.scrollHeight > innerHeight]);
  expect(overflow).toEqual([false, false]);

  // Mark the page so a reload would be noticed.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await stop(s);
  await expect(page.getByRole('alert')).toContainText('Lost the collector', { timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/lost-1920x1080.png` });

  s = await startServe({ port, dir, demo: true, extra: ['--demo-history', '0'] });
  await expect(page.getByRole('status')).toHaveText(/live/, { timeout: 20_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
  await stop(s);
});

test('an empty start shows where to point apps, with the real ports', async ({ page }) => {
  const port = await freePort();
  const s = await startServe({ port, dir: dataDir(), extra: ['--no-host-metrics'] });
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByRole('heading', { name: 'Point your apps here' })).toBeVisible();
  const udp = s.ports.statsd_udp!;
  await expect(page.locator('pre').first()).toHaveText(`echo "deploys:1|c" | nc -u -w0 127.0.0.1 ${udp}`);
  await page.screenshot({ path: `${SHOTS}/empty-1920x1080.png` });
  // The snippet works: a counter sent now replaces the empty screen with a card.
  const dgram = await import('node:dgram');
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.send('deploys:1|c', udp, '127.0.0.1', () => r()));
  sock.close();
  await expect(page.locator('article.card h2', { hasText: /^deploys$/ })).toBeVisible({ timeout: 10_000 });
  await stop(s);
});
