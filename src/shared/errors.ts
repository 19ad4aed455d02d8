// Stable error codes. Every HTTP error body is `{code, message, limit?, retryable}`; the codes
// and their meaning are listed once here and rendered into docs/errors.md (a test keeps the two
// in step).

export interface ErrorSpec {
  readonly status: number;
  readonly retryable: boolean;
  readonly meaning: string;
}

export const ERROR_CODES = {
  INGEST_BODY_TOO_LARGE: {
    status: 413,
    retryable: false,
    meaning: 'The request body (after gunzip, if it was gzipped) is larger than the limit in `limit` (bytes).',
  },
  INGEST_BATCH_TOO_LARGE: {
    status: 413,
    retryable: false,
    meaning: 'A JSON batch holds more samples, or a remote-write request more series, than the limit in `limit`; split it.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    meaning: 'The Content-Type is not one this endpoint reads (the message lists the ones it does).',
  },
  UNSUPPORTED_CONTENT_ENCODING: {
    status: 415,
    retryable: false,
    meaning: 'The Content-Encoding is not one the endpoint reads: identity or gzip (remote write: snappy).',
  },
  MALFORMED_BODY: {
    status: 400,
    retryable: false,
    meaning: 'The body could not be decoded: bad JSON, or a gzip stream that does not inflate.',
  },
  INVALID_UTF8: {
    status: 400,
    retryable: false,
    meaning: 'A text body (JSON, an event, a Prometheus text push) is not valid UTF-8; the message gives the byte offset. Nothing was applied.',
  },
  JSON_TOO_DEEP: {
    status: 400,
    retryable: false,
    meaning: 'The JSON body nests deeper than `limit` levels; nothing was applied.',
  },
  JSON_TOO_MANY_NODES: {
    status: 400,
    retryable: false,
    meaning: 'The JSON body holds more than `limit` values and keys; nothing was applied. Split it.',
  },
  INVALID_SAMPLE: {
    status: 400,
    retryable: false,
    meaning: 'Every sample in the request was refused; `rejected` says why, per sample.',
  },
  INVALID_EVENT: {
    status: 400,
    retryable: false,
    meaning: 'The event is missing a field or has one out of bounds; the message names it.',
  },
  INVALID_PARAMETER: {
    status: 400,
    retryable: false,
    meaning: 'A query-string parameter is malformed; the message names it and the rule.',
  },
  MALFORMED_EXPOSITION: {
    status: 400,
    retryable: false,
    meaning: 'A pushed Prometheus text or OpenMetrics body does not parse; the message gives the line.',
  },
  PUSH_INVALID: {
    status: 400,
    retryable: false,
    meaning:
      'A push is well-formed but not acceptable as the Pushgateway defines it (samples with timestamps, a bad grouping key, inconsistent types).',
  },
  PUSH_TOO_MANY_GROUPS: {
    status: 400,
    retryable: false,
    meaning: 'The number of push groups is at its limit (`limit`); delete old groups first.',
  },
  INVALID_SETTINGS: {
    status: 400,
    retryable: false,
    meaning: 'A settings change does not validate; `problems` lists each bad value with its setting and rule. Nothing was saved.',
  },
  SECRET_URL_CHANGED: {
    status: 400,
    retryable: false,
    meaning: "A saved source's kept secret (shown as `•••• kept ••••••`, or `***` inside its URL) was sent back with a different URL. A kept secret is only ever sent to the URL it was saved with, so nothing was sent; type the token or password again to use it with the new URL.",
  },
  SETTINGS_CHANGED_ON_DISK: {
    status: 409,
    retryable: false,
    meaning:
      'The settings file was edited by hand, in a section this change replaces, after the change was started from the old version. Nothing was saved; the hand edit is loaded now (`sections` names them): look at it and make the change again. A hand edit of other sections is kept and needs no retry.',
  },
  HOST_NOT_ALLOWED: {
    status: 403,
    retryable: false,
    meaning:
      'The Host header names neither this machine’s loopback address nor a configured LAN name (a guard against DNS rebinding).',
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    retryable: false,
    meaning: 'A browser request came from an origin that is not this server and not on the allow-list.',
  },
  CROSS_SITE_REQUEST: {
    status: 403,
    retryable: false,
    meaning:
      'A browser sent this request on behalf of a page from another site (its `Sec-Fetch-Site`, or its `Referer`, says so) — an `<img>`, a link, a script — and that site is not in `server.corsOrigins`. The API answers only this server’s own pages, allowed origins and clients that are not browsers.',
  },
  UNAUTHORIZED: {
    status: 401,
    retryable: false,
    meaning: 'A client that is not on loopback must present a token (`Authorization: Bearer …` or `?token=`).',
  },
  NOT_FOUND: { status: 404, retryable: false, meaning: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false, meaning: 'The endpoint exists but not for this method.' },
  REQUEST_TIMEOUT: { status: 408, retryable: true, meaning: 'The body did not arrive in time.' },
  RENDERER_NOT_BUILT: {
    status: 503,
    retryable: false,
    meaning: 'The boards have not been built; run `npm run build` (npm run serve does it for you).',
  },
  SHUTTING_DOWN: { status: 503, retryable: true, meaning: 'The collector is stopping; retry against the next start.' },
  // ── OTLP, logs and browser telemetry ──
  MALFORMED_OTLP: {
    status: 400,
    retryable: false,
    meaning: 'An OTLP/HTTP body does not decode as an ExportMetricsServiceRequest (protobuf or JSON); the message says where. Not retryable, as the OTLP specification asks.',
  },
  MALFORMED_REMOTE_WRITE: {
    status: 400,
    retryable: false,
    meaning:
      'A remote-write body does not decompress as a snappy block, or does not decode as the protobuf message its Content-Type names (prometheus.WriteRequest or io.prometheus.write.v2.Request); the message says where. Nothing was applied. Not retryable, as the remote-write specification asks.',
  },
  REMOTE_WRITE_SAMPLES_REFUSED: {
    status: 400,
    retryable: false,
    meaning:
      'Some samples of a remote-write request were refused (out of order, too old, an invalid name or label, a native histogram); the message counts them by reason and says how many were written. The rest of the request was applied, so it is not to be retried, as Prometheus\'s own receiver answers.',
  },
  REMOTE_WRITE_BUSY: {
    status: 503,
    retryable: true,
    meaning:
      'The remote-write receiver is at its rate or concurrency limit (`limit`); nothing was applied. 503 rather than 429 because every remote-write sender retries a 5xx (after `Retry-After`), while retrying a 429 is optional.',
  },
  OVERLOADED: {
    status: 429,
    retryable: true,
    meaning: 'A receiver is at its rate or concurrency limit (`limit`), or the live feed has as many screens connected as it takes; the request was not applied. Retry after `Retry-After` seconds.',
  },
  LOGS_TOO_MANY_LINES: {
    status: 413,
    retryable: false,
    meaning: 'A logs body holds more lines than `limit`; split it.',
  },
  WEBHOOK_SIGNATURE: {
    status: 401,
    retryable: false,
    meaning: "A CI webhook's signature (GitHub `X-Hub-Signature-256`, GitLab `X-Gitlab-Token`) is missing or does not match the secret set for it in `pipeline.webhooks`; nothing was applied.",
  },
  // ── access and boards as code ──
  FORBIDDEN: {
    status: 403,
    retryable: false,
    meaning: "The token is valid but its scope does not cover this request: a `read` token may only read (GET and the feed), an `ingest` token may only send data to the receivers; changes need an `admin` token (or loopback).",
  },
  MANAGED_BY_FILE: {
    status: 409,
    retryable: false,
    meaning: 'The board, playlist or rule comes from a file in the watched configuration directory (`configDir`); change the file instead. `managedBy` names it.',
  },
  STORE_DISK_FULL: {
    status: 503,
    retryable: true,
    meaning:
      "The disk holding the store (`path` names the database) is full, so nothing new can be made durable. While it lasts, receivers over HTTP answer 503 with `Retry-After` (every sender retries a 503: OTLP exporters, Prometheus remote write, Pushgateway clients), samples already taken are held in memory and written as soon as space frees, and the boards stay live. At start: `radiator serve` exits with code 4. Free space on that disk; nothing else is needed.",
  },
  SETTINGS_STALE: {
    status: 409,
    retryable: false,
    meaning:
      'The section changed since the page that sent this PUT loaded it (another tab or person saved it, or the settings file was edited by hand): its `If-Match` names an older `revision`. Nothing was changed; `current` holds the section as it is now. Load it again, make the edit again, and save. A PUT without `If-Match` (a script) is not checked.',
  },
  // ── start-up (not an HTTP answer: `radiator serve` exits 3) ──
  STORE_DAMAGED: {
    status: 503,
    retryable: false,
    meaning:
      'At start: the database (`radiator.db` in the data directory; `path` names it) is empty, does not start with the SQLite header, or fails `PRAGMA quick_check`. Nothing was changed. Restore it from a backup, or start with `--repair`, which moves the damaged files aside as `<file>.damaged-<time>` and starts with an empty store. `radiator serve` exits with code 3.',
  },
  INTERNAL: { status: 500, retryable: true, meaning: 'A bug: the request was not applied. The log has the stack.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  limit?: number;
}

/** An error that knows its HTTP reply. Thrown inside handlers, turned into JSON at the edge. */
export class RadiatorError extends Error {
  readonly code: ErrorCode;
  readonly limit: number | undefined;
  readonly extra: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, opts: { limit?: number; extra?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'RadiatorError';
    this.code = code;
    this.limit = opts.limit;
    this.extra = opts.extra;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
  toBody(): ErrorBody & Record<string, unknown> {
    const body: ErrorBody & Record<string, unknown> = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.limit !== undefined) body.limit = this.limit;
    if (this.extra) Object.assign(body, this.extra);
    return body;
  }
}
