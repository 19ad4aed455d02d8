// What each metric is (type, help, unit), as the senders declared it. Read by the metadata API
// and by the boards to pick a sensible default (rate() for counters).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

export class MetadataRegistry {
  private readonly byName = new Map<string, MetricMetadata>();

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
