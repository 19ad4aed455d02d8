// Webhook signatures: GitHub's (and the generic sender's) HMAC-SHA256 of the raw body in
// `X-Hub-Signature-256: sha256=<hex>`, GitLab's shared token in `X-Gitlab-Token`. Compared in
// constant time.

import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSignature(secret: string, body: Uint8Array): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function verifyHmac(secret: string, body: Uint8Array, header: string | undefined): boolean {
  return typeof header === 'string' && /^sha256=[0-9a-f]{64}$/i.test(header) && same(header.toLowerCase(), hmacSignature(secret, body));
}

export function verifyToken(secret: string, header: string | undefined): boolean {
  return typeof header === 'string' && same(header, secret);
}
