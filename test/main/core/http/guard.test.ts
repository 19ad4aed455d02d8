import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Guard, isLoopbackAddress } from '../../../../src/main/core/http/guard.ts';

const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;
const url = (q = '') => new URL('http://x/api' + q);

describe('Guard', () => {
  const loop = new Guard({ bindHost: '127.0.0.1', allowedHosts: ['radiator.office'], corsOrigins: ['http://dash.office:3000'], token: null });
  const lan = new Guard({ bindHost: '0.0.0.0', allowedHosts: [], corsOrigins: [], token: 'a-long-enough-token' });

  it('knows loopback addresses, IPv4-mapped ones included', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.2', '::ffff:10.0.0.2', '', undefined].some((a) => isLoopbackAddress(a))).toBe(false);
  });

  it('accepts loopback names and configured names as Host, refuses others', () => {
    for (const h of ['127.0.0.1:7070', 'localhost:7070', 'LOCALHOST', '[::1]:7070', 'radiator.office:7070']) expect(loop.hostAllowed(h)).toBe(true);
    for (const h of ['evil.example', 'evil.example:7070', '10.0.0.5:7070', '127.0.0.1.evil.example']) expect(loop.hostAllowed(h)).toBe(false);
  });

  it('bound to every interface, accepts IP literals but not unknown names', () => {
    expect(lan.hostAllowed('192.168.1.20:7070')).toBe(true);
    expect(lan.hostAllowed('[fe80::1]:7070')).toBe(true);
    expect(lan.hostAllowed('rebind.evil.example:7070')).toBe(false);
  });

  it('accepts no Origin, the same origin and listed origins; refuses others and "null"', () => {
    expect(loop.originAllowed(undefined, 'localhost:7070')).toBe(true);
    expect(loop.originAllowed('http://localhost:7070', 'localhost:7070')).toBe(true);
    expect(loop.originAllowed('http://dash.office:3000', 'localhost:7070')).toBe(true);
    expect(loop.originAllowed('http://evil.example', 'localhost:7070')).toBe(false);
    expect(loop.originAllowed('null', 'localhost:7070')).toBe(false);
  });

  it('lets loopback through without a token and asks everyone else for it', () => {
    expect(lan.tokenOk(req('127.0.0.1'), url())).toBe(true);
    expect(lan.tokenOk(req('10.0.0.9'), url())).toBe(false);
    expect(lan.tokenOk(req('10.0.0.9', { authorization: 'Bearer a-long-enough-token' }), url())).toBe(true);
    expect(lan.tokenOk(req('10.0.0.9'), url('?token=a-long-enough-token'))).toBe(true);
    expect(lan.tokenOk(req('10.0.0.9', { authorization: 'Bearer wrong' }), url())).toBe(false);
    expect(loop.tokenOk(req('10.0.0.9', { authorization: 'Bearer anything' }), url())).toBe(false); // no token configured: LAN refused
  });

  it('check() throws the coded error', () => {
    expect(() => loop.check(req('127.0.0.1', { host: 'evil.example' }), url())).toThrow(expect.objectContaining({ code: 'HOST_NOT_ALLOWED' }));
    expect(() => lan.check(req('10.0.0.9', { host: '10.0.0.1:7070' }), url())).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  it('refuses what a browser sends for another site\'s page (an <img>, a script), not curl, the boards or allowed origins', () => {
    const q = new URL('http://x/api/v1/query?query=up');
    const from = (headers: Record<string, string>, u = q, method = 'GET') => ({ socket: { remoteAddress: '127.0.0.1' }, headers: { host: 'localhost:7070', ...headers }, method }) as unknown as IncomingMessage;
    const refused = (r: IncomingMessage, u = q) => expect(() => loop.check(r, u)).toThrow(expect.objectContaining({ code: 'CROSS_SITE_REQUEST' }));
    const allowed = (r: IncomingMessage, u = q) => expect(() => loop.check(r, u)).not.toThrow();
    refused(from({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }));
    // Another port on this host is the same site but another origin.
    refused(from({ 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' }));
    // A link from elsewhere to the API runs nothing either…
    refused(from({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }));
    // …but a link to a board opens it.
    allowed(from({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }), new URL('http://x/board/overview'));
    // Browsers without Sec-Fetch-*: judged by the Referer.
    refused(from({ referer: 'http://evil.example/page' }));
    allowed(from({ referer: 'http://localhost:7070/board/overview' }));
    allowed(from({ referer: 'http://dash.office:3000/d/1' }));
    // The boards, curl/Grafana/Prometheus (no Sec-Fetch), a typed URL, an allowed origin's CORS request.
    allowed(from({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }));
    allowed(from({}));
    allowed(from({ 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }));
    allowed(from({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'http://dash.office:3000' }));
    // A cross-site POST with a foreign Origin is still the Origin check's to refuse.
    expect(() => loop.check(from({ 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' }, q, 'POST'), q)).toThrow(expect.objectContaining({ code: 'ORIGIN_NOT_ALLOWED' }));
  });
});
