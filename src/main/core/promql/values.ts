// The values the engine passes between nodes. A query is evaluated at every step at once: an
// instant vector is a set of series, each with one value (and a presence flag) per step; a range
// vector keeps the raw samples and lets functions slide a window over them.

import type { LabelPairs } from '../../../shared/model.ts';
import { seriesKey } from '../../../shared/model.ts';
import { PromQLError } from './promql-error.ts';

export interface StepSeries {
  /** The metric name, or null once an operation dropped it. */
  name: string | null;
  labels: LabelPairs;
  values: Float64Array;
  present: Uint8Array;
  /** For series straight from a selector: the timestamp of the sample used at each step. */
  sampleTs?: Float64Array;
}

export interface RawSeries {
  name: string | null;
  labels: LabelPairs;
  ts: Float64Array;
  values: Float64Array;
}

export type Value =
  | { kind: 'scalar'; values: Float64Array }
  | { kind: 'vector'; series: StepSeries[] }
  | { kind: 'string'; value: string }
  /** `ends[i]` is the window end for step i (after offset and @); windows are [end - range, end]. */
  | { kind: 'matrix'; series: RawSeries[]; range: number; ends: Float64Array };

export const identity = (s: { name: string | null; labels: LabelPairs }): string => seriesKey(s.name ?? '', s.labels);

export function newStepSeries(name: string | null, labels: LabelPairs, n: number): StepSeries {
  return { name, labels, values: new Float64Array(n), present: new Uint8Array(n) };
}

/** `s` made over as an empty series named `name` with `labels` (its buffers kept): for a
 * stream whose reader folds each series before the next. */
export function resetStepSeries(s: StepSeries, name: string | null, labels: LabelPairs): StepSeries {
  s.name = name;
  s.labels = labels;
  s.present.fill(0);
  return s;
}

/** Merge series that ended up with the same identity (after dropping the name, relabelling…).
 * Prometheus allows that across steps but not within one: that is an error. */
export function mergeSame(series: StepSeries[], n: number): StepSeries[] {
  const byId = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const id = identity(s);
    const prev = byId.get(id);
    if (!prev) {
      byId.set(id, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (!s.present[i]) continue;
      if (prev.present[i]) throw new PromQLError(`vector cannot contain metrics with the same labelset (${id})`, 'execution');
      prev.present[i] = 1;
      prev.values[i] = s.values[i]!;
      if (prev.sampleTs && s.sampleTs) prev.sampleTs[i] = s.sampleTs[i]!;
    }
  }
  return out;
}

/** Labels without the ones listed, sorted (they already are). */
export function withoutLabels(labels: LabelPairs, drop: ReadonlySet<string>): LabelPairs {
  return labels.filter(([k]) => !drop.has(k));
}

export function onlyLabels(labels: LabelPairs, keep: ReadonlySet<string>): LabelPairs {
  return labels.filter(([k]) => keep.has(k));
}

/** A grouping signature for matching and aggregation. */
export function signature(name: string | null, labels: LabelPairs, list: ReadonlySet<string>, on: boolean): string {
  const parts: string[] = [];
  if (on && list.has('__name__') && name !== null) parts.push('__name__', name);
  for (const [k, v] of labels) {
    if (list.has(k) === on) parts.push(k, v);
  }
  return parts.join('\u0000');
}
