// The JSON receivers: `POST /api/v1/metrics` (one sample or an array) and `POST /api/v1/events`.
// Samples have StatsD's meaning, so "one line of code" works the same over HTTP:
//   counter: value is an increment; gauge: value is the new value; timer: one timing in ms;
//   histogram: one observation; set: one member. Names are escaped the StatsD way
//   (`checkout.completed` → `checkout_completed`); names outside ASCII are refused, not erased.
//   `ts` (ms, or an ISO-8601 string) is honoured for counters and gauges: the sample is stored at
//   that time or refused with the store's reason (`too_old`, `too_new`, `out_of_order`) in the
//   reply; the other types aggregate into the current flush.

import { RadiatorError } from '../../../shared/errors.ts';
import {
  MAX_EVENT_TAGS,
  MAX_SAMPLE_AGE_MS,
  MAX_SAMPLE_FUTURE_MS,
  MAX_EVENT_TEXT_BYTES,
  MAX_EVENT_TITLE_BYTES,
  MAX_JSON_BATCH_SAMPLES,
  MAX_LABELS_PER_SERIES,
} from '../../../shared/limits.ts';
import { POSTABLE_EVENT_KINDS, type EventKind, type NewEvent } from '../../../shared/model.ts';
import { escapeMetricName } from '../labels.ts';
import type { EntryKind, WriteProblem } from './aggregator.ts';
import type { Ingest, Operation } from './ingest.ts';
import { checkEventTagLimits } from './event-tag-limits.ts';

export const JSON_RECEIVER = 'json';

const KINDS: ReadonlyMap<string, EntryKind> = new Map([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['timer', 'summary'],
  ['histogram', 'summary'],
  ['set', 'set'],
]);

export interface SampleRejection {
  index: number;
  reason: string;
  message: string;
}

export interface JsonIngestResult {
  accepted: number;
  rejected: SampleRejection[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A bad value as it appears in a message: short, whatever its size. */
function preview(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** A ms timestamp as ISO 8601, or as the number when Date cannot represent it (past year 275760). */
const iso = (ts: number): string => (Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts));

const WRITE_MESSAGES: Record<WriteProblem, (ts: number) => string> = {
  too_old: (ts) => `"ts" ${iso(ts)} is more than ${MAX_SAMPLE_AGE_MS / 86_400_000} days old`,
  too_new: (ts) => `"ts" ${iso(ts)} is more than ${MAX_SAMPLE_FUTURE_MS / 60_000} minutes ahead`,
  out_of_order: (ts) => `"ts" ${iso(ts)} is not after the series' newest sample`,
  non_finite_result: () => 'the counter total would not be a finite number',
  store_disk_full: () => 'the disk holding the store is full and too many samples already wait in memory',
};

/** ms since the epoch from a number (ms) or an ISO-8601 string; undefined when neither. */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

const isWriteProblem = (r: string): r is WriteProblem => Object.hasOwn(WRITE_MESSAGES, r);

export class JsonIngest {
  private readonly door: Ingest;
  private readonly now: () => number;

  constructor(ingest: Ingest, now: () => number = Date.now) {
    this.door = ingest;
    this.now = now;
  }

  /** A body refused before it could be decoded (too large, too deep, not JSON): one request
   * received and refused, by its error code. */
  refuseRequest(code: string): void {
    this.door.reject(JSON_RECEIVER, code.toLowerCase());
  }

  /** Apply a decoded body. Throws (413/400) only when nothing can be applied. */
  ingest(body: unknown): JsonIngestResult {
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_JSON_BATCH_SAMPLES) {
      this.refuseRequest('INGEST_BATCH_TOO_LARGE');
      throw new RadiatorError('INGEST_BATCH_TOO_LARGE', `the batch holds ${items.length} samples; the limit is ${MAX_JSON_BATCH_SAMPLES}`, {
        limit: MAX_JSON_BATCH_SAMPLES,
      });
    }
    const res: JsonIngestResult = { accepted: 0, rejected: [] };
    const now = this.now();
    items.forEach((item, index) => {
      const problem = this.one(item, now);
      if (problem) res.rejected.push({ index, ...problem });
      else res.accepted++;
    });
    if (res.accepted === 0 && res.rejected.length > 0) {
      const first = res.rejected[0]!;
      throw new RadiatorError(
        'INVALID_SAMPLE',
        items.length === 1 ? first.message : `all ${items.length} samples were refused; the first: ${first.message}`,
        { extra: { rejected: res.rejected.slice(0, 100) } },
      );
    }
    return res;
  }

  /** One sample: refused here when it is not one, otherwise handed to the door (which counts it). */
  private one(item: unknown, now: number): { reason: string; message: string } | null {
    const parsed = this.check(item);
    if ('reason' in parsed) {
      this.door.reject(JSON_RECEIVER, parsed.reason);
      return parsed;
    }
    const { name, kind, type, pairs, value, member, tsMs } = parsed;
    const op: Operation =
      kind === 'counter'
        ? { op: 'inc', value, tsMs }
        : kind === 'gauge'
          ? { op: 'set', value, tsMs }
          : kind === 'set'
            ? { op: 'members', members: [member] }
            : { op: 'observe', value: type === 'timer' ? value / 1000 : value, atMs: now };
    const meta = { type: kind === 'counter' ? ('counter' as const) : kind === 'summary' ? ('summary' as const) : ('gauge' as const), keep: true };
    const r = this.door.apply(JSON_RECEIVER, { kind, name, labels: pairs, escape: true, meta }, op);
    if (typeof r !== 'string') return null;
    if (isWriteProblem(r)) return { reason: r, message: `sample "${escapeMetricName(name)}" refused: ${WRITE_MESSAGES[r](tsMs ?? -1)}` };
    if (r === 'type_conflict') return { reason: r, message: `"${escapeMetricName(name)}" already exists with another type` };
    if (r === 'series_limit') return { reason: r, message: 'the series limit is reached' };
    const why = r === 'name_not_ascii' || r === 'label_name_not_ascii' ? `${r.replace(/_/g, ' ')} (escaping would erase it, and unrelated names would merge)` : r.replace(/_/g, ' ');
    return { reason: r, message: `sample "${name.slice(0, 80)}" refused: ${why}` };
  }

  /** The sample, parsed, or why it is not one. */
  private check(item: unknown): Parsed | { reason: string; message: string } {
    if (!isObject(item)) return { reason: 'not_an_object', message: 'a sample must be an object {name, value, type?, labels?, ts?}' };
    const { name, value, type = 'gauge', labels, ts } = item;
    if (typeof name !== 'string' || name === '') return { reason: 'name_invalid', message: '"name" must be a non-empty string' };
    const kind = typeof type === 'string' ? KINDS.get(type) : undefined;
    if (!kind) return { reason: 'unknown_type', message: `"type" must be one of counter, gauge, timer, histogram, set (got ${preview(type)})` };
    let member = '';
    if (kind === 'set') {
      if (typeof value === 'string' && value !== '') member = value;
      else if (typeof value === 'number' && Number.isFinite(value)) member = String(value);
      else return { reason: 'malformed_value', message: `a set's "value" must be a non-empty string or a number (got ${preview(value)})` };
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { reason: 'malformed_value', message: `"value" must be a finite number (got ${preview(value)})` };
    }
    if (kind === 'counter' && (value as number) < 0) return { reason: 'negative_counter', message: 'a counter increment may not be negative' };
    const pairs: Array<[string, string]> = [];
    if (labels !== undefined) {
      if (!isObject(labels)) return { reason: 'labels_invalid', message: '"labels" must be an object of strings' };
      const entries = Object.entries(labels);
      if (entries.length > MAX_LABELS_PER_SERIES) return { reason: 'too_many_labels', message: `at most ${MAX_LABELS_PER_SERIES} labels` };
      for (const [k, v] of entries) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          return { reason: 'labels_invalid', message: `label "${k.slice(0, 80)}" must be a string (got ${preview(v)})` };
        }
        pairs.push([k, String(v)]);
      }
    }
    let tsMs: number | undefined;
    if (ts !== undefined) {
      const t = parseTimestamp(ts);
      if (t === undefined) return { reason: 'malformed_timestamp', message: `"ts" must be ms since the epoch or an ISO-8601 string (got ${preview(ts)})` };
      if (kind !== 'counter' && kind !== 'gauge') {
        return { reason: 'ts_not_supported', message: `"ts" is honoured for counters and gauges only; a ${type} aggregates into the current flush` };
      }
      tsMs = t;
    }
    return { name, kind, type: type as string, pairs, value: kind === 'set' ? 0 : (value as number), member, tsMs };
  }
}

interface Parsed {
  name: string;
  kind: EntryKind;
  type: string;
  pairs: Array<[string, string]>;
  value: number;
  member: string;
  tsMs: number | undefined;
}

/** Validate a posted event. Throws RadiatorError('INVALID_EVENT') naming the bad field. */
export function validateEvent(body: unknown, now: number): NewEvent {
  const bad = (msg: string): never => {
    throw new RadiatorError('INVALID_EVENT', msg);
  };
  if (!isObject(body)) return bad('an event must be an object {kind, title, text?, tags?, service?, version?, ts?, tsEnd?}');
  checkEventTagLimits(body);
  const { kind, title, text = '', tags = [], service = null, version = null, ts, tsEnd } = body;
  if (typeof kind !== 'string' || !(POSTABLE_EVENT_KINDS as readonly string[]).includes(kind)) {
    bad(`"kind" must be one of ${POSTABLE_EVENT_KINDS.join(', ')} (got ${preview(kind)})`);
  }
  if (typeof title !== 'string' || title.trim() === '') bad('"title" must be a non-empty string');
  if (Buffer.byteLength(title as string) > MAX_EVENT_TITLE_BYTES) bad(`"title" must be at most ${MAX_EVENT_TITLE_BYTES} bytes`);
  if (typeof text !== 'string') bad('"text" must be a string');
  if (Buffer.byteLength(text as string) > MAX_EVENT_TEXT_BYTES) bad(`"text" must be at most ${MAX_EVENT_TEXT_BYTES} bytes`);
  let tagList: string[] = [];
  if (Array.isArray(tags)) {
    if (!tags.every((t) => typeof t === 'string' && t !== '' && t.length <= 200)) bad('"tags" must be strings of 1–200 characters');
    tagList = tags as string[];
  } else if (isObject(tags)) {
    tagList = Object.entries(tags).map(([k, v]) => `${k}:${String(v)}`);
  } else bad('"tags" must be an array of "key:value" strings or an object');
  if (tagList.length > MAX_EVENT_TAGS) bad(`at most ${MAX_EVENT_TAGS} tags`);
  for (const [field, v] of [['service', service], ['version', version]] as const) {
    if (v !== null && (typeof v !== 'string' || v.length > 200)) bad(`"${field}" must be a string of at most 200 characters`);
  }
  const start = ts === undefined ? now : parseTimestamp(ts);
  if (start === undefined) bad(`"ts" must be ms since the epoch or an ISO-8601 string (got ${preview(ts)})`);
  let end: number | null = null;
  if (tsEnd !== undefined && tsEnd !== null) {
    const e = parseTimestamp(tsEnd);
    if (e === undefined) bad(`"tsEnd" must be ms since the epoch or an ISO-8601 string (got ${preview(tsEnd)})`);
    if (e! < start!) bad('"tsEnd" must not be before "ts"');
    end = e!;
  }
  return {
    ts: start!,
    tsEnd: end,
    kind: kind as EventKind,
    title: (title as string).trim(),
    text: text as string,
    tags: tagList,
    service: service as string | null,
    version: version as string | null,
    source: 'http',
  };
}
