// Draws the tray icons (one shape per state, so they read without colour) and the app icon as SVG
// and renders them to PNG in Chromium: resources/tray-<state>.png (32 px), tray-<state>@2x.png
// (64 px), icon.png (512 px). Run after changing a shape: node scripts/make-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const OUT = resolve(import.meta.dirname, '..', 'resources');

const shapes: Record<string, string> = {
  // A filled circle with a tick.
  ok: `<circle cx="16" cy="16" r="13" fill="#009E73"/><path d="M9.5 16.5l4.5 4.5 8.5-9" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>`,
  // A triangle with "!".
  warning: `<path d="M16 3L30 28H2Z" fill="#E69F00" stroke="#000" stroke-width="1.2" stroke-linejoin="round"/><rect x="14.4" y="11" width="3.2" height="9" rx="1.2" fill="#000"/><circle cx="16" cy="23.6" r="1.9" fill="#000"/>`,
  // A square with "×".
  critical: `<rect x="3" y="3" width="26" height="26" rx="3" fill="#D55E00" stroke="#000" stroke-width="1.2"/><path d="M10.5 10.5l11 11M21.5 10.5l-11 11" stroke="#fff" stroke-width="3.4" stroke-linecap="round"/>`,
  // A clock: data stopped arriving.
  stale: `<circle cx="16" cy="16" r="13" fill="#8C96A1" stroke="#000" stroke-width="1.2"/><path d="M16 8.5V16l5 3.5" fill="none" stroke="#000" stroke-width="2.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  // A hollow ring, struck through: no collector.
  disconnected: `<circle cx="16" cy="16" r="11.5" fill="none" stroke="#8C96A1" stroke-width="3.4"/><path d="M6 26L26 6" stroke="#8C96A1" stroke-width="3.4" stroke-linecap="round"/>`,
};

const svg = (body: string, px: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 32 32">${body}</svg>`;
const appIcon = `<rect x="1" y="1" width="30" height="30" rx="7" fill="#0b0f14"/><circle cx="16" cy="16" r="4" fill="#56B4E9"/><path d="M9.6 9.6a9 9 0 0 0 0 12.8M22.4 9.6a9 9 0 0 1 0 12.8" fill="none" stroke="#56B4E9" stroke-width="2.4" stroke-linecap="round"/><path d="M6.1 6.1a14 14 0 0 0 0 19.8M25.9 6.1a14 14 0 0 1 0 19.8" fill="none" stroke="#E69F00" stroke-width="2.4" stroke-linecap="round"/>`;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  const render = async (body: string, px: number, file: string) => {
    await page.setViewportSize({ width: px, height: px });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg(body, px)}</body></html>`);
    writeFileSync(join(OUT, file), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: px, height: px } }));
  };
  for (const [state, body] of Object.entries(shapes)) {
    await render(body, 32, `tray-${state}.png`);
    await render(body, 64, `tray-${state}@2x.png`);
  }
  await render(appIcon, 512, 'icon.png');
  writeFileSync(join(OUT, 'icon.svg'), svg(appIcon, 512));
  await browser.close();
  console.log(`wrote ${Object.keys(shapes).length * 2 + 1} icons to ${OUT}`);
}

await main();
