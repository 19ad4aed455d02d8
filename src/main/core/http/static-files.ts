// Serves the built renderer (the boards) from a directory, with a strict Content-Security-Policy
// whose connect-src is this server alone (the live feed's ws:// URL on the same host and port).
// Unknown paths that look like pages fall back to index.html so `/board/pipeline` can be linked.

import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { RadiatorError } from '../../../shared/errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** A Host header fit to be written into a policy: a name or an IP literal, and a port. */
const HOST_SOURCE = /^(?:[a-z0-9](?:[a-z0-9.-]{0,252})|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The policy for a page served to `host` (the request's Host header, already checked by the
 * guard). CSP 3 lets 'self' cover ws: and wss: on the page's own host and port, but browsers
 * that predate it do not, so the feed's URL is also named; any other host stays out. */
export function contentSecurityPolicy(host: string | undefined): string {
  const h = host?.trim().toLowerCase();
  const ws = h && HOST_SOURCE.test(h) ? ` ws://${h} wss://${h}` : '';
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    `connect-src 'self'${ws}; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`
  );
}

export function serveStatic(root: string | null, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (!root || !existsSync(join(root, 'index.html'))) {
    throw new RadiatorError('RENDERER_NOT_BUILT', `the boards are not built${root ? ` (no ${join(root, 'index.html')})` : ''}; run \`npm run build\``);
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    throw new RadiatorError('NOT_FOUND', 'malformed path');
  }
  let file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) throw new RadiatorError('NOT_FOUND', 'no such file');
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    if (extname(rel) !== '' && !rel.endsWith('.html')) throw new RadiatorError('NOT_FOUND', `no such file ${rel}`);
    file = join(root, 'index.html');
  }
  const ext = extname(file);
  const headers: Record<string, string> = {
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': ext === '.html' ? 'no-cache' : rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (ext === '.html') {
    headers['Content-Security-Policy'] = contentSecurityPolicy(req.headers.host);
    headers['X-Frame-Options'] = 'DENY';
    headers['Referrer-Policy'] = 'no-referrer';
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
