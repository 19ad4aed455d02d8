// The Prometheus HTTP API on 7070 — query, query_range, series, labels, label values, metadata,
// buildinfo — with Prometheus's parameters, envelope (`status`, `data`, `errorType`, `error`,
// `warnings`) and status codes, so Grafana and any Prometheus client can read Radiator's store.
// Also POST /api/v1/import (backfill history from Prometheus text or OpenMetrics) and federation.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_BODY_BYTES } from '../../../shared/limits.ts';
import { labelsToObject, type LabelMatcher } from '../../../shared/model.ts';
import type { Ingest, IngestSample } from '../collector/ingest.ts';
import type { MetadataRegistry, MetricType } from '../collector/metadata.ts';
import { ExpositionError, parseExposition } from '../collector/exposition-parser.ts';
import { type EngineLimits, type Expr, formatValue, instantQuery, parseDurationMs, parsePromQL, PromQLError, rangeQuery } from '../promql/index.ts';
import { SelectLimitError, type Store } from '../store/index.ts';
import { mediaType, readBody, readBodyText } from './body.ts';
import { redactText } from '../../../shared/redact.ts';
import type { GroupStatus } from '../rules/index.ts';

export const PROMETHEUS_COMPAT_VERSION = '2.42.0';
export const MAX_POINTS_PER_SERIES = 11_000;

/** The receiver name `POST /api/v1/import` is counted under. */
export const IMPORT_RECEIVER = 'import';

export interface PromApiContext {
  store: Store;
  /** The door imported history goes through. */
  ingest: Ingest;
  /** Makes what was just written durable and live (the core's flush: commit, then publish to the feed). */
  flush: () => Promise<void>;
  /** Recording rule groups and their health (listed by `GET /api/v1/rules`, in alerts-api.ts). */
  rules?: () => GroupStatus[];
  metadata: MetadataRegistry;
  version: string;
  limits: EngineLimits;
  now: () => number;
}

type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'internal' | 'not_found';
const STATUS: Record<ErrorType, number> = { bad_data: 400, execution: 422, timeout: 503, internal: 500, not_found: 404 };

class ApiError extends Error {
  readonly type: ErrorType;
  constructor(type: ErrorType, message: string) {
    super(message);
    this.type = type;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const ok = (res: ServerResponse, data: unknown, warnings?: string[]) => send(res, 200, warnings?.length ? { status: 'success', data, warnings } : { status: 'success', data });

/** Query-string and (for POST) form parameters, as Prometheus reads them. */
async function params(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const p = new URLSearchParams(url.search);
  if (req.method === 'POST') {
    const type = mediaType(req);
    if (type !== '' && type !== 'application/x-www-form-urlencoded') {
      throw new ApiError('bad_data', `unsupported Content-Type "${type}"; send application/x-www-form-urlencoded`);
    }
    const body = await readBody(req, { limitBytes: MAX_BODY_BYTES });
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) p.append(k, v);
  }
  return p;
}

/** A time parameter: RFC 3339 or Unix seconds with a fraction. Returns ms. */
export function parseTime(raw: string | null, name: string, fallback?: number): number {
  if (raw === null || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new ApiError('bad_data', `invalid parameter "${name}": missing`);
  }
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const t = Date.parse(raw);
  if (Number.isFinite(t) && /^\d{4}-\d{2}-\d{2}T/.test(raw)) return t;
  throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${raw}" to a valid timestamp`);
}

/** A duration parameter: seconds (float) or a Prometheus duration. Returns ms. */
export function parseDurationParam(raw: string | null, name: string): number {
  if (raw === null || raw === '') throw new ApiError('bad_data', `invalid parameter "${name}": missing`);
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  try {
    return parseDurationMs(raw);
  } catch {
    throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${raw}" to a valid duration`);
  }
}

function parseQuery(raw: string | null): Expr {
  if (raw === null) throw new ApiError('bad_data', 'invalid parameter "query": missing');
  try {
    return parsePromQL(raw);
  } catch (e) {
    if (e instanceof PromQLError) throw new ApiError('bad_data', `invalid parameter "query": ${e.message}`);
    throw e;
  }
}

function parseMatchers(list: string[]): LabelMatcher[][] {
  return list.map((m) => {
    const e = parseQuery(m);
    if (e.type !== 'vector') throw new ApiError('bad_data', `invalid parameter "match[]": "${m}" is not a series selector`);
    return e.matchers;
  });
}

function runEngine<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PromQLError) throw new ApiError(e.kind === 'bad_data' ? 'bad_data' : e.kind, e.message);
    if (e instanceof SelectLimitError) throw new ApiError('execution', e.message);
    throw e;
  }
}

/** Series matching any of the selectors with data in [start, end]. */
function seriesIn(store: Store, selectors: LabelMatcher[][], start: number, end: number) {
  const seen = new Map<number, ReturnType<Store['index']['select']>[number]>();
  for (const m of selectors) {
    for (const s of store.index.select(m)) {
      if (s.lastTs < start || s.firstTs > end) continue;
      seen.set(s.id, s);
    }
  }
  return [...seen.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Routes under /api/v1/ that Prometheus has; returns false when the path is not one of them. */
export async function promApi(ctx: PromApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  const known =
    path === '/api/v1/query' ||
    path === '/api/v1/query_range' ||
    path === '/api/v1/series' ||
    path === '/api/v1/labels' ||
    path === '/api/v1/metadata' ||
    path === '/api/v1/status/buildinfo' ||
    path === '/api/v1/import' ||
    /^\/api\/v1\/label\/[^/]+\/values$/.test(path);
  if (!known) return false;
  try {
    if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError('bad_data', `method ${req.method} not allowed`);
    await route(ctx, req, res, url, path);
  } catch (e) {
    if (e instanceof ApiError) send(res, STATUS[e.type], { status: 'error', errorType: e.type, error: e.message });
    else if (e instanceof RadiatorError) send(res, e.status, { status: 'error', errorType: 'bad_data', error: e.message, code: e.code });
    else {
      // The stack or message may quote a remote source's URL: never with its credentials.
      console.error('prometheus api:', redactText((e as Error).stack ?? String(e)));
      send(res, 500, { status: 'error', errorType: 'internal', error: redactText((e as Error).message) });
    }
  }
  return true;
}

async function route(ctx: PromApiContext, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  const now = ctx.now();
  if (path === '/api/v1/import') return importHandler(ctx, req, res);
  const p = await params(req, url);
  const limits = (): EngineLimits => {
    const t = p.get('timeout');
    return t ? { ...ctx.limits, timeoutMs: Math.min(ctx.limits.timeoutMs, parseDurationParam(t, 'timeout')) } : ctx.limits;
  };
  switch (path) {
    case '/api/v1/query': {
      const expr = parseQuery(p.get('query'));
      const time = parseTime(p.get('time'), 'time', now);
      return ok(res, runEngine(() => instantQuery(ctx.store, expr, time, limits())));
    }
    case '/api/v1/query_range': {
      const expr = parseQuery(p.get('query'));
      const start = parseTime(p.get('start'), 'start');
      const end = parseTime(p.get('end'), 'end');
      const step = parseDurationParam(p.get('step'), 'step');
      if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
      if (step <= 0) throw new ApiError('bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > MAX_POINTS_PER_SERIES) {
        throw new ApiError('bad_data', `exceeded maximum resolution of ${MAX_POINTS_PER_SERIES} points per timeseries. Try decreasing the query resolution (?step=XX)`);
      }
      return ok(res, runEngine(() => rangeQuery(ctx.store, expr, start, end, step, limits())));
    }
    case '/api/v1/series': {
      const match = p.getAll('match[]');
      if (match.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
      const start = parseTime(p.get('start'), 'start', -Infinity);
      const end = parseTime(p.get('end'), 'end', Infinity);
      return ok(res, seriesIn(ctx.store, parseMatchers(match), start, end).map((s) => labelsToObject(s)));
    }
    case '/api/v1/labels': {
      const match = p.getAll('match[]');
      if (match.length === 0) return ok(res, ['__name__', ...ctx.store.index.labelNames()]);
      const start = parseTime(p.get('start'), 'start', -Infinity);
      const end = parseTime(p.get('end'), 'end', Infinity);
      const names = new Set<string>(['__name__']);
      for (const s of seriesIn(ctx.store, parseMatchers(match), start, end)) for (const [k] of s.labels) names.add(k);
      return ok(res, [...names].sort());
    }
    case '/api/v1/metadata': {
      const metric = p.get('metric');
      const limit = p.get('limit') ? Number(p.get('limit')) : Infinity;
      const out: Record<string, Array<{ type: string; help: string; unit: string }>> = {};
      let n = 0;
      for (const [name, meta] of ctx.metadata.entries()) {
        if (metric && name !== metric) continue;
        if (n++ >= limit) break;
        out[name] = [{ type: meta.type, help: meta.help, unit: meta.unit }];
      }
      return ok(res, out);
    }
    case '/api/v1/status/buildinfo':
      return ok(res, {
        version: PROMETHEUS_COMPAT_VERSION,
        revision: `radiator-${ctx.version}`,
        branch: 'radiator',
        buildUser: 'radiator',
        buildDate: '',
        goVersion: `node${process.versions.node}`,
        application: 'radiator',
      });
  }
  const m = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path)!;
  const name = decodeURIComponent(m[1]!);
  const match = p.getAll('match[]');
  if (match.length === 0) return ok(res, ctx.store.index.labelValues(name));
  const start = parseTime(p.get('start'), 'start', -Infinity);
  const end = parseTime(p.get('end'), 'end', Infinity);
  const values = new Set<string>();
  for (const s of seriesIn(ctx.store, parseMatchers(match), start, end)) {
    const v = name === '__name__' ? s.name : s.labels.find(([k]) => k === name)?.[1];
    if (v !== undefined) values.add(v);
  }
  return ok(res, [...values].sort());
}

/** POST /api/v1/import: Prometheus text or OpenMetrics, samples with timestamps. */
async function importHandler(ctx: PromApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') throw new ApiError('bad_data', 'use POST with a Prometheus text or OpenMetrics body');
  const type = mediaType(req);
  let families;
  try {
    const body = await readBodyText(req, { limitBytes: 64 * MAX_BODY_BYTES });
    families = parseExposition(body, { openMetrics: type === 'application/openmetrics-text' });
  } catch (e) {
    // A body that stored nothing: one request received and refused, by its reason.
    const reason = e instanceof ExpositionError ? 'parse_error' : e instanceof RadiatorError ? e.code.toLowerCase() : null;
    if (reason) {
      ctx.ingest.receive(IMPORT_RECEIVER);
      ctx.ingest.refuse(IMPORT_RECEIVER, reason);
    }
    if (e instanceof ExpositionError) throw new ApiError('bad_data', `cannot parse the body: ${e.message}`);
    throw e;
  }
  const batch: IngestSample[] = [];
  for (const fam of families) {
    const metaType = fam.type === 'untyped' ? 'unknown' : fam.type;
    ctx.ingest.describe(fam.name, { type: metaType as MetricType, help: fam.help, unit: fam.unit }, true);
    const cumulative = fam.type === 'counter' || fam.type === 'histogram' || fam.type === 'summary';
    for (const s of fam.samples) {
      const fold = cumulative && !s.labels.some(([k]) => k === 'quantile') ? 'sum' : 'last';
      batch.push({ name: s.name, labels: s.labels, value: s.value, tsMs: s.tsMs, fold });
    }
  }
  // Through the door: checked, capped (folding into overflow series), counted.
  // History before a series' oldest sample is on disk already; samples appended after its newest
  // are committed by a flush before the reply — an acknowledged import is durable — and the
  // flush publishes them to the live feed like every other write.
  const r = ctx.ingest.backfill(IMPORT_RECEIVER, batch);
  await ctx.flush();
  const warnings: string[] = [];
  let invalid = 0;
  let inside = 0;
  const problems = new Map<string, number>();
  for (const [why, n] of r.refused) {
    if (why === 'missing_timestamp' || why === 'series_limit') continue;
    if (why === 'duplicate_timestamp' || why === 'out_of_order' || why === 'too_new') inside += n;
    else {
      invalid += n;
      problems.set(why, n);
    }
  }
  const withoutTs = r.refused.get('missing_timestamp') ?? 0;
  const capped = r.refused.get('series_limit') ?? 0;
  if (withoutTs) warnings.push(`${withoutTs} samples without a timestamp were skipped (an import needs timestamps)`);
  if (invalid) warnings.push(`${invalid} samples had invalid names or labels: ${[...problems].map(([k, n]) => `${k} (${n})`).join(', ')}`);
  if (inside) warnings.push(`${inside} samples were refused: duplicates, too far ahead, or inside the time already stored for their series`);
  if (r.folded) warnings.push(`${r.folded} samples of series past the series cap were folded into overflow series (radiator_overflow="true")`);
  if (capped) warnings.push(`${capped} samples were refused at the series cap (the overflow series are full too)`);
  let refused = 0;
  for (const n of r.refused.values()) refused += n;
  ok(res, { imported: r.applied, refused, folded: r.folded, series: r.identities }, warnings);
}

/** `GET /federate?match[]=…` (and `/metrics?federate=1`): the latest value of each matching
 * series, with its timestamp, in Prometheus text format, for an existing Prometheus to scrape. */
export function federate(store: Store, match: string[], now: number): string {
  const selectors = match.length > 0 ? parseMatchers(match) : [[{ name: '__name__', op: '=~' as const, value: '.+' }]];
  const byName = new Map<string, string[]>();
  for (const s of seriesIn(store, selectors, now - 5 * 60_000, Infinity)) {
    if (!Number.isFinite(s.lastTs)) continue;
    const labels = s.labels.length ? '{' + s.labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',') + '}' : '';
    let list = byName.get(s.name);
    if (!list) byName.set(s.name, (list = []));
    list.push(`${s.name}${labels} ${formatValue(s.lastValue)} ${s.lastTs}`);
  }
  let out = '';
  for (const [name, lines] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out += `# TYPE ${name} untyped\n${lines.join('\n')}\n`;
  return out;
}

export { ApiError as PromApiError };
