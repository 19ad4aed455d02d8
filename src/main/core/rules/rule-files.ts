// Prometheus rule files, read and checked the way `promtool check rules` does: the YAML shape,
// unique group names per file, a valid metric name to record, valid label and annotation names,
// an expression the PromQL parser takes, and for an alerting rule durations Prometheus reads and
// templates Go would parse. Every problem names the file, the line, the group and the rule, as
// promtool's messages do; a file with problems loads none of its groups.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { RuleGroupSchema, isRecordingRule, type RecordingRulesSettings, type RuleGroup } from '../../../shared/recording-rules.ts';
import type { LabelPairs } from '../../../shared/model.ts';
import { isValidLabelName, isValidMetricName } from '../labels.ts';
import { type Expr, parseDurationMs, parsePromQL } from '../promql/index.ts';
import { checkTemplate } from '../alerts/template.ts';

export interface CheckedRule {
  kind: 'record' | 'alert';
  /** The series a recording rule writes, or the alert's name. */
  name: string;
  exprText: string;
  expr: Expr;
  /** Sorted, as series labels are. For an alerting rule, templates. */
  labels: LabelPairs;
  /** An alerting rule's `for` and `keep_firing_for` in ms (0 when unset; 0 for a recording rule). */
  forMs: number;
  keepFiringForMs: number;
  /** An alerting rule's annotations (templates), sorted by name as Prometheus keeps them. */
  annotations: Array<[string, string]>;
}

/** A duration in a rule file, by Prometheus's grammar (`1h30m`, `5m`, `0`; not `1.5h` or `300`). */
function ruleDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new Error('empty duration string');
  if (/^[\d.]+$/.test(text)) throw new Error(`not a valid duration string: "${text}"`);
  return parseDurationMs(text);
}

export interface LoadedGroup {
  /** The rule file, or null for a group written in the settings. */
  file: string | null;
  name: string;
  intervalMs: number;
  limit: number;
  rules: CheckedRule[];
}

export interface CheckResult {
  groups: LoadedGroup[];
  problems: string[];
}

/** Checks groups already parsed as data (the settings', or a file's). `where(gi, ri)` says where
 * group gi / rule ri is, for messages ("rules.yml:12:7: "). */
export function checkGroups(
  input: readonly RuleGroup[],
  file: string | null,
  defaultIntervalMs: number,
  where: (gi: number, ri?: number) => string = () => '',
): CheckResult {
  const problems: string[] = [];
  const groups: LoadedGroup[] = [];
  const seen = new Set<string>();
  input.forEach((g, gi) => {
    if (seen.has(g.name)) problems.push(`${where(gi)}${g.name}: groupname: "${g.name}" is repeated in the same file`);
    seen.add(g.name);
    const rules: CheckedRule[] = [];
    g.rules.forEach((r, ri) => {
      const kind = isRecordingRule(r) ? 'record' : 'alert';
      const name = isRecordingRule(r) ? r.record : r.alert;
      const at = `${where(gi, ri)}group "${g.name}", rule ${ri + 1}, "${name}": `;
      if (kind === 'record' && !isValidMetricName(name)) problems.push(`${at}invalid recording rule name: ${name}`);
      for (const k of Object.keys(r.labels ?? {})) {
        if (!isValidLabelName(k) || k === '__name__') problems.push(`${at}invalid label name: ${k}`);
      }
      let forMs = 0;
      let keepFiringForMs = 0;
      const annotations: Array<[string, string]> = [];
      if (!isRecordingRule(r)) {
        for (const [field, text] of [['for', r.for], ['keep_firing_for', r.keep_firing_for]] as const) {
          if (text === undefined) continue;
          try {
            const ms = ruleDuration(text);
            if (field === 'for') forMs = ms;
            else keepFiringForMs = ms;
          } catch (e) {
            problems.push(`${at}${field}: ${(e as Error).message}`);
          }
        }
        for (const [k, v] of Object.entries(r.annotations ?? {})) {
          if (!isValidLabelName(k)) problems.push(`${at}invalid annotation name: ${k}`);
          annotations.push([k, v]);
        }
        annotations.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        for (const [what, map] of [['label', r.labels ?? {}], ['annotation', r.annotations ?? {}]] as const) {
          for (const [k, v] of Object.entries(map)) {
            const bad = checkTemplate(v, name);
            if (bad) problems.push(`${at}${what} "${k}": ${bad}`);
          }
        }
      }
      let expr: Expr | null = null;
      try {
        expr = parsePromQL(r.expr);
      } catch (e) {
        problems.push(`${at}could not parse expression: ${(e as Error).message}`);
      }
      const labels = Object.entries(r.labels ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) as LabelPairs;
      if (expr) rules.push({ kind, name, exprText: r.expr, expr, labels, forMs, keepFiringForMs, annotations });
    });
    groups.push({ file, name: g.name, intervalMs: g.interval ?? defaultIntervalMs, limit: g.limit, rules });
  });
  return problems.length > 0 ? { groups: [], problems } : { groups, problems };
}

/** Reads a rule file's text (YAML) into checked groups, or the problems that keep it from loading. */
export function parseRuleFile(text: string, file: string, defaultIntervalMs: number): CheckResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) return { groups: [], problems: doc.errors.map((e) => `${file}: ${e.message.split('\n')[0]}`) };
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) return { groups: [], problems: [] };
  const root = data as { groups?: unknown };
  if (typeof root !== 'object' || !Array.isArray(root.groups)) return { groups: [], problems: [`${file}: a rule file is a map with a "groups" list`] };
  const extra = Object.keys(root).filter((k) => k !== 'groups');
  if (extra.length > 0) return { groups: [], problems: [`${file}: field ${extra[0]} not found in type rulefmt.RuleGroups`] };
  const pos = (node: unknown): string => {
    const range = (node as Node | undefined)?.range;
    if (!range) return `${file}: `;
    const p = lines.linePos(range[0]);
    return `${file}:${p.line}:${p.col}: `;
  };
  const groupsNode = doc.get('groups', true);
  const where = (gi: number, ri?: number): string => {
    const g = isSeq(groupsNode) ? groupsNode.items[gi] : undefined;
    if (ri === undefined || !isMap(g)) return pos(g);
    const rs = g.get('rules', true);
    return pos(isSeq(rs) ? rs.items[ri] : g);
  };
  const parsed: RuleGroup[] = [];
  const problems: string[] = [];
  root.groups.forEach((g, gi) => {
    const r = RuleGroupSchema.safeParse(g);
    if (r.success) parsed.push(r.data);
    else for (const issue of r.error.issues) problems.push(`${where(gi)}groups.${gi}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
  });
  if (problems.length > 0) return { groups: [], problems };
  return checkGroups(parsed, file, defaultIntervalMs, where);
}

/** Every group the settings name: their own, then each file's. A file that cannot be read or has
 * problems contributes its problems and none of its groups; the rest still load. */
export function loadRecordingRules(s: RecordingRulesSettings, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): CheckResult {
  const inline = checkGroups(s.groups, null, s.interval, (gi) => `recordingRules.groups.${gi}: `);
  const groups = [...inline.groups];
  const problems = [...inline.problems];
  for (const file of s.files) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      problems.push(`${file}: cannot read the rule file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    const r = parseRuleFile(text, file, s.interval);
    groups.push(...r.groups);
    problems.push(...r.problems);
  }
  return { groups, problems };
}
