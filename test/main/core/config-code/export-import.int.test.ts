// Boards as code over HTTP: export → delete → import gives the same boards back (YAML and JSON),
// a dry run changes nothing, and a document with one bad entry changes nothing at all.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
const send = (method: string, path: string, body?: unknown, type = 'application/json') =>
  fetch(t.url + path, { method, headers: body === undefined ? {} : { 'Content-Type': type }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });

const board = {
  title: 'Checkout',
  dwell: '45s',
  panels: [
    { id: 'rate', type: 'timeseries', title: 'Orders / s', x: 0, y: 0, w: 6, h: 4, queries: [{ expr: 'sum(rate(orders_total[5m]))', legend: 'orders' }], range: '3h', thresholds: [{ value: 10, state: 'warn' }] },
    { id: 'errors', type: 'stat', title: 'Errors', x: 6, y: 0, w: 6, h: 4, queries: [{ expr: 'sum(rate(http_requests_total{code=~"5.."}[5m]))' }], unit: 'reqps', step: '30s' },
  ],
};
const rule = { id: 'checkout-errors', name: 'Checkout errors', expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) > 0', condition: { type: 'threshold', op: 'above', threshold: 1 }, for: '2m' };

beforeAll(async () => {
  t = await startTestCore();
  expect((await send('PUT', '/api/v1/config/boards/checkout', board)).status).toBe(200);
  expect((await send('PUT', '/api/v1/config/playlists/shop', { name: 'Shop', boards: ['checkout', 'overview'], dwell: { checkout: '1m' } })).status).toBe(200);
  const alerts = t.core.settingsStore.current.alerts;
  expect((await send('PUT', '/api/v1/config/alerts', { ...alerts, rules: [...alerts.rules, rule] })).status).toBe(200);
});
afterAll(() => t.stop());

const current = () => ({
  board: t.core.settingsStore.current.boards.find((b) => b.id === 'checkout'),
  playlist: t.core.settingsStore.current.playlists.find((p) => p.id === 'shop'),
  rule: t.core.settingsStore.current.alerts.rules.find((r) => r.id === 'checkout-errors'),
});

describe('export', () => {
  it('writes a YAML document with durations in words, only what was asked for', async () => {
    const r = await send('GET', '/api/v1/config/export?format=yaml&boards=checkout&playlists=shop&rules=checkout-errors');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="radiator-config.yaml"');
    const text = await r.text();
    expect(text).toMatch(/^version: 1$/m);
    expect(text).toMatch(/dwell: 45s/);
    expect(text).toMatch(/range: 3h/);
    expect(text).not.toMatch(/managedBy/);
    const doc = parseYaml(text) as { boards: Array<{ id: string }>; playlists: Array<{ id: string }>; rules: Array<{ id: string }> };
    expect([doc.boards.map((b) => b.id), doc.playlists.map((p) => p.id), doc.rules.map((x) => x.id)]).toEqual([['checkout'], ['shop'], ['checkout-errors']]);
  });

  it('exports everything without a selection, and refuses unknown ids', async () => {
    const all = (await (await send('GET', '/api/v1/config/export?format=json')).json()) as { version: number; boards: unknown[]; rules: unknown[] };
    expect(all.version).toBe(1);
    expect(all.boards.length).toBe(t.core.settingsStore.current.boards.length);
    expect(all.rules.length).toBe(t.core.settingsStore.current.alerts.rules.length);
    const bad = await send('GET', '/api/v1/config/export?boards=nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/boards: no "nope"/);
  });
});

describe('import', () => {
  for (const format of ['yaml', 'json'] as const) {
    it(`round-trips through ${format}: export, delete, import gives the same board, playlist and rule`, async () => {
      const before = current();
      const text = await (await send('GET', `/api/v1/config/export?format=${format}&boards=checkout&playlists=shop&rules=checkout-errors`)).text();
      expect((await send('DELETE', '/api/v1/config/boards/checkout')).status).toBe(200);
      const alerts = t.core.settingsStore.current.alerts;
      expect((await send('PUT', '/api/v1/config/alerts', { ...alerts, rules: alerts.rules.filter((r) => r.id !== 'checkout-errors') })).status).toBe(200);
      expect(current().board).toBeUndefined();

      const type = format === 'json' ? 'application/json' : 'application/yaml';
      const dry = await send('POST', '/api/v1/config/import?dryRun=1', text, type);
      expect(dry.status).toBe(200);
      expect(await dry.json()).toEqual({
        dryRun: true,
        added: { boards: ['checkout'], playlists: [], rules: ['checkout-errors'] },
        // The playlist lost the board when it was deleted; the import puts it back.
        replaced: { boards: [], playlists: ['shop'], rules: [] },
        unchanged: { boards: [], playlists: [], rules: [] },
      });
      expect(current().board).toBeUndefined(); // a dry run changes nothing

      const res = await send('POST', '/api/v1/config/import', text, type);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { dryRun: boolean }).dryRun).toBe(false);
      expect(current()).toEqual(before);
      // Again: nothing to do.
      const again = (await (await send('POST', '/api/v1/config/import', text, type)).json()) as { unchanged: Record<string, string[]> };
      expect(again.unchanged).toEqual({ boards: ['checkout'], playlists: ['shop'], rules: ['checkout-errors'] });
    });
  }

  it('is all or nothing: one bad board, a query that does not parse, or a playlist naming nothing changes nothing', async () => {
    const before = JSON.stringify(t.core.settingsStore.current);
    const cases: Array<[string, RegExp]> = [
      [`version: 1\nboards:\n  - id: good\n    title: Good\n  - id: bad\n    title: Bad\n    panels:\n      - { id: p, type: stat, x: 0, y: 0, w: 0, h: 1 }\n`, /^boards\.1\.panels\.0\.w = 0: /],
      [`boards:\n  - id: typo\n    title: Typo\n    panels:\n      - { id: p, type: stat, x: 0, y: 0, w: 1, h: 1, queries: [{ expr: "rate(x[5m]" }] }\n`, /panels\.0\.queries\.0\.expr = "rate\(x\[5m\]"/],
      [`playlists:\n  - { id: lobby, name: Lobby, boards: [nowhere] }\n`, /playlists\.\d+\.boards\.0 = "nowhere": no board has this id/],
      [`version: 2\n`, /^version = 2: must be 1/],
      [`boards:\n  - id: twice\n    title: A\n  - id: twice\n    title: B\n`, /^boards\.1\.id = "twice": another board in this document has this id/],
      [`boards: [ {id: x, title: "unterminated }\n`, /^not valid YAML/],
    ];
    for (const [doc, want] of cases) {
      const r = await send('POST', '/api/v1/config/import', doc, 'application/yaml');
      expect(r.status, doc).toBe(400);
      const body = (await r.json()) as { code: string; problems: string[] };
      expect(body.code).toBe('INVALID_SETTINGS');
      expect(body.problems.some((p) => want.test(p)), `${body.problems.join('\n')} should match ${want}`).toBe(true);
    }
    expect(JSON.stringify(t.core.settingsStore.current)).toBe(before);
  });

  it('refuses media types it does not read, and bodies over the limit', async () => {
    expect((await send('POST', '/api/v1/config/import', 'x', 'application/xml')).status).toBe(415);
    const huge = 'boards: []\n#' + 'x'.repeat(4 * 1024 * 1024);
    expect((await send('POST', '/api/v1/config/import', huge, 'application/yaml')).status).toBe(413);
  });
});

describe('Grafana import', () => {
  const dashboard = readFileSync('test/fixtures/grafana/service-overview.json', 'utf8');
  interface GrafanaAnswer {
    saved: boolean;
    replaces: string[];
    boards: Array<{ id: string; panels: unknown[]; variables: Array<{ name: string }> }>;
    playlist: { id: string; boards: string[] } | null;
    skipped: Array<{ title: string }>;
    caveats: string[];
  }
  it('previews the boards (one per row), their playlist and what could not be converted, and saves them when asked', async () => {
    const preview = await send('POST', '/api/v1/config/import/grafana', dashboard);
    expect(preview.status).toBe(200);
    const p = (await preview.json()) as GrafanaAnswer;
    expect(p.saved).toBe(false);
    expect(p.boards.map((b) => b.id)).toEqual(['service-overview-overview', 'service-overview-traffic', 'service-overview-process']);
    expect(p.boards.flatMap((b) => b.panels)).toHaveLength(9);
    expect(p.boards[0]!.variables.map((v) => v.name)).toEqual(['job', 'instance', 'env']);
    expect(p.playlist).toMatchObject({ id: 'service-overview', boards: p.boards.map((b) => b.id) });
    expect(p.skipped.map((s) => s.title)).toEqual(['Latency heatmap', 'Error logs']);
    expect(t.core.settingsStore.current.boards.some((b) => b.id.startsWith('service-overview'))).toBe(false);

    const saved = await send('POST', '/api/v1/config/import/grafana?save=1&id=svc', dashboard);
    expect(saved.status).toBe(201);
    const now = t.core.settingsStore.current;
    expect(now.boards.filter((b) => b.id.startsWith('svc-')).flatMap((b) => b.panels)).toHaveLength(9);
    expect(now.playlists.find((x) => x.id === 'svc')!.boards).toEqual(['svc-overview', 'svc-traffic', 'svc-process']);
    // Again: the same ids are replaced, not added twice.
    const again = (await (await send('POST', '/api/v1/config/import/grafana?id=svc', dashboard)).json()) as GrafanaAnswer;
    expect(again.replaces).toEqual([]); // unchanged, so nothing to replace
  });

  it('imports Node Exporter Full whole: every panel on a board or skipped, saved with its playlist', async () => {
    const nef = readFileSync('test/fixtures/grafana/node-exporter-full.json', 'utf8');
    const r = await send('POST', '/api/v1/config/import/grafana?save=1', nef);
    expect(r.status).toBe(201);
    const p = (await r.json()) as GrafanaAnswer;
    expect(p.boards.flatMap((b) => b.panels).length + p.skipped.length).toBe(125);
    const now = t.core.settingsStore.current;
    expect(now.playlists.find((x) => x.id === 'node-exporter-full')!.boards).toHaveLength(p.boards.length);
    for (const id of p.playlist!.boards) expect(now.boards.some((b) => b.id === id)).toBe(true);
  });

  it('says what is wrong with something that is not a dashboard', async () => {
    const r = await send('POST', '/api/v1/config/import/grafana', '{"title": "x"}');
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toMatch(/not a Grafana dashboard/);
  });
});
