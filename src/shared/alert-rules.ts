// Alert rules, notification targets and silences as settings: one schema, shared by the core,
// the settings UI and the desktop shell. A rule is a PromQL expression on a data source plus a
// condition (a threshold, mean ± k·σ over a trailing window, "anomalous", or Prometheus's "every
// series the expression returns").

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Grafana's alert states (Recovering is the keep_firing_for period). */
export const ALERT_STATES = ['normal', 'pending', 'firing', 'recovering', 'nodata', 'error'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)' });

export const ConditionSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('threshold'),
        /** above: value > threshold; below: value < threshold; outside: value < min or > max. */
        op: z.enum(['above', 'below', 'outside']),
        threshold: z.number().optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        /** How far back inside the line a value must come before the alert clears (hysteresis),
         * in the value's units; default 5 % of the threshold's magnitude. */
        hysteresis: z.number().min(0).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('sigma'),
        /** Fire outside mean ± k·σ of the trailing window ("three standard deviations"). */
        k: z.number().min(0.5).max(10).default(3),
        window: durationSchema(60_000, 30 * 86_400_000).default(3_600_000),
        /** Clear only back inside mean ± (k − hysteresis)·σ. */
        hysteresis: z.number().min(0).max(5).default(0.5),
        /** Which side of the band counts: a latency or error rule cares only about "above". */
        direction: z.enum(['both', 'above', 'below']).default('both'),
      })
      .strict(),
    z
      .object({
        type: z.literal('anomaly'),
        /** Ensemble score at or above which a point is anomalous (0–1). */
        threshold: z.number().min(0.05).max(1).default(0.6),
        /** History used to warm the detectors up when the rule starts. */
        warmup: durationSchema(0, 30 * 86_400_000).default(6 * 3_600_000),
        /** Consecutive evaluations an onset must be seen on before the condition holds (a
         * single odd point is not an incident). */
        confirm: z.number().int().min(1).max(20).default(2),
        /** An incident ends when the value is back inside the band the detectors expected at
         * its onset by this share of the band's half-width. */
        hysteresis: z.number().min(0).max(0.9).default(0.25),
      })
      .strict(),
    /** Prometheus's alerting rule: every series the expression returns is an alert (the expression
     * holds the condition, as in `x > 0.9`), gone from the result it no longer holds. An empty
     * result is the normal state, never "nodata". */
    z.object({ type: z.literal('present') }).strict(),
  ],
  { error: 'must be {type: "threshold" | "sigma" | "anomaly" | "present", …}' },
);

export const RuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' }),
    name: z.string().min(1).max(120),
    enabled: z.boolean().default(true),
    source: z.string().default('embedded'),
    expr: z.string().min(1).max(10_000),
    condition: ConditionSchema,
    /** How long the condition must hold before firing. */
    for: durationSchema(0, 7 * 86_400_000).default(0),
    /** How long an alert keeps firing after the condition stops (state "recovering"). */
    keepFiringFor: durationSchema(0, 7 * 86_400_000).default(0),
    /** Evaluation interval. */
    interval: durationSchema(1_000, 3_600_000).default(15_000),
    severity: z.enum(SEVERITIES).default('warning'),
    labels: z.record(labelName, z.string().max(1_000)).default({}),
    /** Templates: {{ $labels.instance }}, {{ $value }}, {{ $value | humanize }},
     * humanizePercentage, humanizeDuration. */
    summary: z.string().max(1_000).default('{{ $labels.alertname }} is {{ $value | humanize }}'),
    /** More annotations (`description`, …), templated like the summary; with the summary and the
     * runbook they are what the Prometheus API and the webhooks show. */
    annotations: z.record(labelName, z.string().max(10_000)).default({}),
    runbookUrl: z
      .string()
      .max(2_000)
      .refine((u) => u === '' || /^https?:\/\//.test(u), { error: 'must be an http(s) URL or empty' })
      .default(''),
    /** What a rule whose query returns nothing is: its own state, or normal. */
    noData: z.enum(['nodata', 'normal']).default('nodata'),
    /** The board (and panel) to bring forward while this fires. */
    board: z.string().optional(),
    panel: z.string().optional(),
    /** The on-call rotation that answers for it (its id in `oncall`); the first one if unset. */
    oncall: z.string().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const c = r.condition;
    if (c.type === 'threshold') {
      if (c.op === 'outside') {
        if (c.min === undefined || c.max === undefined) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'an "outside" threshold needs min and max' });
        else if (c.min >= c.max) ctx.addIssue({ code: 'custom', path: ['condition', 'min'], input: c.min, message: 'must be below max' });
      } else if (c.threshold === undefined) ctx.addIssue({ code: 'custom', path: ['condition', 'threshold'], input: undefined, message: `an "${c.op}" condition needs a threshold` });
    }
  });

export type Rule = z.output<typeof RuleSchema>;
export type RuleInput = z.input<typeof RuleSchema>;

export const WebhookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' }),
    url: z.string().regex(/^https?:\/\/\S+$/, { error: 'must be an http(s) URL' }),
    /** json: Alertmanager-style body; slack: a Slack incoming-webhook body. */
    format: z.enum(['json', 'slack']).default('json'),
    minSeverity: z.enum(SEVERITIES).default('warning'),
    headers: z.record(z.string(), z.string()).default({}),
    /** At most one message about the same alert in the same state per this interval (a flapping
     * alert does not flood the channel). */
    repeatInterval: durationSchema(0, 86_400_000).default(5 * 60_000),
    /** At most this many messages a minute to this target. */
    maxPerMinute: z.number().int().min(1).max(600).default(20),
  })
  .strict();

export type Webhook = z.output<typeof WebhookSchema>;

export const SilenceSchema = z
  .object({
    matchers: z
      .array(z.object({ name: labelName.or(z.literal('alertname')), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() }).strict())
      .min(1, { error: 'a silence needs at least one matcher' }),
    endsAt: z.number().int().positive(),
    startsAt: z.number().int().optional(),
    createdBy: z.string().max(100).default('someone'),
    comment: z.string().max(1_000).default(''),
  })
  .strict();

export type SilenceInput = z.input<typeof SilenceSchema>;

export interface Silence extends z.output<typeof SilenceSchema> {
  id: string;
  startsAt: number;
}

/** An alert instance as the API, the feed and the shell see it. */
export interface AlertInstance {
  /** Stable for a rule and a label set. */
  fingerprint: string;
  ruleId: string;
  ruleName: string;
  state: AlertState;
  severity: Severity;
  labels: Record<string, string>;
  summary: string;
  runbookUrl: string;
  /** Every annotation, rendered: the summary and runbook_url, and the rule's others. */
  annotations: Record<string, string>;
  value: number | null;
  /** When the current state began. */
  since: number;
  /** When this episode began (it went pending, or fired at once): Prometheus's `activeAt`. */
  activeAt: number | null;
  /** When it first fired in this episode (null if it has not). */
  firedAt: number | null;
  silencedBy: string[];
  ack: { by: string; at: number; comment: string } | null;
  board: string | null;
  panel: string | null;
  /** Why (anomaly explanation, or the error for state "error"). */
  reason: string;
  /** Who is on call for it now, when a rotation is set up. */
  onCall: string | null;
}
