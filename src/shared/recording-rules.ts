// Prometheus rule groups, as a rule file writes them (`groups:` → `rules:` with `record:` or
// `alert:`), in the settings (`recordingRules.groups`) or in rule files the settings name
// (`recordingRules.files`). Recording rules are evaluated on the embedded store and their results
// written back as series; alerting rules become rules of Radiator's alerting, evaluated with its
// own beside `alerts.rules` (src/main/core/rules/).

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

/** A Prometheus duration as YAML gives it (`5m`, or the number 0); parsed when the rule is checked,
 * with Prometheus's grammar. */
const promDuration = z.union([z.string(), z.number()]).transform((d) => String(d));

/** An alerting rule, as Prometheus writes it: every series `expr` returns is an alert, pending for
 * `for`, kept firing for `keep_firing_for` after it goes. */
export const AlertingRuleSchema = z
  .object({
    alert: z.string().min(1).max(200),
    expr: z.union([z.string().min(1).max(10_000), z.number()]).transform((e) => String(e)),
    for: promDuration.optional(),
    keep_firing_for: promDuration.optional(),
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
