// The routes of the HTTP API (port 7070) and of the Pushgateway-compatible port (9091).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_BODY_BYTES } from '../../../shared/limits.ts';
import { EVENT_KINDS, labelsToObject, type EventKind, type NewEvent, type RadiatorEvent } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { MetricSample } from '../collector/host-metrics.ts';
import type { JsonIngest } from '../collector/json.ts';
import { parseTimestamp, validateEvent } from '../collector/json.ts';
import type { PushReceiver } from '../collector/push.ts';
import { renderExposition } from '../collector/self-metrics.ts';
import { parseSelector, SelectLimitError, type Store, toUplotColumns } from '../store/index.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import type { AlertEngine } from '../alerts/engine.ts';
import { alertsApi } from './alerts-api.ts';
import { configApi } from './config-api.ts';
import { adminApi, type AdminApiContext } from './admin-api.ts';
import { pipelineApi, type PipelineApiContext } from './pipeline-api.ts';
import { analysisApi } from './analysis-api.ts';
import type { DataSource } from '../sources/source.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { federate, promApi, type PromApiContext } from './prom-api.ts';
import { sendJson, sendText } from './respond.ts';
import { INTERNAL_SERIES } from '../arriving/index.ts';
import { ARRIVING_PATH, arrivingApi } from './arriving-api.ts';
import { serveStatic } from './static-files.ts';
import { allowed, routeOf } from './routes.ts';
import type { TelemetryRoutes } from './telemetry-routes.ts';

export interface ApiContext {
  settings: Settings;
  store: Store;
  json: JsonIngest;
  push: PushReceiver;
  rendererDir: string | null;
  version: string;
  startedAt: number;
  listeners: () => string[];
  /** Bound ports; false where a receiver is off. */
  ports: () => { http: number; statsdUdp: number | false; statsdTcp: number | false; push: number | false; otlp: number | false };
  selfMetrics: () => MetricSample[];
  pushedMetrics: () => MetricSample[];
  addEvent: (e: NewEvent) => RadiatorEvent;
  now: () => number;
  prom: PromApiContext;
  alerts: AlertEngine;
  settingsStore: SettingsStore;
  pipeline: PipelineApiContext;
  /** Data sources by id (the anomaly analysis reads through them). */
  sourceOf: (id: string) => DataSource;
  /** OTLP, scrape targets, logs, browser telemetry (their routes on this port). */
  telemetry: TelemetryRoutes;
  /** The settings UI's routes: access tokens, sections, source tests, boards as code. */
  admin: AdminApiContext;
}

const PUSH_PREFIX = '/metrics/job';

function appInput(store: Store): { appSeries: number; lastAppInputAt: number | null } {
  let n = 0;
  let last = -Infinity;
  for (const s of store.index.all()) {
    if (INTERNAL_SERIES.test(s.name)) continue;
    n++;
    if (s.lastInputTs > last) last = s.lastInputTs;
  }
  return { appSeries: n, lastAppInputAt: Number.isFinite(last) ? last : null };
}

function requireMethod(req: IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? '')) {
    throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allowed.join(' or ')}`);
  }
}

function requireJson(req: IncomingMessage): void {
  const t = mediaType(req);
  if (t !== 'application/json') {
    throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json (got ${t === '' ? 'none' : `"${t}"`})`);
  }
}

/** ms from `1700000000000`, an ISO-8601 string, or a relative `-1h` / `now`. */
function timeParam(url: URL, name: string, now: number, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'now') return now;
  const rel = /^-(\d+)(ms|s|m|h|d)$/.exec(raw);
  if (rel) return now - Number(rel[1]) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 'ms']!;
  const t = /^\d+$/.test(raw) ? Number(raw) : parseTimestamp(raw);
  if (t === undefined || !Number.isFinite(t)) {
    throw new RadiatorError('INVALID_PARAMETER', `"${name}" must be ms since the epoch, an ISO-8601 time, "now" or like "-1h" (got "${raw}")`);
  }
  return t;
}

async function pushRoute(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = req.method === 'DELETE' ? Buffer.alloc(0) : await readBody(req, { limitBytes: MAX_BODY_BYTES });
  const status = ctx.push.handle(req.method ?? 'GET', url.pathname.slice('/metrics'.length), body, req.headers['content-type']);
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

/** Port 7070: everything. */
export function apiHandler(ctx: ApiContext) {
  const arriving = arrivingApi({ store: ctx.store, metadata: ctx.prom.metadata, boards: () => ctx.settingsStore.current.boards });
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const p = url.pathname;
    // The route table decides what is served: a method its route does not have is a 405 naming
    // the ones it has, and an API path no route has is a 404, before any handler runs.
    const route = routeOf(p);
    if (route && !(route.methods as Record<string, unknown>)[req.method ?? 'GET']) {
      const allow = allowed(route);
      throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${route.path}; use ${allow.join(', ')}`, { extra: { allow } });
    }
    if (!route && p.startsWith('/api/')) throw new RadiatorError('NOT_FOUND', `no such endpoint ${p}`);
    if (p === ARRIVING_PATH) return arriving(req, res, url);
    if (p === PUSH_PREFIX || p.startsWith(PUSH_PREFIX + '/') || p.startsWith(PUSH_PREFIX + '@base64/')) return pushRoute(ctx, req, res, url);
    if (await ctx.telemetry.route(req, res, url)) return;
    if (p.startsWith('/api/v1/') && (await promApi(ctx.prom, req, res, url))) return;
    if (p.startsWith('/api/v1/') && (await alertsApi(ctx.alerts, req, res, url, ctx.prom.rules))) return;
    if (p.startsWith('/api/v1/') && (await adminApi(ctx.admin, req, res, url))) return;
    if (p.startsWith('/api/v1/config') && (await configApi(ctx.settingsStore, req, res, url))) return;
    if (p.startsWith('/api/v1/') && (await pipelineApi(ctx.pipeline, req, res, url))) return;
    if (p.startsWith('/api/v1/analysis/') && (await analysisApi(ctx.sourceOf, req, res, url))) return;
    if (p === '/federate' || (p === '/metrics' && url.searchParams.has('federate'))) {
      requireMethod(req, 'GET');
      return sendText(res, 200, federate(ctx.store, url.searchParams.getAll('match[]'), ctx.now()), 'text/plain; version=0.0.4; charset=utf-8');
    }

    switch (p) {
      case '/api/v1/metrics': {
        requireMethod(req, 'POST');
        requireJson(req);
        let body: unknown;
        try {
          body = parseJsonBody(await readBody(req, { limitBytes: MAX_BODY_BYTES }));
        } catch (e) {
          if (e instanceof RadiatorError) ctx.json.refuseRequest(e.code);
          throw e;
        }
        return sendJson(res, 200, ctx.json.ingest(body));
      }
      case '/api/v1/events': {
        requireMethod(req, 'GET', 'POST');
        if (req.method === 'POST') {
          requireJson(req);
          const body = parseJsonBody(await readBody(req, { limitBytes: MAX_BODY_BYTES }));
          const ev = ctx.addEvent(validateEvent(body, ctx.now()));
          return sendJson(res, 201, ev);
        }
        const now = ctx.now();
        const from = timeParam(url, 'from', now, now - 86_400_000);
        const to = timeParam(url, 'to', now, now + 86_400_000);
        const kinds = (url.searchParams.get('kind') ?? '').split(',').filter(Boolean);
        for (const k of kinds) {
          if (!(EVENT_KINDS as readonly string[]).includes(k)) throw new RadiatorError('INVALID_PARAMETER', `"kind" must be among ${EVENT_KINDS.join(', ')} (got "${k}")`);
        }
        const tags = (url.searchParams.get('tags') ?? '').split(',').filter(Boolean);
        const limitRaw = url.searchParams.get('limit');
        const limit = limitRaw === null ? undefined : Number(limitRaw);
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RadiatorError('INVALID_PARAMETER', '"limit" must be a positive integer');
        return sendJson(res, 200, { events: ctx.store.events.query({ from, to, kinds: kinds as EventKind[], tags, limit }) });
      }
      case '/api/v1/columns': {
        // The store's read API over HTTP: uPlot-shaped columns for a selector.
        requireMethod(req, 'GET');
        const match = url.searchParams.get('match');
        if (!match) throw new RadiatorError('INVALID_PARAMETER', '"match" (a series selector) is required');
        let matchers;
        try {
          matchers = parseSelector(match);
        } catch (e) {
          throw new RadiatorError('INVALID_PARAMETER', `"match": ${(e as Error).message}`);
        }
        const now = ctx.now();
        const to = timeParam(url, 'to', now, now);
        const from = timeParam(url, 'from', now, to - 3_600_000);
        try {
          const found = ctx.store.select(matchers, from, to);
          return sendJson(res, 200, { series: found.map((f) => labelsToObject(f.series)), columns: toUplotColumns(found) });
        } catch (e) {
          if (e instanceof SelectLimitError) throw new RadiatorError('INVALID_PARAMETER', e.message, { limit: e.limit });
          throw e;
        }
      }
      case '/api/v1/status': {
        requireMethod(req, 'GET');
        const st = ctx.store.getStats();
        return sendJson(res, 200, {
          version: ctx.version,
          startedAt: ctx.startedAt,
          serverTime: ctx.now(),
          listeners: ctx.listeners(),
          flushIntervalMs: ctx.settings.collector.flushInterval,
          ports: ctx.ports(),
          store: st,
          // Series from apps (not this machine's or Radiator's own): 0 means a fresh install, and
          // the screens show "point your apps here" instead of empty charts; when input from an
          // app last arrived (the tray shows "stale" when that is long ago).
          ...appInput(ctx.store),
        });
      }
      case '/metrics': {
        requireMethod(req, 'GET');
        return sendText(res, 200, renderExposition(ctx.selfMetrics()), 'text/plain; version=0.0.4; charset=utf-8');
      }
      case '/healthz':
      case '/-/healthy':
      case '/-/ready':
        return sendText(res, 200, 'OK\n');
    }
    if (p.startsWith('/api/')) throw new RadiatorError('NOT_FOUND', `no such endpoint ${p}`);
    requireMethod(req, 'GET', 'HEAD');
    serveStatic(ctx.rendererDir, req, res, p);
  };
}

/** Port 9091: what a Pushgateway answers. */
export function pushHandler(ctx: ApiContext) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const p = url.pathname;
    if (p === PUSH_PREFIX || p.startsWith(PUSH_PREFIX + '/') || p.startsWith(PUSH_PREFIX + '@base64/')) return pushRoute(ctx, req, res, url);
    if (p === '/metrics') {
      requireMethod(req, 'GET');
      return sendText(res, 200, renderExposition(ctx.pushedMetrics()), 'text/plain; version=0.0.4; charset=utf-8');
    }
    if (p === '/-/healthy' || p === '/-/ready') return sendText(res, 200, 'OK\n');
    throw new RadiatorError('NOT_FOUND', `no such endpoint ${p}; pushes go to /metrics/job/<job>`);
  };
}
