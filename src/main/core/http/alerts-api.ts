// Alert routes: Radiator's own (`/api/v1/alerting/…`: alerts, rule status, silences,
// acknowledgements) and Prometheus-compatible `/api/v1/alerts` and `/api/v1/rules`, so Grafana
// can list Radiator's alerts too — those of its own rules and of rule files' alerting rules.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_BODY_BYTES } from '../../../shared/limits.ts';
import { parseDuration } from '../../../shared/duration-schema.ts';
import type { AlertEngine } from '../alerts/engine.ts';
import { alertingRuleStatus, promAlert } from '../alerts/prometheus-api.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  return parseJsonBody(await readBody(req, { limitBytes: MAX_BODY_BYTES }));
}

function invalid(e: unknown): never {
  if (e instanceof z.ZodError) {
    throw new RadiatorError('INVALID_PARAMETER', e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  }
  throw new RadiatorError('INVALID_PARAMETER', (e as Error).message);
}

const AckSchema = z
  .object({
    fingerprint: z.string().regex(/^[0-9a-f]{16}$/, { error: 'must be an alert fingerprint' }),
    by: z.string().min(1).max(100).default('someone'),
    comment: z.string().max(1_000).default(''),
    /** Also silence exactly this alert for this long ("mute for an hour": "1h"). */
    muteFor: z.union([z.string(), z.number()]).optional(),
  })
  .strict();

/** Returns false when the path is not an alert route. */
export async function alertsApi(
  engine: AlertEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  recording?: () => ReadonlyArray<{ name: string; rules: ReadonlyArray<{ type: string }> }>,
): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';
  if (p === '/api/v1/alerting/alerts' && m === 'GET') {
    sendJson(res, 200, { alerts: engine.alerts() });
    return true;
  }
  if (p === '/api/v1/alerting/rules' && m === 'GET') {
    sendJson(res, 200, { rules: engine.ruleStatus() });
    return true;
  }
  if (p === '/api/v1/alerting/silences') {
    if (m === 'GET') sendJson(res, 200, { silences: engine.listSilences() });
    else if (m === 'POST') {
      let s;
      try {
        s = engine.addSilence((await jsonBody(req)) as never);
      } catch (e) {
        if (e instanceof RadiatorError) throw e;
        invalid(e);
      }
      sendJson(res, 201, s);
    } else throw new RadiatorError('METHOD_NOT_ALLOWED', `${m} is not allowed here; use GET or POST`);
    return true;
  }
  const del = /^\/api\/v1\/alerting\/silences\/([0-9a-f]+)$/.exec(p);
  if (del) {
    if (m !== 'DELETE') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use DELETE to expire a silence');
    if (!engine.expireSilence(del[1]!)) throw new RadiatorError('NOT_FOUND', `no silence ${del[1]}`);
    sendJson(res, 200, { expired: del[1] });
    return true;
  }
  if (p === '/api/v1/alerting/acks') {
    if (m !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use POST to acknowledge');
    let a;
    try {
      a = AckSchema.parse(await jsonBody(req));
    } catch (e) {
      if (e instanceof RadiatorError) throw e;
      invalid(e);
    }
    const mute = a.muteFor === undefined ? 0 : parseDuration(a.muteFor);
    if (mute === undefined || mute < 0 || mute > 7 * 86_400_000) throw new RadiatorError('INVALID_PARAMETER', 'muteFor must be a duration up to 7d, like "1h"');
    try {
      sendJson(res, 200, engine.acknowledge(a.fingerprint, a.by, a.comment, mute));
    } catch (e) {
      throw new RadiatorError('NOT_FOUND', (e as Error).message);
    }
    return true;
  }
  // Prometheus-compatible views.
  if (p === '/api/v1/alerts' && m === 'GET') {
    const alerts = engine.alerts().flatMap((a) => promAlert(a) ?? []);
    sendJson(res, 200, { status: 'success', data: { alerts } });
    return true;
  }
  if (p === '/api/v1/rules' && m === 'GET') {
    const current = engine.alerts();
    // Rules of rule files are listed in their own groups (by `recording`, which has them in order).
    const rules = engine
      .ruleStatus()
      .filter(({ rule }) => !rule.prometheus)
      .map(({ rule, ...ev }) => alertingRuleStatus(rule, ev, current));
    // Radiator's alert rules as one group, then the rule files' groups (rules/); `type`
    // (alert | record) keeps one kind, and a group left empty by it is left out, as Prometheus does.
    const type = url.searchParams.get('type');
    const keep = (t: string) => !type || (type === 'alert' ? t === 'alerting' : type === 'record' ? t === 'recording' : true);
    const groups = [{ name: 'radiator', file: 'settings', rules, interval: 15 }, ...(recording?.() ?? [])]
      .map((g) => ({ ...g, rules: (g.rules as Array<{ type: string }>).filter((r) => keep(r.type)) }))
      .filter((g) => !type || g.rules.length > 0);
    sendJson(res, 200, { status: 'success', data: { groups } });
    return true;
  }
  return false;
}
