// POST /api/v1/sources/test against a real Prometheus (when installed), a small server that
// misbehaves in each way the button must explain, and a dead address.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_KEPT } from '../../../../src/shared/settings-sections.ts';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
let t: TestCore;
let fake: http.Server;
let fakeUrl: string;
let elsewhere: http.Server;
let elsewhereUrl: string;
const seenElsewhere: string[] = [];
let prom: ChildProcess | null = null;
let promUrl = '';

const test = async (source: unknown) => {
  const r = await fetch(`${t.url}/api/v1/sources/test`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(source) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  // A Prometheus API that wants "Bearer right", and paths that fail the ways servers do.
  fake = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname.startsWith('/html/')) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>');
    if (u.pathname.startsWith('/slow/')) return; // never answers
    if (req.headers.authorization !== 'Bearer right') return void res.writeHead(401).end();
    const json = (data: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
    if (u.pathname.endsWith('/api/v1/status/buildinfo')) return json({ version: '2.99.0-fake' });
    if (u.pathname.endsWith('/api/v1/query')) return json({ resultType: 'scalar', result: [Date.now() / 1000, '1'] });
    if (u.pathname.endsWith('/api/v1/status/tsdb')) return json({ headStats: { numSeries: 4242 } });
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  // Another server that records every Authorization it is sent: a kept secret must never reach it.
  elsewhere = http.createServer((req, res) => {
    seenElsewhere.push(req.headers.authorization ?? '');
    res.writeHead(401).end();
  });
  await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  t = await startTestCore({ sources: [{ id: 'team', name: 'Team', url: fakeUrl, auth: { type: 'bearer', token: 'saved-secret' } }] });
  if (existsSync(PROMETHEUS)) {
    const dir = tempDir('radiator-prom-');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    promUrl = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`).catch(() => null))?.ok, 20_000, 200);
  }
}, 40_000);

afterAll(async () => {
  prom?.kill('SIGTERM');
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
  elsewhere.closeAllConnections();
  await new Promise((r) => elsewhere.close(r));
  await t.stop();
});

describe('testing a data source', () => {
  it.skipIf(!existsSync(PROMETHEUS))('a real Prometheus answers with its version and series count', async () => {
    const r = await test({ name: 'Real', url: promUrl });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof r.body.seriesCount).toBe('number');
  });

  it('a Prometheus-compatible server with the right credentials', async () => {
    expect((await test({ name: 'Fake', url: fakeUrl, auth: { type: 'bearer', token: 'right' } })).body).toEqual({ ok: true, version: '2.99.0-fake', seriesCount: 4242 });
  });

  it('says the credentials were refused', async () => {
    const r = await test({ name: 'Fake', url: fakeUrl, auth: { type: 'basic', username: 'a', password: 'b' } });
    expect(r.body).toMatchObject({ ok: false, code: 'SOURCE_AUTH' });
    expect(r.body.message).toMatch(/refused the credentials \(HTTP 401\)/);
  });

  it('says a page that is not the Prometheus API is not', async () => {
    const r = await test({ name: 'Login page', url: `${fakeUrl}/html` });
    expect(r.body).toMatchObject({ ok: false, code: 'SOURCE_BAD_RESPONSE' });
    expect(r.body.message).toMatch(/is the URL the server's root/);
  });

  it('says nothing listens at a dead address', async () => {
    const r = await test({ name: 'Dead', url: `http://127.0.0.1:${await freePort()}` });
    expect(r.body).toMatchObject({ ok: false, code: 'SOURCE_UNREACHABLE' });
    expect(r.body.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('gives up after the source’s timeout', async () => {
    const started = Date.now();
    const r = await test({ name: 'Slow', url: `${fakeUrl}/slow`, timeout: '300ms' });
    expect(r.body).toMatchObject({ ok: false, code: 'SOURCE_TIMEOUT', message: `no answer from ${fakeUrl}/slow within 300 ms` });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a saved source’s secret when the form sends it back as kept', async () => {
    // The saved token ("saved-secret") is sent to the fake, which wants "right": refused, which
    // shows the saved secret was used, not the placeholder.
    const r = await test({ id: 'team', name: 'Team', url: fakeUrl, auth: { type: 'bearer', token: SECRET_KEPT } });
    expect(r.body).toMatchObject({ ok: false, code: 'SOURCE_AUTH' });
    const orphan = await test({ id: 'new-one', name: 'New', url: fakeUrl, auth: { type: 'bearer', token: SECRET_KEPT } });
    expect(orphan.status).toBe(400);
  });

  it('never sends a kept secret to another URL: a saved source tested at a new URL with its secret kept is refused', async () => {
    for (const auth of [{ type: 'bearer', token: SECRET_KEPT }, { type: 'basic', username: 'u', password: SECRET_KEPT }]) {
      const r = await test({ id: 'team', name: 'Team', url: `${elsewhereUrl}/prom`, auth });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'SECRET_URL_CHANGED' });
      expect(r.body.message).toMatch(/only sent to the URL it was saved with/);
    }
    // A secret typed in the form goes where the form says.
    expect((await test({ id: 'team', name: 'Team', url: elsewhereUrl, auth: { type: 'bearer', token: 'typed-now' } })).body).toMatchObject({ ok: false, code: 'SOURCE_AUTH' });
    expect(seenElsewhere).toEqual(['Bearer typed-now']);
  });

  it('names a URL with credentials in it without them', async () => {
    const r = await test({ name: 'Userinfo', url: `http://ops:pw-in-url@127.0.0.1:${await freePort()}` });
    expect(r.body.ok).toBe(false);
    expect(JSON.stringify(r.body)).not.toContain('pw-in-url');
  });

  it('refuses a source that does not validate, naming the field; the embedded one always answers', async () => {
    const r = await test({ name: '', url: 'ftp://x' });
    expect(r.status).toBe(400);
    expect((r.body.problems as string[]).join('\n')).toMatch(/^url = "ftp:\/\/x": must be an http\(s\) URL$/m);
    expect((await test({ id: 'embedded' })).body).toMatchObject({ ok: true, version: 'test' });
  });
});
