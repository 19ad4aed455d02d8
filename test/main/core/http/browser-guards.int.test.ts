// The rest of issue 17, item 7, replayed against a running core: a cross-site <img> cannot run a
// query (while the boards, curl and allowed origins still can), the boards' CSP lets them connect
// only to this server, every reply says nosniff, invalid UTF-8 is refused by the JSON, events and
// push endpoints, and an event's object-form tags have length limits.
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';
import { MAX_EVENT_TAG_KEY_CHARS, MAX_EVENT_TAG_VALUE_CHARS, MAX_EVENT_TAGS } from '../../../../src/shared/limits.ts';
import { tempDir } from '../../../helpers/core.ts';

const dir = tempDir();
let core: Core;
let port: number;
let pushPort: number;

beforeAll(async () => {
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>boards</title>');
  const settings = parseSettings({
    server: { httpPort: 0, corsOrigins: ['http://grafana.office:3000'] },
    receivers: { statsd: { udpPort: false, tcpPort: false }, push: { port: 0 }, otlp: { port: false }, host: { enabled: false } },
  });
  core = await startCore({ settings, dataDir: join(dir, 'data'), rendererDir: renderer, version: 'test', log: () => {} });
  port = core.ports().http;
  pushPort = core.ports().push!;
});
afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, any>;
}

function request(method: string, path: string, body: Buffer | string | null, headers: Record<string, string> = {}, to = port): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: to, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

const query = '/api/v1/query?query=' + encodeURIComponent('count({__name__=~".+"})');

describe('a cross-site <img> cannot run queries', () => {
  it('refuses the image request a foreign page makes, with CROSS_SITE_REQUEST', async () => {
    const img = await request('GET', query, null, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' });
    expect(img.status).toBe(403);
    expect(img.body.code).toBe('CROSS_SITE_REQUEST');
    // An older browser, without Sec-Fetch-*: its Referer names the other site.
    const old = await request('GET', query, null, { Referer: 'https://evil.example/cats.html' });
    expect(old.status).toBe(403);
    expect(old.body.code).toBe('CROSS_SITE_REQUEST');
  });

  it('still answers the boards, curl/Prometheus/Grafana, and an allowed origin', async () => {
    const boards = await request('GET', query, null, { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' });
    expect(boards.status).toBe(200);
    expect((await request('GET', query, null)).status).toBe(200);
    const grafana = await request('GET', query, null, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors', Origin: 'http://grafana.office:3000' });
    expect(grafana.status).toBe(200);
    // A link to a board from a chat message opens the board.
    const link = await request('GET', '/board/overview', null, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' });
    expect(link.status).toBe(200);
  });
});

describe('response headers', () => {
  it("the boards' CSP connects only to this server (its own ws:// URL, no other host)", async () => {
    const page = await request('GET', '/', null, { Host: `127.0.0.1:${port}` });
    const csp = page.headers['content-security-policy'] as string;
    const connect = /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
    expect(connect).toEqual(["'self'", `ws://127.0.0.1:${port}`, `wss://127.0.0.1:${port}`]);
    // Named as the page was asked for.
    const odd = await request('GET', '/', null, { Host: `localhost:${port}` });
    expect(odd.headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${port} wss://localhost:${port};`);
  });

  it('every JSON and text reply, errors included, carries X-Content-Type-Options: nosniff', async () => {
    for (const [path, status] of [[query, 200], ['/api/v1/nope', 404], ['/metrics', 200], ['/api/v1/status', 200]] as const) {
      const r = await request('GET', path, null);
      expect(r.status).toBe(status);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const refused = await request('GET', query, null, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'image' });
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    const push = await request('GET', '/metrics', null, {}, pushPort);
    expect(push.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('invalid UTF-8 is refused', () => {
  const bad = (prefix: string, suffix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from([0xff, 0xfe]), Buffer.from(suffix)]);

  it('by the JSON endpoint and the events endpoint (400 INVALID_UTF8, with the offset)', async () => {
    const m = await request('POST', '/api/v1/metrics', bad('{"name":"utf8_', '","value":1}'), { 'Content-Type': 'application/json' });
    expect(m.status).toBe(400);
    expect(m.body.code).toBe('INVALID_UTF8');
    expect(m.body.message).toContain('byte 14');
    const e = await request('POST', '/api/v1/events', bad('{"kind":"deploy","title":"v', '"}'), { 'Content-Type': 'application/json' });
    expect(e.status).toBe(400);
    expect(e.body.code).toBe('INVALID_UTF8');
    // Well-formed non-ASCII is fine.
    expect((await request('POST', '/api/v1/events', JSON.stringify({ kind: 'deploy', title: 'Déploiement ✓' }), { 'Content-Type': 'application/json' })).status).toBe(201);
  });

  it('by the push endpoint, on both ports, for the text formats', async () => {
    for (const to of [port, pushPort]) {
      const r = await request('PUT', '/metrics/job/utf8', bad('some_metric{l="', '"} 1\n'), { 'Content-Type': 'text/plain; version=0.0.4' }, to);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_UTF8');
    }
    expect((await request('PUT', '/metrics/job/utf8', 'some_metric{l="é"} 1\n', { 'Content-Type': 'text/plain; version=0.0.4' }, pushPort)).status).toBe(200);
  });
});

describe("events' object-form tags have limits", () => {
  const post = (tags: unknown) => request('POST', '/api/v1/events', JSON.stringify({ kind: 'deploy', title: 'tags', tags }), { 'Content-Type': 'application/json' });

  it('refuses a key, a value or a count past its limit, naming it (400 INVALID_EVENT with limit)', async () => {
    const key = await post({ ['k'.repeat(MAX_EVENT_TAG_KEY_CHARS + 1)]: 'v' });
    expect([key.status, key.body.code, key.body.limit]).toEqual([400, 'INVALID_EVENT', MAX_EVENT_TAG_KEY_CHARS]);
    expect(key.body.message).toContain('MAX_EVENT_TAG_KEY_CHARS');
    const value = await post({ env: 'x'.repeat(1_000_000) });
    expect([value.status, value.body.code, value.body.limit]).toEqual([400, 'INVALID_EVENT', MAX_EVENT_TAG_VALUE_CHARS]);
    expect(value.body.message).toContain('"tags.env" is 1000000 characters');
    const many = await post(Object.fromEntries(Array.from({ length: MAX_EVENT_TAGS + 1 }, (_, i) => [`k${i}`, 'v'])));
    expect([many.status, many.body.code, many.body.limit]).toEqual([400, 'INVALID_EVENT', MAX_EVENT_TAGS]);
  });

  it('accepts tags at the limits', async () => {
    const ok = await post({ ['k'.repeat(MAX_EVENT_TAG_KEY_CHARS)]: 'v'.repeat(MAX_EVENT_TAG_VALUE_CHARS), service: 'checkout' });
    expect(ok.status).toBe(201);
    expect(ok.body.tags).toContain('service:checkout');
  });
});
