// Events (deploys, changes, incidents, builds, notes, alerts, checks): the second table beside
// the samples. Every time-series panel draws the events that match it.

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { MAX_EVENTS_PER_QUERY } from '../../../shared/limits.ts';
import type { EventKind, NewEvent, RadiatorEvent } from '../../../shared/model.ts';

export interface EventQuery {
  from?: number;
  to?: number;
  kinds?: readonly EventKind[];
  /** Every tag listed must be on the event (`key:value` or a bare flag). */
  tags?: readonly string[];
  limit?: number;
}

interface EventRow {
  id: number;
  ts: number;
  ts_end: number | null;
  kind: string;
  title: string;
  text: string;
  tags: string;
  service: string | null;
  version: string | null;
  source: string;
}

export class EventStore {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly now: () => number;

  constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.now = now;
    this.insert = db.prepare(
      'INSERT INTO events (ts, ts_end, kind, title, text, tags, service, version, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    );
  }

  add(e: NewEvent): RadiatorEvent {
    const row = this.insert.get(e.ts, e.tsEnd, e.kind, e.title, e.text, JSON.stringify(e.tags), e.service, e.version, e.source) as {
      id: number;
    };
    return { ...e, id: row.id };
  }

  /** Close the open incidents carrying `tag` at `at` (an issue closed, an incident resolved).
   * Returns them as they now are, so screens can redraw the span. */
  resolve(tag: string, at: number): RadiatorEvent[] {
    const rows = this.db
      .prepare("SELECT * FROM events WHERE kind = 'incident' AND ts_end IS NULL AND EXISTS (SELECT 1 FROM json_each(events.tags) WHERE json_each.value = ?)")
      .all(tag) as unknown as EventRow[];
    const update = this.db.prepare('UPDATE events SET ts_end = ? WHERE id = ?');
    const out: RadiatorEvent[] = [];
    for (const r of rows) {
      const end = Math.max(at, r.ts);
      update.run(end, r.id);
      out.push({ ...this.fromRow(r), tsEnd: end });
    }
    return out;
  }

  /** Whether an event with this tag exists already (a webhook delivered twice). */
  hasTag(kind: EventKind, tag: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM events WHERE kind = ? AND EXISTS (SELECT 1 FROM json_each(events.tags) WHERE json_each.value = ?) LIMIT 1').get(kind, tag) !== undefined
    );
  }

  /** Events that overlap [from, to] (a span counts if any part of it does), newest first. */
  query(q: EventQuery = {}): RadiatorEvent[] {
    const from = q.from ?? 0;
    const to = q.to ?? this.now() + 86_400_000;
    const limit = Math.min(q.limit ?? MAX_EVENTS_PER_QUERY, MAX_EVENTS_PER_QUERY);
    const kinds = q.kinds && q.kinds.length > 0 ? q.kinds : null;
    const sql =
      'SELECT * FROM events WHERE ts <= ? AND coalesce(ts_end, ts) >= ?' +
      (kinds ? ` AND kind IN (${kinds.map(() => '?').join(',')})` : '') +
      ' ORDER BY ts DESC, id DESC';
    const out: RadiatorEvent[] = [];
    const want = q.tags ?? [];
    for (const row of this.db.prepare(sql).iterate(to, from, ...(kinds ?? [])) as Iterable<EventRow>) {
      const e = this.fromRow(row);
      if (want.length > 0 && !want.every((t) => e.tags.includes(t))) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  private fromRow(row: EventRow): RadiatorEvent {
    return {
      id: row.id,
      ts: row.ts,
      tsEnd: row.ts_end,
      kind: row.kind as EventKind,
      title: row.title,
      text: row.text,
      tags: JSON.parse(row.tags) as string[],
      service: row.service,
      version: row.version,
      source: row.source,
    };
  }

  deleteBefore(ts: number, maxRows: number): void {
    this.db
      .prepare(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE coalesce(ts_end, ts) < ? LIMIT ${Math.floor(maxRows)})`)
      .run(ts);
  }
}
