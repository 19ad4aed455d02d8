// The data model every process shares: series identity, label matchers and events.
// It is Prometheus's: a series is a metric name plus labels; a sample is (timestamp ms, float64).

/** Label pairs sorted by name, `__name__` excluded. Arrays, not objects: names arrive from
 * outside and `__proto__` is a valid label name. */
export type LabelPairs = ReadonlyArray<readonly [string, string]>;

export interface SeriesId {
  readonly name: string;
  readonly labels: LabelPairs;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  /** `__name__` matches the metric name. */
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** What the JSON API accepts; `alert` and `check` are written by the core itself. */
export const POSTABLE_EVENT_KINDS = ['deploy', 'change', 'incident', 'build', 'note'] as const;
export const EVENT_KINDS = [...POSTABLE_EVENT_KINDS, 'alert', 'check'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface RadiatorEvent {
  readonly id: number;
  /** ms since the epoch */
  readonly ts: number;
  /** The end of a span (an incident's resolution); null for a point in time. */
  readonly tsEnd: number | null;
  readonly kind: EventKind;
  readonly title: string;
  readonly text: string;
  /** `key:value` or bare `flag` strings, as DogStatsD writes them. */
  readonly tags: readonly string[];
  readonly service: string | null;
  readonly version: string | null;
  /** Which receiver wrote it: `http`, `statsd`, `demo`, … */
  readonly source: string;
}

export type NewEvent = Omit<RadiatorEvent, 'id'>;

/** Labels as the Prometheus HTTP API and the feed spell them: an object with `__name__`.
 * Build with `labelsToObject`, which creates it without a prototype. */
export type LabelObject = Record<string, string>;

export function labelsToObject(id: SeriesId): LabelObject {
  const out: LabelObject = Object.create(null);
  out.__name__ = id.name;
  for (const [k, v] of id.labels) out[k] = v;
  return out;
}

const escapeLabelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** The canonical text form, `name{a="1",b="2"}`; also the series' unique key. Built with join,
 * which yields one flat string (concatenation would keep a rope of pieces alive per series). */
/** A copy of `s` that shares no memory with the text it was cut from. V8 keeps a substring of
 * 13 characters or more as a view into its parent string, so a metric name parsed out of a 2 MB
 * import body kept the whole body alive as long as the series lived: 100,000 imported series
 * held 1.7 GB of request bodies. Whatever is kept for good (a new series' name and labels,
 * metadata) goes through this; short strings are copies already. */
export function detachString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** No labels: one shared empty list, not an empty array per series. */
export const NO_LABELS: LabelPairs = Object.freeze([]);

/** `labels` with every name and value detached (see detachString). */
export function detachLabels(labels: LabelPairs): LabelPairs {
  if (labels.length === 0) return NO_LABELS;
  return labels.map(([k, v]) => [detachString(k), detachString(v)] as const);
}

export function seriesKey(name: string, labels: LabelPairs): string {
  if (labels.length === 0) return name;
  const parts: string[] = [name, '{'];
  for (let i = 0; i < labels.length; i++) {
    const [k, v] = labels[i]!;
    if (i > 0) parts.push(',');
    parts.push(k, '="', escapeLabelValue(v), '"');
  }
  parts.push('}');
  return parts.join('');
}

/** The canonical key of labels as the feed and the HTTP API spell them (`__name__` in the object):
 * the same string `seriesKey` gives for that series, whatever order the object's keys came in.
 * What a screen keys a series by — never its legend, which two series may share. */
export function labelObjectKey(labels: LabelObject): string {
  const pairs: Array<[string, string]> = [];
  for (const k of Object.keys(labels)) if (k !== '__name__') pairs.push([k, labels[k]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return seriesKey(Object.hasOwn(labels, '__name__') ? labels.__name__! : '', pairs);
}
