// The watched directory: a file's boards appear with managedBy, follow the file as it changes,
// cannot be edited over the API, go when the file goes; a broken file is reported, keeps what it
// last provided, and does not stop the others.
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';
import type { ConfigDirStatus } from '../../../../src/main/core/config-code/config-dir.ts';

const dataDir = tempDir();
const dir = join(tempDir('radiator-configdir-'), 'radiator');
let t: TestCore;

const boardYaml = (title: string, expr = 'sum(rate(orders_total[5m]))') => `version: 1
boards:
  - id: from-git
    title: ${title}
    dwell: 20s
    panels:
      - id: orders
        type: stat
        title: Orders
        x: 0
        y: 0
        w: 4
        h: 2
        queries:
          - expr: '${expr}'
playlists:
  - id: git-tv
    name: Git TV
    boards: [from-git]
rules:
  - id: git-rule
    name: Orders stopped
    expr: sum(rate(orders_total[5m]))
    condition: { type: threshold, op: below, threshold: 0.1 }
`;

const board = () => t.core.settingsStore.current.boards.find((b) => b.id === 'from-git');
const status = async () => (await (await fetch(`${t.url}/api/v1/config/dir`)).json()) as ConfigDirStatus;
const send = (method: string, path: string, body?: unknown) =>
  fetch(t.url + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'shop.yaml'), boardYaml('From git'));
  writeFileSync(join(dir, 'README.md'), 'not a config file');
  t = await startTestCore({ configDir: dir }, { dir: dataDir });
});
afterAll(async () => {
  await t.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('watched configuration directory', () => {
  it('applies the files at start, marking boards with the file they come from', async () => {
    expect(board()).toMatchObject({ title: 'From git', dwell: 20_000, managedBy: join(dir, 'shop.yaml') });
    expect(t.core.settingsStore.current.playlists.find((p) => p.id === 'git-tv')!.boards).toEqual(['from-git']);
    expect(t.core.settingsStore.current.alerts.rules.some((r) => r.id === 'git-rule')).toBe(true);
    const s = await status();
    expect(s.files).toEqual([{ path: join(dir, 'shop.yaml'), ok: true, problems: [], boards: ['from-git'], playlists: ['git-tv'], rules: ['git-rule'] }]);
  });

  it('refuses edits to what a file provides, naming the file', async () => {
    const put = await send('PUT', '/api/v1/config/boards/from-git', { title: 'Edited in the UI' });
    expect(put.status).toBe(409);
    expect(await put.json()).toMatchObject({ code: 'MANAGED_BY_FILE', managedBy: join(dir, 'shop.yaml') });
    expect((await send('DELETE', '/api/v1/config/boards/from-git')).status).toBe(409);
    expect((await send('PUT', '/api/v1/config/playlists/git-tv', { name: 'x', boards: ['overview'] })).status).toBe(409);
    // A whole-section write that would change a file's rule is refused too.
    const alerts = t.core.settingsStore.current.alerts;
    const r = await send('PUT', '/api/v1/config/alerts', { ...alerts, rules: alerts.rules.filter((x) => x.id !== 'git-rule') });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { problems: string[] }).problems[0]).toMatch(/git-rule.*comes from .*shop\.yaml/);
    // Nor can a UI board claim a file.
    const forged = await send('PUT', '/api/v1/config/boards/forged', { title: 'Forged', managedBy: join(dir, 'shop.yaml') });
    expect(forged.status).toBe(400);
    // Editing anything else still works.
    expect((await send('PUT', '/api/v1/config/boards/ui-board', { title: 'Mine' })).status).toBe(200);
    const imp = await fetch(`${t.url}/api/v1/config/import`, { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: 'boards:\n  - {id: from-git, title: Sneaky}\n' });
    expect(imp.status).toBe(409);
  });

  it('follows the file when it changes', async () => {
    writeFileSync(join(dir, 'shop.yaml'), boardYaml('From git, changed'));
    await waitFor(() => board()?.title === 'From git, changed', 10_000);
  });

  it('reports a broken file, keeps what it last provided, and still applies the others', async () => {
    writeFileSync(join(dir, 'shop.yaml'), boardYaml('Broken', 'sum(rate(orders_total[5m])'));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ boards: [{ id: 'from-json', title: 'From JSON' }] }));
    await waitFor(async () => (await status()).files.find((f) => f.path.endsWith('shop.yaml'))?.ok === false, 10_000);
    const s = await status();
    const shop = s.files.find((f) => f.path.endsWith('shop.yaml'))!;
    expect(shop.problems.join('\n')).toMatch(/queries\.0\.expr/);
    expect(board()!.title).toBe('From git, changed');
    await waitFor(() => t.core.settingsStore.current.boards.find((b) => b.id === 'from-json')?.managedBy === join(dir, 'other.json'), 10_000);
    writeFileSync(join(dir, 'bad.yaml'), 'boards: [ {id: x, title: "unterminated }\n');
    await waitFor(async () => (await status()).files.find((f) => f.path.endsWith('bad.yaml'))?.problems[0]?.startsWith('not valid YAML'), 10_000);
    // Two files may not both provide the same id.
    writeFileSync(join(dir, 'twin.yaml'), 'boards:\n  - {id: from-json, title: Twin}\n');
    await waitFor(async () => (await status()).files.find((f) => f.path.endsWith('twin.yaml'))?.problems[0]?.includes('also in'), 10_000);
    expect(t.core.settingsStore.current.boards.find((b) => b.id === 'from-json')!.title).toBe('From JSON');
  });

  it('removes what a deleted file provided; the board leaves its playlists', async () => {
    for (const f of ['shop.yaml', 'bad.yaml', 'twin.yaml']) unlinkSync(join(dir, f));
    await waitFor(() => !board(), 10_000);
    expect(t.core.settingsStore.current.playlists.some((p) => p.id === 'git-tv')).toBe(false);
    expect(t.core.settingsStore.current.alerts.rules.some((r) => r.id === 'git-rule')).toBe(false);
    // Once the file is gone, the id is free for the UI.
    expect((await send('PUT', '/api/v1/config/boards/from-git', { title: 'Now mine' })).status).toBe(200);
  });

  it('remembers across a restart which playlists and rules came from files', async () => {
    writeFileSync(join(dir, 'shop.yaml'), boardYaml('Back again').replace('id: from-git', 'id: from-git-2').replace('[from-git]', '[from-git-2]'));
    await waitFor(() => t.core.settingsStore.current.playlists.some((p) => p.id === 'git-tv'), 10_000);
    await t.stop();
    unlinkSync(join(dir, 'shop.yaml'));
    t = await startTestCore({ configDir: dir, boards: t.core.settingsStore.current.boards, playlists: t.core.settingsStore.current.playlists, alerts: t.core.settingsStore.current.alerts }, { dir: dataDir });
    expect(t.core.settingsStore.current.playlists.some((p) => p.id === 'git-tv')).toBe(false);
    expect(t.core.settingsStore.current.alerts.rules.some((r) => r.id === 'git-rule')).toBe(false);
    expect(t.core.settingsStore.current.boards.some((b) => b.id === 'from-git-2')).toBe(false);
  });
});
