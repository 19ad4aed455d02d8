// Settings written by hand while Radiator runs (issue 17, item 6): a valid edit is loaded and
// applied like an API edit, an invalid or half-written one is kept aside with a message naming
// the key and the rule (the running settings stay), and an API save never silently reverts a hand
// edit it has not seen — it keeps edits of other sections and refuses (409) one of its own.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { ConfPersistence } from '../../../../src/main/core/settings/conf-persistence.ts';
import { SettingsFileWatcher } from '../../../../src/main/core/settings/settings-file-watcher.ts';
import { SettingsStore, type LiveSection } from '../../../../src/main/core/settings/settings-store.ts';
import { RadiatorError } from '../../../../src/shared/errors.ts';
import { tempDir, waitFor } from '../../../helpers/core.ts';

const root = tempDir('radiator-settings-watch-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
const keptCopies = (file: string) => readdirSync(join(file, '..')).filter((f) => f.startsWith('settings.json.invalid-'));

/** A store saved to its own file, watched; `debounceMs` long keeps the watcher from loading an
 * edit by itself, so the save path is what is tested. */
function setUp(opts: { debounceMs?: number; pollMs?: number } = {}) {
  const dir = join(root, String(n++));
  const file = join(dir, 'settings.json');
  const store = new SettingsStore({}, {}, new ConfPersistence(file));
  store.update('display', { theme: 'dark' }); // creates the file (and its directory)
  const lines: string[] = [];
  const changes: LiveSection[] = [];
  store.onChange((_s, section) => changes.push(section));
  const watcher = new SettingsFileWatcher(file, { store, log: (l) => lines.push(l), debounceMs: opts.debounceMs ?? 20, pollMs: opts.pollMs ?? 100 });
  watcher.start();
  stops.push(() => watcher.stop());
  return { file, store, watcher, lines, changes };
}

describe('the settings file, edited by hand while running', () => {
  it('loads a valid edit and applies it like an edit from the API', async () => {
    const { file, store, lines, changes } = setUp();
    const hand = readJson(file);
    hand.display = { theme: 'light', pixelShift: false };
    writeFileSync(file, JSON.stringify(hand, null, 2));
    await waitFor(() => store.current.display.theme === 'light');
    expect(store.current.display.pixelShift).toBe(false);
    expect(changes).toEqual(['display']);
    expect(lines.join('\n')).toMatch(/loaded the hand edit of .*settings\.json \(display\)/);
    expect(keptCopies(file)).toEqual([]);
  });

  it('does not take its own saves for hand edits', async () => {
    const { store, lines, changes } = setUp();
    store.update('display', { theme: 'light' });
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toEqual(['display']);
    expect(lines).toEqual([]);
  });

  it('keeps an invalid edit aside, names the key and the rule, and runs on unchanged', async () => {
    const { file, store, watcher, lines } = setUp();
    const text = JSON.stringify({ display: { theme: 'purple' }, version: 1 });
    writeFileSync(file, text);
    await waitFor(() => watcher.lastProblem);
    expect(store.current.display.theme).toBe('dark');
    const p = watcher.lastProblem!;
    expect(p.problems.join('\n')).toMatch(/display\.theme/);
    expect(p.problems.join('\n')).toMatch(/dark|light/);
    expect(readFileSync(p.keptAs!, 'utf8')).toBe(text);
    expect(statSync(p.keptAs!).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toContain(`was not loaded, the running settings stay; it was kept as ${p.keptAs}`);
    // Reported once, not at every poll.
    await new Promise((r) => setTimeout(r, 300));
    expect(keptCopies(file)).toHaveLength(1);
    // Fixed by hand: loaded, and the problem is gone.
    writeFileSync(file, JSON.stringify({ display: { theme: 'light' }, version: 1 }));
    await waitFor(() => store.current.display.theme === 'light');
    expect(watcher.lastProblem).toBeNull();
  });

  it('keeps a half-written file aside; an empty one is waited out; the finished write is loaded', async () => {
    const { file, store, watcher } = setUp();
    writeFileSync(file, '');
    await waitFor(() => watcher.lastProblem);
    expect(watcher.lastProblem!.keptAs).toBeNull();
    expect(watcher.lastProblem!.problems[0]).toMatch(/empty/);
    writeFileSync(file, '{"display": {"theme": "li');
    await waitFor(() => watcher.lastProblem?.keptAs);
    expect(watcher.lastProblem!.problems[0]).toMatch(/not valid JSON/);
    expect(readFileSync(watcher.lastProblem!.keptAs!, 'utf8')).toBe('{"display": {"theme": "li');
    expect(store.current.display.theme).toBe('dark');
    writeFileSync(file, '{"display": {"theme": "light"}}');
    await waitFor(() => store.current.display.theme === 'light');
  });

  it('a save after a hand edit of another section keeps the hand edit (reload, then the change on top)', () => {
    const { file, store, changes } = setUp({ debounceMs: 60_000, pollMs: 60_000 });
    const hand = readJson(file);
    hand.display = { theme: 'light' };
    writeFileSync(file, JSON.stringify(hand));
    store.update('playlists', [...store.current.playlists, { id: 'night', name: 'Night', boards: ['overview'] }]);
    const saved = readJson(file);
    expect(saved.display).toEqual({ theme: 'light' });
    expect(saved.playlists.map((p: { id: string }) => p.id)).toContain('night');
    expect(store.current.display.theme).toBe('light');
    expect(changes).toEqual(['display', 'playlists']);
  });

  it('a save of the section edited by hand is refused with SETTINGS_CHANGED_ON_DISK, and the hand edit is loaded', () => {
    const { file, store } = setUp({ debounceMs: 60_000, pollMs: 60_000 });
    writeFileSync(file, JSON.stringify({ ...readJson(file), display: { theme: 'light' } }));
    let err: unknown;
    try {
      store.update('display', { theme: 'dark', pixelShift: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RadiatorError);
    expect((err as RadiatorError).code).toBe('SETTINGS_CHANGED_ON_DISK');
    expect((err as RadiatorError).status).toBe(409);
    expect((err as RadiatorError).message).toMatch(/^display: changed by hand in .*settings\.json/);
    expect(readJson(file).display).toEqual({ theme: 'light' });
    expect(store.current.display).toMatchObject({ theme: 'light', pixelShift: true });
    // Made again, on what the file now says, it goes through.
    store.update('display', { theme: 'light', pixelShift: false });
    expect(readJson(file).display).toEqual({ theme: 'light', pixelShift: false });
  });

  it('a save over a file that does not validate keeps the bad file aside first', () => {
    const { file, store, watcher } = setUp({ debounceMs: 60_000, pollMs: 60_000 });
    writeFileSync(file, '{"display": ');
    store.update('display', { theme: 'light' });
    expect(watcher.lastProblem?.keptAs).toBeTruthy();
    expect(readFileSync(watcher.lastProblem!.keptAs!, 'utf8')).toBe('{"display": ');
    expect(readJson(file).display).toEqual({ theme: 'light' });
  });
});

describe('a running core and its settings file', () => {
  let core: Core;
  const dir = join(root, 'core');
  const file = join(dir, 'settings.json');
  const flags = { server: { httpPort: 0 }, receivers: { statsd: { udpPort: false, tcpPort: false }, push: { port: false }, otlp: { port: false }, host: { enabled: false } } };

  it('shows a hand edit in the API, keeps it through an API save, and reports a bad one', async () => {
    const store = new SettingsStore({}, flags, new ConfPersistence(file));
    store.update('display', { theme: 'dark' });
    core = await startCore({ settingsStore: store, dataDir: join(dir, 'data'), rendererDir: null, version: 'test', log: () => {} });
    stops.push(() => core.stop());
    const url = `http://127.0.0.1:${core.ports().http}`;

    writeFileSync(file, JSON.stringify({ ...readJson(file), display: { theme: 'light' } }));
    await waitFor(async () => ((await (await fetch(`${url}/api/v1/config/sections/display`)).json()) as { value: { theme: string } }).value.theme === 'light');
    expect(((await (await fetch(`${url}/api/v1/config`)).json()) as { display: { theme: string } }).display.theme).toBe('light');

    // A hand edit of the playlists, then at once a save of the display from the API.
    const hand = readJson(file);
    hand.playlists = [...store.current.playlists, { id: 'by-hand', name: 'By hand', boards: ['overview'] }];
    writeFileSync(file, JSON.stringify(hand));
    const put = await fetch(`${url}/api/v1/config/sections/display`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ theme: 'light', pixelShift: false }) });
    expect(put.status).toBe(200);
    const saved = readJson(file);
    expect(saved.playlists.map((p: { id: string }) => p.id)).toContain('by-hand');
    expect(saved.display.pixelShift).toBe(false);

    writeFileSync(file, JSON.stringify({ ...saved, playlists: [{ id: 'x', name: 'X', boards: ['no-such-board'] }] }));
    const body = await waitFor(async () => {
      const b = (await (await fetch(`${url}/api/v1/config/sections`)).json()) as { fileProblem: { problems: string[]; keptAs: string } | null };
      return b.fileProblem ? b : null;
    });
    expect(body.fileProblem!.problems.join('\n')).toMatch(/playlists\.0\.boards\.0.*no board has this id/);
    expect(existsSync(body.fileProblem!.keptAs)).toBe(true);
    expect(core.settingsStore.current.playlists.map((p) => p.id)).toContain('by-hand');
  });
});
