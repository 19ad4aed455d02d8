// The settings schema: one module, shared by the core (`radiator serve`), the desktop shell and
// the settings UI. Every value is validated here; a bad one is refused with a message that
// names the setting, the value and the rule.

import { z } from 'zod';
import { port, portOrOff } from './port-schema.ts';
import { ShellSettingsSchema } from './shell-settings.ts';
import { ExperimentSchema, OnCallRotationSchema, PipelineSettingsSchema } from './pipeline-settings.ts';
import { ClientSettingsSchema, LogsSettingsSchema, OtlpReceiverSchema, ScrapeSettingsSchema } from './telemetry-settings.ts';
import { durationSchema as duration, formatDuration, parseDuration } from './duration-schema.ts';
import { RuleSchema, WebhookSchema } from './alert-rules.ts';
import { SourceSchema } from './source-settings.ts';
import { RemoteWriteListSchema } from './remote-write-settings.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { BoardSchema, DisplaySchema, PlaylistSchema } from './boards.ts';
import { RecordingRulesSettingsSchema } from './recording-rules.ts';
import { DEFAULT_BOARDS, DEFAULT_PLAYLISTS } from './default-boards.ts';

export { formatDuration, parseDuration };
import {
  CHECKPOINT_INTERVAL_MS,
  DEFAULT_BIND_HOST,
  DEFAULT_EVENT_RETENTION_MS,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_HOST_METRICS_INTERVAL_MS,
  DEFAULT_HOT_WINDOW_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_MAX_SERIES,
  DEFAULT_PUSH_PORT,
  DEFAULT_RAW_RETENTION_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  DEFAULT_ROLLUP_1H_RETENTION_MS,
  DEFAULT_ROLLUP_5M_RETENTION_MS,
  DEFAULT_STATSD_PORT,
  DEFAULT_STATSD_RECV_BUFFER_BYTES,
  MAX_FLUSH_INTERVAL_MS,
  MIN_FLUSH_INTERVAL_MS,
} from './limits.ts';

const hostAddress = z
  .string()
  .min(1)
  .refine((s) => /^[a-zA-Z0-9.:\-[\]%]+$/.test(s), { error: 'must be an IP address or a host name' });

export const SETTINGS_VERSION = 1;

export const SettingsSchema = z
  .object({
    /** The settings file's format (see core/settings/migrations.ts); files from older versions are
     * migrated when read. */
    version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
    server: z
      .object({
        /** Where every listener binds. 127.0.0.1 keeps Radiator on this machine. */
        host: hostAddress.default(DEFAULT_BIND_HOST),
        /** The HTTP API, the Prometheus API, the feed and the boards. */
        httpPort: port.default(DEFAULT_HTTP_PORT),
        /** Extra Host header names accepted (for a LAN name); loopback names always are. */
        allowedHosts: z.array(hostAddress).max(64).default([]),
        /** Browser origins allowed to call the API (besides the server's own). */
        corsOrigins: z
          .array(z.string().regex(/^https?:\/\/[^/\s]+$/, { error: 'must be an origin like http://host:port' }))
          .max(64)
          .default([]),
        /** Required from every client that is not on loopback. Needed when host is not loopback. */
        token: z.string().min(16, { error: 'must be at least 16 characters' }).max(256).nullable().default(null),
      })
      .strict()
      .prefault({}),
    receivers: z
      .object({
        statsd: z
          .object({
            udpPort: portOrOff.default(DEFAULT_STATSD_PORT),
            tcpPort: portOrOff.default(DEFAULT_STATSD_PORT),
            /** Parse on a separate thread (the default), keeping line-by-line work off the thread
             * that serves the API, the feed and the store. */
            worker: z.boolean().default(true),
            recvBufferBytes: z
              .number()
              .int()
              .min(64 * 1024, { error: 'must be at least 65536' })
              .max(256 * 1024 * 1024, { error: 'must be at most 268435456' })
              .default(DEFAULT_STATSD_RECV_BUFFER_BYTES),
          })
          .strict()
          .prefault({}),
        push: z
          .object({
            /** The Pushgateway port; pushes are also accepted on the HTTP port. */
            port: portOrOff.default(DEFAULT_PUSH_PORT),
          })
          .strict()
          .prefault({}),
        host: z
          .object({
            enabled: z.boolean().default(true),
            interval: duration(1_000, 3_600_000).default(DEFAULT_HOST_METRICS_INTERVAL_MS),
          })
          .strict()
          .prefault({}),
        /** OpenTelemetry OTLP/HTTP metrics (see telemetry-settings.ts). */
        otlp: OtlpReceiverSchema,
      })
      .strict()
      .prefault({}),
    collector: z
      .object({
        flushInterval: duration(MIN_FLUSH_INTERVAL_MS, MAX_FLUSH_INTERVAL_MS).default(DEFAULT_FLUSH_INTERVAL_MS),
        /** Current values are written again at least this often (must stay under PromQL's 5m
         * lookback). Default: 15s, or the flush interval if that is longer. */
        repeatInterval: duration(1_000, 240_000).optional(),
      })
      .strict()
      .prefault({}),
    boards: z
      .array(BoardSchema)
      .max(100)
      .prefault(DEFAULT_BOARDS)
      .refine((list) => new Set(list.map((b) => b.id)).size === list.length, { error: 'board ids must be unique' }),
    playlists: z
      .array(PlaylistSchema)
      .max(50)
      .prefault(DEFAULT_PLAYLISTS)
      .refine((list) => new Set(list.map((p) => p.id)).size === list.length, { error: 'playlist ids must be unique' }),
    display: DisplaySchema.prefault({}),
    /** The desktop app's own settings (kiosk, tray, start-up, remote). */
    shell: ShellSettingsSchema.prefault({}),
    /** CI webhooks and CCTray feeds (see docs/pipeline.md). */
    pipeline: PipelineSettingsSchema.prefault({}),
    experiments: z
      .array(ExperimentSchema)
      .max(100)
      .default([])
      .refine((l) => new Set(l.map((x) => x.id)).size === l.length, { error: 'experiment ids must be unique' }),
    oncall: z
      .array(OnCallRotationSchema)
      .max(20)
      .default([])
      .refine((l) => new Set(l.map((x) => x.id)).size === l.length, { error: 'rotation ids must be unique' }),
    alerts: z
      .object({
        rules: z
          .array(RuleSchema)
          .max(500)
          .prefault(DEFAULT_RULES)
          .refine((list) => new Set(list.map((r) => r.id)).size === list.length, { error: 'rule ids must be unique' }),
        webhooks: z
          .array(WebhookSchema)
          .max(32)
          .default([])
          .refine((list) => new Set(list.map((w) => w.id)).size === list.length, { error: 'webhook ids must be unique' }),
      })
      .strict()
      .prefault({}),
    /** Prometheus-compatible servers panels, rules and feeds may read instead of the embedded store. */
    sources: z
      .array(SourceSchema)
      .max(32)
      .default([])
      .refine((list) => new Set(list.map((s) => s.id)).size === list.length, { error: 'source ids must be unique' }),
    /** Endpoints every stored sample is forwarded to by Prometheus remote write (see remote-write-settings.ts). */
    remoteWrite: RemoteWriteListSchema,
    /** Prometheus recording rules (groups here, or rule files named here), evaluated on the
     * embedded store and written back as series. */
    recordingRules: RecordingRulesSettingsSchema,
    // ── telemetry pulled, tailed or sent by browsers (schemas in telemetry-settings.ts) ──
    /** Prometheus-style scrape targets. */
    scrape: ScrapeSettingsSchema,
    /** Log lines → metrics: intake (HTTP, syslog, files) and rules. */
    logs: LogsSettingsSchema,
    /** Browser telemetry from /client.js. */
    client: ClientSettingsSchema,
    /** Boards as code: every *.yaml, *.yml and *.json in this directory is read at start and on
     * change, and its boards, playlists and rules applied (files win over the settings UI). */
    configDir: z.string().min(1).max(4_096).nullable().default(null),
    query: z
      .object({
        /** How far back an instant selector looks for a sample (Prometheus's lookback delta). */
        lookbackDelta: duration(1_000, 3_600_000).default(5 * 60_000),
        /** Evaluation time limit per query. */
        timeout: duration(100, 600_000).default(30_000),
        /** Samples one query may load. */
        maxSamples: z.number().int().min(1_000).max(500_000_000).default(50_000_000),
        /** A data source (its id) that range queries on this Radiator read history from: steps
         * older than liveWindow come from it, newer ones from the local store (docs/scale-out.md). */
        historySource: z.string().min(1).nullable().default(null),
        liveWindow: duration(60_000, 400 * 86_400_000).default(3_600_000),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        maxSeries: z.number().int().min(100, { error: 'must be at least 100' }).max(5_000_000, { error: 'must be at most 5000000' }).default(DEFAULT_MAX_SERIES),
        hotWindow: duration(5 * 60_000, 48 * 3_600_000).default(DEFAULT_HOT_WINDOW_MS),
        /** How often open chunks are written out so the write-ahead log can be trimmed. */
        checkpointInterval: duration(1_000, 3_600_000).default(CHECKPOINT_INTERVAL_MS),
        retention: z
          .object({
            raw: duration(3_600_000, 400 * 86_400_000).default(DEFAULT_RAW_RETENTION_MS),
            rollup5m: duration(86_400_000, 5 * 365 * 86_400_000).default(DEFAULT_ROLLUP_5M_RETENTION_MS),
            rollup1h: duration(86_400_000, 20 * 365 * 86_400_000).default(DEFAULT_ROLLUP_1H_RETENTION_MS),
            events: duration(86_400_000, 20 * 365 * 86_400_000).default(DEFAULT_EVENT_RETENTION_MS),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.collector.repeatInterval !== undefined && s.collector.repeatInterval < s.collector.flushInterval) {
      ctx.addIssue({ code: 'custom', path: ['collector', 'repeatInterval'], input: s.collector.repeatInterval, message: 'must be at least collector.flushInterval' });
    }
    const r = s.store.retention;
    if (r.rollup5m < r.raw) ctx.addIssue({ code: 'custom', path: ['store', 'retention', 'rollup5m'], input: r.rollup5m, message: 'must be at least store.retention.raw' });
    if (r.rollup1h < r.rollup5m) ctx.addIssue({ code: 'custom', path: ['store', 'retention', 'rollup1h'], input: r.rollup1h, message: 'must be at least store.retention.rollup5m' });
    const hs = s.query.historySource;
    if (hs !== null && !s.sources.some((x) => x.id === hs)) {
      ctx.addIssue({ code: 'custom', path: ['query', 'historySource'], input: hs, message: `no data source has this id (there are: ${s.sources.map((x) => x.id).join(', ') || 'none'})` });
    }
    if (s.query.liveWindow > r.raw) ctx.addIssue({ code: 'custom', path: ['query', 'liveWindow'], input: s.query.liveWindow, message: 'must be at most store.retention.raw (the local store answers the live window)' });
    const boardIds = new Set(s.boards.map((b) => b.id));
    s.playlists.forEach((p, i) =>
      p.boards.forEach((b, j) => {
        if (!boardIds.has(b)) ctx.addIssue({ code: 'custom', path: ['playlists', i, 'boards', j], input: b, message: 'no board has this id' });
      }),
    );
    const playlistIds = new Set(s.playlists.map((p) => p.id));
    if (!playlistIds.has(s.display.defaultPlaylist)) {
      ctx.addIssue({ code: 'custom', path: ['display', 'defaultPlaylist'], input: s.display.defaultPlaylist, message: 'no playlist has this id' });
    }
    for (const [screen, pl] of Object.entries(s.display.screens)) {
      if (!playlistIds.has(pl)) ctx.addIssue({ code: 'custom', path: ['display', 'screens', screen], input: pl, message: 'no playlist has this id' });
    }
    const loopback = s.server.host === '127.0.0.1' || s.server.host === '::1' || s.server.host === 'localhost';
    if (!loopback && s.server.token === null) {
      ctx.addIssue({ code: 'custom', path: ['server', 'token'], input: null, message: `must be set when server.host is ${s.server.host} (not loopback): clients on the LAN authenticate with it` });
    }
  })
  .transform((s) => ({
    ...s,
    collector: { ...s.collector, repeatInterval: s.collector.repeatInterval ?? Math.max(DEFAULT_REPEAT_INTERVAL_MS, s.collector.flushInterval) },
  }));

export type Settings = z.output<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} settings are invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + '...' : s;
};

/** Validate settings; throws SettingsError whose lines read
 * "receivers.statsd.udpPort = 70000: must be between 1 and 65535". */
export function parseSettings(input: unknown): Settings {
  const r = SettingsSchema.safeParse(input ?? {}, { reportInput: true });
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const path = i.path.join('.') || '(settings)';
    if (i.code === 'unrecognized_keys') return `${path === '(settings)' ? '' : path + '.'}${i.keys.join(', ')}: unknown setting`;
    const input = 'input' in i ? i.input : undefined;
    return `${path} = ${show(input)}: ${i.message}`;
  });
  throw new SettingsError(problems);
}

export function defaultSettings(): Settings {
  return parseSettings({});
}
