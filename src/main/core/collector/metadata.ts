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

/** What is known of one name: its description and the receiver that last wrote it. A record is
 * replaced, never changed, and the usual ones (a bare description, or none, with one of the few
 * receivers) are shared by every name that has them: one map entry per name, not one in each of
 * two maps plus an object. */
interface NameRecord {
  readonly meta: MetricMetadata | undefined;
  readonly source: string | undefined;
}

const SHARED = new Map<MetricMetadata | undefined, Map<string | undefined, NameRecord>>();

function record(meta: MetricMetadata | undefined, source: string | undefined): NameRecord {
  if (meta !== undefined && BARE.get(meta.type) !== meta) return { meta, source };
  let bySource = SHARED.get(meta);
  if (!bySource) SHARED.set(meta, (bySource = new Map()));
  let r = bySource.get(source);
  if (!r) bySource.set(source, (r = Object.freeze({ meta, source })));
  return r;
}

export class MetadataRegistry {
  /** Metric name → its description and last receiver (as many as names the store has held). */
  private readonly byName = new Map<string, NameRecord>();

  /** `name`: a series' name, kept as it is (it is detached already and lives as long as the
   * series; a copy here would be a second one per name). */
  noteSource(name: string, receiver: string): void {
    const prev = this.byName.get(name);
    if (prev?.source !== receiver) this.byName.set(name, record(prev?.meta, receiver));
  }

  sourceOf(name: string): string | undefined {
    return this.byName.get(name)?.source;
  }

  /** `kept`: the name is a series' name (detached already), held as it is rather than copied. */
  set(name: string, meta: Partial<MetricMetadata> & { type: MetricType }, kept = false): void {
    const prevRecord = this.byName.get(name);
    const prev = prevRecord?.meta;
    // Kept for good: detached from the request text they were parsed from (see detachString).
    const help = meta.help && meta.help !== prev?.help ? detachString(meta.help) : prev?.help || '';
    const unit = meta.unit && meta.unit !== prev?.unit ? detachString(meta.unit) : prev?.unit || '';
    this.byName.set(prevRecord || kept ? name : detachString(name), record(described(meta.type, help, unit), prevRecord?.source));
  }

  get(name: string): MetricMetadata | undefined {
    return this.byName.get(name)?.meta;
  }

  *entries(): IterableIterator<[string, MetricMetadata]> {
    for (const [name, r] of this.byName) if (r.meta) yield [name, r.meta];
  }
}
