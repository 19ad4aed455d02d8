// The settings UI in Chromium against `radiator serve --demo` (so there are metric names to
// complete): build a board with a panel whose query is typed with completion, see it live in the
// preview and on an open screen, see the engine's error next to a bad query, change a threshold
// and watch the screen change, export → delete → import, undo, import a Grafana dashboard, move
// panels by keyboard and mouse, a file-managed board is read-only, telemetry and CI sections as
// YAML; axe and screenshots of every settings page at 1920×1080 and 3840×2160.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { dataDir, freePort, startServe, stop } from './helpers.ts';
import type { Served } from '../test/helpers/serve.ts';
import type { ScreenConfig } from '../src/shared/feed-protocol.ts';

const SHOTS = 'test-results/screens';
mkdirSync(SHOTS, { recursive: true });

let s: Served;
let base: string;
const configDir = join(dataDir(), 'radiator-config');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'team.yaml'),
    'boards:\n  - id: from-git\n    title: From git\n    panels:\n      - { id: note, type: text, title: Note, x: 0, y: 0, w: 6, h: 2, text: "Kept in **git**" }\n',
  );
  const port = await freePort();
  // E2E_RENDERER_DIR: a renderer built elsewhere (see legibility.spec.ts).
  const renderer = process.env.E2E_RENDERER_DIR ? ['--renderer-dir', `${process.env.E2E_RENDERER_DIR}/renderer`] : [];
  s = await startServe({ port, dir: dataDir(), demo: true, extra: ['--set', `configDir=${configDir}`, ...renderer] });
  base = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await stop(s);
});

const config = async () => (await (await fetch(`${base}/api/v1/config`)).json()) as ScreenConfig;
const boardOf = async (id: string) => (await config()).boards.find((b) => b.id === id);

async function axe(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`)).toEqual([]);
}

async function openSettings(page: Page, section: string): Promise<void> {
  await page.goto(`${base}/settings#${section}`);
  await expect(page.getByTestId('connection')).toContainText('Connected');
  await expect(page.getByTestId('who')).toContainText('you may edit');
}

/** Types into the panel's PromQL editor and picks `pick` from the completion list. */
async function typeQuery(page: Page, editorId: string, prefix: string, pick: string): Promise<void> {
  const editor = page.locator(`#${editorId}`);
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(prefix, { delay: 40 });
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: pick }).first();
  await expect(option).toBeVisible({ timeout: 10_000 });
  await option.click();
}

test('a new board: a panel typed with completion, live in the preview, then on an open screen', async ({ page, context }) => {
  await openSettings(page, 'boards');
  await page.getByTestId('new-board').click();
  await page.locator('#board-title').fill('E2E Shop');
  await page.locator('#board-id').fill('e2e-shop');
  await page.getByTestId('add-panel').click();
  // A fresh panel wants a query, and says so next to the field.
  await expect(page.locator('#board-panels-0-queries-0-expr-err')).toContainText('Write a query');

  await page.locator('#board-panels-0-type').selectOption('stat');
  await page.locator('#board-panels-0-title').fill('Active users');
  // Label names come from the store too: the ones this metric has.
  await typeQuery(page, 'board-panels-0-queries-0-expr', 'shop_ord', 'shop_orders');
  await expect(page.locator('#board-panels-0-queries-0-expr')).toHaveText('shop_orders');
  await page.keyboard.type('{', { delay: 40 });
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.cm-tooltip-autocomplete li', { hasText: 'channel' })).toBeVisible({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  // The query the panel keeps.
  await typeQuery(page, 'board-panels-0-queries-0-expr', 'shop_act', 'shop_active_users');
  await expect(page.locator('#board-panels-0-queries-0-expr')).toHaveText('shop_active_users');

  // The preview draws it from the live feed.
  const preview = page.getByTestId('panel-preview').locator('[data-panel]');
  await expect(preview).toHaveAttribute('data-state', 'fresh', { timeout: 15_000 });
  await expect(preview.locator('.number')).not.toHaveText('');
  await page.screenshot({ path: `${SHOTS}/settings-board-editor-1920x1080.png` });

  await page.getByTestId('save-board').click();
  await expect(page.getByTestId('notice')).toContainText('Board “E2E Shop” — done');
  const saved = await boardOf('e2e-shop');
  expect(saved?.panels[0]).toMatchObject({ type: 'stat', title: 'Active users', queries: [{ expr: 'shop_active_users' }] });

  const screen = await context.newPage();
  await screen.goto(`${base}/?board=e2e-shop`);
  await expect(screen.getByTestId('board-title')).toHaveText('E2E Shop');
  await expect(screen.locator('[data-shown="true"] [data-panel="panel"]')).toHaveAttribute('data-state', 'fresh', { timeout: 15_000 });
  await screen.close();
});

test('an invalid query shows the engine’s error next to the field, and nothing is saved', async ({ page }) => {
  await openSettings(page, 'boards');
  await page.locator('[data-board-item="e2e-shop"]').click();
  await page.locator('[data-panel-tile="panel"]').click();
  const editor = page.locator('#board-panels-0-queries-0-expr');
  await editor.click();
  await page.keyboard.press('Control+a');
  // (Brackets close themselves as you type, so the mistake is a dangling operator.)
  await page.keyboard.type('shop_active_users +');
  await page.keyboard.press('Escape');
  await page.getByTestId('save-board').click();
  const err = page.locator('#board-panels-0-queries-0-expr-err');
  // The parser's own words (the same the API's problems carry), next to the query.
  await expect(err).toContainText(/parse error|unexpected|unclosed/i);
  await expect(page.locator('[data-testid="promql-editor"]').first()).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('error-summary')).toContainText('panels.0.queries.0.expr');
  await expect(page.getByTestId('notice')).toContainText('not saved');
  expect((await boardOf('e2e-shop'))!.panels[0]!.queries[0]!.expr).toBe('shop_active_users');
  await page.screenshot({ path: `${SHOTS}/settings-board-error-1920x1080.png` });
  // Put it right again.
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('shop_active_users');
  await page.keyboard.press('Escape');
  await page.getByTestId('save-board').click();
  await expect(page.getByTestId('notice')).toContainText('— done; every open screen shows it');
});

test('a threshold edited here changes the state on an open screen', async ({ page, context }) => {
  const screen = await context.newPage();
  await screen.goto(`${base}/?board=e2e-shop`);
  const stat = screen.locator('[data-shown="true"] [data-panel="panel"] .stat');
  await expect(stat).toHaveClass(/state-none/, { timeout: 15_000 });

  await openSettings(page, 'boards');
  await page.locator('[data-board-item="e2e-shop"]').click();
  await page.locator('[data-panel-tile="panel"]').click();
  await page.getByRole('button', { name: 'Add a threshold' }).click();
  await page.locator('#board-panels-0-thresholds-0-value').fill('0');
  await page.locator('#board-panels-0-thresholds-0-state').selectOption('ok');
  await page.getByTestId('save-board').click();
  await expect(page.getByTestId('notice')).toContainText('— done');
  await expect(stat).toHaveClass(/state-ok/, { timeout: 10_000 });

  await page.locator('#board-panels-0-thresholds-0-state').selectOption('crit');
  await page.getByTestId('save-board').click();
  await expect(stat).toHaveClass(/state-crit/, { timeout: 10_000 });
  // Critical reads without colour too: the shape and its name.
  await expect(stat.locator('.shape')).toHaveAttribute('aria-label', 'Critical');
  await screen.screenshot({ path: `${SHOTS}/settings-threshold-on-screen-1920x1080.png` });
  await screen.close();
});

test('panels move with the arrow keys and resize with Shift; a mouse drag moves them too', async ({ page }) => {
  await openSettings(page, 'boards');
  await page.locator('[data-board-item="e2e-shop"]').click();
  const tile = page.locator('[data-panel-tile="panel"]');
  await expect(tile).toHaveAccessibleName(/column 1, row 1, 4 wide and 2 high/);
  await tile.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(tile).toHaveAccessibleName(/column 2, row 2, 5 wide and 3 high/);
  await expect(tile).toBeFocused();
  // Against the edges: it stops there.
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
  await expect(tile).toHaveAccessibleName(/column 1, row 2/);
  // Drag by two cells to the right.
  const grid = await page.getByTestId('grid-editor').boundingBox();
  const box = (await tile.boundingBox())!;
  const cell = grid!.width / 12;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 20 + cell, box.y + 20, { steps: 4 });
  await page.mouse.move(box.x + 20 + 2 * cell, box.y + 20, { steps: 4 });
  await page.mouse.up();
  await expect(tile).toHaveAccessibleName(/column 3, row 2, 5 wide and 3 high/);
  await page.getByTestId('save-board').click();
  await expect(page.getByTestId('notice')).toContainText('— done');
  expect((await boardOf('e2e-shop'))!.panels[0]).toMatchObject({ x: 2, y: 1, w: 5, h: 3 });
});

test('export, delete (after a confirmation), import: the same board comes back; undo works', async ({ page }) => {
  const original = await boardOf('e2e-shop');
  await openSettings(page, 'code');
  await page.getByLabel('Only these boards').check();
  await page.getByRole('group', { name: 'Boards to export' }).getByLabel('E2E Shop').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const yaml = readFileSync((await download.path())!, 'utf8');
  expect(yaml).toMatch(/id: e2e-shop/);
  expect(yaml).toMatch(/expr: shop_active_users/);

  await page.goto(`${base}/settings#boards`);
  await page.locator('[data-board-item="e2e-shop"]').click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this board?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/settings-confirm-delete-1920x1080.png` });
  await dialog.getByRole('button', { name: 'Delete board' }).click();
  await expect(page.getByTestId('notice')).toContainText('Deleting “E2E Shop” — done');
  expect(await boardOf('e2e-shop')).toBeUndefined();

  // Undo puts it back; delete it again for the import.
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('notice')).toContainText('Undone');
  await expect.poll(() => boardOf('e2e-shop')).toEqual(original);
  await page.locator('[data-board-item="e2e-shop"]').click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete board' }).click();
  await expect.poll(() => boardOf('e2e-shop')).toBeUndefined();

  await page.goto(`${base}/settings#code`);
  await page.locator('#import-text').fill(yaml);
  await page.getByTestId('import-preview').click();
  const report = page.getByTestId('import-report');
  await expect(report).toContainText('It would change');
  await expect(report.getByRole('row', { name: /boards/ })).toContainText('e2e-shop');
  expect(await boardOf('e2e-shop')).toBeUndefined(); // a preview changes nothing
  await page.screenshot({ path: `${SHOTS}/settings-import-preview-1920x1080.png` });
  await page.getByTestId('import-apply').click();
  await expect(report).toContainText('Imported');
  expect(await boardOf('e2e-shop')).toEqual(original);

  // A bad document changes nothing, and says why.
  await page.locator('#import-text').fill('boards:\n  - id: broken\n    title: Broken\n    panels:\n      - { id: p, type: stat, x: 0, y: 0, w: 0, h: 1 }\n');
  await page.getByTestId('import-preview').click();
  await expect(page.getByTestId('import-problems')).toContainText('boards.0.panels.0.w = 0');
});

test('a Grafana dashboard becomes a board per row and a playlist, with what could not be converted listed', async ({ page }) => {
  await openSettings(page, 'code');
  await page.locator('#grafana-file').setInputFiles('test/fixtures/grafana/service-overview.json');
  await page.getByTestId('grafana-preview').click();
  const report = page.getByTestId('grafana-report');
  await expect(report).toContainText('“Service overview”: 9 panels on 3 boards, in the playlist service-overview');
  await expect(page.getByTestId('grafana-boards')).toContainText('Service overview · Traffic');
  await expect(page.getByTestId('grafana-skipped')).toContainText('Latency heatmap: "heatmap" panels have no Radiator equivalent');
  await expect(report).toContainText('$env = prod');
  await expect(report).toContainText('the variable $job has no saved value');
  await page.screenshot({ path: `${SHOTS}/settings-grafana-1920x1080.png` });
  await page.getByTestId('grafana-save').click();
  await expect(report).toContainText('saved');
  const board = await boardOf('service-overview-traffic');
  expect(board?.panels.map((p) => p.title)).toContain('Requests by status');
  expect((await config()).playlists.find((p) => p.id === 'service-overview')?.boards).toEqual(['service-overview-overview', 'service-overview-traffic', 'service-overview-process']);
  await page.goto(`${base}/?board=service-overview-traffic`);
  await expect(page.getByTestId('board-title')).toHaveText('Service overview · Traffic');
  await expect(page.locator('[data-shown="true"] [data-panel]')).toHaveCount(4);

  // The board's variables show on its settings, and a value can be changed there.
  await openSettings(page, 'boards');
  await page.locator('[data-board-item="service-overview-traffic"]').click();
  const vars = page.getByTestId('board-variables');
  await expect(vars).toContainText('$env');
  const env = vars.locator('textarea').nth(2);
  await expect(env).toHaveValue('prod');
  await env.fill('staging');
  await page.getByTestId('save-board').click();
  await expect.poll(async () => (await boardOf('service-overview-traffic'))?.variables.find((v) => v.name === 'env')?.value).toBe('staging');
});

test('a board from the watched directory is read-only here and names its file', async ({ page }) => {
  await openSettings(page, 'boards');
  await page.locator('[data-board-item="from-git"]').click();
  await expect(page.getByTestId('managed-notice')).toContainText(join(configDir, 'team.yaml'));
  await expect(page.getByTestId('save-board')).toHaveCount(0);
  await expect(page.locator('#board-title')).toBeDisabled();
  await page.goto(`${base}/settings#code`);
  await expect(page.getByTestId('dir-files')).toContainText('team.yaml');
  await expect(page.getByTestId('dir-files')).toContainText('board from-git');
});

test('a data source test says what is wrong; an access token is shown once', async ({ page }) => {
  await openSettings(page, 'sources');
  await page.getByRole('button', { name: 'Add a server' }).click();
  await page.locator('#sources-0-url').fill(`http://127.0.0.1:${await freePort()}`);
  await page.getByRole('button', { name: 'Test', exact: true }).nth(1).click();
  await expect(page.getByTestId('test-result-s0')).toContainText('Nothing answers at that address', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Test', exact: true }).first().click();
  await expect(page.getByTestId('test-result-embedded')).toContainText(/Answers: version .*series/);

  await page.goto(`${base}/settings#access`);
  await page.locator('#token-name').fill('Lobby TV');
  await page.getByRole('button', { name: 'Make a token' }).click();
  await expect(page.getByTestId('new-token')).toContainText(/rdtk_[A-Za-z0-9_-]{43}/);
  await expect(page.getByTestId('tokens')).toContainText('Lobby TV');
  await expect(page.getByTestId('tokens')).toContainText('read');
});

test('telemetry and CI as YAML: a bad value is named, a good one applies at once, secrets stay hidden', async ({ page }) => {
  await openSettings(page, 'telemetry');
  // The demo's CI webhooks come from its flags: shown, not editable, and their secrets never sent.
  const pipeline = page.locator('#pipeline-yaml');
  await expect(pipeline).toHaveValue(/demo-github/);
  await expect(pipeline).toHaveValue(/secret: •••• kept ••••••/);
  await expect(pipeline).toBeDisabled();
  await expect(page.locator('form[data-section="pipeline"]')).toContainText('Set on the command line');

  const yaml = page.locator('#logs-yaml');
  const form = page.locator('form[data-section="logs"]');
  const rule = (regex: string) =>
    ['rules:', '  - id: e2e-sql', `    match: { regex: "${regex}" }`, '    metric: { name: e2e_sql_failures, type: counter, labels: { table: "${table}" } }'].join('\n');
  await yaml.fill(rule('(a+)+ SQL query failed: (?<table>\\\\w+)'));
  await expect(form.getByTestId('error-summary')).toContainText('rules.0.match.regex');
  await expect(form.getByTestId('error-summary')).toContainText('exponential time');
  await yaml.fill('rules: [unclosed');
  await expect(form.getByTestId('error-summary')).toContainText('not YAML');
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
  await yaml.fill(rule('SQL query failed: (?<table>\\\\w+)'));
  await expect(form.getByTestId('error-summary')).toHaveCount(0);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('notice')).toContainText('Logs into metrics — done');
  // The form now shows what was saved, as the server keeps it.
  await expect(form.locator('.badge.unsaved')).toHaveCount(0);
  await expect(yaml).toHaveValue(/syslog:/);
  await page.screenshot({ path: `${SHOTS}/settings-telemetry-edited-1920x1080.png` });

  // Applied at once: a line posted now is counted by the new rule. The demo logs SQL failures on
  // its own tables too, so the line names a table the demo never uses: exactly this one is counted.
  const r = await fetch(`${base}/api/v1/logs?source=e2e`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'ERROR SQL query failed: e2e_probe\n' });
  expect(r.status).toBeLessThan(300);
  await expect
    .poll(async () => {
      const q = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent('sum({__name__=~"e2e_sql_failures.*",table="e2e_probe"})')}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(q.data.result[0]?.value[1] ?? 0);
    }, { timeout: 10_000 })
    .toBe(1);
});

test('two tabs: a save made on what another tab has since changed is refused and the page shows what is saved', async ({ page, context }) => {
  await openSettings(page, 'telemetry');
  const other = await context.newPage();
  await openSettings(other, 'telemetry');
  const rule = (id: string) => ['rules:', `  - id: ${id}`, '    match: { regex: "tab test" }', `    metric: { name: ${id.replace(/-/g, '_')}_total, type: counter }`].join('\n');
  // The other tab saves first.
  await other.locator('#logs-yaml').fill(rule('tab-b'));
  await other.locator('form[data-section="logs"]').getByRole('button', { name: 'Save' }).click();
  await expect(other.getByTestId('notice')).toContainText('done');
  // This tab still holds what it loaded: its save is refused, nothing of the other's is lost.
  await page.locator('#logs-yaml').fill(rule('tab-a'));
  await page.locator('form[data-section="logs"]').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('notice')).toContainText('changed elsewhere');
  await expect(page.locator('#logs-yaml')).toHaveValue(/tab-b/);
  const logs = (await (await fetch(`${base}/api/v1/config/sections/logs`)).json()) as { value: { rules: Array<{ id: string }> } };
  expect(logs.value.rules.map((r) => r.id)).toEqual(['tab-b']);
  // Made again on what is saved now, it goes through.
  await page.locator('#logs-yaml').fill(rule('tab-a'));
  await page.locator('form[data-section="logs"]').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('notice')).toContainText('done');
  await other.close();
});

const PAGES = ['boards', 'playlists', 'rules', 'silences', 'notifications', 'sources', 'access', 'telemetry', 'desktop', 'code'] as const;
for (const p of PAGES) {
  test(`the ${p} settings page: no serious accessibility problems, screenshots at 1920×1080 and 3840×2160`, async ({ page }) => {
    await openSettings(page, p);
    await expect(page.locator(`[data-nav="${p}"]`)).toHaveAttribute('aria-current', 'page');
    await page.waitForTimeout(1_000);
    await page.screenshot({ path: `${SHOTS}/settings-${p}-1920x1080.png` });
    await axe(page);
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/settings-${p}-3840x2160.png` });
  });
}

test('the anomaly rule shows how an incident is confirmed and ends', async ({ page }) => {
  await openSettings(page, 'rules');
  await page.getByRole('button', { name: /p95 latency anomalous/ }).click();
  await expect(page.getByLabel('Confirm on (evaluations)')).toHaveValue('2');
  await expect(page.getByLabel('Back inside by (0–0.9)')).toHaveValue('0.25');
  await page.screenshot({ path: `${SHOTS}/settings-rules-anomaly-1920x1080.png` });
  await axe(page);
});

test('the light theme passes the same checks', async ({ page }) => {
  await page.goto(`${base}/settings?theme=light#boards`);
  await expect(page.getByTestId('who')).toContainText('you may edit');
  await page.locator('[data-board-item="overview"]').click();
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: `${SHOTS}/settings-boards-light-1920x1080.png` });
  await axe(page);
});

test('the boards screen carries no editing controls', async ({ page }) => {
  await page.goto(`${base}/?board=overview`);
  await expect(page.getByTestId('board-title')).toHaveText('Overview');
  await expect(page.locator('button, input, select, textarea, [contenteditable]')).toHaveCount(0);
});
