// The pipeline and the experiment over HTTP:
//   POST /api/v1/webhooks/{github|gitlab|generic}/<id>  CI events in, signature checked
//   GET  /api/v1/pipeline/dora?window=30d                DORA's four keys and their daily trend
//   GET  /api/v1/pipeline/cctray                         each feed's projects and last error (URLs redacted: read tokens see it)
//   GET  /api/v1/experiments[/<id>]                      hypothesis cards with their analysis
//   GET  /api/v1/oncall[/<id>]                           who is on call now, and next

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { parseDuration } from '../../../shared/duration-schema.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { IngestStats } from '../collector/ingest-stats.ts';
import type { CcTrayPoller } from '../pipeline/cctray-poller.ts';
import type { PipelineService } from '../pipeline/pipeline-service.ts';
import { parseGeneric } from '../pipeline/webhooks/generic.ts';
import { parseGitHub } from '../pipeline/webhooks/github.ts';
import { parseGitLab } from '../pipeline/webhooks/gitlab.ts';
import { verifyHmac, verifyToken } from '../pipeline/webhooks/signature.ts';
import type { ParseResult } from '../pipeline/webhooks/actions.ts';
import { redactText } from '../../../shared/redact.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

export const WEBHOOK_RECEIVER = 'webhook';
/** GitHub sends payloads up to 25 MB; a pipeline event worth reading is far smaller. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface PipelineApiContext {
  settings: () => Settings;
  pipeline: PipelineService;
  cctray: CcTrayPoller;
  stats: IngestStats;
  now: () => number;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export async function pipelineApi(ctx: PipelineApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';

  const hook = /^\/api\/v1\/webhooks\/(github|gitlab|generic)\/([^/]+)$/.exec(p);
  if (hook) {
    if (m !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'webhooks are POSTed');
    const [, type, id] = hook as unknown as [string, 'github' | 'gitlab' | 'generic', string];
    const cfg = ctx.settings().pipeline.webhooks.find((w) => w.id === decodeURIComponent(id) && w.type === type);
    if (!cfg) {
      req.resume();
      ctx.stats.receive(WEBHOOK_RECEIVER, 1);
      ctx.stats.reject(WEBHOOK_RECEIVER, 'unknown_webhook');
      throw new RadiatorError('NOT_FOUND', `no ${type} webhook "${decodeURIComponent(id)}" in pipeline.webhooks`);
    }
    const body = await readBody(req, { limitBytes: MAX_WEBHOOK_BYTES });
    const ok = type === 'gitlab' ? verifyToken(cfg.secret, header(req, 'x-gitlab-token')) : verifyHmac(cfg.secret, body, header(req, 'x-hub-signature-256'));
    if (!ok) {
      ctx.stats.receive(WEBHOOK_RECEIVER, 1);
      ctx.stats.reject(WEBHOOK_RECEIVER, 'bad_signature');
      throw new RadiatorError('WEBHOOK_SIGNATURE', `the ${type} webhook "${cfg.id}": the ${type === 'gitlab' ? 'X-Gitlab-Token' : 'X-Hub-Signature-256'} header is missing or does not match its secret`);
    }
    const ct = mediaType(req);
    if (ct !== 'application/json' && ct !== '') {
      ctx.stats.receive(WEBHOOK_RECEIVER, 1);
      ctx.stats.reject(WEBHOOK_RECEIVER, 'media_type');
      throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'webhooks send application/json (GitHub: choose "application/json" as the content type)');
    }
    const json = parseJsonBody(body);
    let result: ParseResult;
    try {
      result =
        type === 'github'
          ? parseGitHub(header(req, 'x-github-event') ?? '', json, cfg.environments)
          : type === 'gitlab'
            ? parseGitLab(json, cfg.environments)
            : parseGeneric(json, ctx.now(), cfg.environments);
    } catch (e) {
      ctx.stats.receive(WEBHOOK_RECEIVER, 1);
      ctx.stats.reject(WEBHOOK_RECEIVER, 'invalid_event');
      const issues = (e as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
      throw new RadiatorError('MALFORMED_BODY', issues ? issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ') : (e as Error).message);
    }
    ctx.stats.receive(WEBHOOK_RECEIVER, 1);
    const applied = ctx.pipeline.apply(result.actions, `${type}:${cfg.id}`);
    sendJson(res, 200, { accepted: result.what, ...applied });
    return true;
  }

  if (p === '/api/v1/pipeline/dora') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const w = url.searchParams.get('window') ?? '30d';
    const ms = parseDuration(w);
    if (ms === undefined || ms < 86_400_000 || ms > 365 * 86_400_000) throw new RadiatorError('INVALID_PARAMETER', `window must be a duration from 1d to 365d (got "${w}")`);
    sendJson(res, 200, { window: ms, ...ctx.pipeline.dora(ms) });
    return true;
  }
  if (p === '/api/v1/pipeline/cctray') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const feeds = ctx.cctray.status().map((f) => ({ ...f, url: redactText(f.url), lastError: f.lastError === null ? null : redactText(f.lastError) }));
    sendJson(res, 200, { feeds });
    return true;
  }

  const exp = /^\/api\/v1\/experiments(?:\/([^/]+))?$/.exec(p);
  if (exp) {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const list = ctx.settings().experiments;
    if (exp[1]) {
      const x = list.find((e) => e.id === decodeURIComponent(exp[1]!));
      if (!x) throw new RadiatorError('NOT_FOUND', `no experiment "${decodeURIComponent(exp[1])}"; there are ${list.map((e) => e.id).join(', ') || 'none'}`);
      sendJson(res, 200, ctx.pipeline.experiment(x));
    } else sendJson(res, 200, { experiments: list.map((x) => ctx.pipeline.experiment(x)) });
    return true;
  }

  const oc = /^\/api\/v1\/oncall(?:\/([^/]+))?$/.exec(p);
  if (oc) {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const list = ctx.settings().oncall;
    const show = (r: (typeof list)[number]) => ({ id: r.id, name: r.name, timeZone: r.timeZone, ...ctx.pipeline.onCall(r) });
    if (oc[1]) {
      const r = list.find((x) => x.id === decodeURIComponent(oc[1]!));
      if (!r) throw new RadiatorError('NOT_FOUND', `no rotation "${decodeURIComponent(oc[1])}"`);
      sendJson(res, 200, show(r));
    } else sendJson(res, 200, { rotations: list.map(show) });
    return true;
  }
  return false;
}
