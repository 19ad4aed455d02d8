// Alerts and alerting rules in the Prometheus HTTP API's shapes (`GET /api/v1/alerts`, the
// alerting rules of `GET /api/v1/rules`), for Radiator's own rules and those of rule files alike,
// so Grafana — or anything that reads Prometheus — lists them as it lists Prometheus's: an alert
// only while pending or firing (recovering is Prometheus's firing under keep_firing_for), its
// activeAt when the episode began, its value as Go's strconv.FormatFloat(v, 'e', -1, 64).

import type { AlertInstance } from '../../../shared/alert-rules.ts';
import type { EngineRule } from './engine.ts';
import { formatFloat } from './go-format.ts';

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface AlertingRuleStatus {
  state: 'inactive' | 'pending' | 'firing';
  name: string;
  query: string;
  /** `for`, in seconds. */
  duration: number;
  /** `keep_firing_for`, in seconds. */
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: PromAlert[];
  health: 'ok' | 'err' | 'unknown';
  /** Left out when there is none, as Prometheus leaves it out. */
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

export interface RuleEvaluation {
  lastEval: number;
  lastError: string | null;
  lastDurationMs: number;
}

const NEVER = '0001-01-01T00:00:00Z';

/** An alert as Prometheus lists it, or null for a state Prometheus has no alert in (normal, and
 * Radiator's rule-level nodata and error). */
export function promAlert(a: AlertInstance): PromAlert | null {
  if (a.state !== 'pending' && a.state !== 'firing' && a.state !== 'recovering') return null;
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state === 'pending' ? 'pending' : 'firing',
    activeAt: new Date(a.activeAt ?? a.since).toISOString(),
    value: a.value === null ? 'NaN' : formatFloat(a.value, 'e', -1),
  };
}

/** An alerting rule with its alerts (`alerts`: the engine's current ones, any rule's). */
export function alertingRuleStatus(rule: EngineRule, ev: RuleEvaluation, alerts: readonly AlertInstance[]): AlertingRuleStatus {
  const mine = alerts.filter((a) => a.ruleId === rule.id).flatMap((a) => promAlert(a) ?? []);
  const state = mine.some((a) => a.state === 'firing') ? 'firing' : mine.length > 0 ? 'pending' : 'inactive';
  // A file's rule shows its own labels and annotations (templates, as written); Radiator's own its
  // severity, summary and runbook as the label and annotations its alerts get.
  const labels = rule.prometheus ? rule.labels : { ...rule.labels, severity: rule.severity };
  const annotations = rule.prometheus ? rule.annotations : { summary: rule.summary, ...(rule.runbookUrl ? { runbook_url: rule.runbookUrl } : {}), ...rule.annotations };
  return {
    state,
    name: rule.name,
    query: rule.expr,
    duration: rule.for / 1000,
    keepFiringFor: rule.keepFiringFor / 1000,
    labels,
    annotations,
    alerts: mine,
    health: ev.lastError ? 'err' : ev.lastEval ? 'ok' : 'unknown',
    ...(ev.lastError ? { lastError: ev.lastError } : {}),
    evaluationTime: ev.lastDurationMs / 1000,
    lastEvaluation: ev.lastEval ? new Date(ev.lastEval).toISOString() : NEVER,
    type: 'alerting',
  };
}
