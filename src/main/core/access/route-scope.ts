// Which scope a request needs, from its method and path alone (so it is decided before any
// handler runs, on every port alike): `read` for looking (GET, the feed, and the Prometheus API's
// read endpoints that clients also POST to), `ingest` for sending data to a receiver, `admin` for
// everything that changes Radiator. An admin token may do all three; the others only their own.

export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Reads that Prometheus clients (Grafana, codemirror-promql) send as POST with a form body. */
const READ_POSTS = /^\/api\/v1\/(query|query_range|series|labels|label\/[^/]+\/values|query_exemplars|format_query)$/;

/** Where data comes in (the receivers on this port and on their own ports), with the receiver
 * that counts what each route takes (`radiator_received_total{receiver}`). */
const INGEST: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/api\/v1\/metrics$/, 'json'],
  [/^\/api\/v1\/events$/, 'events'],
  [/^\/api\/v1\/import$/, 'import'],
  [/^\/metrics\/job(@base64)?(\/.*)?$/, 'push'],
  [/^\/v1\/metrics$/, 'otlp'],
  [/^\/api\/v1\/otlp\/v1\/metrics$/, 'otlp'],
  [/^\/api\/v1\/write$/, 'remote_write'],
  [/^\/api\/v1\/logs(\/lines)?$/, 'logs'],
  [/^\/api\/v1\/client$/, 'client'],
  [/^\/api\/v1\/webhooks\/[^/]+\/[^/]+$/, 'webhook'],
];

/** The receiver a request sends data to (null for a request that is not a write to a receiver). */
export function ingestReceiver(method: string | undefined, path: string): string | null {
  const m = (method ?? 'GET').toUpperCase();
  if (m !== 'POST' && m !== 'PUT') return null;
  for (const [re, receiver] of INGEST) if (re.test(path)) return receiver;
  return null;
}

/** GETs that are not for every reader: they show the access tokens, or settings that may hold
 * credentials (the admin-only sections behind the settings UI). */
const ADMIN_READS = [/^\/api\/v1\/access\/tokens(\/.*)?$/, /^\/api\/v1\/config\/sections(\/.*)?$/, /^\/api\/v1\/config\/dir$/];

export function requiredScope(method: string | undefined, path: string): Scope {
  const m = (method ?? 'GET').toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return ADMIN_READS.some((re) => re.test(path)) ? 'admin' : 'read';
  if (m === 'POST' && READ_POSTS.test(path)) return 'read';
  if (INGEST.some(([re]) => re.test(path))) return 'ingest';
  return 'admin';
}

/** Whether a credential of scope `have` may make a request that needs `need`. */
export function scopeAllows(have: Scope, need: Scope): boolean {
  return have === 'admin' || have === need;
}
