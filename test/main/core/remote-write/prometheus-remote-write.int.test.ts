// A real Prometheus (Debian's 2.42) remote-writes to Radiator what it scrapes — a node exporter
// and itself, every second, on loopback — and the two then answer a table of PromQL queries at the
// same evaluation times alike (labels exactly, values within 1e-9 relative). Radiator's books for
// `remote_write` balance, and nothing but staleness markers was refused.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_WRITE_RECEIVER } from '../../../../src/main/core/remote-write/receiver.ts';
import { startTestCore, tempDir, type TestCore } from '../../../helpers/core.ts';
import { api, diff, freePort, haveProm, normalise, startNodeExporter, startPrometheus, vector, type RunningProcess } from '../../../helpers/prometheus.ts';

/** Queries over what was scraped: raw series, counters through rate, a histogram's quantile,
 * aggregations, and a count of every series of a job (so nothing may be missing). A series that
 * ended inside the window would differ (Radiator keeps no staleness markers; docs/collector.md). */
const QUERIES = [
  'up',
  'scrape_samples_scraped',
  // Every series of both jobs (Radiator's own series have no job).
  'count by (job) ({job=~"node|prometheus"})',
  'count({job="node", __name__=~"node_cpu.*|node_memory.*"})',
  'node_memory_MemTotal_bytes',
  'sum by (mode) (rate(node_cpu_seconds_total[10s]))',
  'node_load1 + node_load5',
  'rate(prometheus_tsdb_head_samples_appended_total[10s])',
  'sum(increase(prometheus_http_requests_total[15s]))',
  'histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[30s])))',
  'max_over_time(scrape_duration_seconds[10s])',
  'topk(3, node_network_receive_bytes_total)',
  'go_goroutines{job="prometheus"} > 0',
];

describe.skipIf(!haveProm)('remote write from a real Prometheus', () => {
  let rad: TestCore;
  let exporter: RunningProcess;
  let prom: RunningProcess;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('radiator-rw-');
    rad = await startTestCore();
    exporter = await startNodeExporter();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: node',
      `    static_configs: [{ targets: ['127.0.0.1:${exporter.port}'] }]`,
      '  - job_name: prometheus',
      '    static_configs: [{ targets: ["PROM_SELF"] }]',
      'remote_write:',
      `  - url: ${rad.url}/api/v1/write`,
      '    queue_config: { batch_send_deadline: 500ms, min_backoff: 50ms, max_backoff: 1s }',
      '    metadata_config: { send_interval: 1s }',
    ].join('\n');
    // Prometheus scrapes itself: its own port goes in the config before it starts.
    const port = await freePort();
    prom = await startPrometheus(join(dir, 'prom'), config.replace('PROM_SELF', `127.0.0.1:${port}`) + '\n', [], port);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
    await rad?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('what Prometheus scraped is queryable in Radiator, with the same answers at the same times', async () => {
    // Let both jobs be scraped a dozen times, then wait until the sender has sent past that time.
    const until = async (ok: () => Promise<boolean>, what: string) => {
      for (let i = 0; i < 300; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until(async () => Number((await vector(prom.url, 'min(count_over_time(up[30s]))'))[0]?.value[1] ?? 0) >= 12 && (await vector(prom.url, 'count(up == 1)'))[0]?.value[1] === '2', '12 scrapes of both jobs');
    const evalAt = Math.floor(Date.now() / 1000) * 1000 - 2_000;
    await until(async () => Number((await vector(prom.url, 'min(prometheus_remote_storage_queue_highest_sent_timestamp_seconds)'))[0]?.value[1] ?? 0) * 1000 > evalAt + 1_500, 'the sender to pass the evaluation time');
    // The highest sent time is the newest of any shard: give the others their batch deadline too.
    await new Promise((r) => setTimeout(r, 1_500));
    await rad.core.flush();

    const times = [evalAt - 4_000, evalAt - 1_300, evalAt];
    const problems: string[] = [];
    for (const q of QUERIES) {
      for (const t of times) {
        const params = { query: q, time: String(t / 1000) };
        const [a, b] = await Promise.all([api(prom.url, '/api/v1/query', params), api(rad.url, '/api/v1/query', params)]);
        const na = normalise(a, false);
        if (!('error' in na)) expect(na.series.length, `Prometheus has no answer for ${q}`).toBeGreaterThan(0);
        const d = diff(q, `@${t}`, na, normalise(b, false));
        if (d) problems.push(`${q}\n  ${d}`);
      }
    }
    expect(problems, problems.join('\n\n')).toEqual([]);

    // A range query over the whole window too.
    const range = { query: 'sum by (job) (up)', start: String((evalAt - 8_000) / 1000), end: String(evalAt / 1000), step: '1' };
    const [a, b] = await Promise.all([api(prom.url, '/api/v1/query_range', range), api(rad.url, '/api/v1/query_range', range)]);
    expect(diff('range', 'range', normalise(a, false), normalise(b, false))).toBeNull();
  }, 90_000);

  it('took everything it was sent: received = applied + refused, and the only refusals are staleness markers', async () => {
    const stats = rad.core.ingest.stats;
    const received = stats.received.get(REMOTE_WRITE_RECEIVER) ?? 0;
    const applied = stats.applied.get(REMOTE_WRITE_RECEIVER) ?? 0;
    const refused = Object.fromEntries(stats.rejected.get(REMOTE_WRITE_RECEIVER) ?? []);
    expect(received).toBeGreaterThan(1000);
    expect(received).toBe(applied + stats.rejectedCount(REMOTE_WRITE_RECEIVER));
    for (const why of Object.keys(refused)) expect(why).toBe('stale_marker');
    // The sender saw no failures.
    const failed = await vector(prom.url, 'sum(prometheus_remote_storage_samples_failed_total) + sum(prometheus_remote_storage_samples_dropped_total)');
    expect(failed[0]?.value[1]).toBe('0');
    // Metadata arrived too.
    const meta = (await (await fetch(`${rad.url}/api/v1/metadata?metric=node_cpu_seconds_total`)).json()) as { data: Record<string, Array<{ type: string }>> };
    expect(meta.data.node_cpu_seconds_total?.[0]?.type).toBe('counter');
  }, 30_000);
});
