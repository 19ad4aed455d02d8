// Prometheus rule groups, as a rule file writes them (`groups:` → `rules:` with `record:`), in the
// settings (`recordingRules.groups`) or in rule files the settings name (`recordingRules.files`).
// Recording rules are evaluated on the embedded store and their results written back as series
// (src/main/core/rules/); `alert:` rules are accepted in a file (kube and node mixins mix both)
// and listed as not evaluated here: Radiator's alerting has its own rules (`alerts.rules`).

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';

/** A recording rule: `record` names the series written; `labels` are added to (and replace) the
 * result's labels. */
export const RecordingRuleSchema = z
  .object({
    record: z.string().min(1).max(200),
    expr: z.union([z.string().min(1).max(10_000), z.number()]).transform((e) => String(e)),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** An alerting rule, as Prometheus writes it: kept so a mixin's file loads; not evaluated here. */
export const AlertingRuleSchema = z
  .object({
    alert: z.string().min(1).max(200),
    expr: z.union([z.string().min(1).max(10_000), z.number()]).transform((e) => String(e)),
    for: z.string().optional(),
    keep_firing_for: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const PromRuleSchema = z.union([RecordingRuleSchema, AlertingRuleSchema], { error: 'a rule has either "record" and "expr", or "alert" and "expr"' });

export const RuleGroupSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** How often the group is evaluated (default: recordingRules.interval). */
    interval: durationSchema(1_000, 24 * 3_600_000).optional(),
    /** At most this many series per rule result (0: no limit), as Prometheus's `limit`. */
    limit: z.number().int().min(0).max(1_000_000).default(0),
    rules: z.array(PromRuleSchema).max(1_000),
  })
  .strict();

export const RecordingRulesSettingsSchema = z
  .object({
    /** Prometheus rule files (YAML), read at start and whenever this section is saved. */
    files: z.array(z.string().min(1).max(4_096)).max(64).default([]),
    /** Rule groups written here rather than in a file. */
    groups: z.array(RuleGroupSchema).max(500).default([]),
    /** Evaluation interval of groups that set none (Prometheus's global evaluation_interval). */
    interval: durationSchema(1_000, 3_600_000).default(60_000),
  })
  .strict()
  .prefault({});

export type RecordingRule = z.output<typeof RecordingRuleSchema>;
export type AlertingRule = z.output<typeof AlertingRuleSchema>;
export type RuleGroup = z.output<typeof RuleGroupSchema>;
export type RecordingRulesSettings = z.output<typeof RecordingRulesSettingsSchema>;

export const isRecordingRule = (r: RecordingRule | AlertingRule): r is RecordingRule => 'record' in r;
