// Log rules, compiled once from settings and evaluated per line: a regex (on the line) or a JSON
// path (with `equals` or a regex on its value) decides whether a line matches; the rule's
// templates turn capture groups and JSON fields into the value and labels of one counter, gauge
// or timer. Pure: `evaluate` says what to record, the pipeline records it.

import type { Settings } from '../../../shared/settings.ts';
import { parseJsonPath, parseTemplate, type Template } from '../../../shared/log-template.ts';

export type LogRuleSettings = Settings['logs']['rules'][number];

export interface CompiledRule {
  readonly id: string;
  readonly source: string | undefined;
  readonly metric: { name: string; type: 'counter' | 'gauge' | 'timer'; help: string };
  readonly regex: RegExp | null;
  readonly jsonPath: Array<string | number> | null;
  readonly equals: string | undefined;
  readonly value: Template | null;
  readonly labels: ReadonlyArray<[string, Template]>;
}

export interface RuleHit {
  rule: CompiledRule;
  /** NaN when the value is missing or not a number (the hit is refused and counted). */
  value: number;
  labels: Array<[string, string]>;
}

export function compileRules(rules: readonly LogRuleSettings[]): CompiledRule[] {
  return rules.map((r) => ({
    id: r.id,
    source: r.source,
    metric: { name: r.metric.name, type: r.metric.type, help: r.metric.help },
    regex: r.match.regex !== undefined ? new RegExp(r.match.regex) : null,
    jsonPath: 'jsonPath' in r.match ? parseJsonPath(r.match.jsonPath) : null,
    equals: 'jsonPath' in r.match && r.match.equals !== undefined ? String(r.match.equals) : undefined,
    value: r.metric.value !== undefined ? parseTemplate(r.metric.value) : null,
    labels: Object.entries(r.metric.labels).map(([k, v]) => [k, parseTemplate(v)] as [string, Template]),
  }));
}

/** The value at a JSON path, or undefined. */
export function atPath(obj: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

const scalar = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function render(t: Template, groups: RegExpExecArray | null, json: Record<string, unknown> | null): string {
  if (t.jsonPath) return scalar(json ? atPath(json, t.jsonPath) : undefined);
  let out = '';
  for (const p of t.parts) {
    if ('lit' in p) out += p.lit;
    else if ('group' in p) {
      if (!groups) continue;
      out += /^\d+$/.test(p.group) ? (groups[Number(p.group)] ?? '') : (groups.groups?.[p.group] ?? '');
    }
  }
  return out;
}

/** A rule against one line: the hit, or null when it does not match. */
export function evaluate(rule: CompiledRule, line: string, json: Record<string, unknown> | null): RuleHit | null {
  let groups: RegExpExecArray | null = null;
  if (rule.jsonPath) {
    if (!json) return null;
    const v = atPath(json, rule.jsonPath);
    if (v === undefined) return null;
    if (rule.equals !== undefined && scalar(v) !== rule.equals) return null;
    if (rule.regex) {
      groups = rule.regex.exec(scalar(v));
      if (!groups) return null;
    }
  } else if (rule.regex) {
    groups = rule.regex.exec(line);
    if (!groups) return null;
  }
  let value = 1;
  if (rule.value) {
    const raw = render(rule.value, groups, json).trim();
    value = raw === '' ? NaN : Number(raw);
  }
  const labels: Array<[string, string]> = [];
  for (const [k, t] of rule.labels) labels.push([k, render(t, groups, json)]);
  return { rule, value, labels };
}
