// The renderer is served from `app://radiator/`, not file:// — a custom scheme confines what the
// page can reach to the built renderer's directory, and lets the shell set the page's CSP to the
// one collector (or remote Radiator) it talks to.

import { normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The file under `root` an app:// URL names, or null for anything outside it or malformed. */
export function resolveAppPath(url: string, root: string): { file: string; type: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'app:' || u.host !== 'radiator') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, '.' + normalize(path));
  if (file !== base && !file.startsWith(base + sep)) return null;
  const ext = /\.[a-z0-9]+$/i.exec(file)?.[0]?.toLowerCase() ?? '';
  const type = TYPES[ext];
  return type ? { file, type } : null;
}

/** The page's CSP: scripts and styles from the app only; data only from the collector. */
export function appCsp(apiUrl: string): string {
  const api = new URL(apiUrl);
  const ws = `${api.protocol === 'https:' ? 'wss' : 'ws'}://${api.host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${api.origin} ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** index.html carries a CSP meta tag for browsers; in the app it is replaced by the exact one. */
export function withCsp(html: string, csp: string): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}" />`;
  const re = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i;
  return re.test(html) ? html.replace(re, tag) : html.replace(/<head>/i, `<head>\n    ${tag}`);
}
