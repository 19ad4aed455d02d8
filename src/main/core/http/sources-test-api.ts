// POST /api/v1/sources/test: the settings UI's "Test" button. Takes a source as the settings
// would hold it (a saved one's secrets may come back as SECRET_KEPT) and answers
// {ok: true, version, seriesCount?} or {ok: false, code, message} — what is wrong, in words
// (unreachable, timed out, refused the credentials, not a Prometheus API). Bounded in time.
// A kept secret is only sent to the URL it was saved with: testing a saved source at another URL
// with its secret kept is refused (SECRET_URL_CHANGED) rather than tried without it, which would
// come back as "credentials refused" and blame a token that was never sent.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { SOURCE_TEST_TIMEOUT_MS } from '../../../shared/limits.ts';
import { issuesToProblems } from '../../../shared/problems.ts';
import type { Settings } from '../../../shared/settings.ts';
import { SourceSchema } from '../../../shared/source-settings.ts';
import { EMBEDDED_SOURCE_ID } from '../sources/embedded-source.ts';
import { PrometheusSource } from '../sources/prometheus-source.ts';
import { redactText } from '../../../shared/redact.ts';
import { restoreSecrets, keptWithoutSecret } from '../settings/secrets.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

export interface SourcesTestContext {
  sources: () => Settings['sources'];
  version: string;
  embeddedSeries: () => number;
}

export async function sourcesTestApi(ctx: SourcesTestContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/api/v1/sources/test') return false;
  if (req.method !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use POST with a source');
  if (mediaType(req) !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  const body = parseJsonBody(await readBody(req, { limitBytes: 64 * 1024 }));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RadiatorError('INVALID_SETTINGS', 'the body must be a source object', { extra: { problems: ['(body): must be a source object'] } });
  const raw = body as Record<string, unknown>;
  if (raw.id === EMBEDDED_SOURCE_ID || raw.type === 'embedded') {
    sendJson(res, 200, { ok: true, version: ctx.version, seriesCount: ctx.embeddedSeries() });
    return true;
  }
  // A source not saved yet has no id to speak of.
  const withId = { ...raw, id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : 'test' };
  const restored = restoreSecrets('sources', [withId], ctx.sources()) as unknown[];
  const orphans = keptWithoutSecret(restored[0]);
  const saved = ctx.sources().find((x) => x.id === withId.id);
  const target = (restored[0] as Record<string, unknown>).url;
  if (orphans.length > 0 && saved && target !== saved.url) {
    throw new RadiatorError('SECRET_URL_CHANGED', `the saved token or password of source "${saved.id}" is only sent to the URL it was saved with, and this test names another; type it again to test ${typeof target === 'string' ? redactText(target) : 'the new URL'}`);
  }
  if (orphans.length > 0) throw new RadiatorError('INVALID_SETTINGS', orphans.join('; '), { extra: { problems: orphans } });
  const r = SourceSchema.safeParse(restored[0], { reportInput: true });
  if (!r.success) {
    const problems = issuesToProblems(r.error.issues);
    throw new RadiatorError('INVALID_SETTINGS', problems.join('; '), { extra: { problems } });
  }
  const s = r.data;
  const src = new PrometheusSource({ id: s.id, name: s.name, url: s.url, auth: s.auth, timeoutMs: Math.min(s.timeout, SOURCE_TEST_TIMEOUT_MS) });
  const t = await src.test();
  if (!t.ok) {
    // The message without the "test: " prefix SourceError puts on it.
    sendJson(res, 200, { ok: false, code: t.code, message: redactText(t.message.replace(/^[^:]+: /, '')) });
    return true;
  }
  const seriesCount = await src.seriesCount();
  sendJson(res, 200, { ok: true, version: t.version, ...(seriesCount === null ? {} : { seriesCount }) });
  return true;
}
