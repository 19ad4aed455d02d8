// Who may talk to the collector: the Host header must name this machine (DNS-rebinding guard),
// a browser Origin must be this server or on the allow-list (cross-site request guard), and a
// client that is not on loopback must present the token.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { RadiatorError } from '../../../shared/errors.ts';

export interface GuardOptions {
  bindHost: string;
  allowedHosts: readonly string[];
  corsOrigins: readonly string[];
  token: string | null;
}

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || a.startsWith('127.');
}

const wildcard = (h: string) => h === '0.0.0.0' || h === '::' || h === '[::]';

export class Guard {
  private readonly names: Set<string>;
  private readonly opts: GuardOptions;

  constructor(opts: GuardOptions) {
    this.opts = opts;
    const me = hostname().toLowerCase();
    this.names = new Set(['localhost', '127.0.0.1', '[::1]', opts.bindHost.toLowerCase(), ...opts.allowedHosts.map((h) => h.toLowerCase())]);
    if (!isLoopbackAddress(opts.bindHost) && opts.bindHost !== 'localhost') {
      this.names.add(me);
      this.names.add(`${me}.local`);
    }
  }

  /** The host part of a Host header, lower-cased, without the port. */
  static hostOf(header: string): string {
    const h = header.trim().toLowerCase();
    if (h.startsWith('[')) {
      const end = h.indexOf(']');
      return end > 0 ? h.slice(0, end + 1) : h;
    }
    const colon = h.lastIndexOf(':');
    return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
  }

  hostAllowed(header: string | undefined): boolean {
    // HTTP/1.0 clients may omit Host; they cannot be a browser doing DNS rebinding.
    if (header === undefined) return true;
    const host = Guard.hostOf(header);
    if (this.names.has(host)) return true;
    // Bound to every interface: an IP literal is fine (rebinding needs a DNS name).
    if (wildcard(this.opts.bindHost)) return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
    return false;
  }

  originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (origin === undefined) return true;
    if (origin === 'null') return false;
    if (this.opts.corsOrigins.includes(origin)) return true;
    try {
      const u = new URL(origin);
      // Same origin: the page was served by this server.
      return hostHeader !== undefined && u.host.toLowerCase() === hostHeader.trim().toLowerCase();
    } catch {
      return false;
    }
  }

  tokenOk(req: IncomingMessage, url: URL): boolean {
    if (isLoopbackAddress(req.socket.remoteAddress)) return true;
    const want = this.opts.token;
    if (want === null) return false;
    const auth = req.headers.authorization;
    const given = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : url.searchParams.get('token');
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(want);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Throws the matching RadiatorError when the request may not proceed. */
  check(req: IncomingMessage, url: URL): void {
    if (!this.hostAllowed(req.headers.host)) {
      throw new RadiatorError('HOST_NOT_ALLOWED', `Host "${req.headers.host}" is not this machine; add it to server.allowedHosts if it should be`);
    }
    const origin = req.headers.origin;
    if (!this.originAllowed(origin, req.headers.host)) {
      throw new RadiatorError('ORIGIN_NOT_ALLOWED', `requests from origin "${origin}" are not allowed; add it to server.corsOrigins if they should be`);
    }
    if (!this.tokenOk(req, url)) {
      throw new RadiatorError('UNAUTHORIZED', 'this client is not on loopback: send the token as "Authorization: Bearer <token>" or ?token=');
    }
  }
}
