// The receivers for telemetry that does not arrive as a push: OpenTelemetry (OTLP/HTTP on its
// own port and on 7070), scrape targets, log lines (HTTP, syslog, files) turned into metrics, and
// browser telemetry from /client.js. Assembled here so the core wires one thing: its listeners,
// its routes on the HTTP port, its reaction to live settings, and its stop.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../shared/errors.ts';
import { MAX_CLIENT_BEACON_BYTES, MAX_CLIENT_BEACONS_PER_SECOND, MAX_LOG_BODY_BYTES, LOG_RECENT_LINES_PER_RING } from '../../shared/limits.ts';
import type { Settings } from '../../shared/settings.ts';
import { CLIENT_RECEIVER, ClientIngest } from './client/client-ingest.ts';
import { CLIENT_SCRIPT } from './client/client-script.ts';
import type { Aggregator } from './collector/aggregator.ts';
import type { IngestStats } from './collector/ingest-stats.ts';
import type { MetadataRegistry } from './collector/metadata.ts';
import { OtlpReceiver } from './collector/otlp/otlp-receiver.ts';
import { RateBudget } from './collector/rate-budget.ts';
import type { Receiver } from './collector/receiver.ts';
import { ScrapeManager } from './collector/scrape/scrape-manager.ts';
import { mediaType, readBody } from './http/body.ts';
import type { Guard } from './http/guard.ts';
import { OTLP_METRICS_PATH, OtlpRoute } from './http/otlp-route.ts';
import { sendJson } from './http/respond.ts';
import { HttpListener } from './http/server.ts';
import { FileTailer } from './logs/file-tailer.ts';
import { LOG_LEVELS, type LogLevel } from './logs/level-detector.ts';
import { parseLogBody, requestSource } from './logs/log-body.ts';
import { LogPipeline } from './logs/log-pipeline.ts';
import { SyslogReceiver } from './logs/syslog-receiver.ts';
import type { LiveSection } from './settings/settings-store.ts';
import type { Store } from './store/store.ts';

export const LOGS_RECEIVER = 'logs';

/** Paths that check a browser's Origin against `client.allowedOrigins` themselves. */
export const OWN_ORIGIN_PATHS: ReadonlySet<string> = new Set(['/api/v1/client', '/client.js']);

const CLIENT_ETAG = `"${createHash('sha256').update(CLIENT_SCRIPT).digest('base64url').slice(0, 16)}"`;

export interface TelemetryIntakeOptions {
  settings: Settings;
  store: Store;
  agg: Aggregator;
  stats: IngestStats;
  metadata: MetadataRegistry;
  guard: Guard;
  now: () => number;
  log: (line: string) => void;
  version: string;
}

/** One listener to start, with what to say when it cannot. */
export interface PlannedListener {
  receiver: Receiver;
  what: string;
  setting: string;
}

function requireMethod(req: IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? '')) throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allowed.join(' or ')}`);
}

export class TelemetryIntake {
  readonly otlp: OtlpReceiver;
  readonly scrape: ScrapeManager;
  readonly logs: LogPipeline;
  readonly files: FileTailer;
  readonly client: ClientIngest;
  private readonly otlpRoute: OtlpRoute;
  private readonly otlpListener: HttpListener | null;
  private readonly syslog: SyslogReceiver | null;
  private readonly clientBudget = new RateBudget(MAX_CLIENT_BEACONS_PER_SECOND);
  private clientOrigins: ReadonlySet<string>;
  private readonly opts: TelemetryIntakeOptions;

  constructor(opts: TelemetryIntakeOptions) {
    this.opts = opts;
    const s = opts.settings;
    this.otlp = new OtlpReceiver(opts.agg, opts.stats, opts.metadata, { promoteResourceAttributes: s.receivers.otlp.promoteResourceAttributes });
    this.otlpRoute = new OtlpRoute(this.otlp, opts.stats);
    this.otlpListener =
      s.receivers.otlp.port === false
        ? null
        : new HttpListener({
            name: 'otlp',
            host: s.server.host,
            port: s.receivers.otlp.port,
            guard: opts.guard,
            corsOrigins: s.server.corsOrigins,
            handler: async (req, res, url) => {
              if (url.pathname === OTLP_METRICS_PATH) return this.otlpRoute.handle(req, res);
              throw new RadiatorError('NOT_FOUND', `no such endpoint ${url.pathname}; OTLP metrics go to ${OTLP_METRICS_PATH}`);
            },
          });
    this.scrape = new ScrapeManager(s.scrape, { store: opts.store, metadata: opts.metadata, stats: opts.stats, now: opts.now, version: opts.version, log: opts.log });
    this.logs = new LogPipeline(opts.agg, opts.stats, opts.metadata, s.logs.rules, { now: opts.now });
    this.syslog = s.logs.syslog.port === false ? null : new SyslogReceiver({ host: s.server.host, port: s.logs.syslog.port }, this.logs, opts.stats);
    this.files = new FileTailer(this.logs, opts.stats, opts.store, opts.log);
    this.client = new ClientIngest(opts.agg, opts.stats, opts.metadata, this.logs, opts.now);
    this.clientOrigins = new Set(s.client.allowedOrigins);
  }

  /** Listeners the core starts (and stops) with its own. */
  listeners(): PlannedListener[] {
    const s = this.opts.settings;
    const out: PlannedListener[] = [];
    if (this.otlpListener) out.push({ receiver: this.otlpListener, what: `the OTLP receiver on port ${s.receivers.otlp.port}`, setting: 'receivers.otlp.port (--otlp-port)' });
    if (this.syslog) out.push({ receiver: this.syslog, what: `syslog on port ${s.logs.syslog.port}`, setting: 'logs.syslog.port (--syslog-port)' });
    return out;
  }

  ports(): { otlp: number | null; syslog: number | null } {
    return { otlp: this.otlpListener ? this.otlpListener.port : null, syslog: this.syslog ? this.syslog.port : null };
  }

  /** Routes on the HTTP port; false when the path is not one of these. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    switch (url.pathname) {
      case OTLP_METRICS_PATH:
        await this.otlpRoute.handle(req, res);
        return true;
      case '/api/v1/scrape/targets':
        requireMethod(req, 'GET');
        sendJson(res, 200, { status: 'success', data: { activeTargets: this.scrape.statuses(), droppedTargets: [] } });
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
    try {
      requireMethod(req, 'POST');
      const source = requestSource(url.searchParams.get('source'), req.headers['x-log-source'] as string | undefined);
      const type = mediaType(req);
      if (!this.logs.hasRoom()) throw new RadiatorError('OVERLOADED', `more than ${this.logs.linesPerSecond} log lines a second`, { limit: this.logs.linesPerSecond });
      const body = await readBody(req, { limitBytes: MAX_LOG_BODY_BYTES });
      const lines = parseLogBody(body.toString('utf8'), type, source);
      this.logs.ingest(lines, LOGS_RECEIVER);
      sendJson(res, 200, { accepted: lines.length });
    } catch (e) {
      if (!req.readableEnded) req.resume();
      if (e instanceof RadiatorError) this.opts.stats.reject(LOGS_RECEIVER, e.code.toLowerCase());
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
    return this.logs.recentLines({ rule: q.get('rule') ?? undefined, level: level as LogLevel | undefined, source: q.get('source') ?? undefined, limit });
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
      this.client.ingest(parsed);
      res.writeHead(204);
      res.end();
    } catch (e) {
      if (!req.readableEnded) req.resume();
      if (e instanceof RadiatorError) stats.reject(CLIENT_RECEIVER, e.code.toLowerCase());
      throw e;
    }
  }

  /** A live settings section changed. */
  onSettings(next: Settings, section: LiveSection): void {
    if (section === 'scrape') this.scrape.set(next.scrape);
    if (section === 'logs') {
      this.logs.setRules(next.logs.rules);
      void this.files.set(next.logs.files);
      if (next.logs.syslog.port !== this.opts.settings.logs.syslog.port) this.opts.log('logs.syslog.port changes at the next start');
    }
    if (section === 'client') this.clientOrigins = new Set(next.client.allowedOrigins);
  }

  /** Starts what runs on timers (after the listeners are up). */
  start(): void {
    this.scrape.start();
    void this.files.set(this.opts.settings.logs.files).then(() => this.files.start());
  }

  /** Stops timers and saves file offsets; listeners are stopped by the core. */
  async stop(): Promise<void> {
    await this.scrape.stop();
    await this.files.stop();
  }
}
