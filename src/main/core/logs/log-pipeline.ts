// Log lines → metrics. Every line, whichever way it came (HTTP, syslog, a tailed file), is cut to
// MAX_LOG_LINE_BYTES, parsed as JSON when it looks like an object, given a level
// (level-detector.ts, or the syslog severity), counted in `log_lines_total{source, level}`, run
// through the log rules (each hit a counter, gauge or timer with labels from the line), and kept
// in the recent-lines rings when it matters. Rates are bounded by a lines-per-second budget the
// intakes check first; label cardinality by the store's series cap (past it, the overflow series).
// Counting, through the door: a line is received by its receiver and applied once counted in
// `log_lines_total` (a line cut to the limit is refused as `line_truncated`, though what was kept
// is still counted and matched); what the rules make of it are samples of their own, counted for
// the receiver `log_rules`.

import { MAX_LOG_LINE_BYTES, MAX_LOG_LINES_PER_SECOND } from '../../../shared/limits.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { Entry } from '../collector/aggregator.ts';
import type { Ingest, IngestUnit, Operation } from '../collector/ingest.ts';
import { RateBudget } from '../collector/rate-budget.ts';
import { detectLevel, type LogLevel } from './level-detector.ts';
import { compileRules, evaluate, type CompiledRule } from './log-rules.ts';
import { RecentLines, type RecentLine, type RecentQuery } from './recent-lines.ts';

export const LOG_LINES_METRIC = 'log_lines_total';
/** The receiver the log rules' samples are counted for. */
export const LOG_RULES_RECEIVER = 'log_rules';

export interface LogInput {
  line: string;
  source: string;
  /** Known from the transport (a syslog severity); otherwise detected from the line. */
  level?: LogLevel;
  /** Why the transport cut the line before it got here (`message_too_long`, `line_truncated`):
   * what was kept is counted and matched, and the line is counted refused with this reason. */
  cut?: string;
}

/** Entries for log_lines_total kept at hand; past this many (source, level) pairs it starts over. */
const MAX_CACHED_COUNTERS = 10_000;

export class LogPipeline {
  private readonly door: Ingest;
  private readonly now: () => number;
  private readonly budget: RateBudget;
  private rules: CompiledRule[] = [];
  private readonly counters = new Map<string, Entry>();
  readonly recent = new RecentLines();

  constructor(ingest: Ingest, rules: Settings['logs']['rules'], opts: { now?: () => number; linesPerSecond?: number } = {}) {
    this.door = ingest;
    this.now = opts.now ?? Date.now;
    this.budget = new RateBudget(opts.linesPerSecond ?? MAX_LOG_LINES_PER_SECOND);
    this.setRules(rules);
    this.door.describe(LOG_LINES_METRIC, { type: 'counter', help: 'Log lines received, by source and level.' });
  }

  setRules(rules: Settings['logs']['rules']): void {
    this.rules = compileRules(rules);
    this.recent.setRules(this.rules.map((r) => r.id));
    for (const r of this.rules) {
      this.door.describe(r.metric.name, { type: r.metric.type === 'timer' ? 'summary' : r.metric.type, help: r.metric.help || `From log rule "${r.id}".` });
    }
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Whether the lines-per-second budget has room (intakes check before reading). */
  hasRoom(): boolean {
    return this.budget.hasRoom();
  }

  get linesPerSecond(): number {
    return this.budget.limit;
  }

  /** Take a batch from one receiver (`logs`, `syslog`, `log_file`). */
  ingest(lines: readonly LogInput[], receiver: string): void {
    this.budget.take(lines.length);
    const ts = this.now();
    for (const input of lines) {
      const u = this.door.unit(receiver);
      this.one(input, u, ts);
      this.door.end(u);
    }
  }

  private one(input: LogInput, u: IngestUnit, ts: number): void {
    let line = input.line;
    if (input.cut) u.refuse(input.cut);
    if (line.length > MAX_LOG_LINE_BYTES) {
      line = line.slice(0, MAX_LOG_LINE_BYTES);
      u.refuse('line_truncated');
    }
    let json: Record<string, unknown> | null = null;
    if (line.charCodeAt(0) === 123 /* { */) {
      try {
        const v: unknown = JSON.parse(line);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) json = v as Record<string, unknown>;
      } catch {
        /* a line that starts with { but is not JSON is text */
      }
    }
    const level = input.level ?? detectLevel(line, json);
    this.countLine(input.source, level, u);
    const matched: string[] = [];
    for (const rule of this.rules) {
      if (rule.source !== undefined && rule.source !== input.source) continue;
      const hit = evaluate(rule, line, json);
      if (!hit) continue;
      matched.push(rule.id);
      if (!Number.isFinite(hit.value)) {
        this.door.reject(LOG_RULES_RECEIVER, 'rule_value_not_a_number');
        continue;
      }
      const kind = rule.metric.type === 'timer' ? 'summary' : rule.metric.type;
      if (kind === 'counter' && hit.value < 0) {
        this.door.reject(LOG_RULES_RECEIVER, 'negative_counter');
        continue;
      }
      const op: Operation =
        kind === 'counter' ? { op: 'inc', value: hit.value } : kind === 'gauge' ? { op: 'set', value: hit.value } : { op: 'observe', value: hit.value / 1000, atMs: ts };
      this.door.apply(LOG_RULES_RECEIVER, { kind, name: rule.metric.name, labels: hit.labels }, op);
    }
    this.recent.add(ts, input.source, level, line, matched);
  }

  private countLine(source: string, level: LogLevel, u: IngestUnit): void {
    const key = `${source}\u0000${level}`;
    const cached = this.counters.get(key);
    const got = this.door.apply(u, cached ?? { kind: 'counter', name: LOG_LINES_METRIC, labels: [['level', level], ['source', source]] }, { op: 'inc', value: 1 });
    if (cached || typeof got === 'string') return;
    if (this.counters.size >= MAX_CACHED_COUNTERS) this.counters.clear();
    this.counters.set(key, got);
  }

  recentLines(q: RecentQuery): RecentLine[] {
    return this.recent.query(q);
  }
}
