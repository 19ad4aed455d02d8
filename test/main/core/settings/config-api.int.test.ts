// Boards, playlists, display, alert rules and sources edited while running: every write is
// validated (a bad one is refused naming the field, and nothing changes), saved to the settings
// file, pushed to open screens over the feed, and still there after a restart.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ScreenConfig, ServerMessage } from '../../../../src/shared/feed-protocol.ts';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { SettingsStore } from '../../../../src/main/core/settings/settings-store.ts';
import { ConfPersistence } from '../../../../src/main/core/settings/conf-persistence.ts';
import { queryProblems } from '../../../../src/main/core/settings/query-check.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';
import { tempDir, waitFor } from '../../../helpers/core.ts';

const dir = tempDir();
const file = join(dir, 'settings.json');
const flags = { server: { httpPort: 0 }, receivers: { statsd: { udpPort: false, tcpPort: false }, push: { port: false }, otlp: { port: false }, host: { enabled: false } } };
let core: Core;
let url: string;

async function start(): Promise<void> {
  let saved: Record<string, unknown> = {};
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    /* first start: no file yet */
  }
  const store = new SettingsStore(saved, flags, new ConfPersistence(file));
  core = await startCore({ settingsStore: store, dataDir: join(dir, 'data'), rendererDir: null, version: 'test', log: () => {} });
  url = `http://127.0.0.1:${core.ports().http}`;
}

const send = (method: string, path: string, body?: unknown) =>
  fetch(url + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

const board = {
  title: 'Payments',
  dwell: '20s',
  panels: [{ id: 'auths', type: 'stat', title: 'Authorisations / s', x: 0, y: 0, w: 4, h: 2, queries: [{ expr: 'sum(rate(payments_authorised[5m]))' }] }],
};

beforeAll(start);
afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('configuration API', () => {
  it('serves the boards, playlists, display and source names, without credentials', async () => {
    const res = await fetch(`${url}/api/v1/config`);
    expect(res.status).toBe(200);
    const c = (await res.json()) as ScreenConfig;
    expect(c.boards.map((b) => b.id)).toEqual(expect.arrayContaining(['overview', 'business', 'application', 'infrastructure', 'client', 'pipeline']));
    expect(c.playlists.find((p) => p.id === 'default')!.boards.length).toBeGreaterThan(3);
    expect(c.display.theme).toBe('dark');
    expect(c.sources).toEqual([{ id: 'embedded', name: 'This Radiator' }]);
  });

  it('adds a board: saved, pushed to a subscribed screen, defaults filled in', async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/feed`);
    const msgs: ServerMessage[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribeConfig', id: 'cfg' }));
    const first = await waitFor(() => msgs.find((m) => m.type === 'config'));
    expect(first.type === 'config' && first.config!.boards.some((b) => b.id === 'payments')).toBe(false);

    const res = await send('PUT', '/api/v1/config/boards/payments', board);
    expect(res.status).toBe(200);
    const saved = (await res.json()) as { id: string; dwell: number; panels: Array<{ range: number; unit: string }> };
    expect(saved).toMatchObject({ id: 'payments', dwell: 20_000 });
    expect(saved.panels[0]).toMatchObject({ range: 3_600_000, unit: 'none' });

    const pushed = await waitFor(() => msgs.filter((m) => m.type === 'config').find((m) => m.type === 'config' && m.config!.boards.some((b) => b.id === 'payments')));
    expect(pushed).toBeTruthy();
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { boards: Array<{ id: string }>; server?: unknown };
    expect(onDisk.boards.map((b) => b.id)).toContain('payments');
    expect(onDisk.server).toBeUndefined(); // flags are not written to the file
    ws.close();
  });

  it('refuses a bad board naming the field, and changes nothing', async () => {
    const before = readFileSync(file, 'utf8');
    const bad = { ...board, panels: [{ ...board.panels[0], type: 'piechart', w: 0 }] };
    const res = await send('PUT', '/api/v1/config/boards/payments', bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string; problems: string[] };
    expect(body.code).toBe('INVALID_SETTINGS');
    expect(body.problems.join('\n')).toMatch(/boards\.\d+\.panels\.0\.type = "piechart"/);
    expect(body.problems.join('\n')).toMatch(/boards\.\d+\.panels\.0\.w = 0/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(core.settingsStore.current.boards.find((b) => b.id === 'payments')!.panels[0]!.type).toBe('stat');
  });

  it('refuses a playlist naming a board that does not exist', async () => {
    const res = await send('PUT', '/api/v1/config/playlists/lobby', { name: 'Lobby TV', boards: ['overview', 'nope'] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/nope/);
    const ok = await send('PUT', '/api/v1/config/playlists/lobby', { name: 'Lobby TV', boards: ['overview', 'payments'], dwell: { payments: '10s' } });
    expect(ok.status).toBe(200);
  });

  it('deleting a board takes it out of playlists; emptying a playlist is refused', async () => {
    const keep = await send('PUT', '/api/v1/config/playlists/solo', { name: 'Solo', boards: ['payments'] });
    expect(keep.status).toBe(200);
    const refused = await send('DELETE', '/api/v1/config/boards/payments');
    expect(refused.status).toBe(400);
    expect(core.settingsStore.current.boards.some((b) => b.id === 'payments')).toBe(true);
    await send('PUT', '/api/v1/config/playlists/solo', { name: 'Solo', boards: ['overview'] });
    const del = await send('DELETE', '/api/v1/config/boards/payments');
    expect(del.status).toBe(200);
    expect(await del.json()).toStrictEqual({ deleted: 'payments', removedFromPlaylists: ['lobby'] });
    expect(core.settingsStore.current.playlists.find((p) => p.id === 'lobby')!.boards).toEqual(['overview']);
    expect((await send('DELETE', '/api/v1/config/boards/payments')).status).toBe(404);
  });

  it('alert rules take effect at once', async () => {
    const rule = { id: 'slow', name: 'Slow checkout', expr: 'max(checkout_seconds)', condition: { type: 'threshold', op: 'above', threshold: 2 }, interval: '1s' };
    const res = await send('PUT', '/api/v1/config/alerts', { rules: [rule], webhooks: [] });
    expect(res.status).toBe(200);
    const rules = (await (await fetch(`${url}/api/v1/alerting/rules`)).json()) as { rules: Array<{ rule: { id: string } }> };
    expect(rules.rules.map((r) => r.rule.id)).toEqual(['slow']);
    // …and are evaluated from then on, without a restart.
    await waitFor(() => core.alerts.ruleStatus().find((r) => r.rule.id === 'slow')!.lastEval > 0);
    const bad = await send('PUT', '/api/v1/config/alerts', { rules: [{ ...rule, expr: 'max(' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems[0]).toMatch(/^alerts\.rules\.0\.expr = "max\(": /);
    const badPanel = await send('PUT', '/api/v1/config/boards/typo', { title: 'Typo', panels: [{ id: 'p', type: 'stat', x: 0, y: 0, w: 1, h: 1, queries: [{ expr: 'rate(x[5m]' }] }] });
    expect(badPanel.status).toBe(400);
    expect(((await badPanel.json()) as { problems: string[] }).problems[0]).toMatch(/panels\.0\.queries\.0\.expr/);
  });

  it('a display change survives a restart with the rest', async () => {
    const res = await send('PUT', '/api/v1/config/display', { theme: 'light', screens: { lobby: 'lobby' } });
    expect(res.status).toBe(200);
    await core.stop();
    await start();
    const c = (await (await fetch(`${url}/api/v1/config`)).json()) as ScreenConfig;
    expect(c.display).toMatchObject({ theme: 'light', screens: { lobby: 'lobby' } });
    expect(c.playlists.some((p) => p.id === 'lobby')).toBe(true);
    expect(core.alerts.ruleStatus().map((r) => r.rule.id)).toEqual(['slow']);
  });

  it('every shipped board and rule parses', () => {
    expect(queryProblems(parseSettings({}))).toEqual([]);
  });

  it('refuses a section a command-line flag holds', () => {
    const s = new SettingsStore({}, { alerts: { rules: [] } });
    expect(() => s.update('alerts', { rules: [] })).toThrow(/command line/);
  });
});
