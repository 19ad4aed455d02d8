// A page's path as a label value: no query or fragment (they may carry personal data and are
// unbounded), ids collapsed to `:id` (numbers, UUIDs, long hex or opaque tokens), so
// `/orders/8812/items/3f2c…` and `/orders/9/items/…` are one page. Pure.

import { MAX_CLIENT_PAGE_CHARS } from '../../../shared/limits.ts';

const MAX_SEGMENTS = 12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
const HEX_ID = /^[0-9a-f]{12,}$/i;
/** Opaque tokens: long, and mixing digits into letters (base64/base62 ids, hashes). */
const TOKEN = /^(?=.*\d)[A-Za-z0-9_-]{20,}$/;

export function pagePath(raw: string): string {
  let p = raw;
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  // A full URL: keep its path only.
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(p);
  if (m) p = m[1] ?? '/';
  if (!p.startsWith('/')) p = '/' + p;
  let segs = p.split('/').slice(1);
  if (segs.length > MAX_SEGMENTS) segs = [...segs.slice(0, MAX_SEGMENTS), '…'];
  const out = segs.map((s) => {
    let d = s;
    try {
      d = decodeURIComponent(s);
    } catch {
      /* keep it as it came */
    }
    return NUMBER.test(d) || UUID.test(d) || HEX_ID.test(d) || TOKEN.test(d) ? ':id' : s;
  });
  const path = '/' + out.join('/');
  return path.length > MAX_CLIENT_PAGE_CHARS ? path.slice(0, MAX_CLIENT_PAGE_CHARS) + '…' : path;
}
