// A Pushgateway-compatible receiver: `PUT|POST|DELETE /metrics/job/<job>{/<label>/<value>}`.
// Semantics are the Pushgateway's: PUT replaces the whole group, POST replaces the pushed metric
// names within it, DELETE removes the group; grouping labels override labels in the body; pushed
// samples may not carry timestamps; `push_time_seconds` and `push_failure_time_seconds` are kept
// per group. Pushed values stay current (written every repeat interval) until replaced or deleted.
// Counting, through the door: a refused push is one request received and refused by its error
// code (nothing in it is applied); an accepted one counts each sample, applied or refused (a
// series past the overflow reserve, or whose name another receiver uses with another type).

import { MAX_PUSH_GROUPS } from '../../../shared/limits.ts';
import { RadiatorError } from '../../../shared/errors.ts';
import type { LabelPairs } from '../../../shared/model.ts';
import { checkSeries, isValidLabelName } from '../labels.ts';
import type { Entry } from './aggregator.ts';
import type { MetricSample } from './host-metrics.ts';
import type { Ingest } from './ingest.ts';
import type { MetricType } from './metadata.ts';
import { ExpositionError, parseExposition, type MetricFamily } from './exposition-parser.ts';
import { parseProtobufExposition } from './exposition-protobuf.ts';
import { requireUtf8 } from './utf8.ts';

export const PUSH_RECEIVER = 'push';

export type GroupingKey = Array<[string, string]>;

function decodeBase64Url(s: string): string | null {
  if (s === '=' || s === '') return '';
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(s)) return null;
  const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return new TextDecoder('utf-8', { fatal: false }).decode(b);
}

/** `/metrics/job/<job>/<l1>/<v1>…` (the part after `/metrics`) → grouping labels, job first.
 * `<name>@base64/<value>` carries a base64url value (for values with `/`, or empty ones). */
export function parseGroupingPath(path: string): GroupingKey {
  const parts = path.split('/').slice(1); // leading ''
  if (parts[0] !== 'job' && parts[0] !== 'job@base64') {
    throw new RadiatorError('NOT_FOUND', `no such endpoint /metrics/${parts.join('/')}; pushes go to /metrics/job/<job>`);
  }
  if (parts.length % 2 !== 0) {
    throw new RadiatorError('PUSH_INVALID', `odd number of components in label string "/${parts.slice(2).join('/')}"`);
  }
  const out: GroupingKey = [];
  const seen = new Set<string>();
  for (let i = 0; i < parts.length; i += 2) {
    let name = parts[i]!;
    let value: string | null;
    const raw = parts[i + 1]!;
    if (name.endsWith('@base64')) {
      name = name.slice(0, -'@base64'.length);
      value = decodeBase64Url(raw);
      if (value === null) throw new RadiatorError('PUSH_INVALID', `invalid base64 encoding in label value "${raw}"`);
    } else {
      try {
        value = decodeURIComponent(raw);
      } catch {
        throw new RadiatorError('PUSH_INVALID', `invalid percent-encoding in label value "${raw}"`);
      }
    }
    if (!isValidLabelName(name) || name.startsWith('__')) throw new RadiatorError('PUSH_INVALID', `improper label name "${name}"`);
    // A repeated name keeps its first value, as the Pushgateway does.
    if (seen.has(name)) continue;
    seen.add(name);
    out.push([name, value]);
  }
  if (out[0]![1] === '') throw new RadiatorError('PUSH_INVALID', 'job name is required');
  return out;
}

export type PushFormat = 'text' | 'openmetrics' | 'protobuf';

/** As the Pushgateway: delimited protobuf when Content-Type says so, and the text format for
 * everything else — OpenMetrics included, which the Pushgateway reads with its text parser (so an
 * exemplar or a fractional timestamp there is refused, as it refuses them). */
export function pushFormat(contentType: string | undefined): PushFormat {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/vnd.google.protobuf') && ct.includes('io.prometheus.client.metricfamily')) return 'protobuf';
  return 'text';
}

export function parsePushBody(body: Buffer, format: PushFormat): MetricFamily[] {
  try {
    if (format === 'protobuf') return parseProtobufExposition(body);
    return parseExposition(body.toString('utf8'), { openMetrics: format === 'openmetrics' });
  } catch (e) {
    if (e instanceof ExpositionError) {
      const what = format === 'protobuf' ? 'protobuf parsing error' : 'text format parsing error';
      throw new RadiatorError('MALFORMED_EXPOSITION', `${what} in ${e.message}`);
    }
    throw e;
  }
}

interface Group {
  readonly grouping: GroupingKey;
  /** family name → the entries it wrote */
  readonly families: Map<string, Entry[]>;
  pushTime: Entry | null;
  failureTime: Entry | null;
}

const keyOf = (g: GroupingKey) => JSON.stringify(g);

const TYPE_FOR_META: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
};

export class PushReceiver {
  private readonly groups = new Map<string, Group>();
  /** family name → type, across all groups, for the Pushgateway's consistency check */
  private readonly familyTypes = new Map<string, { type: string; groups: number }>();
  private readonly door: Ingest;
  private readonly now: () => number;

  constructor(ingest: Ingest, now: () => number = Date.now) {
    this.door = ingest;
    this.now = now;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /** Every pushed value as it stands, for GET /metrics on the push port. */
  current(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const g of this.groups.values()) {
      for (const [family, entries] of g.families) {
        const t = this.familyTypes.get(family)?.type;
        for (const e of entries) {
          out.push({ name: e.name, labels: e.labels, value: e.value, type: t === 'counter' ? 'counter' : 'gauge', help: this.door.metadata.get(family)?.help ?? '' });
        }
      }
      for (const e of [g.pushTime, g.failureTime]) {
        if (e) out.push({ name: e.name, labels: e.labels, value: e.value, type: 'gauge', help: this.door.metadata.get(e.name)?.help ?? '' });
      }
    }
    return out;
  }

  /** Apply one request. Returns the HTTP status the Pushgateway would: 200 for a push, 202 for
   * a delete. Throws RadiatorError for anything it refuses. */
  handle(method: string, path: string, body: Buffer, contentType: string | undefined): number {
    const grouping = parseGroupingPath(path);
    if (method === 'DELETE') {
      this.deleteGroup(grouping);
      return 202;
    }
    if (method !== 'PUT' && method !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', `${method} is not allowed on /metrics/job/…; use PUT, POST or DELETE`);
    let families: MetricFamily[];
    try {
      // The text formats are UTF-8 by definition (protobuf carries bytes of its own); a refusal is
      // counted here with the push's others.
      if (pushFormat(contentType) !== 'protobuf') requireUtf8(body, 'the pushed exposition');
      families = parsePushBody(body, pushFormat(contentType));
      this.apply(grouping, families, method === 'PUT');
    } catch (e) {
      this.markFailure(grouping);
      if (e instanceof RadiatorError) this.door.reject(PUSH_RECEIVER, e.code.toLowerCase());
      throw e;
    }
    return 200;
  }

  private apply(grouping: GroupingKey, families: MetricFamily[], replaceAll: boolean): void {
    const key = keyOf(grouping);
    const existing = this.groups.get(key);
    if (!existing && this.groups.size >= MAX_PUSH_GROUPS) {
      throw new RadiatorError('PUSH_TOO_MANY_GROUPS', `there are ${this.groups.size} push groups already`, { limit: MAX_PUSH_GROUPS });
    }
    // Validate everything before changing anything: a refused push leaves the group as it was (the
    // door checks each sample again as it applies it; this pass is the Pushgateway's all-or-nothing).
    type Planned = { name: string; labels: LabelPairs; value: number };
    const plan = new Map<string, Planned[]>();
    const seen = new Set<string>();
    // The Pushgateway keeps these two itself; pushed ones are dropped, not refused.
    families = families.filter((f) => f.name !== 'push_time_seconds' && f.name !== 'push_failure_time_seconds');
    for (const fam of families) {
      const prior = this.familyTypes.get(fam.name);
      const priorHere = existing?.families.has(fam.name) ?? false;
      if (prior && prior.type !== fam.type && !(priorHere && prior.groups === 1)) {
        throw new RadiatorError(
          'PUSH_INVALID',
          `pushed metrics are invalid or inconsistent with existing metrics: "${fam.name}" is a ${fam.type} here but a ${prior.type} in another group`,
        );
      }
      const planned: Planned[] = [];
      for (const s of fam.samples) {
        if (s.tsMs !== null) {
          throw new RadiatorError('PUSH_INVALID', 'pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps');
        }
        const merged = new Map<string, string>(s.labels);
        for (const [k, v] of grouping) merged.set(k, v);
        const checked = checkSeries(s.name, merged);
        if (typeof checked === 'string') {
          throw new RadiatorError('PUSH_INVALID', `sample "${s.name}" refused: ${checked.replace(/_/g, ' ')}`);
        }
        const k = JSON.stringify([checked.name, checked.labels]);
        if (seen.has(k)) {
          throw new RadiatorError('PUSH_INVALID', `pushed metrics are invalid: "${s.name}" was collected before with the same name and label values`);
        }
        seen.add(k);
        planned.push({ name: checked.name, labels: checked.labels, value: s.value });
      }
      plan.set(fam.name, planned);
    }

    const group: Group = existing ?? { grouping, families: new Map(), pushTime: null, failureTime: null };
    this.groups.set(key, group);
    const before = new Map(group.families);
    const keep = new Set<Entry>();
    for (const fam of families) {
      const entries: Entry[] = [];
      for (const p of plan.get(fam.name)!) {
        const e = this.door.apply(PUSH_RECEIVER, { kind: 'value', name: p.name, labels: p.labels }, { op: 'set', value: p.value });
        if (typeof e === 'string') continue;
        entries.push(e);
        keep.add(e);
      }
      if (!before.has(fam.name)) this.bumpFamily(fam.name, fam.type, +1);
      else this.familyTypes.get(fam.name)!.type = fam.type;
      this.door.describe(fam.name, { type: TYPE_FOR_META[fam.type] ?? 'unknown', help: fam.help, unit: fam.unit });
      group.families.set(fam.name, entries);
    }
    for (const [name, olds] of before) {
      if (plan.has(name)) {
        // Re-pushed family: series it no longer has stop being current.
        for (const e of olds) if (!keep.has(e)) this.door.agg.remove(e);
      } else if (replaceAll) {
        for (const e of olds) this.door.agg.remove(e);
        group.families.delete(name);
        this.bumpFamily(name, '', -1);
      }
    }
    const ts = this.now() / 1000;
    group.pushTime = this.setGroupGauge(group, 'push_time_seconds', ts);
    if (!group.failureTime) group.failureTime = this.setGroupGauge(group, 'push_failure_time_seconds', 0);
  }

  private bumpFamily(name: string, type: string, d: number): void {
    const f = this.familyTypes.get(name);
    if (!f) {
      if (d > 0) this.familyTypes.set(name, { type, groups: 1 });
      return;
    }
    f.groups += d;
    if (f.groups <= 0) this.familyTypes.delete(name);
  }

  private setGroupGauge(group: Group, name: string, v: number): Entry | null {
    // Radiator's own series for the group: counted for no receiver.
    const e = this.door.apply(null, { kind: 'value', name, labels: group.grouping }, { op: 'set', value: v });
    if (typeof e === 'string') return null;
    this.door.describe(name, {
      type: 'gauge',
      help: name === 'push_time_seconds' ? 'Last Unix time when changing this group in the Pushgateway succeeded.' : 'Last Unix time when changing this group in the Pushgateway failed.',
    });
    return e;
  }

  private markFailure(grouping: GroupingKey): void {
    const group = this.groups.get(keyOf(grouping));
    if (group) group.failureTime = this.setGroupGauge(group, 'push_failure_time_seconds', this.now() / 1000);
  }

  private deleteGroup(grouping: GroupingKey): void {
    const key = keyOf(grouping);
    const group = this.groups.get(key);
    if (!group) return;
    for (const [name, entries] of group.families) {
      for (const e of entries) this.door.agg.remove(e);
      this.bumpFamily(name, '', -1);
    }
    if (group.pushTime) this.door.agg.remove(group.pushTime);
    if (group.failureTime) this.door.agg.remove(group.failureTime);
    this.groups.delete(key);
  }
}
