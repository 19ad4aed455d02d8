// Evaluates alert rules on their interval: runs each rule's PromQL on its data source, judges the
// condition per series (threshold, mean ± k·σ, the anomaly ensemble, or Prometheus's "every series
// returned"), moves each instance through its states, stores every transition as an event (so
// graphs draw it), notifies webhooks and the shell, and keeps silences and acknowledgements that
// every screen and tray share. Rules mapped from Prometheus rule files (rules/alerting-rules.ts)
// run here too; their alerts are labelled and annotated exactly as Prometheus does it.

import { createHash } from 'node:crypto';
import type { AlertInstance, AlertState, Rule, Silence, SilenceInput } from '../../../shared/alert-rules.ts';
import { SilenceSchema } from '../../../shared/alert-rules.ts';
import type { NewEvent, RadiatorEvent } from '../../../shared/model.ts';
import { AnomalyTracker } from './anomaly-episode.ts';
import { compileMatcher, type Store } from '../store/index.ts';
import type { DataSource } from '../sources/source.ts';
import { judgePresent, judgeSigma, judgeThreshold, type Judgement } from './condition.ts';
import type { Notifier, NotificationKind } from './notifier.ts';
import { initialState, isActive, nextState, type InstanceState } from './state-machine.ts';
import { renderTemplate } from './template.ts';

/** Where a rule mapped from a Prometheus rule file comes from. */
export interface PrometheusOrigin {
  /** The rule file, or null for a group in the settings (recordingRules.groups). */
  file: string | null;
  group: string;
}

/** A rule as the engine runs it: one of the settings' (alerts.rules), or an alerting rule of a
 * Prometheus rule file (`prometheus` set). The latter's alerts carry exactly the labels Prometheus
 * gives them (the series', the rule's templated on top, alertname; no severity the file did not
 * set), and their templates see the series' labels and print numbers as Go does. */
export type EngineRule = Rule & { prometheus?: PrometheusOrigin };

export interface AlertEngineOptions {
  store: Store;
  sources: (id: string) => DataSource;
  notifier: Notifier;
  addEvent: (e: NewEvent) => RadiatorEvent;
  now?: () => number;
  log?: (line: string) => void;
  /** Called after any change (states, silences, acks) with the whole current list. */
  onChange?: (alerts: AlertInstance[]) => void;
  /** Who is on call for a rule (its rotation id, or null for the first rotation); null when no
   * rotation is set up. Alerts name the person. */
  onCall?: (rotation: string | null) => string | null;
  /** Called for each transition that notifies (the shell turns these into OS notifications). */
  onNotify?: (kind: NotificationKind, alert: AlertInstance) => void;
}

interface Instance {
  fingerprint: string;
  rule: EngineRule;
  labels: Record<string, string>;
  /** The series' own labels (with __name__), which a Prometheus rule's templates see as $labels. */
  seriesLabels: Record<string, string>;
  st: InstanceState;
  value: number | null;
  reason: string;
  /** Present for rule-level states (nodata, error) rather than a series. */
  ruleLevel: boolean;
}

interface Judged {
  labels: Record<string, string>;
  /** The series as the query returned it (with __name__). */
  metric: Record<string, string>;
  value: number;
  judge: (active: boolean) => Judgement;
}

interface RuleRuntime {
  rule: EngineRule;
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** Per-series judges for anomaly rules (detectors and the incident each series is in),
   * warmed up on history on first sight. */
  ensembles: Map<string, AnomalyTracker>;
  lastEval: number;
  lastError: string | null;
  lastDurationMs: number;
}

const SILENCES = 'alert_silences';
const ACKS = 'alert_acks';

export function fingerprint(ruleId: string, labels: Record<string, string>): string {
  const canonical = JSON.stringify([ruleId, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))]);
  return createHash('sha1').update(canonical).digest('hex').slice(0, 16);
}

const parseValue = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));

export class AlertEngine {
  private readonly opts: Required<Omit<AlertEngineOptions, 'onChange' | 'onNotify' | 'onCall'>> & Pick<AlertEngineOptions, 'onChange' | 'onNotify' | 'onCall'>;
  private readonly rules = new Map<string, RuleRuntime>();
  private readonly instances = new Map<string, Instance>();
  private silences: Silence[] = [];
  private acks = new Map<string, { by: string; at: number; comment: string }>();
  private stopped = false;
  private started = false;
  /** Evaluations of alert rules, and those that failed (for /metrics). */
  evaluations = 0;
  failures = 0;

  constructor(opts: AlertEngineOptions) {
    this.opts = { now: Date.now, log: (l) => console.error(l), ...opts } as typeof this.opts;
    this.silences = this.opts.store.kvList<Silence>(SILENCES).map(([, s]) => s);
    for (const [fp, a] of this.opts.store.kvList<{ by: string; at: number; comment: string }>(ACKS)) this.acks.set(fp, a);
  }

  /** Replace the rule set (start, stop or restart timers as needed). */
  setRules(rules: readonly EngineRule[]): void {
    const wanted = new Map(rules.filter((r) => r.enabled).map((r) => [r.id, r]));
    for (const [id, rt] of this.rules) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== JSON.stringify(rt.rule)) {
        if (rt.timer) clearInterval(rt.timer);
        this.rules.delete(id);
        for (const [fp, inst] of this.instances) if (inst.rule.id === id) this.instances.delete(fp);
      }
    }
    for (const [id, rule] of wanted) {
      if (this.rules.has(id)) continue;
      const rt: RuleRuntime = { rule, timer: null, running: false, ensembles: new Map(), lastEval: 0, lastError: null, lastDurationMs: 0 };
      this.rules.set(id, rt);
      // Rules edited while running start at once.
      if (this.started) this.schedule(rt);
    }
    this.changed();
  }

  /** Evaluate every rule now and then on its interval. */
  start(): void {
    this.started = true;
    for (const rt of this.rules.values()) this.schedule(rt);
  }

  private schedule(rt: RuleRuntime): void {
    if (rt.timer || this.stopped) return;
    void this.evaluate(rt.rule.id);
    rt.timer = setInterval(() => void this.evaluate(rt.rule.id), rt.rule.interval);
    rt.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const rt of this.rules.values()) if (rt.timer) clearInterval(rt.timer);
  }

  ruleStatus(): Array<{ rule: EngineRule; lastEval: number; lastError: string | null; lastDurationMs: number }> {
    return [...this.rules.values()].map((rt) => ({ rule: rt.rule, lastEval: rt.lastEval, lastError: rt.lastError, lastDurationMs: rt.lastDurationMs }));
  }

  /** Evaluate one rule now, or as at `at` (ms: the differential test evaluates at Prometheus's
   * times). The timer calls this; tests call it directly. */
  async evaluate(ruleId: string, at?: number): Promise<void> {
    const rt = this.rules.get(ruleId);
    if (!rt || rt.running) return;
    rt.running = true;
    this.evaluations++;
    const now = at ?? this.opts.now();
    const t0 = performance.now();
    try {
      const rule = rt.rule;
      const source = this.opts.sources(rule.source);
      const judged = new Map<string, Judged>();
      if (rule.condition.type === 'threshold') {
        const cond = rule.condition;
        const r = await source.instant(rule.expr, now);
        if (r.resultType === 'scalar') {
          const v = parseValue(r.result[1]);
          judged.set('', { labels: {}, metric: {}, value: v, judge: (a) => judgeThreshold(cond, v, a) });
        } else if (r.resultType === 'vector') {
          for (const s of r.result) {
            const v = parseValue(s.value[1]);
            const { __name__: _n, ...labels } = s.metric;
            judged.set(JSON.stringify(Object.entries(labels).sort()), { labels, metric: s.metric, value: v, judge: (a) => judgeThreshold(cond, v, a) });
          }
        } else throw new Error(`the expression must give an instant vector or a scalar, not a ${r.resultType}`);
      } else if (rule.condition.type === 'present') {
        // Every series returned holds (a scalar is one series without labels, as Prometheus's rule
        // query makes it); keyed by the whole series, so two that differ only in their name are
        // the duplicate Prometheus refuses, not one.
        const r = await source.instant(rule.expr, now);
        const rows = r.resultType === 'scalar' ? [{ metric: {}, value: r.result[1] }] : r.resultType === 'vector' ? r.result.map((s) => ({ metric: s.metric, value: s.value[1] })) : null;
        if (!rows) throw new Error(`the expression must give an instant vector or a scalar, not a ${r.resultType}`);
        for (const row of rows) {
          const v = parseValue(row.value);
          const { __name__: _n, ...labels } = row.metric;
          judged.set(JSON.stringify(Object.entries(row.metric).sort()), { labels, metric: row.metric, value: v, judge: () => judgePresent(true, v) });
        }
      } else {
        const cond = rule.condition;
        const step = rule.interval;
        const end = Math.floor(now / step) * step;
        const recentMs = cond.type === 'sigma' ? cond.window : step * 2;
        const keyOf = (metric: Record<string, string>) => {
          const { __name__: _n, ...labels } = metric;
          return JSON.stringify(Object.entries(labels).sort());
        };
        let r = await source.range(rule.expr, end - recentMs, end, step);
        // A series the detectors have not seen yet (the rule is new, or the series is) is warmed
        // up on its history first.
        if (cond.type === 'anomaly' && cond.warmup > recentMs && r.result.some((s) => !rt.ensembles.has(keyOf(s.metric)))) {
          r = await source.range(rule.expr, end - cond.warmup, end, step);
        }
        for (const s of r.result) {
          const { __name__: _n, ...labels } = s.metric;
          const key = keyOf(s.metric);
          const pts = s.values.map(([t, v]) => ({ t: t * 1000, v: parseValue(v) }));
          const last = pts[pts.length - 1];
          if (!last || last.t !== end) continue; // no current value: the series is gone
          if (cond.type === 'sigma') {
            const history = pts.slice(0, -1).map((p) => p.v);
            judged.set(key, { labels, metric: s.metric, value: last.v, judge: (a) => judgeSigma(cond, history, last.v, a) });
          } else {
            let det = rt.ensembles.get(key);
            if (!det) rt.ensembles.set(key, (det = new AnomalyTracker(cond)));
            // Judge only what has not been judged (the first time: the warm-up history too, so
            // its incidents are recognised as such and not learned as normal).
            let out: Judgement | null = null;
            for (const p of pts) if (p.t > det.lastT && Number.isFinite(p.v)) out = det.observe(p);
            const j = out;
            judged.set(key, { labels, metric: s.metric, value: last.v, judge: (a) => j ?? { holds: a, reason: 'no new point' } });
          }
        }
        // Forget detectors for series that went away.
        for (const k of rt.ensembles.keys()) if (!judged.has(k)) rt.ensembles.delete(k);
      }
      rt.lastError = null;
      this.apply(rule, judged, now);
    } catch (e) {
      this.failures++;
      rt.lastError = (e as Error).message;
      this.applyError(rt.rule, (e as Error).message, now);
    } finally {
      rt.lastEval = now;
      rt.lastDurationMs = performance.now() - t0;
      rt.running = false;
    }
  }

  /** An alert's labels: the series', the rule's on top, the alert's name (and for Radiator's own
   * rules the severity). A Prometheus rule's label values are templates, and one set empty
   * removes the label, as Prometheus's labels.Builder does. */
  private baseLabels(rule: EngineRule, series: Record<string, string>, metric: Record<string, string> = series, value: number | null = null): Record<string, string> {
    if (!rule.prometheus) return { ...series, ...rule.labels, alertname: rule.name, severity: rule.severity };
    const out: Record<string, string> = { ...series };
    for (const [k, tpl] of Object.entries(rule.labels)) {
      const v = renderTemplate(tpl, { labels: metric, value }, { prometheus: true });
      if (v === '') delete out[k];
      else out[k] = v;
    }
    out.alertname = rule.name;
    return out;
  }

  private apply(rule: EngineRule, judged: Map<string, Judged>, now: number): void {
    // Labels first, so a duplicate is refused before anything changes (Prometheus's error).
    const rows: Array<{ j: Judged; labels: Record<string, string>; fp: string }> = [];
    const seen = new Set<string>();
    for (const j of judged.values()) {
      const labels = this.baseLabels(rule, j.labels, j.metric, j.value);
      const fp = fingerprint(rule.id, labels);
      if (seen.has(fp)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      seen.add(fp);
      rows.push({ j, labels, fp });
    }
    const timing = { forMs: rule.for, keepFiringForMs: rule.keepFiringFor };
    for (const { j, labels, fp } of rows) {
      let inst = this.instances.get(fp);
      if (!inst) {
        inst = { fingerprint: fp, rule, labels, seriesLabels: j.metric, st: initialState(now), value: null, reason: '', ruleLevel: false };
        this.instances.set(fp, inst);
      }
      const judgement = j.judge(isActive(inst.st.state));
      inst.value = Number.isFinite(j.value) ? j.value : null;
      inst.seriesLabels = j.metric;
      inst.reason = judgement.reason;
      this.transition(inst, nextState(inst.st, judgement.holds, now, timing), now);
    }
    // Rule-level nodata: the query gave nothing at all (for a `present` rule that is normal).
    const nodataLabels = this.baseLabels(rule, {});
    const nodataFp = fingerprint(rule.id, { ...nodataLabels, alertstate: 'rule' });
    if (judged.size === 0 && rule.noData === 'nodata' && rule.condition.type !== 'present') {
      seen.add(nodataFp);
      let inst = this.instances.get(nodataFp);
      if (!inst) {
        inst = { fingerprint: nodataFp, rule, labels: nodataLabels, seriesLabels: {}, st: initialState(now), value: null, reason: '', ruleLevel: true };
        this.instances.set(nodataFp, inst);
      }
      inst.reason = 'the query returned no data';
      this.transition(inst, inst.st.state === 'nodata' ? inst.st : { state: 'nodata', since: now, firedAt: null, activeAt: null }, now);
    }
    // Series that disappeared resolve; so do rule-level states once data is back. For a `present`
    // rule a series gone is its condition no longer holding: a firing one keeps firing for
    // keepFiringFor (Prometheus's keep_firing_for), a pending one is dropped.
    for (const [fp, inst] of this.instances) {
      if (inst.rule.id !== rule.id || seen.has(fp)) continue;
      if (rule.condition.type === 'present' && !inst.ruleLevel) {
        const j = judgePresent(false, inst.value);
        const next = nextState(inst.st, j.holds, now, timing);
        if (next.state !== 'normal') {
          inst.reason = j.reason;
          this.transition(inst, next, now);
          continue;
        }
      }
      this.transition(inst, { state: 'normal', since: now, firedAt: null, activeAt: null }, now);
      this.instances.delete(fp);
    }
    this.changed();
  }

  private applyError(rule: EngineRule, message: string, now: number): void {
    const labels = this.baseLabels(rule, {});
    const fp = fingerprint(rule.id, { ...labels, alertstate: 'rule' });
    let inst = this.instances.get(fp);
    if (!inst) {
      inst = { fingerprint: fp, rule, labels, seriesLabels: {}, st: initialState(now), value: null, reason: '', ruleLevel: true };
      this.instances.set(fp, inst);
    }
    inst.reason = message;
    this.transition(inst, inst.st.state === 'error' ? inst.st : { state: 'error', since: now, firedAt: null, activeAt: null }, now);
    this.changed();
  }

  private transition(inst: Instance, next: InstanceState, now: number): void {
    const from = inst.st.state;
    inst.st = next;
    const to = next.state;
    if (from === to) return;
    const view = this.view(inst);
    // Every transition is an event, so graphs draw it and boards list it.
    this.opts.addEvent({
      ts: now,
      tsEnd: null,
      kind: 'alert',
      title: `${inst.rule.name}: ${from} → ${to}`,
      text: view.summary + (inst.reason ? ` (${inst.reason})` : ''),
      tags: [
        `alertname:${inst.rule.name}`,
        `rule:${inst.rule.id}`,
        `severity:${inst.rule.severity}`,
        `state:${to}`,
        `fingerprint:${inst.fingerprint}`,
        // Charts on the rule's board draw its firing as a marker.
        ...(inst.rule.board ? [`board:${inst.rule.board}`] : []),
        ...Object.entries(inst.labels)
          .filter(([k]) => k !== 'alertname' && k !== 'severity')
          .map(([k, v]) => `${k}:${v}`),
      ].slice(0, 32),
      service: inst.labels.service ?? inst.labels.job ?? null,
      version: null,
      source: 'alerts',
    });
    const kind: NotificationKind | null =
      to === 'firing' && from !== 'recovering' ? 'firing' : to === 'normal' && (from === 'firing' || from === 'recovering') ? 'resolved' : to === 'nodata' ? 'nodata' : to === 'error' ? 'error' : null;
    if (to === 'normal' && this.acks.has(inst.fingerprint)) {
      this.acks.delete(inst.fingerprint);
      this.opts.store.kvDelete(ACKS, inst.fingerprint);
    }
    if (!kind) return;
    if (view.silencedBy.length > 0) return;
    this.opts.notifier.send({ kind, alert: view, at: now });
    this.opts.onNotify?.(kind, view);
  }

  private view(inst: Instance): AlertInstance {
    // A Prometheus rule's templates see the series' labels and print as Go does; Radiator's own
    // see the alert's labels.
    const prom = inst.rule.prometheus !== undefined;
    const data = { labels: prom ? inst.seriesLabels : inst.labels, value: inst.value };
    const render = (tpl: string) => renderTemplate(tpl, data, { prometheus: prom });
    const summary = render(inst.rule.summary);
    const runbookUrl = render(inst.rule.runbookUrl);
    // A Prometheus rule's annotations are exactly its file's; Radiator's own have the summary and
    // the runbook as annotations too.
    const annotations: Record<string, string> = prom ? {} : { summary, ...(runbookUrl ? { runbook_url: runbookUrl } : {}) };
    for (const [k, tpl] of Object.entries(inst.rule.annotations)) annotations[k] = render(tpl);
    return {
      fingerprint: inst.fingerprint,
      ruleId: inst.rule.id,
      ruleName: inst.rule.name,
      state: inst.st.state,
      severity: inst.rule.severity,
      labels: inst.labels,
      summary,
      runbookUrl,
      annotations,
      value: inst.value,
      since: inst.st.since,
      activeAt: inst.st.activeAt,
      firedAt: inst.st.firedAt,
      silencedBy: this.silencedBy(inst.labels),
      ack: this.acks.get(inst.fingerprint) ?? null,
      board: inst.rule.board ?? null,
      panel: inst.rule.panel ?? null,
      reason: inst.reason,
      onCall: this.opts.onCall?.(inst.rule.oncall ?? null) ?? null,
    };
  }

  /** Current alert instances that are not plainly normal. */
  alerts(): AlertInstance[] {
    const order: Record<AlertState, number> = { firing: 0, error: 1, recovering: 2, pending: 3, nodata: 4, normal: 5 };
    return [...this.instances.values()]
      .filter((i) => i.st.state !== 'normal')
      .map((i) => this.view(i))
      .sort((a, b) => order[a.state] - order[b.state] || (a.severity < b.severity ? 1 : -1) || a.since - b.since);
  }

  private changed(): void {
    this.opts.onChange?.(this.alerts());
  }

  // ── silences and acknowledgements (shared by every screen) ──────────────────────────

  private silencedBy(labels: Record<string, string>): string[] {
    const now = this.opts.now();
    return this.silences
      .filter((s) => s.startsAt <= now && s.endsAt > now)
      .filter((s) => s.matchers.every((m) => compileMatcher(m).test(labels[m.name] ?? '')))
      .map((s) => s.id);
  }

  listSilences(): Silence[] {
    const now = this.opts.now();
    // Expired ones go.
    for (const s of this.silences.filter((x) => x.endsAt <= now)) this.opts.store.kvDelete(SILENCES, s.id);
    this.silences = this.silences.filter((s) => s.endsAt > now);
    return this.silences;
  }

  /** Validates with the shared schema; throws a ZodError naming the bad field. */
  addSilence(input: SilenceInput): Silence {
    const parsed = SilenceSchema.parse(input);
    const now = this.opts.now();
    for (const m of parsed.matchers) compileMatcher(m); // a bad regex throws here
    const s: Silence = { ...parsed, id: createHash('sha1').update(`${now}${Math.random()}`).digest('hex').slice(0, 12), startsAt: parsed.startsAt ?? now };
    if (s.endsAt <= s.startsAt) throw new Error('endsAt must be after startsAt');
    this.silences.push(s);
    this.opts.store.kvSet(SILENCES, s.id, s);
    this.changed();
    return s;
  }

  expireSilence(id: string): boolean {
    const had = this.silences.some((s) => s.id === id);
    this.silences = this.silences.filter((s) => s.id !== id);
    this.opts.store.kvDelete(SILENCES, id);
    if (had) this.changed();
    return had;
  }

  /** Acknowledge an alert (until it resolves); with `muteForMs`, also silence exactly it. */
  acknowledge(fp: string, by: string, comment = '', muteForMs = 0): AlertInstance {
    const inst = this.instances.get(fp);
    if (!inst) throw new Error(`no current alert ${fp}`);
    const ack = { by, at: this.opts.now(), comment };
    this.acks.set(fp, ack);
    this.opts.store.kvSet(ACKS, fp, ack);
    if (muteForMs > 0) {
      this.addSilence({
        matchers: Object.entries(inst.labels).map(([name, value]) => ({ name, op: '=' as const, value })),
        endsAt: this.opts.now() + muteForMs,
        createdBy: by,
        comment: comment || `muted from an acknowledgement of ${inst.rule.name}`,
      });
    }
    this.changed();
    return this.view(inst);
  }
}
