// Who may talk to the collector: the Host header must name this machine (DNS-rebinding guard),
// a browser Origin must be this server or on the allow-list (cross-site request guard), a request
// a browser makes for another site's page without an Origin (an <img>, a link, a script) is
// refused, and a client that is not on loopback must present a token whose scope covers the
// request: a scoped token (read, ingest, admin; see access/) or `server.token`, an admin token.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { RadiatorError } from '../../../shared/errors.ts';
import { requiredScope, scopeAllows, type Scope } from '../access/route-scope.ts';

export interface GuardOptions {
  bindHost: string;
  allowedHosts: readonly string[];
  corsOrigins: readonly string[];
  token: string | null;
  /** Paths whose handler checks the Origin itself against its own allow-list (browser
   * telemetry from other sites' pages: /api/v1/client, /client.js). */
  ownOriginPaths?: ReadonlySet<string>;
  /** Scoped tokens (access/token-store.ts); without it only `server.token` is accepted. */
  tokens?: { verify(token: string): { id: string; scope: Scope } | null };
  /** Which peers count as this machine. Always `isLoopbackAddress` in Radiator; tests pass a
   * narrower one to play a LAN client from 127.0.0.2 (it can never widen what is trusted there,
   * since Radiator itself never sets it). */
  isLoopback?: (addr: string | undefined) => boolean;
}

/** Who a request is: this machine, or the holder of a token of some scope. */
export interface Access {
  via: 'loopback' | 'server-token' | 'token';
  scope: Scope;
  tokenId: string | null;
}

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || a.startsWith('127.');
}

/** Paths that answer data or act (everything but the boards' pages and their assets). */
function isApiPath(p: string): boolean {
  return p.startsWith('/api/') || p === '/federate' || p === '/metrics' || p.startsWith('/metrics/') || p.startsWith('/-/') || p === '/healthz' || p === '/v1/metrics';
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

  /** Whether a browser says this request is made for a page of another site. Browsers send
   * `Sec-Fetch-Site` (same-site counts: another port on this host is another origin); older ones
   * are judged by their `Referer`. Clients that are not browsers (curl, Grafana, Prometheus) send
   * neither, so they are never cross-site. A request whose Origin is allowed is a CORS request
   * the allow-list approves; a page navigated to by a link from elsewhere is allowed (links to
   * boards), the API is not. */
  crossSite(req: IncomingMessage, url: URL): boolean {
    const site = req.headers['sec-fetch-site'];
    let foreign: boolean;
    if (site !== undefined) foreign = site === 'cross-site' || site === 'same-site';
    else {
      const referer = req.headers.referer;
      if (referer === undefined) return false;
      let origin: string;
      try {
        origin = new URL(referer).origin;
      } catch {
        return false;
      }
      foreign = !this.originAllowed(origin, req.headers.host);
    }
    if (!foreign) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && this.opts.corsOrigins.includes(origin)) return false;
    const navigation = req.headers['sec-fetch-mode'] === 'navigate' || req.headers['sec-fetch-dest'] === 'document';
    if (navigation && (req.method === 'GET' || req.method === 'HEAD') && !isApiPath(url.pathname)) return false;
    return true;
  }

  tokenOk(req: IncomingMessage, url: URL): boolean {
    return this.access(req, url) !== null;
  }

  /** Who is asking: loopback is trusted as admin (it is this machine's user); anyone else is
   * what their token says, or nobody (null). */
  access(req: IncomingMessage, url: URL): Access | null {
    if ((this.opts.isLoopback ?? isLoopbackAddress)(req.socket.remoteAddress)) return { via: 'loopback', scope: 'admin', tokenId: null };
    const auth = req.headers.authorization;
    const given = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : url.searchParams.get('token');
    if (!given) return null;
    const want = this.opts.token;
    if (want !== null) {
      const a = Buffer.from(given);
      const b = Buffer.from(want);
      if (a.length === b.length && timingSafeEqual(a, b)) return { via: 'server-token', scope: 'admin', tokenId: null };
    }
    const t = this.opts.tokens?.verify(given) ?? null;
    return t ? { via: 'token', scope: t.scope, tokenId: t.id } : null;
  }

  /** Throws the matching RadiatorError when the request may not proceed. */
  check(req: IncomingMessage, url: URL): void {
    if (!this.hostAllowed(req.headers.host)) {
      throw new RadiatorError('HOST_NOT_ALLOWED', `Host "${req.headers.host}" is not this machine; add it to server.allowedHosts if it should be`);
    }
    const origin = req.headers.origin;
    if (!this.opts.ownOriginPaths?.has(url.pathname) && !this.originAllowed(origin, req.headers.host)) {
      throw new RadiatorError('ORIGIN_NOT_ALLOWED', `requests from origin "${origin}" are not allowed; add it to server.corsOrigins if they should be`);
    }
    if (!this.opts.ownOriginPaths?.has(url.pathname) && this.crossSite(req, url)) {
      const from = req.headers['sec-fetch-site'] !== undefined ? `Sec-Fetch-Site: ${req.headers['sec-fetch-site']}` : `Referer from another site`;
      throw new RadiatorError('CROSS_SITE_REQUEST', `a browser sent ${req.method} ${url.pathname} for a page of another site (${from}); only this server's pages and the origins in server.corsOrigins may call it`);
    }
    const who = this.access(req, url);
    if (!who) {
      throw new RadiatorError('UNAUTHORIZED', 'this client is not on loopback: send the token as "Authorization: Bearer <token>" or ?token=');
    }
    const need = requiredScope(req.method, url.pathname);
    if (!scopeAllows(who.scope, need)) {
      throw new RadiatorError('FORBIDDEN', `this token's scope is "${who.scope}"; ${req.method} ${url.pathname} needs "${need}"`);
    }
  }
}
