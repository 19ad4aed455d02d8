// Metric and label names: validation with reasons, the statsd_exporter escaping, canonical order.

import {
  MAX_LABEL_NAME_BYTES,
  MAX_LABEL_VALUE_BYTES,
  MAX_LABELS_PER_SERIES,
  MAX_METRIC_NAME_BYTES,
} from '../../shared/limits.ts';
import type { LabelPairs } from '../../shared/model.ts';

const isAlpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Prometheus's legacy metric name rule: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isValidMetricName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlpha(c) || c === 95 || c === 58 || (i > 0 && isDigit(c))) continue;
    return false;
  }
  return true;
}

/** Prometheus's label name rule: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLabelName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlpha(c) || c === 95 || (i > 0 && isDigit(c))) continue;
    return false;
  }
  return true;
}

/** statsd_exporter's default mapping of a StatsD name (or tag key) to a Prometheus name: every
 * character outside `[a-zA-Z0-9_]` becomes `_`, a second `-` in a row is dropped, and a leading
 * digit gets a `_` in front. `api.requests-total` → `api_requests_total`. */
export function escapeMetricName(s: string): string {
  let needs = s.length > 0 && isDigit(s.charCodeAt(0));
  if (!needs) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!(isAlpha(c) || isDigit(c) || c === 95)) {
        needs = true;
        break;
      }
    }
    if (!needs) return s;
  }
  let out = s.length > 0 && isDigit(s.charCodeAt(0)) ? '_' : '';
  let prev = -1;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (isAlpha(c) || isDigit(c) || c === 95) out += ch;
    else if (!(c === 45 && prev === 45)) out += '_';
    prev = ch.length === 1 ? c : -1;
  }
  return out;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

export type LabelProblem =
  | 'name_invalid'
  | 'name_too_long'
  | 'label_name_invalid'
  | 'label_name_reserved'
  | 'label_name_too_long'
  | 'label_value_too_long'
  | 'too_many_labels'
  | 'name_not_ascii'
  | 'label_name_not_ascii';

export interface CheckedSeries {
  readonly name: string;
  readonly labels: LabelPairs;
}

/** Validate a series identity from outside and put its labels in canonical (sorted) order.
 * Empty label values are dropped: in Prometheus an empty value means the label is absent.
 * Duplicate label names keep the last value, as Go maps do in statsd_exporter. */
export function checkSeries(name: string, pairs: Iterable<readonly [string, string]>): CheckedSeries | LabelProblem {
  if (name.length > MAX_METRIC_NAME_BYTES || utf8Length(name) > MAX_METRIC_NAME_BYTES) return 'name_too_long';
  if (!isValidMetricName(name)) return 'name_invalid';
  const map = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (k.length > MAX_LABEL_NAME_BYTES) return 'label_name_too_long';
    if (!isValidLabelName(k)) return 'label_name_invalid';
    if (k.startsWith('__')) return 'label_name_reserved';
    if (v.length > MAX_LABEL_VALUE_BYTES || utf8Length(v) > MAX_LABEL_VALUE_BYTES) return 'label_value_too_long';
    if (v === '') map.delete(k);
    else map.set(k, v);
  }
  if (map.size > MAX_LABELS_PER_SERIES) return 'too_many_labels';
  const labels = [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { name, labels };
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
};

/** A StatsD-style series (StatsD lines, JSON samples): the name and label names escaped the
 * statsd_exporter way, then checked. Escaping turns every character outside `[a-zA-Z0-9_]` into
 * `_`; for ASCII punctuation that is the documented spelling (`a.b` and `a_b` are one series), but
 * for letters outside ASCII it erases the name (`日本語` and `中文字` would both be `___` and merge),
 * so such names are refused, every one of them: a first-come registry of spellings would make
 * what is accepted depend on arrival order, and grow with every name ever sent. Label values are
 * not escaped and take any UTF-8. */
export function checkEscapedSeries(name: string, pairs: Iterable<readonly [string, string]>): CheckedSeries | LabelProblem {
  if (!isAscii(name)) return 'name_not_ascii';
  const escaped: Array<readonly [string, string]> = [];
  for (const [k, v] of pairs) {
    if (!isAscii(k)) return 'label_name_not_ascii';
    escaped.push([escapeMetricName(k), v]);
  }
  return checkSeries(escapeMetricName(name), escaped);
}

export function labelValue(labels: LabelPairs, name: string): string | undefined {
  for (const [k, v] of labels) if (k === name) return v;
  return undefined;
}

/** A copy with one label set (or replaced), still sorted. */
export function withLabel(labels: LabelPairs, name: string, value: string): LabelPairs {
  const out = labels.filter(([k]) => k !== name);
  out.push([name, value]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
