import { describe, expect, it } from 'vitest';
import { requiredScope, scopeAllows } from '../../../../src/main/core/access/route-scope.ts';

describe('route scopes', () => {
  it.each([
    ['GET', '/', 'read'],
    ['GET', '/api/v1/config', 'read'],
    ['GET', '/feed', 'read'],
    ['GET', '/api/v1/query', 'read'],
    ['GET', '/api/v1/arriving', 'read'],
    ['POST', '/api/v1/arriving', 'admin'],
    ['POST', '/api/v1/query', 'read'],
    ['POST', '/api/v1/query_range', 'read'],
    ['POST', '/api/v1/series', 'read'],
    ['POST', '/api/v1/labels', 'read'],
    ['POST', '/api/v1/label/job/values', 'read'],
    ['GET', '/api/v1/config/export', 'read'],
    ['GET', '/api/v1/access/me', 'read'],
    ['POST', '/api/v1/metrics', 'ingest'],
    ['POST', '/api/v1/events', 'ingest'],
    ['POST', '/api/v1/import', 'ingest'],
    ['PUT', '/metrics/job/nightly', 'ingest'],
    ['DELETE', '/metrics/job/nightly/instance/a', 'ingest'],
    ['POST', '/metrics/job@base64/bmlnaHRseQ', 'ingest'],
    ['POST', '/v1/metrics', 'ingest'],
    ['POST', '/api/v1/write', 'ingest'],
    ['POST', '/api/v1/webhooks/github/shop', 'ingest'],
    ['GET', '/api/v1/access/tokens', 'admin'],
    ['POST', '/api/v1/access/tokens', 'admin'],
    ['DELETE', '/api/v1/access/tokens/abc', 'admin'],
    ['GET', '/api/v1/config/sections', 'admin'],
    ['GET', '/api/v1/config/sections/server', 'admin'],
    ['GET', '/api/v1/config/dir', 'admin'],
    ['PUT', '/api/v1/config/boards/x', 'admin'],
    ['DELETE', '/api/v1/config/boards/x', 'admin'],
    ['POST', '/api/v1/config/import', 'admin'],
    ['POST', '/api/v1/alerting/silences', 'admin'],
    ['POST', '/api/v1/sources/test', 'admin'],
    ['POST', '/api/v1/anything-new', 'admin'],
  ])('%s %s needs %s', (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it('admin covers everything; read and ingest only themselves', () => {
    expect(['read', 'ingest', 'admin'].map((n) => scopeAllows('admin', n as 'read'))).toEqual([true, true, true]);
    expect(['read', 'ingest', 'admin'].map((n) => scopeAllows('read', n as 'read'))).toEqual([true, false, false]);
    expect(['read', 'ingest', 'admin'].map((n) => scopeAllows('ingest', n as 'read'))).toEqual([false, true, false]);
  });
});
