// Log lines → metrics. Every line, whichever way it came (HTTP, syslog, a tailed file), is cut to
// MAX_LOG_LINE_BYTES, parsed as JSON when it looks like an object, given a level
// (level-detector.ts, or the syslog severity), counted in `log_lines_total{source, level}`, run
// through the log rules (each hit a counter, gauge or timer with labels from the line), and kept
// in the recent-lines rings when it matters. Rates are bounded by a lines-per-second budget the
// intakes check first; label cardinality by the store's series cap (past it, the overflow series).

import { MAX_LOG_LINE_BYTES, MAX_LOG_LINES_PER_SECOND } from '../../../shared/limits.ts';
import type { Settings } from '../../../shared/settings.ts';
import { checkSeries } from '../labels.ts';
import type { Aggregator, Entry } from '../collector/aggregator.ts';
import type { IngestStats } from '../collector/ingest-stats.ts';
import type { MetadataRegistry } from '../collector/metadata.ts';
import { RateBudget } from '../collector/rate-budget.ts';
import { detectLevel, type LogLevel } from './level-detector.ts';
import { compileRules, evaluate, type CompiledRule } from './log-rules.ts';
import { RecentLines, type RecentLine, type RecentQuery } from './recent-lines.ts';

export const LOG_LINES_METRIC = 'log_lines_total';

export interface LogInput {
  line: string;
  source: string;
  /** Known from the transport (a syslog severity); otherwise detected from the line. */
  level?: LogLevel;
}

/** Entries for log_lines_total kept at hand; past this many (source, level) pairs it starts over. */
const MAX_CACHED_COUNTERS = 10_000;

export class LogPipeline {
  private readonly agg: Aggregator;
  private readonly stats: IngestStats;
  private readonly meta: MetadataRegistry;
  private readonly now: () => number;
  private readonly budget: RateBudget;
  private rules: CompiledRule[] = [];
  private readonly counters = new Map<string, Entry>();
  readonly recent = new RecentLines();

  constructor(agg: Aggregator, stats: IngestStats, meta: MetadataRegistry, rules: Settings['logs']['rules'], opts: { now?: () => number; linesPerSecond?: number } = {}) {
    this.agg = agg;
    this.stats = stats;
    this.meta = meta;
    this.now = opts.now ?? Date.now;
    this.budget = new RateBudget(opts.linesPerSecond ?? MAX_LOG_LINES_PER_SECOND);
    this.setRules(rules);
    this.meta.set(LOG_LINES_METRIC, { type: 'counter', help: 'Log lines received, by source and level.' });
  }

  setRules(rules: Settings['logs']['rules']): void {
    this.rules = compileRules(rules);
    this.recent.setRules(this.rules.map((r) => r.id));
    for (const r of this.rules) {
      this.meta.set(r.metric.name, { type: r.metric.type === 'timer' ? 'summary' : r.metric.type, help: r.metric.help || `From log rule "${r.id}".` });
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
    for (const input of lines) this.one(input, receiver, ts);
    this.stats.receive(receiver, lines.length);
  }

  private one(input: LogInput, receiver: string, ts: number): void {
    let line = input.line;
    if (line.length > MAX_LOG_LINE_BYTES) {
      line = line.slice(0, MAX_LOG_LINE_BYTES);
      this.stats.reject(receiver, 'line_truncated');
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
    this.countLine(input.source, level, receiver);
    const matched: string[] = [];
    for (const rule of this.rules) {
      if (rule.source !== undefined && rule.source !== input.source) continue;
      const hit = evaluate(rule, line, json);
      if (!hit) continue;
      matched.push(rule.id);
      if (!Number.isFinite(hit.value)) {
        this.stats.reject(receiver, 'rule_value_not_a_number');
        continue;
      }
      const checked = checkSeries(rule.metric.name, hit.labels);
      if (typeof checked === 'string') {
        this.stats.reject(receiver, checked);
        continue;
      }
      const kind = rule.metric.type === 'timer' ? 'summary' : rule.metric.type;
      const e = this.agg.entry(kind, checked.name, checked.labels);
      if (typeof e === 'string') {
        this.stats.reject(receiver, e);
        continue;
      }
      if (kind === 'counter') {
        if (hit.value < 0) this.stats.reject(receiver, 'negative_counter');
        else this.agg.counterAdd(e, hit.value);
      } else if (kind === 'gauge') this.agg.gaugeSet(e, hit.value);
      else this.agg.observe(e, hit.value / 1000, ts);
    }
    this.recent.add(ts, input.source, level, line, matched);
  }

  private countLine(source: string, level: LogLevel, receiver: string): void {
    const key = `${source}\u0000${level}`;
    let e = this.counters.get(key);
    if (!e) {
      const checked = checkSeries(LOG_LINES_METRIC, [['level', level], ['source', source]]);
      if (typeof checked === 'string') {
        this.stats.reject(receiver, checked);
        return;
      }
      const got = this.agg.entry('counter', checked.name, checked.labels);
      if (typeof got === 'string') {
        this.stats.reject(receiver, got);
        return;
      }
      if (this.counters.size >= MAX_CACHED_COUNTERS) this.counters.clear();
      this.counters.set(key, (e = got));
    }
    this.agg.counterAdd(e, 1);
  }

  recentLines(q: RecentQuery): RecentLine[] {
    return this.recent.query(q);
  }
}
