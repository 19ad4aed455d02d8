// Read from across the room (issue 14): on every shipped board with the demo, at 1920×1080 and
// 3840×2160, nearly all the text is at least 2 % of the screen's height (a 55-inch TV at 5 m),
// every stat value at least 8 %, the charts' axis labels too, and no legend drops a series
// without saying "+N more". Screenshots go to test-results/legibility/ (or $LEGIBILITY_SHOTS) to
// be looked at.
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { defaultSettings } from '../src/shared/settings.ts';
import { dataDir, freePort, startServe, stop } from './helpers.ts';
import type { Served } from '../test/helpers/serve.ts';

// Playwright empties test-results/ when a run starts: LEGIBILITY_SHOTS keeps them elsewhere.
const SHOTS = process.env.LEGIBILITY_SHOTS ?? 'test-results/legibility';
mkdirSync(SHOTS, { recursive: true });

/** Share of text elements at or above 2 % of the screen's height that every board must reach. */
const MIN_LEGIBLE_SHARE = 0.9;
const MIN_TEXT_FRACTION = 0.02;
const MIN_STAT_FRACTION = 0.08;
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

let s: Served;
let base: string;

test.beforeAll(async () => {
  const port = await freePort();
  // E2E_RENDERER_DIR: a renderer built elsewhere (a private `electron-vite build --outDir`), so a
  // run is not disturbed by someone else rebuilding out/ in a shared tree.
  const extra = process.env.E2E_RENDERER_DIR ? ['--renderer-dir', `${process.env.E2E_RENDERER_DIR}/renderer`] : [];
  s = await startServe({ port, dir: dataDir(), demo: true, extra });
  base = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await stop(s);
});

interface Measure {
  total: number;
  legible: number;
  small: Array<{ text: string; px: number; where: string }>;
  stats: Array<{ panel: string; px: number }>;
  axes: Array<{ panel: string; px: number }>;
  charts: number;
  legends: Array<{ panel: string; series: number; shown: number; more: number; clipped: string[] }>;
}

/** What a person sees: every element with its own text, on screen and not clipped away. */
function measure(page: Page, minFraction: number): Promise<Measure> {
  return page.evaluate((minFraction) => {
    const vh = innerHeight;
    const visible = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
      // Clipped by a panel (or a list) that hides its overflow: not on screen.
      for (let p = el.parentElement; p; p = p.parentElement) {
        const pc = getComputedStyle(p);
        if (pc.overflow === 'visible' && pc.overflowY === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (r.top >= pr.bottom - 1 || r.bottom <= pr.top + 1 || r.left >= pr.right - 1 || r.right <= pr.left + 1) return false;
      }
      return true;
    };
    const scope = [document.querySelector('.bar'), document.querySelector('[data-shown="true"]')].filter((x): x is Element => x !== null);
    const out: Measure = { total: 0, legible: 0, small: [], stats: [], axes: [], charts: 0, legends: [] };
    for (const root of scope) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
        if (!own || !visible(el)) continue;
        const px = parseFloat(getComputedStyle(el).fontSize);
        out.total++;
        if (px >= minFraction * vh - 0.01) out.legible++;
        else out.small.push({ text: (el.textContent ?? '').trim().slice(0, 40), px: Math.round(px * 10) / 10, where: el.closest('[data-panel]')?.getAttribute('data-panel') ?? el.className.toString() });
      }
      for (const v of root.querySelectorAll('.stat .value')) {
        out.stats.push({ panel: v.closest('[data-panel]')?.getAttribute('data-panel') ?? '?', px: parseFloat(getComputedStyle(v).fontSize) });
      }
      for (const p of root.querySelectorAll('[data-axis-px]')) {
        out.axes.push({ panel: p.closest('[data-panel]')?.getAttribute('data-panel') ?? '?', px: Number(p.getAttribute('data-axis-px')) });
      }
      out.charts += root.querySelectorAll('.ts').length;
      for (const ts of root.querySelectorAll('.ts[data-series]')) {
        const legend = ts.querySelector('.legend');
        if (!legend) continue;
        const items = [...legend.querySelectorAll('li:not(.more)')];
        const moreText = legend.querySelector('.more')?.textContent ?? '';
        const more = Number(/\+(\d+) more/.exec(moreText)?.[1] ?? 0);
        out.legends.push({
          panel: ts.closest('[data-panel]')?.getAttribute('data-panel') ?? '?',
          series: Number(ts.getAttribute('data-series')),
          shown: items.length,
          more,
          clipped: items.filter((li) => !visible(li)).map((li) => (li.textContent ?? '').trim()),
        });
      }
    }
    return out;
  }, minFraction);
}

async function settled(page: Page, board: string): Promise<void> {
  await expect(async () => {
    const states = await page.locator('[data-shown="true"] [data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(states.filter((x) => x === 'loading'), `${board} still loading`).toEqual([]);
  }).toPass({ timeout: 30_000 });
}

for (const board of defaultSettings().boards) {
  test(`the ${board.title} board reads from across the room`, async ({ page }) => {
    await page.setViewportSize(SIZES[0]!);
    await page.goto(`${base}/?board=${board.id}`);
    await expect(page.getByTestId('board-title')).toHaveText(board.title);
    await settled(page, board.id);
    // Charts and fitted text settle after their first frames.
    await page.waitForTimeout(1_500);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(800);
      const m = await measure(page, MIN_TEXT_FRACTION);
      await page.screenshot({ path: `${SHOTS}/${board.id}-${size.width}x${size.height}.png` });
      const share = m.legible / Math.max(1, m.total);
      const minStat = m.stats.length ? Math.min(...m.stats.map((x) => x.px)) / size.height : null;
      console.log(`legibility ${board.id.padEnd(15)} ${size.width}×${size.height}: ${(share * 100).toFixed(0).padStart(3)} % of ${m.total} text elements; smallest stat ${minStat === null ? '–' : `${(minStat * 100).toFixed(1)} %`}`);
      // Soft: both sizes are measured and reported even when the first falls short.
      const where = `${board.id} at ${size.width}×${size.height}`;
      expect.soft(share, `${where}: text below 2 % of the height: ${JSON.stringify(m.small)}`).toBeGreaterThanOrEqual(MIN_LEGIBLE_SHARE);
      for (const st of m.stats) expect.soft(st.px / size.height, `${where}: stat ${st.panel} is ${st.px} px`).toBeGreaterThanOrEqual(MIN_STAT_FRACTION);
      for (const a of m.axes) expect.soft(a.px / size.height, `${where}: axis labels of ${a.panel} are ${a.px} px`).toBeGreaterThanOrEqual(MIN_TEXT_FRACTION - 0.0005);
      for (const l of m.legends) {
        expect.soft(l.shown + l.more, `${where}: legend of ${l.panel} shows ${l.shown} and "+${l.more} more" of ${l.series} series`).toBe(l.series);
        expect.soft(l.clipped, `${where}: legend entries of ${l.panel} cut off`).toEqual([]);
      }
      expect.soft(m.axes.length, `${where}: every chart reports its axis font`).toBe(m.charts);
    }
  });
}
