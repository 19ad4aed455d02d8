// The one route table: every route has a scope for each method, no route hides another, every
// route of the table is served by a running core (no "no such endpoint", no 405) for each of its
// methods, a method it does not list is a 405 naming the ones it does, and an API path the table
// does not have is a 404 (the paths the old scope lists named but nothing served included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeOf, type Method } from '../../../../src/main/core/http/routes.ts';
import { requiredScope } from '../../../../src/main/core/access/route-scope.ts';
import { SCOPES } from '../../../../src/main/core/access/route-scope.ts';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

/** A path the route matches: parameters as `a1` (a silence id is hex), a trailing `*` as `a/b`. */
const sample = (path: string) => path.replace(/:[a-z]+/g, (m) => (m === ':type' ? 'generic' : 'a1')).replace(/\*$/, 'a/b');

describe('the route table', () => {
  it('gives every method of every route a scope, and lists each path once', () => {
    for (const r of ROUTES) {
      const methods = Object.entries(r.methods);
      expect(methods.length, r.path).toBeGreaterThan(0);
      for (const [, scope] of methods) expect(SCOPES).toContain(scope);
    }
    expect(new Set(ROUTES.map((r) => r.path)).size).toBe(ROUTES.length);
  });

  it('has no route hidden by an earlier one, and the scope of each comes from it', () => {
    for (const r of ROUTES) {
      expect(routeOf(sample(r.path))?.path, r.path).toBe(r.path);
      for (const [m, scope] of Object.entries(r.methods)) expect(requiredScope(m, sample(r.path)), `${m} ${r.path}`).toBe(scope);
    }
  });
});

describe('the routes a running core serves', () => {
  let rad: TestCore;
  beforeAll(async () => {
    rad = await startTestCore();
  });
  afterAll(async () => rad?.stop());

  it('serves every route of the table for each of its methods', async () => {
    const problems: string[] = [];
    let calls = 0;
    for (const r of ROUTES) {
      for (const m of Object.keys(r.methods) as Method[]) {
        const hasBody = m === 'POST' || m === 'PUT';
        const res = await fetch(`${rad.url}${sample(r.path)}`, {
          method: m,
          headers: hasBody ? { 'Content-Type': 'application/json' } : {},
          body: hasBody ? '{}' : undefined,
        });
        calls++;
        const text = await res.text();
        if (res.status === 405) problems.push(`${m} ${r.path}: 405 ${text.slice(0, 120)}`);
        if (res.status === 404 && /no such endpoint/.test(text)) problems.push(`${m} ${r.path}: not served`);
      }
    }
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(80);
  }, 60_000);

  it('answers 405 with Allow for a method a route does not list, and 404 for an API path no route has', async () => {
    const put = await fetch(`${rad.url}/api/v1/query`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(((await put.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
    const get = await fetch(`${rad.url}/api/v1/write`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // Paths the old scope lists named but no handler served.
    for (const p of ['/api/v1/otlp/v1/metrics', '/api/v1/logs/lines', '/api/v1/query_exemplars', '/api/v1/format_query', '/api/v1/nothing']) {
      const res = await fetch(`${rad.url}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status, p).toBe(404);
    }
  });
});
