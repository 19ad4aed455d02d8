// Scoped access tokens over HTTP (admin only — the guard sees to that for everything here but
// /me): GET /api/v1/access/me (who am I: loopback, or a token and its scope — the settings UI
// asks so it can offer editing or say why not); GET and POST /api/v1/access/tokens;
// DELETE /api/v1/access/tokens/<id>.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RadiatorError } from '../../../shared/errors.ts';
import { SCOPES } from '../access/route-scope.ts';
import type { TokenStore } from '../access/token-store.ts';
import type { Guard } from './guard.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

const NewTokenSchema = z
  .object({
    name: z.string().trim().min(1, { error: 'must be 1–80 characters' }).max(80, { error: 'must be 1–80 characters' }),
    scope: z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` }),
  })
  .strict();

export async function accessApi(tokens: TokenStore, guard: Guard, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';
  if (p === '/api/v1/access/me') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const who = guard.access(req, url);
    sendJson(res, 200, { via: who?.via ?? null, scope: who?.scope ?? null, tokenId: who?.tokenId ?? null, canEdit: who?.scope === 'admin' });
    return true;
  }
  if (p === '/api/v1/access/tokens') {
    if (m === 'GET') {
      sendJson(res, 200, { tokens: tokens.list() });
      return true;
    }
    if (m !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use GET or POST');
    if (mediaType(req) !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
    const r = NewTokenSchema.safeParse(parseJsonBody(await readBody(req, { limitBytes: 16 * 1024 })));
    if (!r.success) throw new RadiatorError('INVALID_PARAMETER', r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const made = tokens.create(r.data.name, r.data.scope);
    // The one and only time the token's value is sent.
    sendJson(res, 201, { token: made.token, ...made.info });
    return true;
  }
  const one = /^\/api\/v1\/access\/tokens\/([^/]+)$/.exec(p);
  if (one) {
    if (m !== 'DELETE') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use DELETE to revoke a token');
    const id = decodeURIComponent(one[1]!);
    if (!tokens.revoke(id)) throw new RadiatorError('NOT_FOUND', `no token "${id}"`);
    sendJson(res, 200, { revoked: id });
    return true;
  }
  return false;
}
