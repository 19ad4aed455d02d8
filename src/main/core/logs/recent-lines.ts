// The last lines that matched each rule, and the last lines at each level from WARN up, in
// fixed-size rings, so a panel can list the latest errors beside their rate
// (GET /api/v1/logs/recent). Memory is bounded: rings × LOG_RECENT_LINES_PER_RING lines, each cut
// to LOG_RECENT_LINE_CHARS.

import { LOG_RECENT_LINE_CHARS, LOG_RECENT_LINES_PER_RING } from '../../../shared/limits.ts';
import type { LogLevel } from './level-detector.ts';

export interface RecentLine {
  ts: number;
  source: string;
  level: LogLevel;
  line: string;
  /** The rules it matched. */
  rules: string[];
}

class Ring {
  private readonly items: Array<RecentLine | undefined>;
  private next = 0;
  constructor(size: number) {
    this.items = new Array<RecentLine | undefined>(size);
  }
  push(x: RecentLine): void {
    this.items[this.next] = x;
    this.next = (this.next + 1) % this.items.length;
  }
  /** Newest first. */
  *newest(): Generator<RecentLine> {
    const n = this.items.length;
    for (let i = 1; i <= n; i++) {
      const x = this.items[(this.next - i + n) % n];
      if (!x) return;
      yield x;
    }
  }
}

export const KEPT_LEVELS: ReadonlySet<LogLevel> = new Set(['WARN', 'ERROR', 'FATAL']);

export interface RecentQuery {
  rule?: string;
  level?: LogLevel;
  source?: string;
  limit: number;
}

export class RecentLines {
  private readonly byRule = new Map<string, Ring>();
  private readonly byLevel = new Map<LogLevel, Ring>();
  private readonly size: number;

  constructor(size = LOG_RECENT_LINES_PER_RING) {
    this.size = size;
  }

  /** Rings of rules that no longer exist are dropped. */
  setRules(ids: readonly string[]): void {
    const keep = new Set(ids);
    for (const id of [...this.byRule.keys()]) if (!keep.has(id)) this.byRule.delete(id);
  }

  add(ts: number, source: string, level: LogLevel, line: string, rules: string[]): void {
    if (rules.length === 0 && !KEPT_LEVELS.has(level)) return;
    const entry: RecentLine = { ts, source, level, line: line.length > LOG_RECENT_LINE_CHARS ? line.slice(0, LOG_RECENT_LINE_CHARS) + '…' : line, rules };
    for (const id of rules) {
      let r = this.byRule.get(id);
      if (!r) this.byRule.set(id, (r = new Ring(this.size)));
      r.push(entry);
    }
    if (KEPT_LEVELS.has(level)) {
      let r = this.byLevel.get(level);
      if (!r) this.byLevel.set(level, (r = new Ring(this.size)));
      r.push(entry);
    }
  }

  query(q: RecentQuery): RecentLine[] {
    const sources: Array<Generator<RecentLine>> = [];
    if (q.rule !== undefined) {
      const r = this.byRule.get(q.rule);
      if (r) sources.push(r.newest());
    } else if (q.level !== undefined) {
      const r = this.byLevel.get(q.level);
      if (r) sources.push(r.newest());
    } else for (const r of this.byLevel.values()) sources.push(r.newest());
    const out: RecentLine[] = [];
    const seen = new Set<RecentLine>();
    for (const g of sources) {
      for (const x of g) {
        if (q.level !== undefined && x.level !== q.level) continue;
        if (q.source !== undefined && x.source !== q.source) continue;
        if (seen.has(x)) continue;
        seen.add(x);
        out.push(x);
      }
    }
    out.sort((a, b) => b.ts - a.ts);
    return out.slice(0, q.limit);
  }
}
