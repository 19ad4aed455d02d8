// A rule file's alerting rules as rules of Radiator's alerting: every node-mixin and
// kubernetes-mixin alert maps (condition `present`, `for` and `keep_firing_for`, labels and
// annotations as written, a severity for the TV), ids that survive a reload, and the problems
// `promtool check rules` reports for an alerting rule, in its words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertRuleId, alertRulesOf, parseRuleFile, severityOf } from '../../../../src/main/core/rules/index.ts';
import { RuleSchema } from '../../../../src/shared/alert-rules.ts';
import { renderTemplate } from '../../../../src/main/core/alerts/template.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/rules');
const load = (f: string) => parseRuleFile(readFileSync(join(FIXTURES, f), 'utf8'), f, 60_000);

describe('alerting rules of a rule file', () => {
  it("maps the node mixin's 26 alerting rules, each as Prometheus wrote it", () => {
    const r = load('node-exporter-rules.yaml');
    expect(r.problems).toEqual([]);
    const rules = alertRulesOf(r.groups);
    expect(rules).toHaveLength(26);
    expect(new Set(rules.map((x) => x.id)).size).toBe(26);
    // Each is a valid rule of Radiator's alerting (what the engine and settings schema accept).
    for (const { prometheus: _p, ...x } of rules) expect(RuleSchema.safeParse(x).error?.issues ?? []).toEqual([]);
    const fill = rules.filter((x) => x.name === 'NodeFilesystemSpaceFillingUp');
    expect(fill.map((x) => [x.labels.severity, x.severity, x.for, x.keepFiringFor])).toEqual([
      ['warning', 'warning', 3_600_000, 0],
      ['critical', 'critical', 3_600_000, 0],
    ]);
    expect(fill[0]).toMatchObject({
      condition: { type: 'present' },
      source: 'embedded',
      interval: 60_000,
      noData: 'normal',
      summary: 'Filesystem is predicted to run out of space within the next 24 hours.',
      runbookUrl: 'https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemspacefillingup',
      prometheus: { file: 'node-exporter-rules.yaml', group: 'node-exporter' },
    });
    expect(Object.keys(fill[0]!.annotations)).toEqual(['description', 'runbook_url', 'summary']);
    expect(fill[0]!.annotations.description).toContain('{{ printf "%.2f" $value }}%');
    expect(fill[0]!.expr).toContain('predict_linear(node_filesystem_avail_bytes');
    const conntrack = rules.find((x) => x.name === 'NodeHighNumberConntrackEntriesUsed')!;
    expect([conntrack.for, conntrack.labels]).toEqual([0, { severity: 'warning' }]);
    expect(rules.find((x) => x.name === 'NodeCPUHighUsage')!.severity).toBe('info');
  });

  it('maps every alerting rule of the kubernetes mixin (63, in groups with their own intervals)', () => {
    const r = load('kubernetes-mixin-rules.yaml');
    expect(r.problems).toEqual([]);
    const rules = alertRulesOf(r.groups);
    expect(rules).toHaveLength(63);
    expect(rules.every((x) => x.condition.type === 'present' && x.prometheus !== undefined)).toBe(true);
  });

  it('renders every annotation and label of both mixins with nothing left as written', () => {
    const left: string[] = [];
    for (const f of ['node-exporter-rules.yaml', 'kubernetes-mixin-rules.yaml']) {
      for (const r of alertRulesOf(load(f).groups)) {
        const data = { labels: { __name__: 'x', instance: 'a:9100', namespace: 'shop', cluster: 'eu', device: 'sda' }, value: 0.123 };
        for (const [k, tpl] of [...Object.entries(r.annotations), ...Object.entries(r.labels)]) {
          const out = renderTemplate(tpl, data, { prometheus: true });
          if (out.includes('{{')) left.push(`${r.name} ${k}: ${out}`);
        }
      }
    }
    expect(left).toEqual([]);
  });

  it('keeps an id through a reload that moves other rules, and tells apart two rules of one name', () => {
    const file = (extra: string) =>
      parseRuleFile(
        `groups:\n  - name: g\n    rules:\n${extra}      - alert: Full\n        expr: disk > 0.9\n        labels: { severity: warning }\n      - alert: Full\n        expr: disk > 0.95\n        labels: { severity: critical }\n`,
        'f.yml',
        60_000,
      ).groups[0]!;
    const before = file('');
    const after = file('      - record: job:disk:max\n        expr: max(disk)\n');
    expect([alertRuleId(before, 0), alertRuleId(before, 1)]).toEqual([alertRuleId(after, 1), alertRuleId(after, 2)]);
    expect(alertRuleId(before, 0)).not.toBe(alertRuleId(before, 1));
    expect(alertRuleId(before, 0)).toMatch(/^file-[0-9a-f]{16}$/);
  });

  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['warning', 'warning'],
    ['ticket', 'warning'],
    [undefined, 'warning'],
    ['info', 'info'],
    ['none', 'info'],
  ])('a severity label %s is Radiator severity %s', (label, want) => {
    expect(severityOf(label)).toBe(want);
  });

  const rule = (body: string) => `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n${body}`;
  it.each([
    ['        for: soon\n', /^f\.yml:4:9: group "g", rule 1, "A": for: not a valid duration string: "soon"$/],
    ['        for: 1.5h\n', /"A": for: not a valid duration string: "1\.5h"$/],
    ['        for: 300\n', /"A": for: not a valid duration string: "300"$/],
    ['        keep_firing_for: 5m1h\n', /"A": keep_firing_for: not a valid duration string: "5m1h"$/],
    ['        annotations: { "1x": y }\n', /"A": invalid annotation name: 1x$/],
    ['        labels: { __name__: y }\n', /"A": invalid label name: __name__$/],
    ['        annotations: { summary: "{{ $value | humanise }}" }\n', /"A": annotation "summary": template: __alert_A:1: function "humanise" not defined$/],
    ['        labels: { team: "{{ $labels.team" }\n', /"A": label "team": template: __alert_A:1: unclosed action$/],
    ['        annotations: { summary: "{{ end }}" }\n', /"A": annotation "summary": template: __alert_A:1: unexpected \{\{end\}\}$/],
    ['        keep: 1m\n', /^f\.yml:2:5: groups\.0\.rules\.0: /],
  ])('refuses an alerting rule promtool refuses, saying where and why: %#', (body, problem) => {
    const r = parseRuleFile(rule(body), 'f.yml', 60_000);
    expect(r.groups).toEqual([]);
    expect(r.problems).toEqual([expect.stringMatching(problem)]);
  });

  it('reads the durations promtool reads: 0, 1h30m, 1d, and keep_firing_for', () => {
    const r = parseRuleFile(rule('        for: 0\n        keep_firing_for: 1h30m\n      - alert: B\n        expr: up == 0\n        for: 1d\n'), 'f.yml', 60_000);
    expect(r.problems).toEqual([]);
    expect(alertRulesOf(r.groups).map((x) => [x.name, x.for, x.keepFiringFor])).toEqual([
      ['A', 0, 5_400_000],
      ['B', 86_400_000, 0],
    ]);
  });
});
