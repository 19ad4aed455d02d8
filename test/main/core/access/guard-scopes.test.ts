// The guard with scoped tokens, without sockets: who a request is, and what its scope allows.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Guard } from '../../../../src/main/core/http/guard.ts';

const req = (remoteAddress: string, method: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, method, headers: { host: '10.0.0.1:7070', ...headers } }) as unknown as IncomingMessage;
const url = (path: string) => new URL(`http://x${path}`);
const tokens = {
  verify: (t: string) => (t === 'rdtk_read' ? { id: 'r', scope: 'read' as const } : t === 'rdtk_ingest' ? { id: 'i', scope: 'ingest' as const } : null),
};
const guard = new Guard({ bindHost: '0.0.0.0', allowedHosts: [], corsOrigins: [], token: 'server-token-0123456789', tokens });

describe('the guard with scoped tokens', () => {
  it('knows who is asking', () => {
    expect(guard.access(req('127.0.0.1', 'GET'), url('/'))).toEqual({ via: 'loopback', scope: 'admin', tokenId: null });
    expect(guard.access(req('10.0.0.9', 'GET', { authorization: 'Bearer server-token-0123456789' }), url('/'))).toEqual({ via: 'server-token', scope: 'admin', tokenId: null });
    expect(guard.access(req('10.0.0.9', 'GET'), url('/?token=rdtk_read'))).toEqual({ via: 'token', scope: 'read', tokenId: 'r' });
    expect(guard.access(req('10.0.0.9', 'GET', { authorization: 'Bearer nope' }), url('/'))).toBeNull();
  });

  it('lets each scope do its own class of request and refuses the rest with FORBIDDEN', () => {
    const read = { authorization: 'Bearer rdtk_read' };
    const ingest = { authorization: 'Bearer rdtk_ingest' };
    expect(() => guard.check(req('10.0.0.9', 'GET', read), url('/api/v1/config'))).not.toThrow();
    expect(() => guard.check(req('10.0.0.9', 'PUT', read), url('/api/v1/config/boards/x'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => guard.check(req('10.0.0.9', 'POST', ingest), url('/api/v1/metrics'))).not.toThrow();
    expect(() => guard.check(req('10.0.0.9', 'GET', ingest), url('/api/v1/config'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => guard.check(req('10.0.0.9', 'PUT', { authorization: 'Bearer server-token-0123456789' }), url('/api/v1/config/boards/x'))).not.toThrow();
    expect(() => guard.check(req('10.0.0.9', 'GET'), url('/api/v1/config'))).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  it('a narrower loopback test (the tests’ seam) only ever trusts less', () => {
    const narrow = new Guard({ bindHost: '127.0.0.1', allowedHosts: [], corsOrigins: [], token: null, isLoopback: (a) => a === '127.0.0.1' });
    expect(narrow.access(req('127.0.0.2', 'GET'), url('/'))).toBeNull();
    expect(narrow.access(req('127.0.0.1', 'GET'), url('/'))?.via).toBe('loopback');
  });
});
