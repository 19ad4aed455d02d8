// Settings for the telemetry that arrives other than by push: OTLP (receivers.otlp), scrape
// targets (scrape), logs turned into metrics (logs) and browser telemetry (client). Kept apart
// from settings.ts, which composes them; every message names the field and the rule.

import { z } from 'zod';
import { port, portOrOff } from './port-schema.ts';
import { durationSchema as duration, formatDuration } from './duration-schema.ts';
import {
  DEFAULT_OTLP_PORT,
  DEFAULT_SCRAPE_INTERVAL_MS,
  DEFAULT_SCRAPE_MAX_BODY_BYTES,
  DEFAULT_SCRAPE_MAX_SAMPLES,
  DEFAULT_SCRAPE_TIMEOUT_MS,
  MAX_LOG_FILES,
  MAX_LOG_RULES,
  MAX_LOG_SOURCE_CHARS,
  MAX_SCRAPE_TARGETS,
} from './limits.ts';
import { parseJsonPath, parseTemplate, templateGroups } from './log-template.ts';
import { regexProblem } from './regex-safety.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' });
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { error: 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*, at most 128 characters)' })
  .refine((s) => !s.startsWith('__'), { error: 'names starting with __ are reserved' });
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,255}$/, { error: 'must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' });
const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, { error: 'must be an origin like https://shop.example.com or http://localhost:3000' });
const unique = <T extends { id: string }>(list: T[]) => new Set(list.map((x) => x.id)).size === list.length;

// ── OTLP ─────────────────────────────────────────────────────────────────────────────────
export const OtlpReceiverSchema = z
  .object({
    /** OTLP/HTTP `/v1/metrics`; also answered on the HTTP port. */
    port: portOrOff.default(DEFAULT_OTLP_PORT),
    /** Resource attributes to copy onto every series as labels (e.g. deployment.environment). */
    promoteResourceAttributes: z.array(z.string().min(1).max(256)).max(32).default([]),
  })
  .strict()
  .prefault({});

// ── scrape ───────────────────────────────────────────────────────────────────────────────
const ScrapeAuthSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }).strict(),
    z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
    z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }).strict(),
  ], { error: 'must be {type: "none"}, {type: "bearer", token} or {type: "basic", username, password}' })
  .default({ type: 'none' });

export const ScrapeTargetSchema = z
  .object({
    id,
    /** The exposition to fetch, e.g. http://127.0.0.1:9100/metrics. */
    url: z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { error: 'must be an http(s) URL' }),
    /** The `job` label (default: the id). */
    job: z.string().min(1).max(128).optional(),
    interval: duration(1_000, 3_600_000).default(DEFAULT_SCRAPE_INTERVAL_MS),
    /** Default: the smaller of 10 s and the interval, as Prometheus does — so `interval: 5s`
     * alone is valid. */
    timeout: duration(100, 600_000).optional(),
    /** Extra labels on every sample (they may set `instance`). */
    labels: z
      .record(z.string(), z.string().max(1024))
      .default({})
      .superRefine((rec, ctx) => {
        for (const k of Object.keys(rec)) {
          const r = labelName.safeParse(k);
          if (!r.success) ctx.addIssue({ code: 'custom', path: [k], input: k, message: `label name ${JSON.stringify(k)} ${r.error.issues[0]!.message}` });
        }
      }),
    auth: ScrapeAuthSchema,
    /** Keep the exposition's own `job`/`instance`/… over the target's (else they become `exported_…`). */
    honorLabels: z.boolean().default(false),
  })
  .strict()
  .superRefine((t, ctx) => {
    // The issue's input is the timeout, so the message shows it, not the whole target.
    if (t.timeout !== undefined && t.timeout > t.interval) ctx.addIssue({ code: 'custom', path: ['timeout'], input: t.timeout, message: `must not be longer than interval (${formatDuration(t.interval)})` });
  })
  .transform((t) => ({ ...t, timeout: t.timeout ?? Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, t.interval) }));

export const ScrapeSettingsSchema = z
  .object({
    targets: z.array(ScrapeTargetSchema).max(MAX_SCRAPE_TARGETS).default([]).refine(unique, { error: 'scrape target ids must be unique' }),
    /** A body larger than this (after gunzip) fails the scrape (`body_too_large`). */
    maxBodyBytes: z.number().int().min(1_024, { error: 'must be at least 1024' }).max(256 * 1024 * 1024, { error: 'must be at most 268435456' }).default(DEFAULT_SCRAPE_MAX_BODY_BYTES),
    /** More samples than this fail the scrape (`sample_limit`), as Prometheus's sample_limit. */
    maxSamplesPerScrape: z.number().int().min(1).max(10_000_000).default(DEFAULT_SCRAPE_MAX_SAMPLES),
  })
  .strict()
  .prefault({});

// ── logs ─────────────────────────────────────────────────────────────────────────────────
const sourceName = z.string().min(1).max(MAX_LOG_SOURCE_CHARS).regex(/^[^\s"\\]+$/, { error: 'must have no spaces, quotes or backslashes' });

const template = z.string().max(1_024).superRefine((s, ctx) => {
  try {
    parseTemplate(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message, input: s });
  }
});

const LogMatchSchema = z.union(
  [
    z.object({ regex: z.string().min(1) }).strict(),
    z.object({ jsonPath: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]).optional(), regex: z.string().min(1).optional() }).strict(),
  ],
  { error: 'must be {regex} or {jsonPath, equals?, regex?}' },
);

export const LogRuleSchema = z
  .object({
    id,
    match: LogMatchSchema,
    /** Only lines from this source (default: every source). */
    source: sourceName.optional(),
    metric: z
      .object({
        name: metricName,
        /** counter: adds 1 (or `value`); gauge: sets `value`; timer: one timing of `value` ms,
         * kept as a summary in seconds like a StatsD timer. */
        type: z.enum(['counter', 'gauge', 'timer'], { error: 'must be counter, gauge or timer' }),
        value: template.optional(),
        labels: z
          .record(z.string(), template)
          .default({})
          .superRefine((rec, ctx) => {
            for (const k of Object.keys(rec)) {
              const r = labelName.safeParse(k);
              if (!r.success) ctx.addIssue({ code: 'custom', path: [k], input: k, message: `label name ${JSON.stringify(k)} ${r.error.issues[0]!.message}` });
            }
            if (Object.keys(rec).length > 16) ctx.addIssue({ code: 'custom', input: rec, message: 'at most 16 labels' });
          }),
        help: z.string().max(512).default(''),
      })
      .strict(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const regex = r.match.regex;
    if (regex !== undefined) {
      const problem = regexProblem(regex);
      if (problem) ctx.addIssue({ code: 'custom', path: ['match', 'regex'], input: regex, message: problem });
    }
    if ('jsonPath' in r.match && !parseJsonPath(r.match.jsonPath)) {
      ctx.addIssue({ code: 'custom', path: ['match', 'jsonPath'], input: r.match.jsonPath, message: 'must be a JSON path like $.level or $.http.status' });
    }
    if (r.metric.type !== 'counter' && r.metric.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['metric', 'value'], input: undefined, message: `a ${r.metric.type} needs a value (a capture group like $1 or \${ms}, or a JSON path like $.duration_ms)` });
    }
    // Every capture group a template names must exist in the regex.
    let groups: { names: Set<string>; count: number } | null = null;
    if (regex !== undefined) {
      try {
        const re = new RegExp(regex);
        const count = (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1;
        groups = { names: new Set([...regex.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!)), count };
      } catch {
        /* reported above */
      }
    }
    const check = (t: string | undefined, path: Array<string | number>) => {
      if (t === undefined) return;
      let parsed;
      try {
        parsed = parseTemplate(t);
      } catch {
        return; // reported by the template schema
      }
      for (const g of templateGroups(parsed)) {
        const ok = groups !== null && (/^\d+$/.test(g) ? Number(g) >= 1 && Number(g) <= groups.count : groups.names.has(g));
        if (!ok) ctx.addIssue({ code: 'custom', path, input: t, message: groups ? `refers to capture group "${g}", which match.regex does not have` : `refers to capture group "${g}", but the rule matches without a regex` });
      }
    };
    check(r.metric.value, ['metric', 'value']);
    for (const [k, v] of Object.entries(r.metric.labels)) check(v, ['metric', 'labels', k]);
  });

export const LogsSettingsSchema = z
  .object({
    syslog: z
      .object({
        /** Syslog (RFC 5424 and 3164) over UDP and TCP on this port; off by default. */
        port: portOrOff.default(false),
      })
      .strict()
      .prefault({}),
    /** Files to follow (rotation and truncation too); `source` labels their lines. */
    files: z
      .array(z.object({ path: z.string().min(1).max(4_096).regex(/^\//, { error: 'must be an absolute path' }), source: sourceName }).strict())
      .max(MAX_LOG_FILES)
      .default([])
      .refine((l) => new Set(l.map((f) => f.path)).size === l.length, { error: 'each file may be listed once' }),
    rules: z.array(LogRuleSchema).max(MAX_LOG_RULES).default([]).refine(unique, { error: 'log rule ids must be unique' }),
  })
  .strict()
  .prefault({});

// ── browser client ───────────────────────────────────────────────────────────────────────
export const ClientSettingsSchema = z
  .object({
    /** Pages on these origins may send telemetry to /api/v1/client (others get 403). */
    allowedOrigins: z.array(origin).max(64).default([]),
  })
  .strict()
  .prefault({});
