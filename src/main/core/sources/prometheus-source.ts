// A Prometheus-compatible server as a data source, through its HTTP API, with an optional bearer
// token or basic auth and a timeout. Every failure becomes a SourceError that says what went wrong,
// naming the URL with its secrets redacted (the message reaches screens, the API and the log).

import type { InstantResult, RangeResult } from '../promql/index.ts';
import { redactText } from '../../../shared/redact.ts';
import { SourceError, type DataSource, type SourceErrorCode } from './source.ts';

export type SourceAuth = null | { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };

export interface PrometheusSourceConfig {
  id: string;
  name: string;
  url: string;
  auth: SourceAuth;
  timeoutMs: number;
}

interface Envelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

export class PrometheusSource implements DataSource {
  readonly id: string;
  readonly name: string;
  private readonly cfg: PrometheusSourceConfig;
  /** The URL as messages show it. */
  private readonly shown: string;

  constructor(cfg: PrometheusSourceConfig) {
    this.cfg = cfg;
    this.shown = redactText(cfg.url);
    this.id = cfg.id;
    this.name = cfg.name;
  }

  private headers(): Record<string, string> {
    const a = this.cfg.auth;
    if (!a) return {};
    if (a.type === 'bearer') return { Authorization: `Bearer ${a.token}` };
    return { Authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}` };
  }

  private async call<T>(path: string, params: Record<string, string>, method: 'GET' | 'POST' = 'POST'): Promise<T> {
    const base = this.cfg.url.replace(/\/+$/, '') + path;
    const url = method === 'GET' && Object.keys(params).length ? `${base}?${new URLSearchParams(params)}` : base;
    let r: Response;
    try {
      r = await fetch(url, {
        method,
        headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded', ...this.headers() } : this.headers(),
        body: method === 'POST' ? new URLSearchParams(params) : undefined,
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new SourceError(this.id, 'SOURCE_TIMEOUT', `no answer from ${this.shown} within ${this.cfg.timeoutMs} ms`);
      const cause = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new SourceError(this.id, 'SOURCE_UNREACHABLE', `cannot reach ${this.shown} (${redactText(cause)})`);
    }
    if (r.status === 401 || r.status === 403) throw new SourceError(this.id, 'SOURCE_AUTH', `${this.shown} refused the credentials (HTTP ${r.status})`);
    let body: Envelope<T>;
    try {
      body = (await r.json()) as Envelope<T>;
    } catch {
      throw new SourceError(this.id, 'SOURCE_BAD_RESPONSE', `${redactText(url)} did not answer with the Prometheus API's JSON (HTTP ${r.status}); is the URL the server's root?`);
    }
    if (body.status !== 'success') {
      const code: SourceErrorCode = r.status === 400 || r.status === 422 ? 'SOURCE_QUERY_ERROR' : 'SOURCE_BAD_RESPONSE';
      throw new SourceError(this.id, code, `${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${r.status}`}`);
    }
    return body.data as T;
  }

  instant(query: string, timeMs: number): Promise<InstantResult> {
    return this.call('/api/v1/query', { query, time: String(timeMs / 1000) });
  }

  range(query: string, startMs: number, endMs: number, stepMs: number): Promise<RangeResult> {
    return this.call('/api/v1/query_range', { query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
  }

  /** How many series the server holds in memory (Prometheus's head block), or null when it does
   * not say (Thanos, Mimir and VictoriaMetrics answer differently or not at all). */
  async seriesCount(): Promise<number | null> {
    try {
      const tsdb = await this.call<{ headStats?: { numSeries?: number } }>('/api/v1/status/tsdb', {}, 'GET');
      const n = tsdb.headStats?.numSeries;
      return typeof n === 'number' && Number.isFinite(n) ? n : null;
    } catch {
      return null;
    }
  }

  async test(): Promise<{ ok: true; version: string } | { ok: false; code: SourceErrorCode; message: string }> {
    try {
      const info = await this.call<{ version?: string }>('/api/v1/status/buildinfo', {}, 'GET');
      await this.instant('1', Date.now());
      return { ok: true, version: info.version ?? 'unknown' };
    } catch (e) {
      if (e instanceof SourceError) return { ok: false, code: e.code, message: e.message };
      return { ok: false, code: 'SOURCE_UNKNOWN', message: redactText((e as Error).message) };
    }
  }
}
