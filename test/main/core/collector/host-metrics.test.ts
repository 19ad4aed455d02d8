// This machine's own series carry a scrape target's identity labels (job, instance), so a
// node_exporter scraped on the same machine makes its own series beside them, never the same ones.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HOST_JOB, HostMetrics } from '../../../../src/main/core/collector/host-metrics.ts';
import { checkSeries } from '../../../../src/main/core/labels.ts';
import { seriesKey } from '../../../../src/shared/model.ts';

describe('host metrics', () => {
  it('label every series with job and instance, like an exporter scrape', () => {
    const samples = new HostMetrics([], 'tv-lobby').collect();
    expect(samples.length).toBeGreaterThan(5);
    for (const s of samples) {
      expect(s.labels).toEqual(expect.arrayContaining([['job', HOST_JOB], ['instance', 'tv-lobby']]));
    }
    expect(new HostMetrics().collect()[0]!.labels).toEqual(expect.arrayContaining([['instance', hostname()]]));
  });

  it('never make the series a scraped node_exporter makes', () => {
    const load = new HostMetrics([], 'tv-lobby').collect().find((s) => s.name === 'node_load1')!;
    const own = checkSeries(load.name, load.labels);
    const scraped = checkSeries('node_load1', [['job', 'node'], ['instance', '127.0.0.1:9100']]);
    if (typeof own === 'string' || typeof scraped === 'string') throw new Error('invalid series');
    expect(seriesKey(own.name, own.labels)).not.toBe(seriesKey(scraped.name, scraped.labels));
  });
});
