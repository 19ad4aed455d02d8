// A Prometheus rule file's alerting rules (`alert:`) as rules of Radiator's alerting, so they go
// through the one engine, state machine, notifications, tray and TV takeover as Radiator's own:
// condition `present` (every series `expr` returns is an alert), `for` as the pending time,
// `keep_firing_for` as the time an alert keeps firing once its series is gone, the rule's labels
// and annotations as Prometheus applies them (templates; see alerts/template.ts for what renders).
// Evaluated on the embedded store at the group's interval. Not here: the engine itself, and
// `GET /api/v1/rules`'s shapes (alerts/prometheus-api.ts).

import { createHash } from 'node:crypto';
import type { AlertInstance, Severity } from '../../../shared/alert-rules.ts';
import type { EngineRule } from '../alerts/engine.ts';
import { alertingRuleStatus, type RuleEvaluation } from '../alerts/prometheus-api.ts';
import { EMBEDDED_SOURCE_ID } from '../sources/embedded-source.ts';
import type { GroupStatus } from './recording-rules.ts';
import type { LoadedGroup } from './rule-files.ts';

/** Radiator's severity (which orders alerts on the TV and in the tray, and which webhooks'
 * minSeverity reads) from a rule's `severity` label; the label itself stays as written. */
export function severityOf(label: string | undefined): Severity {
  const s = (label ?? '').toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'error' || s === 'high') return 'critical';
  if (s === 'info' || s === 'none' || s === 'low') return 'info';
  return 'warning';
}

/** A stable id for the alerting rule at `index` of `group`: its file, group, name and labels, and
 * which of the rules alike it is (the node mixin has two NodeFilesystemSpaceFillingUp, told apart
 * by their labels), so a reload that moves other rules keeps its alerts and acknowledgements. */
export function alertRuleId(group: LoadedGroup, index: number): string {
  const rule = group.rules[index]!;
  const same = (i: number) => group.rules[i]!.kind === 'alert' && group.rules[i]!.name === rule.name && JSON.stringify(group.rules[i]!.labels) === JSON.stringify(rule.labels);
  let nth = 0;
  for (let i = 0; i < index; i++) if (same(i)) nth++;
  const key = JSON.stringify([group.file, group.name, rule.name, rule.labels, nth]);
  return `file-${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
}

/** The alerting rules of these groups, as the alert engine runs them. */
export function alertRulesOf(groups: readonly LoadedGroup[]): EngineRule[] {
  const out: EngineRule[] = [];
  for (const g of groups) {
    g.rules.forEach((r, index) => {
      if (r.kind !== 'alert') return;
      const labels = Object.fromEntries(r.labels);
      const annotations = Object.fromEntries(r.annotations);
      const runbook = annotations.runbook_url ?? '';
      out.push({
        id: alertRuleId(g, index),
        name: r.name,
        enabled: true,
        source: EMBEDDED_SOURCE_ID,
        expr: r.exprText,
        condition: { type: 'present' },
        for: r.forMs,
        keepFiringFor: r.keepFiringForMs,
        interval: g.intervalMs,
        severity: severityOf(labels.severity),
        labels,
        // What the TV, the tray and notifications show: the summary, or else the description.
        summary: annotations.summary ?? annotations.description ?? '',
        annotations,
        runbookUrl: /^https?:\/\//.test(runbook) ? runbook : '',
        noData: 'normal',
        // Not its place in the group: a reload that moves it keeps its alerts.
        prometheus: { file: g.file, group: g.name },
      });
    });
  }
  return out;
}

/** The rule files' groups for `GET /api/v1/rules`, their alerting rules as the engine has them
 * (state, alerts, health) in place of the recording-rule evaluator's placeholder. */
export function withAlerting(
  groups: readonly GroupStatus[],
  loaded: readonly LoadedGroup[],
  engine: { ruleStatus(): Array<{ rule: EngineRule } & RuleEvaluation>; alerts(): AlertInstance[] },
): GroupStatus[] {
  const status = new Map(engine.ruleStatus().map((s) => [s.rule.id, s]));
  const current = engine.alerts();
  return groups.map((gs, gi) => {
    const g = loaded[gi];
    if (!g) return gs;
    return {
      ...gs,
      rules: gs.rules.map((rs, ri) => {
        if (g.rules[ri]?.kind !== 'alert') return rs;
        const s = status.get(alertRuleId(g, ri));
        return s ? alertingRuleStatus(s.rule, s, current) : rs;
      }),
    };
  });
}
