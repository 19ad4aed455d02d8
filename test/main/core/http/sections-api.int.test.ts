// The settings UI's sections: secrets never go back to the page and are kept when they come back
// as SECRET_KEPT; restart sections are saved and say so; a section a flag holds says so.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { SettingsStore } from '../../../../src/main/core/settings/settings-store.ts';
import { ConfPersistence } from '../../../../src/main/core/settings/conf-persistence.ts';
import { SECRET_KEPT, type SectionsResponse } from '../../../../src/shared/settings-sections.ts';
import { tempDir } from '../../../helpers/core.ts';

const dir = tempDir();
const file = join(dir, 'settings.json');
let core: Core;
let url: string;

beforeAll(async () => {
  const fileSettings = {
    server: { token: 'the-admin-token-0123456789' },
    sources: [{ id: 'team', name: 'Team Prometheus', url: 'http://prom.example:9090', auth: { type: 'basic', username: 'radiator', password: 'hunter2-hunter2' } }],
    alerts: { webhooks: [{ id: 'slack', url: 'https://hooks.example/x', headers: { Authorization: 'Bearer webhook-secret' } }] },
  };
  // The ports are flags, as `radiator serve --http-port …` gives them.
  const flags = { receivers: { statsd: { udpPort: false, tcpPort: false }, push: { port: false }, otlp: { port: false }, host: { enabled: false } }, store: { maxSeries: 5000 } };
  const store = new SettingsStore({ ...fileSettings, server: { ...fileSettings.server, httpPort: 0 } }, flags, new ConfPersistence(file));
  core = await startCore({ settingsStore: store, dataDir: join(dir, 'data'), rendererDir: null, version: 'test', log: () => {} });
  url = `http://127.0.0.1:${core.ports().http}`;
});
afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

const put = (name: string, body: unknown) => fetch(`${url}/api/v1/config/sections/${name}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const sections = async () => ((await (await fetch(`${url}/api/v1/config/sections`)).json()) as SectionsResponse).sections;

describe('settings sections', () => {
  it('lists every section with secrets shown as kept, and what holds or waits', async () => {
    const s = await sections();
    const text = JSON.stringify(s);
    for (const secret of ['the-admin-token-0123456789', 'hunter2-hunter2', 'webhook-secret']) expect(text).not.toContain(secret);
    expect(s.server.value).toMatchObject({ token: SECRET_KEPT, host: '127.0.0.1' });
    expect(s.sources.value).toEqual([expect.objectContaining({ id: 'team', auth: { type: 'basic', username: 'radiator', password: SECRET_KEPT } })]);
    expect((s.alerts.value as { webhooks: Array<{ headers: Record<string, string> }> }).webhooks[0]!.headers).toEqual({ Authorization: SECRET_KEPT });
    expect(s.server).toMatchObject({ heldByFlag: false, restartRequired: true, pendingRestart: false });
    expect(s.store.heldByFlag).toBe(true);
    expect(s.display).toMatchObject({ restartRequired: false, heldByFlag: false });
  });

  it('keeps secrets sent back as kept, and changes the rest', async () => {
    const s = await sections();
    const sources = s.sources.value as Array<Record<string, unknown>>;
    const r = await put('sources', [{ ...sources[0], name: 'Renamed' }]);
    expect(r.status).toBe(200);
    expect(core.settingsStore.current.sources[0]).toMatchObject({ name: 'Renamed', auth: { password: 'hunter2-hunter2' } });
    const alerts = s.alerts.value as Record<string, unknown>;
    expect((await put('alerts', alerts)).status).toBe(200);
    expect(core.settingsStore.current.alerts.webhooks[0]!.headers).toEqual({ Authorization: 'Bearer webhook-secret' });
    // A new secret replaces the old one.
    expect((await put('sources', [{ ...sources[0], auth: { type: 'bearer', token: 'new-token' } }])).status).toBe(200);
    expect(core.settingsStore.current.sources[0]!.auth).toEqual({ type: 'bearer', token: 'new-token' });
  });

  it('saves a restart section, says a restart is needed, and the running server is unchanged', async () => {
    const s = await sections();
    const server = s.server.value as Record<string, unknown>;
    const r = await put('server', { ...server, httpPort: 7171, corsOrigins: ['http://dash.office:3000'] });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ updated: 'server', restartRequired: true, pendingRestart: true });
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { server: { httpPort: number; token: string } };
    expect(onDisk.server).toMatchObject({ httpPort: 7171, token: 'the-admin-token-0123456789' });
    expect(core.ports().http).not.toBe(7171);
    expect((await fetch(`${url}/api/v1/status`)).status).toBe(200);
  });

  it('refuses a section a flag holds, and a bad value naming the field', async () => {
    const held = await put('store', { maxSeries: 100 });
    expect(held.status).toBe(400);
    expect(((await held.json()) as { problems: string[] }).problems[0]).toMatch(/^store: set on the command line/);
    const bad = await put('server', { host: '0.0.0.0', token: null });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems).toContain('server.token = null: must be set when server.host is 0.0.0.0 (not loopback): clients on the LAN authenticate with it');
    expect((await put('nope', {})).status).toBe(404);
  });

  it('deletes a playlist, but not the default one', async () => {
    const put = await fetch(`${url}/api/v1/config/playlists/spare`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Spare', boards: ['overview'] }) });
    expect(put.status).toBe(200);
    expect((await fetch(`${url}/api/v1/config/playlists/spare`, { method: 'DELETE' })).status).toBe(200);
    expect(core.settingsStore.current.playlists.some((p) => p.id === 'spare')).toBe(false);
    expect((await fetch(`${url}/api/v1/config/playlists/spare`, { method: 'DELETE' })).status).toBe(404);
    const refused = await fetch(`${url}/api/v1/config/playlists/default`, { method: 'DELETE' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { problems: string[] }).problems[0]).toMatch(/^display\.defaultPlaylist = "default": no playlist has this id/);
  });

  it('reorders the boards, all of them once', async () => {
    const ids = core.settingsStore.current.boards.map((b) => b.id);
    const reversed = [...ids].reverse();
    const r = await fetch(`${url}/api/v1/config/board-order`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: reversed }) });
    expect(r.status).toBe(200);
    expect(core.settingsStore.current.boards.map((b) => b.id)).toEqual(reversed);
    const missing = await fetch(`${url}/api/v1/config/board-order`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: reversed.slice(1) }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { problems: string[] }).problems[0]).toMatch(/is missing/);
  });

  it('refuses a save made on a section that changed since it was loaded (two tabs), and names the change', async () => {
    const putIf = (name: string, body: unknown, rev: string) =>
      fetch(`${url}/api/v1/config/sections/${name}`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': `"${rev}"` }, body: JSON.stringify(body) });
    // Both tabs load the display section.
    const loaded = (await sections()).display;
    const one = await fetch(`${url}/api/v1/config/sections/display`);
    expect(one.headers.get('etag')).toBe(`"${loaded.revision}"`);
    const value = loaded.value as Record<string, unknown>;
    // Tab A saves; tab B, still on the old revision, is refused and loses nothing of A's.
    const a = await putIf('display', { ...value, theme: 'light' }, loaded.revision);
    expect(a.status).toBe(200);
    const afterA = (await a.json()) as { revision: string };
    expect(afterA.revision).not.toBe(loaded.revision);
    const b = await putIf('display', { ...value, theme: 'dark' }, loaded.revision);
    expect(b.status).toBe(409);
    const body = (await b.json()) as { code: string; message: string; current: { value: { theme: string }; revision: string } };
    expect(body.code).toBe('SETTINGS_STALE');
    expect(body.message).toContain('display');
    expect(body.current.value.theme).toBe('light');
    expect(body.current.revision).toBe(afterA.revision);
    expect(((await sections()).display.value as { theme: string }).theme).toBe('light');
    // With the current revision it goes through; without If-Match (a script) it is not checked.
    expect((await putIf('display', { ...value, theme: 'dark' }, afterA.revision)).status).toBe(200);
    expect((await put('display', value)).status).toBe(200);
    // A change in another section does not make this one stale.
    const d = (await sections()).display;
    expect((await put('sources', (await sections()).sources.value)).status).toBe(200);
    expect((await putIf('display', d.value, d.revision)).status).toBe(200);
  });
});
