// Remote write out as a setting: endpoints (Prometheus, Mimir, Thanos Receive, VictoriaMetrics)
// that every sample Radiator stores is forwarded to, with their headers, auth, queue tuning and
// which metrics go. Kept apart from settings.ts, which composes it. The regexes' RE2 syntax is
// checked by the core (re2js is not shipped to the settings page); this checks their shape.

import { z } from 'zod';
import { durationSchema as duration } from './duration-schema.ts';
import {
  DEFAULT_REMOTE_WRITE_BATCH_DEADLINE_MS,
  DEFAULT_REMOTE_WRITE_MAX_BACKLOG_MS,
  DEFAULT_REMOTE_WRITE_MAX_BACKOFF_MS,
  DEFAULT_REMOTE_WRITE_MAX_SAMPLES_PER_SEND,
  DEFAULT_REMOTE_WRITE_MIN_BACKOFF_MS,
  DEFAULT_REMOTE_WRITE_SHARDS,
  DEFAULT_REMOTE_WRITE_TIMEOUT_MS,
  MAX_REMOTE_WRITE_BACKLOG_MS,
  MAX_REMOTE_WRITE_ENDPOINTS,
  MAX_REMOTE_WRITE_SAMPLES_PER_SEND,
  MAX_REMOTE_WRITE_SHARDS,
} from './limits.ts';

/** Headers the protocol or HTTP owns (Prometheus refuses the same list); Authorization comes from `auth`. */
export const RESERVED_REMOTE_WRITE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'transfer-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

const headers = z
  .record(z.string(), z.string().max(4_096).regex(/^[^\r\n]*$/, { error: 'must be one line' }))
  .default({})
  .superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) {
      if (!HEADER_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], input: k, message: 'is not a valid HTTP header name' });
      else if (RESERVED_REMOTE_WRITE_HEADERS.has(k.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: [k], input: k, message: k.toLowerCase() === 'authorization' ? 'set it with auth (bearer or basic), which keeps it secret' : 'is set by the remote-write protocol and cannot be overridden' });
      }
    }
  });

export const RemoteWriteQueueSchema = z
  .object({
    /** Parallel senders; each series always goes through the same one, so its samples stay in order. */
    shards: z.number().int().min(1).max(MAX_REMOTE_WRITE_SHARDS).default(DEFAULT_REMOTE_WRITE_SHARDS),
    maxSamplesPerSend: z.number().int().min(1).max(MAX_REMOTE_WRITE_SAMPLES_PER_SEND).default(DEFAULT_REMOTE_WRITE_MAX_SAMPLES_PER_SEND),
    /** A smaller request waits at most this long for more samples. */
    batchSendDeadline: duration(0, 60_000).default(DEFAULT_REMOTE_WRITE_BATCH_DEADLINE_MS),
    /** Retries (5xx, 429, network errors) wait from minBackoff, doubling, up to maxBackoff; a
     * Retry-After from the receiver wins. */
    minBackoff: duration(1, 60_000).default(DEFAULT_REMOTE_WRITE_MIN_BACKOFF_MS),
    maxBackoff: duration(1, 600_000).default(DEFAULT_REMOTE_WRITE_MAX_BACKOFF_MS),
    /** How far behind the endpoint may fall before the oldest unsent samples are dropped (and
     * counted): the store keeps its write-ahead log that long for it. */
    maxBacklog: duration(60_000, MAX_REMOTE_WRITE_BACKLOG_MS).default(DEFAULT_REMOTE_WRITE_MAX_BACKLOG_MS),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.minBackoff > q.maxBackoff) ctx.addIssue({ code: 'custom', path: ['minBackoff'], input: q.minBackoff, message: `must not be longer than maxBackoff (${q.maxBackoff} ms)` });
  });

/** Which metrics go, by metric name, in order: `keep` sends only names that match, `drop` none
 * that do (as Prometheus's write_relabel_configs on `__name__`). */
export const WriteRelabelSchema = z
  .object({
    action: z.enum(['keep', 'drop'], { error: 'must be "keep" or "drop"' }),
    /** RE2, anchored at both ends, as in Prometheus. */
    regex: z.string().min(1).max(1_024),
  })
  .strict();

export const RemoteWriteSchema = z
  .object({
    /** Names the endpoint in self-metrics (`endpoint` label) and logs; its cursor is kept under it. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' }),
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { error: 'must be an http(s) URL like http://mimir:9009/api/v1/push' })
      .refine((u) => URL.canParse(u), { error: 'is not a valid URL' }),
    enabled: z.boolean().default(true),
    /** Extra headers, e.g. X-Scope-OrgID for a Mimir or Cortex tenant (kept secret like tokens). */
    headers,
    auth: z
      .union(
        [
          z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
          z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }).strict(),
        ],
        { error: 'must be null, {type: "bearer", token} or {type: "basic", username, password}' },
      )
      .nullable()
      .default(null),
    /** One request's time limit. */
    timeout: duration(100, 300_000).default(DEFAULT_REMOTE_WRITE_TIMEOUT_MS),
    queue: RemoteWriteQueueSchema.prefault({}),
    writeRelabel: z.array(WriteRelabelSchema).max(32).default([]),
  })
  .strict();

export const RemoteWriteListSchema = z
  .array(RemoteWriteSchema)
  .max(MAX_REMOTE_WRITE_ENDPOINTS)
  .default([])
  .refine((list) => new Set(list.map((e) => e.id)).size === list.length, { error: 'remote write ids must be unique' });

export type RemoteWriteSettings = z.output<typeof RemoteWriteSchema>;
export type RemoteWriteSettingsInput = z.input<typeof RemoteWriteSchema>;
