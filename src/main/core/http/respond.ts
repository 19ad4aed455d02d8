// Writing replies: JSON bodies, and errors as `{code, message, limit?, retryable}`. An unexpected
// error's message and stack may quote a URL with its credentials: both are redacted.

import type { ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { redactText } from '../../../shared/redact.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = e instanceof RadiatorError ? e : new RadiatorError('INTERNAL', redactText(e instanceof Error ? e.message : String(e)));
  if (err.code === 'INTERNAL') console.error('internal error:', redactText(e instanceof Error ? (e.stack ?? e.message) : String(e)));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  const after = err.extra?.retryAfterSeconds;
  if (err.retryable) headers['Retry-After'] = typeof after === 'number' ? String(after) : '1';
  if (err.code === 'METHOD_NOT_ALLOWED' && Array.isArray(err.extra?.allow)) headers.Allow = (err.extra.allow as string[]).join(', ');
  // A body we did not read (413 on Content-Length) would otherwise stall the connection.
  if (err.code === 'INGEST_BODY_TOO_LARGE' || err.code === 'UNSUPPORTED_CONTENT_ENCODING') headers.Connection = 'close';
  sendJson(res, err.status, err.toBody(), headers);
}
