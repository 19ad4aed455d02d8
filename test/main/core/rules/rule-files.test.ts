// Rule files as `promtool check rules` reads them: the node-mixin and kubernetes-mixin rule files
// of kube-prometheus load whole; a broken file names the file, line, group and rule; recorded
// series get the rule's labels on top of the result's, and a duplicate label set or a result past
// the group's limit is an error, as in Prometheus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGroups, loadRecordingRules, parseRuleFile, recordedSamples } from '../../../../src/main/core/rules/index.ts';
import { RecordingRulesSettingsSchema } from '../../../../src/shared/recording-rules.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/rules');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

describe('rule files', () => {
  it("loads kube-prometheus's node-exporter rules: 15 recording rules, 26 alerting rules kept as such", () => {
    const r = parseRuleFile(read('node-exporter-rules.yaml'), 'node-exporter-rules.yaml', 60_000);
    expect(r.problems).toEqual([]);
    expect(r.groups.map((g) => g.name)).toEqual(['node-exporter', 'node-exporter.rules']);
    const rules = r.groups.flatMap((g) => g.rules);
    expect(rules.filter((x) => x.kind === 'record')).toHaveLength(15);
    expect(rules.filter((x) => x.kind === 'alert')).toHaveLength(26);
    expect(rules.find((x) => x.name === 'instance:node_cpu_utilisation:rate5m')?.exprText).toContain('rate(node_cpu_seconds_total');
  });

  it('loads the kubernetes-mixin rules (71 recording rules, several groups with their own intervals)', () => {
    const r = parseRuleFile(read('kubernetes-mixin-rules.yaml'), 'kubernetes-mixin-rules.yaml', 60_000);
    expect(r.problems).toEqual([]);
    expect(r.groups.flatMap((g) => g.rules).filter((x) => x.kind === 'record')).toHaveLength(71);
    expect(new Set(r.groups.map((g) => g.intervalMs)).size).toBeGreaterThan(1);
  });

  it.each([
    ['groups:\n  - name: g\n    rules:\n      - record: "bad name"\n        expr: up\n', /^f\.yml:4:9: group "g", rule 1, "bad name": invalid recording rule name: bad name$/],
    ['groups:\n  - name: g\n    rules:\n      - record: ok\n        expr: up\n      - record: job:x\n        expr: sum(\n', /^f\.yml:6:9: group "g", rule 2, "job:x": could not parse expression: /],
    ['groups:\n  - name: g\n    rules:\n      - record: ok\n        expr: up\n        labels: { "1x": y }\n', /group "g", rule 1, "ok": invalid label name: 1x/],
    ['groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n', /^f\.yml:4:5: g: groupname: "g" is repeated in the same file$/],
    ['groups:\n  - name: g\n    rules:\n      - record: ok\n        expr: up\n        for: 5m\n', /^f\.yml:2:5: groups\.0\.rules\.0: /],
    ['groups:\n  - name: g\n    interval: often\n    rules: []\n', /^f\.yml:2:5: groups\.0\.interval: /],
    ['rule_files: []\n', /a rule file is a map with a "groups" list/],
    ['groups:\n  - name: g\n    rules:\n      - record: ok\n        expr: [unclosed\n', /^f\.yml: /],
  ])('refuses a broken file and says where: %#', (text, problem) => {
    const r = parseRuleFile(text, 'f.yml', 60_000);
    expect(r.groups).toEqual([]);
    expect(r.problems.some((p) => problem.test(p))).toBe(true);
  });

  it('takes groups written in the settings, and reads the files they name (a missing one named, the rest loaded)', () => {
    const s = RecordingRulesSettingsSchema.parse({
      interval: '30s',
      files: [join(FIXTURES, 'node-exporter-rules.yaml'), join(FIXTURES, 'missing.yaml')],
      groups: [{ name: 'mine', interval: '10s', rules: [{ record: 'job:requests:rate1m', expr: 'sum by (job) (rate(requests_total[1m]))' }] }],
    });
    const r = loadRecordingRules(s);
    expect(r.problems).toEqual([expect.stringMatching(/missing\.yaml: cannot read the rule file \(ENOENT\)/)]);
    expect(r.groups.map((g) => [g.name, g.intervalMs, g.file === null])).toEqual([
      ['mine', 10_000, true],
      ['node-exporter', 30_000, false],
      ['node-exporter.rules', 30_000, false],
    ]);
    const bad = checkGroups([{ name: 'mine', limit: 0, rules: [{ record: 'x', expr: 'rate(' }] }], null, 60_000, (gi) => `recordingRules.groups.${gi}: `);
    expect(bad.problems).toEqual([expect.stringMatching(/^recordingRules\.groups\.0: group "mine", rule 1, "x": could not parse expression/)]);
  });
});

describe('what a recording rule writes', () => {
  const rule = checkGroups([{ name: 'g', limit: 0, rules: [{ record: 'job:up:sum', expr: 'sum by (job, env) (up)', labels: { team: 'shop', env: '' } }] }], null, 60_000).groups[0]!.rules[0]!;

  it("names the series, keeps the result's labels, puts the rule's on top and removes those set empty", () => {
    const out = recordedSamples(rule, [{ labels: [['env', 'prod'], ['job', 'api']], value: 3 }], 1_000, 0);
    expect(out).toEqual([{ name: 'job:up:sum', labels: [['job', 'api'], ['team', 'shop']], value: 3, tsMs: 1_000, fold: 'last' }]);
  });

  it('refuses two series that end with one label set, and a result past the limit', () => {
    expect(() =>
      recordedSamples(rule, [
        { labels: [['env', 'prod'], ['job', 'api']], value: 1 },
        { labels: [['env', 'dev'], ['job', 'api']], value: 2 },
      ], 0, 0),
    ).toThrow('vector contains metrics with the same labelset after applying rule labels');
    expect(() => recordedSamples(rule, [{ labels: [['job', 'a']], value: 1 }, { labels: [['job', 'b']], value: 1 }], 0, 1)).toThrow('exceeded limit of 1 with 2 series');
  });
});
