// Recording rules, evaluated as Prometheus evaluates them: each group on its own interval, at
// times on that interval's grid, its rules in order (a rule sees what the rules before it wrote
// at the same time); a rule's result vector is written back as the series `record`, with the
// result's labels and the rule's own on top (an empty one removes the label), through the one
// door (receiver `rules`: the series cap, name checks and counting as for every receiver).
// A result with two series of one label set after that, or more series than the group's
// `limit`, is an error and writes nothing, as in Prometheus. `GET /api/v1/rules` reports each
// group and rule with Prometheus's fields (health, lastError, evaluation time). A group's alerting
// rules are not evaluated here but by the alert engine (alerting-rules.ts maps them), which
// reports them in their place.

import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import type { Ingest, IngestSample } from '../collector/ingest.ts';
import type { AlertingRuleStatus } from '../alerts/prometheus-api.ts';
import { type EngineLimits, evaluateSteps, type Queryable } from '../promql/index.ts';
import type { CheckedRule, LoadedGroup } from './rule-files.ts';

export const RULES_RECEIVER = 'rules';

export interface RuleStatus {
  name: string;
  query: string;
  labels: Record<string, string>;
  health: 'ok' | 'err' | 'unknown';
  lastError: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording' | 'alerting';
}

export interface GroupStatus {
  name: string;
  file: string;
  interval: number;
  limit: number;
  rules: Array<RuleStatus | AlertingRuleStatus>;
  evaluationTime: number;
  lastEvaluation: string;
}

interface RuleState {
  rule: CheckedRule;
  health: 'ok' | 'err' | 'unknown';
  lastError: string;
  evaluationMs: number;
  lastEvaluation: number | null;
}

interface GroupState {
  group: LoadedGroup;
  rules: RuleState[];
  timer: NodeJS.Timeout | null;
  evaluationMs: number;
  lastEvaluation: number | null;
}

export interface RecordingRulesOptions {
  store: Queryable;
  ingest: Pick<Ingest, 'write'>;
  limits: EngineLimits;
  now?: () => number;
  log?: (line: string) => void;
}

/** A rule's result as series to write: the result's labels without `__name__`, the rule's labels
 * on top, named `record`. Throws on a duplicate label set or a result past `limit`. */
export function recordedSamples(rule: CheckedRule, result: Array<{ labels: LabelPairs; value: number }>, t: number, limit: number): IngestSample[] {
  if (limit > 0 && result.length > limit) throw new Error(`exceeded limit of ${limit} with ${result.length} series`);
  const out: IngestSample[] = [];
  const seen = new Set<string>();
  for (const r of result) {
    const m = new Map(r.labels);
    for (const [k, v] of rule.labels) {
      if (v === '') m.delete(k);
      else m.set(k, v);
    }
    const labels = [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) as LabelPairs;
    const key = seriesKey(rule.name, labels);
    if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
    seen.add(key);
    out.push({ name: rule.name, labels, value: r.value, tsMs: t, fold: 'last' });
  }
  return out;
}

export class RecordingRules {
  private readonly o: RecordingRulesOptions;
  private readonly now: () => number;
  private groups: GroupState[] = [];
  private running = false;
  /** Evaluations of recording rules, and those that failed (for /metrics). */
  evaluations = 0;
  failures = 0;

  constructor(o: RecordingRulesOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
  }

  /** The groups loaded, in the order status() lists them. */
  loaded(): LoadedGroup[] {
    return this.groups.map((g) => g.group);
  }

  /** Replaces the groups (a reload keeps nothing of the old ones' timers). */
  set(groups: readonly LoadedGroup[]): void {
    for (const g of this.groups) if (g.timer) clearTimeout(g.timer);
    this.groups = groups.map((group) => ({
      group,
      rules: group.rules.map((rule) => ({ rule, health: 'unknown' as const, lastError: '', evaluationMs: 0, lastEvaluation: null })),
      timer: null,
      evaluationMs: 0,
      lastEvaluation: null,
    }));
    if (this.running) for (const g of this.groups) this.schedule(g);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const g of this.groups) this.schedule(g);
  }

  stop(): void {
    this.running = false;
    for (const g of this.groups) {
      if (g.timer) clearTimeout(g.timer);
      g.timer = null;
    }
  }

  /** Next evaluation on the group's grid (as Prometheus aligns evaluations to the interval). */
  private schedule(g: GroupState): void {
    const every = g.group.intervalMs;
    const t = this.now();
    const next = (Math.floor(t / every) + 1) * every;
    g.timer = setTimeout(() => {
      g.timer = null;
      if (!this.running || !this.groups.includes(g)) return;
      this.evaluate(g, next);
      this.schedule(g);
    }, next - t);
    g.timer.unref?.();
  }

  /** Evaluates one group at `t` (ms): every rule in order. Returns the samples written. */
  evaluateGroupAt(name: string, t: number, file: string | null = null): number {
    const g = this.groups.find((x) => x.group.name === name && (file === null || x.group.file === file));
    if (!g) throw new Error(`no rule group "${name}"`);
    return this.evaluate(g, t);
  }

  private evaluate(g: GroupState, t: number): number {
    const t0 = performance.now();
    let written = 0;
    for (const rs of g.rules) {
      if (rs.rule.kind !== 'record') continue;
      const r0 = performance.now();
      this.evaluations++;
      try {
        const { value } = evaluateSteps(this.o.store, rs.rule.expr, t, t, 0, this.o.limits);
        let result: Array<{ labels: LabelPairs; value: number }>;
        if (value.kind === 'scalar') result = [{ labels: [], value: value.values[0]! }];
        else if (value.kind === 'vector') result = value.series.filter((s) => s.present[0]).map((s) => ({ labels: s.labels, value: s.values[0]! }));
        else throw new Error(`rule result is not a vector or scalar: ${value.kind === 'matrix' ? 'range vector' : value.kind}`);
        const samples = recordedSamples(rs.rule, result, t, g.group.limit);
        const res = this.o.ingest.write(RULES_RECEIVER, samples, t);
        written += res.applied;
        rs.health = 'ok';
        rs.lastError = '';
        if (res.refused.size > 0) {
          rs.health = 'err';
          rs.lastError = `${[...res.refused.values()].reduce((a, b) => a + b, 0)} of ${samples.length} samples refused (${[...res.refused.keys()].join(', ')})`;
        }
      } catch (e) {
        this.failures++;
        rs.health = 'err';
        rs.lastError = (e as Error).message;
        this.o.log?.(`recording rule ${rs.rule.name} (group ${g.group.name}): ${rs.lastError}`);
      }
      rs.evaluationMs = performance.now() - r0;
      rs.lastEvaluation = t;
    }
    g.evaluationMs = performance.now() - t0;
    g.lastEvaluation = t;
    return written;
  }

  /** `GET /api/v1/rules`'s groups, as Prometheus shapes them (an alerting rule as not yet
   * evaluated: alerting-rules.ts's withAlerting puts the engine's view in its place). */
  status(): GroupStatus[] {
    const iso = (t: number | null) => (t === null ? '0001-01-01T00:00:00Z' : new Date(t).toISOString());
    return this.groups.map((g) => ({
      name: g.group.name,
      file: g.group.file ?? 'settings',
      interval: g.group.intervalMs / 1000,
      limit: g.group.limit,
      evaluationTime: g.evaluationMs / 1000,
      lastEvaluation: iso(g.lastEvaluation),
      rules: g.rules.map((rs) => ({
        name: rs.rule.name,
        query: rs.rule.exprText,
        labels: Object.fromEntries(rs.rule.labels),
        health: rs.rule.kind === 'alert' ? 'unknown' : rs.health,
        lastError: rs.rule.kind === 'alert' ? '' : rs.lastError,
        evaluationTime: rs.evaluationMs / 1000,
        lastEvaluation: iso(rs.lastEvaluation),
        type: rs.rule.kind === 'record' ? 'recording' : 'alerting',
      })),
    }));
  }
}
