// How long a remote-write sender waits before trying a request again: exponential backoff between
// the endpoint's minimum and maximum, unless the receiver said when (Retry-After, in seconds or as
// an HTTP date, on a 429 or a 5xx) — as Prometheus's queue manager does. Pure functions.

import { MAX_REMOTE_WRITE_RETRY_AFTER_MS } from '../../../shared/limits.ts';

/** The wait a Retry-After header asks for, in ms (null when absent or unreadable), capped at
 * MAX_REMOTE_WRITE_RETRY_AFTER_MS so a wrong header cannot stop sending for days. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header == null) return null;
  const v = header.trim();
  if (v === '') return null;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (!Number.isFinite(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(0, ms), MAX_REMOTE_WRITE_RETRY_AFTER_MS);
}

/** The wait after a failed attempt that waited `previous` ms (0 before the first retry). */
export function nextBackoff(previous: number, minMs: number, maxMs: number): number {
  return previous <= 0 ? minMs : Math.min(maxMs, previous * 2);
}

/** What a response status means for the request: sent, retried, or dropped (the spec: retry on 5xx,
 * may retry on 429, never on other 4xx). Redirects are refused too: a write endpoint does not
 * move, and following one would send credentials to another host. */
export function classifyStatus(status: number): 'sent' | 'retry' | 'drop' {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 429 || status >= 500) return 'retry';
  return 'drop';
}
