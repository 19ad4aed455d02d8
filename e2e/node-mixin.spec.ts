// A mixin dashboard on the TV with its recording rules: the node mixin's "Node Exporter / USE
// Method / Node" (as kube-prometheus renders it, test/fixtures/grafana/node-rsrc-use.json, from
// kube-prometheus's manifests at 4d719f1d, Apache-2.0, licence beside it) reads series that only
// the node mixin's recording rules make (instance:node_cpu_utilisation:rate5m and kin). Imported
// before the rules are loaded, it names them as missing; once kube-prometheus's node-exporter
// rules are loaded (recordingRules.files, evaluated every 5 s here) and a real node_exporter is
// scraped as the job "node-exporter", it imports naming none, and its boards render in Chromium
// with the recorded series drawn: no page error, no panel loading or failed. Screenshots go to
// test-results/grafana/.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { dataDir, freePort, startServe, stop } from './helpers.ts';
import type { Served } from '../test/helpers/serve.ts';
import { startNodeExporter, type RunningProcess } from '../test/helpers/prometheus.ts';

const SHOTS = 'test-results/grafana';
mkdirSync(SHOTS, { recursive: true });
const DASHBOARD = readFileSync('test/fixtures/grafana/node-rsrc-use.json', 'utf8');
const RULES = resolve('test/fixtures/rules/node-exporter-rules.yaml');
/** What the dashboard reads that only the rules record. */
const RECORDED = [
  'instance:node_cpu_utilisation:rate5m',
  'instance:node_load1_per_cpu:ratio',
  'instance:node_memory_utilisation:ratio',
  'instance:node_vmstat_pgmajfault:rate5m',
  'instance:node_network_receive_bytes_physical:rate5m',
  'instance:node_network_transmit_bytes_physical:rate5m',
  'instance:node_network_receive_drop_physical:rate5m',
  'instance:node_network_transmit_drop_physical:rate5m',
  'instance_device:node_disk_io_time_seconds:rate5m',
  'instance_device:node_disk_io_time_weighted_seconds:rate5m',
];

let s: Served;
let base: string;
let exporter: RunningProcess;
let boards: Array<{ id: string; title: string; panels: Array<{ id: string; title: string; queries: Array<{ expr: string }> }> }> = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const port = await freePort();
  const extra = process.env.E2E_RENDERER_DIR ? ['--renderer-dir', `${process.env.E2E_RENDERER_DIR}/renderer`] : [];
  // A real node_exporter, scraped every 2 s under the job the mixin's rules and dashboards expect.
  exporter = await startNodeExporter();
  extra.push('--set', `scrape.targets=${JSON.stringify([{ id: 'node-exporter', url: `${exporter.url}/metrics`, interval: '2s' }])}`);
  s = await startServe({ port, dir: dataDir(), extra });
  base = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await stop(s);
  await exporter?.stop();
});

const importDashboard = async (save: boolean) => {
  const r = await fetch(`${base}/api/v1/config/import/grafana${save ? '?save=1' : ''}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: DASHBOARD });
  expect(r.status).toBe(save ? 201 : 200);
  return (await r.json()) as { boards: typeof boards; skipped: unknown[]; caveats: string[]; playlist: { boards: string[] } | null };
};

test('without the rules, the import names every recorded series the dashboard reads', async () => {
  const preview = await importDashboard(false);
  const caveat = preview.caveats.find((c) => c.includes('recording rules Radiator does not have'));
  expect(caveat).toBeDefined();
  for (const name of RECORDED) expect(caveat, name).toContain(name);
});

test('with the node mixin rules loaded, it imports naming none, and the rules record from the scraped exporter', async () => {
  test.setTimeout(150_000);
  const put = await fetch(`${base}/api/v1/config/sections/recordingRules`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ files: [RULES], groups: [], interval: '5s' }) });
  expect(put.status, await put.clone().text()).toBe(200);
  const body = await importDashboard(true);
  expect(body.caveats.filter((c) => c.includes('recording rules'))).toEqual([]);
  expect(body.skipped).toEqual([]);
  boards = body.boards;
  // One board per Grafana row: CPU, Memory, Network, Disk IO, Disk Space; 9 panels in all.
  expect(boards.map((b) => b.panels.length)).toEqual([2, 2, 2, 2, 1]);
  expect(body.playlist?.boards).toEqual(boards.map((b) => b.id));
  // As a user picks it: the node to show.
  const config = (await (await fetch(`${base}/api/v1/config`)).json()) as { boards: Array<{ id: string; variables?: Array<{ name: string; value: unknown }> }> };
  const instance = new URL(exporter.url).host;
  for (const b of boards) {
    const board = config.boards.find((x) => x.id === b.id)!;
    const variables = (board.variables ?? []).map((v) => (v.name === 'instance' ? { ...v, value: instance } : v));
    const r = await fetch(`${base}/api/v1/config/boards/${b.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...board, variables }) });
    expect(r.status, b.id).toBe(200);
  }
  // The rules run every 5 s on the store (a 5m rate needs two scrapes first). Wait, bounded, until
  // they have recorded six points — half a minute of line to draw — rather than for a fixed time.
  const query = async (q: string) =>
    ((await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
  const sel = `{job="node-exporter", instance="${instance}"}`;
  await expect
    .poll(async () => Number((await query(`count_over_time(instance:node_cpu_utilisation:rate5m${sel}[2m])`))[0]?.value[1] ?? 0), {
      timeout: 90_000,
      intervals: [2_000],
      message: 'points of instance:node_cpu_utilisation:rate5m recorded for the scraped exporter',
    })
    .toBeGreaterThanOrEqual(6);
  // This machine's own figures: shares between 0 and 1, a load per CPU.
  for (const name of ['instance:node_cpu_utilisation:rate5m', 'instance:node_memory_utilisation:ratio']) {
    const [r] = await query(`${name}${sel}`);
    expect(Number(r?.value[1]), name).toBeGreaterThanOrEqual(0);
    expect(Number(r?.value[1]), name).toBeLessThanOrEqual(1);
  }
  const cpuCount = (await query(`count(node_cpu_seconds_total{mode="idle", instance="${instance}"})`))[0]?.value[1];
  expect((await query(`instance:node_num_cpu:sum${sel}`))[0]?.value[1]).toBe(cpuCount);
  // GET /api/v1/rules: the recording group evaluated, every rule healthy.
  await expect
    .poll(async () => {
      const rules = (await (await fetch(`${base}/api/v1/rules?type=record`)).json()) as { data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError: string }> }> } };
      const group = rules.data.groups.find((g) => g.name === 'node-exporter.rules');
      return group ? group.rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError}`) : ['no group node-exporter.rules'];
    }, { timeout: 15_000 })
    .toEqual([]);
});

test('its boards render on the TV with the recorded series drawn: no page error, no panel loading or failed', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1920, height: 1080 });
  const withData = new Map<string, string>();
  for (const b of boards) {
    await page.goto(`${base}/?board=${b.id}`);
    await expect(page.getByTestId('board-title')).toHaveText(b.title);
    const shown = page.locator('[data-shown="true"] [data-panel]');
    await expect(shown).toHaveCount(b.panels.length);
    await expect(page.locator('[data-shown="true"] [data-panel][data-state="loading"]'), `${b.id}: a panel still loading`).toHaveCount(0, { timeout: 15_000 });
    const failed = await page.locator('[data-shown="true"] [data-panel][data-state="error"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-panel')}: ${e.textContent?.trim()}`));
    expect(failed, b.id).toEqual([]);
    for (const p of b.panels) withData.set(p.title, (await page.locator(`[data-shown="true"] [data-panel="${p.id}"]`).getAttribute('data-state')) ?? '');
    await page.screenshot({ path: `${SHOTS}/node-mixin-${b.id}-1920x1080.png` });
  }
  // The panels that read recorded series every machine has draw them (page faults, drops and
  // disk IO can be zero here, and the dashboard's `!= 0` then leaves those panels empty).
  for (const title of ['CPU Utilisation', 'CPU Saturation (Load1 per CPU)', 'Memory Utilisation']) {
    expect(withData.get(title), `${title}: ${[...withData].map(([k, v]) => `${k}=${v}`).join(', ')}`).toMatch(/fresh|stale/);
  }
  expect(errors).toEqual([]);
});
