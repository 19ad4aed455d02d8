// Which scope a request needs, from its method and path alone (so it is decided before any
// handler runs, on every port alike): `read` for looking (GET, the feed, and the Prometheus API's
// read endpoints that clients also POST to), `ingest` for sending data to a receiver, `admin` for
// everything that changes Radiator. An admin token may do all three; the others only their own.

import { routeOf, type Method } from '../http/routes.ts';

export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scope a request needs: its route's, for the method (http/routes.ts). A method the route
 * does not serve, or a path no route has, needs `read` to look and `admin` to change: it gets a
 * 405 or 404 once admitted, so that only decides who may learn that. */
export function requiredScope(method: string | undefined, path: string): Scope {
  const m = (method ?? 'GET').toUpperCase() as Method;
  const scope = routeOf(path)?.methods[m];
  if (scope) return scope;
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS' ? 'read' : 'admin';
}

/** The receiver a request sends data to (null for a request that is not a write to a receiver). */
export function ingestReceiver(method: string | undefined, path: string): string | null {
  const r = routeOf(path);
  const m = (method ?? 'GET').toUpperCase() as Method;
  return r?.receiver !== undefined && r.methods[m] === 'ingest' && (m === 'POST' || m === 'PUT') ? r.receiver : null;
}

/** Whether a credential of scope `have` may make a request that needs `need`. */
export function scopeAllows(have: Scope, need: Scope): boolean {
  return have === 'admin' || have === need;
}
