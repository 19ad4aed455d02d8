// Scoped tokens end to end: made on loopback, shown once, kept hashed, and enforced by the guard
// for a client that is not on loopback. The "LAN client" connects from 127.0.0.2 to a core whose
// loopback test is narrowed to 127.0.0.1 (the seam core.ts offers tests; Radiator never sets it).
import http from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';
import { tempDir } from '../../../helpers/core.ts';

const SERVER_TOKEN = 'the-old-server-token-0123456789';
const dir = tempDir();
let core: Core;
let port: number;

async function start(): Promise<void> {
  const settings = parseSettings({
    server: { httpPort: 0, token: SERVER_TOKEN },
    receivers: { statsd: { udpPort: false, tcpPort: false }, push: { port: false }, otlp: { port: false }, host: { enabled: false } },
  });
  core = await startCore({ settings, dataDir: dir, rendererDir: null, version: 'test', log: () => {}, isLoopback: (a) => a === '127.0.0.1' || a === '::ffff:127.0.0.1' });
  port = core.ports().http;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A request from 127.0.0.1 (this machine) or 127.0.0.2 (a LAN client, for this core). */
function call(from: 'local' | 'lan', method: string, path: string, opts: { token?: string; body?: unknown; type?: string } = {}): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: from === 'lan' ? '127.0.0.2' : '127.0.0.1',
        headers: {
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(payload !== undefined ? { 'Content-Type': opts.type ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function feed(token: string | null): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/feed${token ? `?token=${token}` : ''}`, { localAddress: '127.0.0.2' });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

const board = { title: 'Scoped', panels: [{ id: 'n', type: 'text', x: 0, y: 0, w: 2, h: 2, text: 'hi' }] };
const tokens: Record<'read' | 'ingest' | 'admin', string> = { read: '', ingest: '', admin: '' };
let readId = '';

beforeAll(start);
afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scoped access tokens', () => {
  it('loopback may do anything without a token; a LAN client without one is refused', async () => {
    expect((await call('local', 'PUT', '/api/v1/config/boards/scoped', { body: board })).status).toBe(200);
    const r = await call('lan', 'GET', '/api/v1/config');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('UNAUTHORIZED');
    expect(await feed(null)).toBe(401);
  });

  it('tokens are made on loopback, shown once, listed without their value, kept only as a hash', async () => {
    for (const scope of ['read', 'ingest', 'admin'] as const) {
      const r = await call('local', 'POST', '/api/v1/access/tokens', { body: { name: `${scope} token`, scope } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: `${scope} token`, scope, lastUsedAt: null });
      expect(r.body.token).toMatch(/^rdtk_[A-Za-z0-9_-]{43}$/);
      tokens[scope] = r.body.token as string;
      if (scope === 'read') readId = r.body.id as string;
    }
    const list = await call('local', 'GET', '/api/v1/access/tokens');
    expect((list.body.tokens as unknown[]).length).toBe(3);
    const text = JSON.stringify(list.body);
    for (const t of Object.values(tokens)) expect(text).not.toContain(t);
    // In the store: the SHA-256, never the token.
    const raw = JSON.stringify(core.store.kvList('access-tokens'));
    for (const t of Object.values(tokens)) expect(raw).not.toContain(t);
    expect(raw).toMatch(/"sha256":"[0-9a-f]{64}"/);
  });

  it('refuses a token without a name or with an unknown scope, naming the field', async () => {
    const r = await call('local', 'POST', '/api/v1/access/tokens', { body: { name: '', scope: 'root' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/name: must be 1–80 characters/);
    expect(r.body.message).toMatch(/scope: must be one of read, ingest, admin/);
  });

  it('a read token reads boards, queries and the feed, and changes nothing', async () => {
    const t = tokens.read;
    expect((await call('lan', 'GET', '/api/v1/config', { token: t })).status).toBe(200);
    expect((await call('lan', 'POST', '/api/v1/query', { token: t, body: 'query=1', type: 'application/x-www-form-urlencoded' })).status).toBe(200);
    expect(await feed(t)).toBe('open');
    const put = await call('lan', 'PUT', '/api/v1/config/boards/scoped', { token: t, body: board });
    expect(put.status).toBe(403);
    expect(put.body.code).toBe('FORBIDDEN');
    expect(put.body.message).toMatch(/scope is "read".*needs "admin"/);
    expect((await call('lan', 'POST', '/api/v1/metrics', { token: t, body: { name: 'x', value: 1 } })).status).toBe(403);
    expect((await call('lan', 'GET', '/api/v1/access/tokens', { token: t })).status).toBe(403);
    expect((await call('lan', 'GET', '/api/v1/config/sections', { token: t })).status).toBe(403);
    const me = await call('lan', 'GET', '/api/v1/access/me', { token: t });
    expect(me.body).toMatchObject({ via: 'token', scope: 'read', canEdit: false });
  });

  it('an ingest token posts data and nothing else', async () => {
    const t = tokens.ingest;
    expect((await call('lan', 'POST', '/api/v1/metrics', { token: t, body: { name: 'scoped_total', value: 1, type: 'counter' } })).status).toBe(200);
    expect((await call('lan', 'POST', '/api/v1/events', { token: t, body: { kind: 'deploy', title: 'from CI' } })).status).toBe(201);
    expect((await call('lan', 'GET', '/api/v1/config', { token: t })).status).toBe(403);
    expect(await feed(t)).toBe(403);
    expect((await call('lan', 'PUT', '/api/v1/config/boards/scoped', { token: t, body: board })).status).toBe(403);
  });

  it('an admin token, and the old server.token, may edit and manage tokens', async () => {
    for (const t of [tokens.admin, SERVER_TOKEN]) {
      expect((await call('lan', 'PUT', '/api/v1/config/boards/scoped', { token: t, body: { ...board, title: `Edited ${t.length}` } })).status).toBe(200);
      expect((await call('lan', 'GET', '/api/v1/access/tokens', { token: t })).status).toBe(200);
      expect((await call('lan', 'GET', '/api/v1/config/sections', { token: t })).status).toBe(200);
    }
    expect((await call('lan', 'GET', '/api/v1/access/me', { token: SERVER_TOKEN })).body).toMatchObject({ via: 'server-token', scope: 'admin', canEdit: true });
    expect((await call('local', 'GET', '/api/v1/access/me')).body).toMatchObject({ via: 'loopback', scope: 'admin', canEdit: true });
  });

  it('notes when a token was last used', async () => {
    const list = (await call('local', 'GET', '/api/v1/access/tokens')).body.tokens as Array<{ id: string; lastUsedAt: number | null }>;
    expect(list.find((x) => x.id === readId)!.lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('tokens survive a restart; a revoked one stops working at once', async () => {
    await core.stop();
    await start();
    expect((await call('lan', 'GET', '/api/v1/config', { token: tokens.read })).status).toBe(200);
    const del = await call('local', 'DELETE', `/api/v1/access/tokens/${readId}`);
    expect(del.status).toBe(200);
    expect((await call('lan', 'GET', '/api/v1/config', { token: tokens.read })).status).toBe(401);
    expect((await call('local', 'DELETE', `/api/v1/access/tokens/${readId}`)).status).toBe(404);
    // Only an admin may revoke.
    const list = (await call('local', 'GET', '/api/v1/access/tokens')).body.tokens as Array<{ id: string; scope: string }>;
    const ingestId = list.find((x) => x.scope === 'ingest')!.id;
    expect((await call('lan', 'DELETE', `/api/v1/access/tokens/${ingestId}`, { token: tokens.ingest })).status).toBe(403);
  });
});
