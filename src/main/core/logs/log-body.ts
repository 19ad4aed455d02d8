// `POST /api/v1/logs` bodies → lines: JSON lines (one object a line; `application/x-ndjson`,
// `application/jsonl`, or `application/json`, which may also be one array of objects or strings)
// or plain text lines (`text/plain`). A line's source is its JSON `source` field, else the
// request's (`?source=`, then the `X-Log-Source` header), else `http`. Pure.

import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_LOG_LINES_PER_REQUEST, MAX_LOG_SOURCE_CHARS } from '../../../shared/limits.ts';
import type { LogInput } from './log-pipeline.ts';

export const LOG_BODY_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json', 'text/plain'] as const;

const VALID_SOURCE = /^[^\s"\\\u0000-\u001f]{1,128}$/;

export function validSource(s: unknown): boolean {
  return typeof s === 'string' && s.length <= MAX_LOG_SOURCE_CHARS && VALID_SOURCE.test(s);
}

/** The request's source: `?source=`, `X-Log-Source`, or `http`. Throws 400 for a bad one. */
export function requestSource(query: string | null, header: string | undefined): string {
  const s = query ?? header;
  if (s === undefined || s === null || s === '') return 'http';
  if (!validSource(s)) {
    throw new RadiatorError('INVALID_PARAMETER', `"source" must be 1–${MAX_LOG_SOURCE_CHARS} characters without spaces, quotes or control characters (got ${JSON.stringify(s.slice(0, 40))})`);
  }
  return s;
}

function tooMany(n: number): never {
  throw new RadiatorError('LOGS_TOO_MANY_LINES', `the body holds ${n > MAX_LOG_LINES_PER_REQUEST ? `more than ${MAX_LOG_LINES_PER_REQUEST}` : n} lines; the limit is ${MAX_LOG_LINES_PER_REQUEST}`, { limit: MAX_LOG_LINES_PER_REQUEST });
}

function fromObject(o: unknown, raw: string, source: string): LogInput {
  if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
    const s = (o as Record<string, unknown>).source;
    return { line: raw, source: validSource(s) ? (s as string) : source };
  }
  return { line: raw, source };
}

export function parseLogBody(text: string, mediaType: string, source: string): LogInput[] {
  if (!(LOG_BODY_TYPES as readonly string[]).includes(mediaType)) {
    throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be one of ${LOG_BODY_TYPES.join(', ')} (got ${mediaType === '' ? 'none' : `"${mediaType}"`})`);
  }
  if (mediaType === 'application/json' && text.trimStart().startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      throw new RadiatorError('MALFORMED_BODY', `the body is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(arr)) throw new RadiatorError('MALFORMED_BODY', 'a JSON body must be an array, or one object per line');
    if (arr.length > MAX_LOG_LINES_PER_REQUEST) tooMany(arr.length);
    return arr.map((x) => (typeof x === 'string' ? { line: x, source } : fromObject(x, JSON.stringify(x), source)));
  }
  const out: LogInput[] = [];
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    let line = text.slice(start, nl);
    start = nl + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (out.length >= MAX_LOG_LINES_PER_REQUEST) tooMany(out.length + 1);
    if (mediaType !== 'text/plain' && line.charCodeAt(0) === 123) {
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        o = null; // kept as text: one bad line does not refuse the rest
      }
      out.push(fromObject(o, line, source));
    } else out.push({ line, source });
  }
  return out;
}
