// One scrape's HTTP request: Prometheus's Accept header, the target's auth, a timeout, and the
// body read with a size limit that applies to the decompressed bytes (fetch inflates as it
// streams, and reading stops — the request is aborted — the moment the limit is passed).
// Failures carry a short reason (for `radiator_rejected_total` and the targets API) and a message
// worded like Prometheus's own.

import type { ScrapeTargetSettings } from './scrape-types.ts';

export const SCRAPE_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1';

export class ScrapeError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ScrapeError';
    this.reason = reason;
  }
}

export interface Fetched {
  text: string;
  contentType: string;
}

function causeCode(e: unknown): string | undefined {
  let c: unknown = e;
  for (let i = 0; i < 4 && c; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function fetchExposition(t: ScrapeTargetSettings, maxBodyBytes: number, version: string): Promise<Fetched> {
  const headers: Record<string, string> = {
    Accept: SCRAPE_ACCEPT,
    'User-Agent': `Radiator/${version}`,
    'X-Prometheus-Scrape-Timeout-Seconds': String(t.timeout / 1000),
  };
  if (t.auth.type === 'bearer') headers.Authorization = `Bearer ${t.auth.token}`;
  if (t.auth.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${t.auth.username}:${t.auth.password}`).toString('base64')}`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), t.timeout);
  try {
    let res: Response;
    try {
      res = await fetch(t.url, { headers, signal: abort.signal, redirect: 'follow' });
    } catch (e) {
      if (abort.signal.aborted) throw new ScrapeError('timeout', `Get "${t.url}": context deadline exceeded (timeout ${t.timeout} ms)`);
      const code = causeCode(e);
      if (code === 'ECONNREFUSED') throw new ScrapeError('connection_refused', `Get "${t.url}": dial tcp: connection refused`);
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new ScrapeError('dns', `Get "${t.url}": no such host`);
      throw new ScrapeError('connection_failed', `Get "${t.url}": ${code ?? (e as Error).message}`);
    }
    if (res.status < 200 || res.status > 299) {
      void res.body?.cancel().catch(() => {});
      throw new ScrapeError('http_status', `server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    }
    const declared = Number(res.headers.get('content-length'));
    const encoded = (res.headers.get('content-encoding') ?? '') !== '';
    if (!encoded && Number.isFinite(declared) && declared > maxBodyBytes) {
      void res.body?.cancel().catch(() => {});
      throw new ScrapeError('body_too_large', `body size limit exceeded: ${declared} bytes > ${maxBodyBytes}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          if (abort.signal.aborted) throw new ScrapeError('timeout', `Get "${t.url}": context deadline exceeded while reading the body (timeout ${t.timeout} ms)`);
          throw new ScrapeError('connection_failed', `reading the body: ${(e as Error).message}`);
        }
        if (r.done) break;
        size += r.value.length;
        if (size > maxBodyBytes) {
          abort.abort();
          void reader.cancel().catch(() => {});
          throw new ScrapeError('body_too_large', `body size limit exceeded: more than ${maxBodyBytes} bytes`);
        }
        chunks.push(r.value);
      }
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
    } catch {
      throw new ScrapeError('invalid_utf8', 'the body is not valid UTF-8');
    }
    return { text, contentType: res.headers.get('content-type') ?? '' };
  } finally {
    clearTimeout(timer);
  }
}
