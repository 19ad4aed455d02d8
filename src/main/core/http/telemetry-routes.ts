// The HTTP routes on port 7070 of the receivers for telemetry that is not pushed as StatsD or
// JSON: OTLP (/v1/metrics), Prometheus remote write (/api/v1/write), the scrape targets' status,
// log lines (and the recent-lines view), and browser telemetry (/client.js and its beacons).
// Routes only: the receivers themselves are built and wired, like every receiver, by the
// composition root (core.ts).

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_CLIENT_BEACON_BYTES, MAX_CLIENT_BEACONS_PER_SECOND, MAX_LOG_BODY_BYTES, LOG_RECENT_LINES_PER_RING } from '../../../shared/limits.ts';
import type { Settings } from '../../../shared/settings.ts';
import { CLIENT_RECEIVER, type ClientIngest } from '../client/client-ingest.ts';
import { CLIENT_SCRIPT } from '../client/client-script.ts';
import type { IngestStats } from '../collector/ingest-stats.ts';
import { RateBudget } from '../collector/rate-budget.ts';
import type { ScrapeManager } from '../collector/scrape/scrape-manager.ts';
import { mediaType, readBody } from './body.ts';
import { OTLP_METRICS_PATH, type OtlpRoute } from './otlp-route.ts';
import { REMOTE_WRITE_PATH, type RemoteWriteRoute } from './remote-write-route.ts';
import { sendJson } from './respond.ts';
import { LOG_LEVELS, type LogLevel } from '../logs/level-detector.ts';
import { parseLogBody, requestSource } from '../logs/log-body.ts';
import type { LogPipeline } from '../logs/log-pipeline.ts';

export const LOGS_RECEIVER = 'logs';

/** Paths that check a browser's Origin against `client.allowedOrigins` themselves. */
export const OWN_ORIGIN_PATHS: ReadonlySet<string> = new Set(['/api/v1/client', '/client.js']);

const CLIENT_ETAG = `"${createHash('sha256').update(CLIENT_SCRIPT).digest('base64url').slice(0, 16)}"`;

export interface TelemetryRoutesOptions {
  otlp: OtlpRoute;
  remoteWrite: RemoteWriteRoute;
  scrape: ScrapeManager;
  logs: LogPipeline;
  client: ClientIngest;
  stats: IngestStats;
  /** Origins besides this server's own whose pages may send browser telemetry. */
  clientOrigins: readonly string[];
}

function requireMethod(req: IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? '')) throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allowed.join(' or ')}`);
}

export class TelemetryRoutes {
  private readonly clientBudget = new RateBudget(MAX_CLIENT_BEACONS_PER_SECOND);
  private clientOrigins: ReadonlySet<string>;
  private readonly opts: TelemetryRoutesOptions;

  constructor(opts: TelemetryRoutesOptions) {
    this.opts = opts;
    this.clientOrigins = new Set(opts.clientOrigins);
  }

  /** `client.allowedOrigins` changed. */
  setClientOrigins(origins: readonly string[]): void {
    this.clientOrigins = new Set(origins);
  }

  /** Routes on the HTTP port; false when the path is not one of these. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    switch (url.pathname) {
      case OTLP_METRICS_PATH:
        await this.opts.otlp.handle(req, res);
        return true;
      case REMOTE_WRITE_PATH:
        await this.opts.remoteWrite.handle(req, res);
        return true;
      case '/api/v1/scrape/targets':
        requireMethod(req, 'GET');
        sendJson(res, 200, { status: 'success', data: { activeTargets: this.opts.scrape.statuses(), droppedTargets: [] } });
        return true;
      case '/api/v1/logs':
        await this.postLogs(req, res, url);
        return true;
      case '/api/v1/logs/recent':
        requireMethod(req, 'GET');
        sendJson(res, 200, { lines: this.recent(url) });
        return true;
      case '/client.js':
        requireMethod(req, 'GET', 'HEAD');
        this.serveScript(req, res);
        return true;
      case '/api/v1/client':
        await this.postClient(req, res);
        return true;
    }
    return false;
  }

  private async postLogs(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let handedOver = false;
    try {
      requireMethod(req, 'POST');
      const source = requestSource(url.searchParams.get('source'), req.headers['x-log-source'] as string | undefined);
      const type = mediaType(req);
      if (!this.opts.logs.hasRoom()) throw new RadiatorError('OVERLOADED', `more than ${this.opts.logs.linesPerSecond} log lines a second`, { limit: this.opts.logs.linesPerSecond });
      const body = await readBody(req, { limitBytes: MAX_LOG_BODY_BYTES });
      const lines = parseLogBody(body.toString('utf8'), type, source);
      handedOver = true;
      this.opts.logs.ingest(lines, LOGS_RECEIVER);
      sendJson(res, 200, { accepted: lines.length });
    } catch (e) {
      if (!req.readableEnded) req.resume();
      // A request refused whole before the log pipeline saw it is one item received and refused.
      if (e instanceof RadiatorError) {
        if (!handedOver) this.opts.stats.receive(LOGS_RECEIVER);
        this.opts.stats.reject(LOGS_RECEIVER, e.code.toLowerCase());
      }
      throw e;
    }
  }

  private recent(url: URL) {
    const q = url.searchParams;
    const level = q.get('level') ?? undefined;
    if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new RadiatorError('INVALID_PARAMETER', `"level" must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level.slice(0, 40))})`);
    }
    const limitRaw = q.get('limit');
    const limit = limitRaw === null ? 50 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > LOG_RECENT_LINES_PER_RING) {
      throw new RadiatorError('INVALID_PARAMETER', `"limit" must be a whole number from 1 to ${LOG_RECENT_LINES_PER_RING}`, { limit: LOG_RECENT_LINES_PER_RING });
    }
    return this.opts.logs.recentLines({ rule: q.get('rule') ?? undefined, level: level as LogLevel | undefined, source: q.get('source') ?? undefined, limit });
  }

  private serveScript(req: IncomingMessage, res: ServerResponse): void {
    const headers = {
      'Content-Type': 'text/javascript; charset=utf-8',
      // The URL does not change with the version; a day's cache and an ETag to revalidate.
      'Cache-Control': 'public, max-age=86400',
      ETag: CLIENT_ETAG,
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (req.headers['if-none-match'] === CLIENT_ETAG) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(CLIENT_SCRIPT) });
    res.end(req.method === 'HEAD' ? undefined : CLIENT_SCRIPT);
  }

  /** A page's Origin: none (not a browser), one on client.allowedOrigins, or this server's own. */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.clientOrigins.has(origin)) return true;
    try {
      return req.headers.host !== undefined && new URL(origin).host.toLowerCase() === req.headers.host.toLowerCase();
    } catch {
      return false;
    }
  }

  private async postClient(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const stats = this.opts.stats;
    let handedOver = false;
    try {
      requireMethod(req, 'POST', 'OPTIONS');
      if (!this.originAllowed(req)) {
        throw new RadiatorError('ORIGIN_NOT_ALLOWED', `pages from origin "${req.headers.origin}" may not send telemetry; add it to client.allowedOrigins if they should`);
      }
      if (req.headers.origin) {
        res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
        res.end();
        return;
      }
      // sendBeacon sends a string as text/plain (no CORS preflight); JSON is fine too.
      const type = mediaType(req);
      if (type !== 'text/plain' && type !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be text/plain or application/json (got ${type === '' ? 'none' : `"${type}"`})`);
      if (!this.clientBudget.tryTake(1)) throw new RadiatorError('OVERLOADED', `more than ${MAX_CLIENT_BEACONS_PER_SECOND} beacons a second`, { limit: MAX_CLIENT_BEACONS_PER_SECOND });
      const body = await readBody(req, { limitBytes: MAX_CLIENT_BEACON_BYTES });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new RadiatorError('MALFORMED_BODY', `the beacon is not valid JSON: ${(e as Error).message}`);
      }
      handedOver = true;
      this.opts.client.ingest(parsed);
      res.writeHead(204);
      res.end();
    } catch (e) {
      if (!req.readableEnded) req.resume();
      // A beacon refused whole before the client receiver saw it is one item received and refused.
      if (e instanceof RadiatorError) {
        if (!handedOver) stats.receive(CLIENT_RECEIVER);
        stats.reject(CLIENT_RECEIVER, e.code.toLowerCase());
      }
      throw e;
    }
  }
}
