// What each metric is (type, help, unit), as the senders declared it, and which receiver last
// wrote it. Read by the metadata API, by the boards to pick a sensible default (rate() for
// counters), and by "what's arriving" to say where a name came from.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

export class MetadataRegistry {
  private readonly byName = new Map<string, MetricMetadata>();
  /** Metric name → the receiver that last wrote it (as many as names the store has held). */
  private readonly sourceByName = new Map<string, string>();

  noteSource(name: string, receiver: string): void {
    if (this.sourceByName.get(name) !== receiver) this.sourceByName.set(name, receiver);
  }

  sourceOf(name: string): string | undefined {
    return this.sourceByName.get(name);
  }

  set(name: string, meta: Partial<MetricMetadata> & { type: MetricType }): void {
    const prev = this.byName.get(name);
    this.byName.set(name, {
      type: meta.type,
      help: meta.help || prev?.help || '',
      unit: meta.unit || prev?.unit || '',
    });
  }

  get(name: string): MetricMetadata | undefined {
    return this.byName.get(name);
  }

  entries(): IterableIterator<[string, MetricMetadata]> {
    return this.byName.entries();
  }
}
