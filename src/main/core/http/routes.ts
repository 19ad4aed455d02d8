// Every route Radiator serves over HTTP, in one table: method, path, the scope a credential needs,
// the receiver that counts what it takes (for routes that are receivers), and what it is for.
// From it come the guard's scopes (access/route-scope.ts), the 405s with `Allow`, the 404 for an
// API path no route has (so nothing is served that the table does not name), and docs/routes.md
// (scripts/routes-doc.ts). The handlers stay where they are (the …Api modules); a test calls every
// route of the table on a running core and fails if one is not served.
//
// Paths: literal segments, `:name` for one segment, `*` at the end for the rest (possibly empty).

import type { Scope } from '../access/route-scope.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

export interface Route {
  path: string;
  /** The methods served, each with the scope it needs. */
  methods: Partial<Record<Method, Scope>>;
  /** The receiver counting what a write to it brings (`radiator_received_total{receiver}`). */
  receiver?: string;
  /** Which listeners serve it: the API port (7070) always; the push and OTLP ports their own. */
  ports?: ReadonlyArray<'api' | 'push' | 'otlp'>;
  summary: string;
}

const read = (...m: Method[]): Partial<Record<Method, Scope>> => Object.fromEntries(m.map((x) => [x, 'read' as const]));
const admin = (...m: Method[]): Partial<Record<Method, Scope>> => Object.fromEntries(m.map((x) => [x, 'admin' as const]));
const ingest = (...m: Method[]): Partial<Record<Method, Scope>> => Object.fromEntries(m.map((x) => [x, 'ingest' as const]));

/** Sections replaced whole by `PUT /api/v1/config/<name>` (http/config-api.ts). */
export const CONFIG_PUT_SECTIONS = ['display', 'alerts', 'sources', 'shell', 'pipeline', 'experiments', 'oncall', 'scrape', 'logs', 'client'] as const;

export const ROUTES: readonly Route[] = [
  // ── receivers ──
  { path: '/api/v1/metrics', methods: ingest('POST'), receiver: 'json', summary: 'JSON samples (counters, gauges, timers, sets), batched' },
  { path: '/api/v1/events', methods: { ...read('GET'), ...ingest('POST') }, receiver: 'events', summary: 'events (deploys, incidents): POST one, GET a time range' },
  { path: '/api/v1/import', methods: ingest('POST'), receiver: 'import', summary: 'history: Prometheus text or OpenMetrics with timestamps' },
  { path: '/metrics/job/*', methods: ingest('PUT', 'POST', 'DELETE'), receiver: 'push', ports: ['api', 'push'], summary: 'Pushgateway-compatible push of a group' },
  { path: '/metrics/job@base64/*', methods: ingest('PUT', 'POST', 'DELETE'), receiver: 'push', ports: ['api', 'push'], summary: 'Pushgateway push, base64-encoded group labels' },
  { path: '/v1/metrics', methods: ingest('POST'), receiver: 'otlp', ports: ['api', 'otlp'], summary: 'OpenTelemetry OTLP/HTTP metrics (protobuf or JSON)' },
  { path: '/api/v1/write', methods: ingest('POST'), receiver: 'remote_write', summary: 'Prometheus remote write 1.0 and 2.0' },
  { path: '/api/v1/logs', methods: ingest('POST'), receiver: 'logs', summary: 'log lines, turned into metrics by the log rules' },
  { path: '/api/v1/client', methods: ingest('POST', 'OPTIONS'), receiver: 'client', summary: 'browser telemetry from /client.js (JS errors, page load, Web Vitals)' },
  { path: '/api/v1/webhooks/:type/:id', methods: ingest('POST'), receiver: 'webhook', summary: 'CI webhooks (github, gitlab, generic), signed' },
  // ── the Prometheus API ──
  { path: '/api/v1/query', methods: read('GET', 'POST'), summary: 'PromQL at one time' },
  { path: '/api/v1/query_range', methods: read('GET', 'POST'), summary: 'PromQL over a range' },
  { path: '/api/v1/series', methods: read('GET', 'POST'), summary: 'series matching selectors' },
  { path: '/api/v1/labels', methods: read('GET', 'POST'), summary: 'label names' },
  { path: '/api/v1/label/:name/values', methods: read('GET', 'POST'), summary: "a label's values" },
  { path: '/api/v1/metadata', methods: read('GET'), summary: 'metric types, help and units' },
  { path: '/api/v1/status/buildinfo', methods: read('GET'), summary: 'version (the Prometheus semantics followed)' },
  { path: '/api/v1/alerts', methods: read('GET'), summary: 'firing and pending alerts, in Prometheus\'s shape' },
  { path: '/api/v1/rules', methods: read('GET'), summary: 'alert rules and recording rule groups, in Prometheus\'s shape' },
  { path: '/federate', methods: read('GET'), summary: 'federation: the latest sample of matching series, for a Prometheus to scrape' },
  // ── Radiator's reads ──
  { path: '/api/v1/columns', methods: read('GET'), summary: 'raw samples of matching series as uPlot columns' },
  { path: '/api/v1/status', methods: read('GET'), summary: 'listeners, ports, store and ingest figures' },
  { path: '/api/v1/arriving', methods: read('GET', 'HEAD'), summary: "what the store has from apps, and which boards have data" },
  { path: '/api/v1/analysis/anomalies', methods: read('GET'), summary: "a chart's anomalies and expected band" },
  { path: '/api/v1/scrape/targets', methods: read('GET'), summary: 'scrape targets and their health' },
  { path: '/api/v1/logs/recent', methods: read('GET'), summary: 'recent log lines' },
  { path: '/api/v1/pipeline/dora', methods: read('GET'), summary: 'DORA figures' },
  { path: '/api/v1/pipeline/cctray', methods: read('GET'), summary: 'builds as a CCTray feed' },
  { path: '/api/v1/experiments', methods: read('GET'), summary: 'A/B experiments and their statistics' },
  { path: '/api/v1/experiments/:id', methods: read('GET'), summary: 'one experiment' },
  { path: '/api/v1/oncall', methods: read('GET'), summary: 'who is on call' },
  { path: '/api/v1/oncall/:id', methods: read('GET'), summary: 'one rotation' },
  { path: '/api/v1/alerting/alerts', methods: read('GET'), summary: 'alert instances and their states' },
  { path: '/api/v1/alerting/rules', methods: read('GET'), summary: 'alert rules and their last evaluation' },
  { path: '/api/v1/config', methods: read('GET'), summary: 'boards, playlists and display settings for screens' },
  { path: '/api/v1/config/export', methods: read('GET'), summary: 'boards, playlists and rules as YAML (boards as code)' },
  { path: '/api/v1/access/me', methods: read('GET'), summary: 'who this request is and what it may do' },
  { path: '/metrics', methods: read('GET'), summary: "Radiator's own metrics (Prometheus text); ?federate for federation" },
  { path: '/healthz', methods: read('GET'), summary: 'liveness' },
  { path: '/-/healthy', methods: read('GET'), summary: 'liveness (Prometheus\'s path)' },
  { path: '/-/ready', methods: read('GET'), summary: 'readiness (Prometheus\'s path)' },
  { path: '/client.js', methods: read('GET', 'HEAD'), summary: 'the browser telemetry snippet' },
  // ── changes (admin) ──
  { path: '/api/v1/alerting/silences', methods: { ...read('GET'), ...admin('POST') }, summary: 'silences: list, add' },
  { path: '/api/v1/alerting/silences/:id', methods: admin('DELETE'), summary: 'expire a silence' },
  { path: '/api/v1/alerting/acks', methods: admin('POST'), summary: 'acknowledge an alert' },
  { path: '/api/v1/config/boards/:id', methods: admin('PUT', 'DELETE'), summary: 'save or delete a board' },
  { path: '/api/v1/config/playlists/:id', methods: admin('PUT', 'DELETE'), summary: 'save or delete a playlist' },
  { path: '/api/v1/config/board-order', methods: admin('PUT'), summary: 'the boards in a new order' },
  ...CONFIG_PUT_SECTIONS.map((name) => ({ path: `/api/v1/config/${name}`, methods: admin('PUT'), summary: `replace a live section (${name})` })),
  { path: '/api/v1/config/sections', methods: admin('GET'), summary: 'every section the settings UI edits (secrets kept back)' },
  { path: '/api/v1/config/sections/:name', methods: admin('GET', 'PUT'), summary: 'one section, with its revision; PUT with If-Match' },
  { path: '/api/v1/config/import', methods: admin('POST'), summary: 'boards, playlists and rules from YAML or JSON' },
  { path: '/api/v1/config/import/grafana', methods: admin('POST'), summary: 'a Grafana dashboard as boards' },
  { path: '/api/v1/config/dir', methods: admin('GET'), summary: 'the watched configuration directory and its files' },
  { path: '/api/v1/access/tokens', methods: admin('GET', 'POST'), summary: 'access tokens: list, create' },
  { path: '/api/v1/access/tokens/:id', methods: admin('DELETE'), summary: 'revoke a token' },
  { path: '/api/v1/sources/test', methods: admin('POST'), summary: 'test a data source' },
];

interface Compiled {
  route: Route;
  re: RegExp;
}

function compile(path: string): RegExp {
  const parts = path.split('/').map((seg) => (seg === '*' ? '(?:.*)' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\@]/g, '\\$&')));
  // A trailing `*` also matches the path without its last slash (`/metrics/job` alone).
  let src = parts.join('/');
  if (path.endsWith('/*')) src = `${src.slice(0, -'/(?:.*)'.length)}(?:/.*)?`;
  return new RegExp(`^${src}$`);
}

const COMPILED: readonly Compiled[] = ROUTES.map((route) => ({ route, re: compile(route.path) }));

/** The route serving `path` (null when none does). */
export function routeOf(path: string): Route | null {
  for (const c of COMPILED) if (c.re.test(path)) return c.route;
  return null;
}

/** The methods a route serves, as `Allow` lists them. */
export function allowed(route: Route): Method[] {
  return Object.keys(route.methods) as Method[];
}
