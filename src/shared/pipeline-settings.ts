// Settings for the pipeline and the experiment: CI webhooks (with their secrets), CCTray feeds,
// A/B experiments written as hypothesis cards, and on-call rotations. One schema, shared by the
// core, the settings UI and the docs.

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' });
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: 'must be a date and time like 2026-11-02T09:00:00Z' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 09:00' });
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone like Europe/Berlin' },
);

export const WEBHOOK_SENDERS = ['github', 'gitlab', 'generic'] as const;

export const PipelineSettingsSchema = z
  .object({
    /** Each sender posts to /api/v1/webhooks/<type>/<id>; its secret checks the signature. */
    webhooks: z
      .array(
        z
          .object({
            id,
            type: z.enum(WEBHOOK_SENDERS),
            /** GitHub: the webhook secret (HMAC-SHA256); GitLab: the secret token; generic: HMAC-SHA256 like GitHub. */
            secret: z.string().min(16, { error: 'must be at least 16 characters' }).max(256),
            /** Deploys to these environments count for DORA (empty: all). */
            environments: z.array(z.string().max(100)).max(20).default([]),
          })
          .strict(),
      )
      .max(32)
      .default([])
      .refine((l) => new Set(l.map((w) => w.id)).size === l.length, { error: 'webhook ids must be unique' }),
    /** cctray.xml feeds (Jenkins, GoCD, TeamCity, Buildkite, …) polled on an interval. */
    cctray: z
      .array(
        z
          .object({
            id,
            url: z.string().regex(/^https?:\/\/\S+$/, { error: 'must be an http(s) URL' }),
            interval: durationSchema(5_000, 3_600_000).default(30_000),
            timeout: durationSchema(500, 60_000).default(10_000),
            auth: z
              .discriminatedUnion('type', [
                z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
                z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }).strict(),
              ])
              .nullable()
              .default(null),
          })
          .strict(),
      )
      .max(32)
      .default([])
      .refine((l) => new Set(l.map((w) => w.id)).size === l.length, { error: 'feed ids must be unique' }),
  })
  .strict();

/** We believe <change> will result in <outcome>; we will have confidence to proceed when
 * <metric> moves by <minimumEffect> within <horizon>. */
export const ExperimentSchema = z
  .object({
    id,
    name: z.string().min(1).max(120),
    believe: z.string().min(1).max(500),
    willResultIn: z.string().min(1).max(500),
    /** What "confidence to proceed" is measured on, in words (the metric's meaning). */
    proceedWhen: z.string().min(1).max(500),
    /** Counters with a `variant` label: PromQL selectors (e.g. experiment_exposures{experiment="x"}). */
    exposures: z.string().min(1).max(1_000),
    conversions: z.string().min(1).max(1_000),
    variantLabel: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).default('variant'),
    control: z.string().min(1).max(100).default('control'),
    /** Relative change that matters: 0.05 = +5 %; negative when the metric should fall. */
    minimumEffect: z.number().min(-0.99).max(10).refine((x) => x !== 0, { error: 'must not be 0' }),
    horizon: durationSchema(3_600_000, 365 * 86_400_000),
    startedAt: isoTime,
    alpha: z.number().min(0.001).max(0.2).default(0.05),
    power: z.number().min(0.5).max(0.99).default(0.8),
    /** The control's expected rate, known before the test (sizes the sample, fixes the sequential test's prior). */
    baselineRate: z.number().gt(0).lt(1).nullable().default(null),
    /** Planned traffic split by variant; equal when absent. */
    expectedSplit: z.record(z.string(), z.number().positive()).nullable().default(null),
  })
  .strict();

export const OnCallRotationSchema = z
  .object({
    id,
    name: z.string().min(1).max(80),
    people: z.array(z.string().min(1).max(80)).min(1).max(100),
    /** 0 = Sunday. */
    handoffWeekday: z.number().int().min(0).max(6).default(1),
    handoffTime: hhmm.default('09:00'),
    timeZone: timeZone.default('UTC'),
    /** A hand-off at which the first person started. */
    start: isoTime,
    overrides: z.array(z.object({ person: z.string().min(1).max(80), from: isoTime, to: isoTime }).strict()).max(200).default([]),
  })
  .strict()
  .superRefine((r, ctx) =>
    r.overrides.forEach((o, i) => {
      if (Date.parse(o.to) <= Date.parse(o.from)) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'to'], input: o.to, message: 'must be after from' });
    }),
  );

export type PipelineSettings = z.output<typeof PipelineSettingsSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type OnCallRotationSettings = z.output<typeof OnCallRotationSchema>;
