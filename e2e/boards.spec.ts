// The radiator in Chromium against `radiator serve --demo` on a temporary data dir: every shipped
// board renders with data (screenshots at 1920×1080 and 3840×2160, axe finds nothing serious),
// rotation follows the playlist with each board's own dwell, a firing alert pulls its board
// forward, stopped data turns stale, edits over the API show on the open screen.
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { hostname } from 'node:os';
import { expect, test, type Page } from '@playwright/test';
import { defaultSettings } from '../src/shared/settings.ts';
import { dataDir, freePort, startServe, stop } from './helpers.ts';
import type { Served } from '../test/helpers/serve.ts';

const SHOTS = 'test-results/screens';
mkdirSync(SHOTS, { recursive: true });

let s: Served;
let base: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const port = await freePort();
  s = await startServe({ port, dir: dataDir(), demo: true });
  base = `http://127.0.0.1:${port}`;
  // Only this spec's rules: the demo's own may fire (its bad deploy) and move boards around.
  const r = await put('/api/v1/config/alerts', { rules: [], webhooks: [] });
  expect(r.status).toBe(200);
});

test.afterAll(async () => {
  await stop(s);
});

// A screen that throws has stopped updating part of itself: any uncaught page error fails the test.
let pageErrors: string[] = [];
test.beforeEach(({ page }) => {
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
});
test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

function put(path: string, body: unknown): Promise<Response> {
  return fetch(base + path, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}
function post(path: string, body: unknown): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const screen = (page: Page) => page.evaluate(() => (window as unknown as { __radiator: { board: string | null; next: string | null; mode: string; paused: boolean } }).__radiator);
const shown = (page: Page) => page.locator('[data-shown="true"]');

/** Every panel on the board showing has settled; returns each panel's state. */
async function settled(page: Page): Promise<Record<string, string>> {
  await expect(async () => {
    const states = await shown(page).locator('[data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(states.filter((x) => x === 'loading')).toEqual([]);
  }).toPass({ timeout: 20_000 });
  const pairs = await shown(page).locator('[data-panel]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-panel')!, e.getAttribute('data-state')!] as const));
  return Object.fromEntries(pairs);
}

async function noScrollBars(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => [document.documentElement.scrollWidth > innerWidth, document.documentElement.scrollHeight > innerHeight]);
  expect(overflow).toEqual([false, false]);
}

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
}

// Panels that list what matches may legitimately list nothing: no refused input on a healthy demo,
// no remote-write endpoint configured (the demo forwards nowhere).
const MAY_BE_EMPTY = new Set(['collector/rejected', 'collector/remote-write']);

// The shipped boards, as the settings resolve them.
for (const board of defaultSettings().boards) {
  test(`the ${board.title} board renders with data at 1920×1080 and 3840×2160`, async ({ page }) => {
    await page.goto(`${base}/?board=${board.id}`);
    await expect(page.getByTestId('board-title')).toHaveText(board.title);
    await expect(async () => {
      const states = await settled(page);
      for (const [panel, state] of Object.entries(states)) {
        const ok = state === 'fresh' || (state === 'empty' && MAY_BE_EMPTY.has(`${board.id}/${panel}`));
        expect(ok, `${board.id}/${panel} is ${state}`).toBe(true);
      }
      expect(Object.keys(states).sort()).toEqual(board.panels.map((p) => p.id).sort());
    }).toPass({ timeout: 30_000 });
    // Charts drew something (a canvas per time series, with pixels on it).
    const charts = board.panels.filter((p) => p.type === 'timeseries').length;
    await expect(shown(page).locator('.uplot canvas')).toHaveCount(charts);
    await noScrollBars(page);
    await page.screenshot({ path: `${SHOTS}/${board.id}-1920x1080.png` });
    await axe(page);
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForTimeout(300);
    await noScrollBars(page);
    await page.screenshot({ path: `${SHOTS}/${board.id}-3840x2160.png` });
  });
}

test('the demo’s CI, experiment and rotation reach the DORA panel, the hypothesis card and the on-call panel', async ({ page }) => {
  await page.goto(`${base}/?board=pipeline`);
  const dora = shown(page).locator('[data-panel="dora"]');
  await expect(dora.locator('.key')).toHaveCount(4, { timeout: 20_000 });
  // Deploys and lead time come from the signed GitHub webhooks the demo sends.
  // The demo has 30 min of history: a count over that span, and the span named (not "30 days").
  await expect(dora.locator('.key-value').first()).toHaveText(/^\d+ in \d+ (s|min|h)$/);
  await expect(dora.getByTestId('dora-period')).toHaveText(/^over the \d+ (s|min|h) since data began \(of a 30 d window\)$/);
  await expect(dora.locator('.key-value').nth(1)).toHaveText(/\d+ (s|min|h|d)/);
  await page.goto(`${base}/?board=business`);
  const card = shown(page).locator('[data-panel="experiment"]');
  await expect(card.locator('.hypothesis')).toContainText('We believe a one-click checkout');
  await expect(card.locator('.verdict')).toHaveAttribute('data-verdict', /collecting|significant_win|significant_loss|inconclusive_at_horizon|srm_do_not_trust/);
  await expect(card.locator('tbody tr')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/experiment-card-1920x1080.png` });
  await page.goto(`${base}/?board=overview`);
  await expect(shown(page).getByTestId('oncall-person')).toHaveText(/Ana|Ben|Chloé|Dev/);
});

test('the light theme passes the same checks', async ({ page }) => {
  await page.goto(`${base}/?board=overview&theme=light`);
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/overview-light-1920x1080.png` });
  await axe(page);
});

test('rotation follows the playlist with each board’s dwell; the next board is ready before it shows; ←, → and space', async ({ page }) => {
  const r = await put('/api/v1/config/playlists/e2e-rotation', { name: 'E2E', boards: ['business', 'client', 'pipeline'], dwell: { business: '6s', client: '9s' } });
  expect(r.status).toBe(200);
  await page.clock.install();
  await page.goto(`${base}/?playlist=e2e-rotation`);
  await expect.poll(async () => (await screen(page))?.board).toBe('business');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-dwell-ms', '6000');
  // The next board is already rendered, hidden, with its data.
  const next = page.locator('[data-board="client"][data-shown="false"]');
  await expect(next).toHaveCount(1);
  await expect(async () => {
    const states = await next.locator('[data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((x) => x === 'fresh')).toBe(true);
  }).toPass({ timeout: 20_000 });

  // From here the page's clock only moves when the test moves it. → restarts the dwell, so the
  // times below count from a known instant. The pause is a second ahead: on a busy machine more
  // than a few milliseconds pass between reading the page's time and pausing it, and pausing in
  // the past is an error ("Cannot fast-forward to the past").
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  await page.keyboard.press('ArrowRight');
  expect((await screen(page)).board).toBe('client');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-dwell-ms', '9000');
  await page.clock.runFor(8_800);
  expect((await screen(page)).board).toBe('client');
  await page.clock.runFor(300);
  expect((await screen(page)).board).toBe('pipeline');
  await expect(page.getByTestId('board-title')).toHaveText('Pipeline');
  await page.clock.runFor(29_700); // the board's own 30 s (no override in the playlist)
  expect((await screen(page)).board).toBe('pipeline');
  await page.clock.runFor(400);
  expect((await screen(page)).board).toBe('business');
  await page.clock.runFor(5_800);
  expect((await screen(page)).board).toBe('business');
  await page.clock.runFor(400);
  expect((await screen(page)).board).toBe('client');

  await page.keyboard.press('ArrowLeft');
  expect((await screen(page)).board).toBe('business');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('paused')).toBeVisible();
  await page.clock.runFor(20_000);
  expect((await screen(page)).board).toBe('business');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('paused')).toHaveCount(0);
  await page.clock.runFor(6_200);
  expect((await screen(page)).board).toBe('client');
});

test('a firing alert pulls its board forward and holds it; the rotation resumes when it resolves', async ({ page }) => {
  const rule = {
    id: 'e2e-queue',
    name: 'E2E queue too long',
    expr: 'max(e2e_queue_depth)',
    condition: { type: 'threshold', op: 'above', threshold: 100 },
    interval: '1s',
    severity: 'critical',
    summary: '{{ $value }} jobs waiting',
    board: 'pipeline',
    noData: 'normal',
  };
  expect((await put('/api/v1/config/alerts', { rules: [rule], webhooks: [] })).status).toBe(200);
  await post('/api/v1/metrics', { name: 'e2e_queue_depth', value: 5 });
  await page.goto(`${base}/`);
  await expect.poll(async () => (await screen(page))?.board).toBe('overview');

  await post('/api/v1/metrics', { name: 'e2e_queue_depth', value: 500 });
  await expect.poll(async () => (await screen(page)).board, { timeout: 15_000 }).toBe('pipeline');
  expect((await screen(page)).mode).toBe('alert');
  await expect(page.getByTestId('alert-strip')).toContainText('E2E queue too long');
  await expect(page.getByTestId('alert-strip')).toContainText('500 jobs waiting');
  await page.screenshot({ path: `${SHOTS}/alert-priority-1920x1080.png` });

  await post('/api/v1/metrics', { name: 'e2e_queue_depth', value: 3 });
  await expect.poll(async () => (await screen(page)).mode, { timeout: 15_000 }).toBe('rotate');
  await expect(page.getByTestId('alert-strip')).toHaveCount(0);
  expect((await put('/api/v1/config/alerts', { rules: [], webhooks: [] })).status).toBe(200);
});

test('data that stops arriving turns stale, even though the collector still holds the value', async ({ page }) => {
  const board = {
    title: 'E2E staleness',
    panels: [
      { id: 'beat', type: 'stat', title: 'Heartbeat', x: 0, y: 0, w: 6, h: 4, queries: [{ expr: 'max(e2e_heartbeat)' }], maxAge: '8s' },
      { id: 'clock', type: 'clock', title: 'Clock', x: 6, y: 0, w: 6, h: 4 },
    ],
  };
  expect((await put('/api/v1/config/boards/e2e-stale', board)).status).toBe(200);
  await page.goto(`${base}/?board=e2e-stale`);
  const beat = shown(page).locator('[data-panel="beat"]');
  await expect(beat).toHaveAttribute('data-state', /empty|fresh/);
  await post('/api/v1/metrics', { name: 'e2e_heartbeat', value: 42, type: 'gauge' });
  await expect(beat.locator('.number')).toHaveText('42', { timeout: 10_000 });
  // Nothing more is sent: past the max age it is stale, in words.
  await expect(beat).toHaveAttribute('data-state', 'stale', { timeout: 20_000 });
  await expect(beat.getByTestId('stale')).toContainText(/No data for \d+ s/);
  await page.screenshot({ path: `${SHOTS}/stale-1920x1080.png` });
  // A new value brings it back. (The panel is fresh only while the value is younger than its
  // max age, so the flush and the feed must bring it to the screen within that: at 4 s a loaded
  // CI run missed the window.)
  await post('/api/v1/metrics', { name: 'e2e_heartbeat', value: 43, type: 'gauge' });
  await expect(beat).toHaveAttribute('data-state', 'fresh', { timeout: 10_000 });
});

test('an edit over the API shows on the open screen, without a reload', async ({ page }) => {
  await page.goto(`${base}/?board=e2e-stale`);
  await expect(page.getByTestId('board-title')).toHaveText('E2E staleness');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  const edited = {
    title: 'E2E edited live',
    panels: [
      { id: 'beat', type: 'stat', title: 'Heartbeat', x: 0, y: 0, w: 6, h: 4, queries: [{ expr: 'max(e2e_heartbeat)' }], maxAge: '1h' },
      { id: 'note', type: 'text', title: 'Note', x: 6, y: 0, w: 6, h: 4, text: '**Release freeze** until Friday <script>window.pwned = 1</script>' },
    ],
  };
  expect((await put('/api/v1/config/boards/e2e-stale', edited)).status).toBe(200);
  await expect(page.getByTestId('board-title')).toHaveText('E2E edited live');
  await expect(shown(page).locator('[data-panel="note"] strong')).toHaveText('Release freeze');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(shown(page).locator('[data-panel="clock"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
});

test('losing the collector shows a banner within seconds; a restarted one is picked up without a reload', async ({ page }) => {
  const port = await freePort();
  const dir = dataDir();
  let own = await startServe({ port, dir, demo: true, extra: ['--demo-history', '10m'] });
  await page.goto(`http://127.0.0.1:${port}/?board=application`);
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  await settled(page);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await stop(own);
  await expect(page.getByTestId('banner')).toContainText('Lost the collector', { timeout: 5_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Offline/);
  await page.screenshot({ path: `${SHOTS}/lost-1920x1080.png` });

  own = await startServe({ port, dir, demo: true, extra: ['--demo-history', '0'] });
  await expect(page.getByTestId('connection')).toHaveText(/Live/, { timeout: 20_000 });
  await expect(page.getByTestId('banner')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
  // The panels resubscribed and are fed again.
  await expect(async () => {
    const states = await settled(page);
    expect(Object.values(states).every((x) => x === 'fresh')).toBe(true);
  }).toPass({ timeout: 20_000 });
  await stop(own);
});

test('an empty start shows where to point apps, with the real ports, until something arrives', async ({ page }) => {
  const port = await freePort();
  const own = await startServe({ port, dir: dataDir() });
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByTestId('welcome')).toBeVisible();
  const udp = own.ports.statsd_udp!;
  await expect(page.getByTestId('welcome').locator('pre').first()).toHaveText(`echo "deploys:1|c" | nc -u -w1 127.0.0.1 ${udp}`);
  await page.screenshot({ path: `${SHOTS}/welcome-1920x1080.png` });
  await axe(page);
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.screenshot({ path: `${SHOTS}/welcome-3840x2160.png` });
  // The snippet works: once a counter arrives, "What's arriving" takes over and shows it (the
  // shipped boards join as their own metrics arrive: e2e/arriving.spec.ts).
  const dgram = await import('node:dgram');
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.send('deploys:1|c', udp, '127.0.0.1', () => r()));
  sock.close();
  await expect(page.getByTestId('welcome')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('board-title')).toHaveText("What's arriving");
  await expect(page.locator('section.slot[data-shown="true"] [data-panel]', { hasText: 'deploys' })).toBeVisible();
  await stop(own);
});

test('series that share a legend all render, named apart, in every kind of list (issue 15)', async ({ page }) => {
  // Two series, one legend — in a chart's legend, a table, a bar gauge and a status grid; and the
  // built-in Infrastructure board once a scraped node_exporter's node_load1 joins the host's.
  const r = await post('/api/v1/metrics', [
    { name: 'e2e_same_legend', value: 3, type: 'gauge', labels: { instance: 'a:9100', job: 'node' } },
    { name: 'e2e_same_legend', value: 7, type: 'gauge', labels: { instance: 'b:9100', job: 'node' } },
    { name: 'node_load1', value: 0.42, type: 'gauge', labels: { instance: 'localhost:9100', job: 'node' } },
  ]);
  expect(r.status).toBe(200);
  const queries = [{ expr: 'e2e_same_legend', legend: '{{job}}' }];
  const board = {
    title: 'E2E one legend, two series',
    panels: [
      { id: 'chart', type: 'timeseries', title: 'Time series', x: 0, y: 0, w: 6, h: 4, queries, range: '5m', events: null },
      { id: 'table', type: 'table', title: 'Table', x: 6, y: 0, w: 6, h: 4, queries },
      { id: 'bars', type: 'bargauge', title: 'Bar gauge', x: 0, y: 4, w: 6, h: 4, queries, min: 0, max: 10 },
      { id: 'grid', type: 'statusgrid', title: 'Status grid', x: 6, y: 4, w: 6, h: 4, queries, thresholds: [{ value: 5, state: 'warn' }] },
    ],
  };
  expect((await put('/api/v1/config/boards/e2e-same-legend', board)).status).toBe(200);
  await page.goto(`${base}/?board=e2e-same-legend`);
  await expect(page.getByTestId('board-title')).toHaveText(board.title);
  await expect(async () => {
    expect(Object.values(await settled(page))).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
  }).toPass({ timeout: 20_000 });
  const names = ['node (instance=a:9100)', 'node (instance=b:9100)'];
  const texts = async (sel: string) => (await shown(page).locator(sel).allTextContents()).map((t) => t.trim()).sort();
  await expect.poll(() => texts('[data-panel="chart"] .legend .name')).toEqual(names);
  await expect.poll(() => texts('[data-panel="table"] th.name')).toEqual(names);
  await expect.poll(() => texts('[data-panel="bars"] .name')).toEqual(names);
  await expect.poll(() => texts('[data-panel="grid"] .tile .name')).toEqual(names);
  await noScrollBars(page);
  await page.screenshot({ path: `${SHOTS}/same-legend-1920x1080.png` });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(300);
  await noScrollBars(page);
  await page.screenshot({ path: `${SHOTS}/same-legend-3840x2160.png` });

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${base}/?board=infrastructure`);
  await expect(async () => {
    const states = await settled(page);
    expect(Object.entries(states).filter(([, st]) => st !== 'fresh')).toEqual([]);
  }).toPass({ timeout: 30_000 });
  // This machine's sampler and the scraped exporter: both "1 min", named apart by their job and instance.
  await expect
    .poll(async () => (await texts('[data-panel="load"] .legend .name')).slice().sort())
    .toEqual(['1 min (instance=localhost:9100, job=node)', `1 min (instance=${hostname()}, job=radiator_host)`, '5 min'].sort());
  await page.screenshot({ path: `${SHOTS}/infrastructure-scraped-1920x1080.png` });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/infrastructure-scraped-3840x2160.png` });
});
