// What each metric is (type, help, unit), as the senders declared it, and which receiver last
// wrote it. Read by the metadata API, by the boards to pick a sensible default (rate() for
// counters), and by "what's arriving" to say where a name came from.

import { detachString } from '../../../shared/model.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];

/** Descriptions with a type only (every StatsD name's): one shared object per type, not one per
 * name. Frozen: a description is replaced, never changed. */
const BARE = new Map<string, MetricMetadata>(TYPES.map((type) => [type, Object.freeze({ type, help: '', unit: '' })]));

function described(type: MetricType, help: string, unit: string): MetricMetadata {
  return (help === '' && unit === '' ? BARE.get(type) : undefined) ?? { type, help, unit };
}

export class MetadataRegistry {
  private readonly byName = new Map<string, MetricMetadata>();
  /** Metric name → the receiver that last wrote it (as many as names the store has held). */
  private readonly sourceByName = new Map<string, string>();

  /** `name`: a series' name, kept as it is (it is detached already and lives as long as the
   * series; a copy here would be a second one per name). */
  noteSource(name: string, receiver: string): void {
    if (this.sourceByName.get(name) !== receiver) this.sourceByName.set(name, receiver);
  }

  sourceOf(name: string): string | undefined {
    return this.sourceByName.get(name);
  }

  /** `kept`: the name is a series' name (detached already), held as it is rather than copied. */
  set(name: string, meta: Partial<MetricMetadata> & { type: MetricType }, kept = false): void {
    const prev = this.byName.get(name);
    // Kept for good: detached from the request text they were parsed from (see detachString).
    const help = meta.help && meta.help !== prev?.help ? detachString(meta.help) : prev?.help || '';
    const unit = meta.unit && meta.unit !== prev?.unit ? detachString(meta.unit) : prev?.unit || '';
    this.byName.set(prev || kept ? name : detachString(name), described(meta.type, help, unit));
  }

  get(name: string): MetricMetadata | undefined {
    return this.byName.get(name);
  }

  entries(): IterableIterator<[string, MetricMetadata]> {
    return this.byName.entries();
  }
}
