// Remote write out against a real Prometheus 2.42 (--web.enable-remote-write-receiver) as the
// oracle: after StatsD, OTLP and push traffic, the same PromQL answers agree on both; a Radiator
// killed with SIGKILL mid-stream (five times, at seeded random moments) and restarted leaves nothing it had flushed missing in
// Prometheus; a Prometheus stopped for a while and restarted on the same port and data gets the
// backlog once it is back.
import { createSocket } from 'node:dgram';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';
import { serve, type Served } from '../../../helpers/serve.ts';
import { api, diff, haveProm, normalise, startPrometheus, type RunningProcess } from '../../../helpers/prometheus.ts';

const PROM_CONFIG = 'global:\n  scrape_interval: 1m\n';
const RECEIVER = ['--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=1d'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both answers to one instant query at `timeMs`, compared; null when they agree. */
async function compare(prom: string, rad: string, expr: string, timeMs: number): Promise<string | null> {
  const params = { query: expr, time: String(timeMs / 1000) };
  const [a, b] = await Promise.all([api(prom, '/api/v1/query', params), api(rad, '/api/v1/query', params)]);
  return diff(expr, `@${timeMs}`, normalise(a, false), normalise(b, false));
}

/** (ts ms → value) of one series' raw samples over the last hour in Prometheus. */
async function promSamples(prom: string, selector: string, atMs = Date.now()): Promise<Map<number, number>> {
  const r = await api(prom, '/api/v1/query', { query: `${selector}[1h]`, time: String(atMs / 1000) });
  const out = new Map<number, number>();
  for (const s of (r.data?.result ?? []) as Array<{ values: Array<[number, string]> }>) for (const [t, v] of s.values) out.set(Math.round(t * 1000), Number(v));
  return out;
}

describe.skipIf(!haveProm)('remote write to a real Prometheus', () => {
  const dir = tempDir('radiator-rw-prom-');
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('after StatsD, OTLP and push traffic', () => {
    let prom: RunningProcess;
    let rad: TestCore;
    beforeAll(async () => {
      prom = await startPrometheus(join(dir, 'prom-a'), PROM_CONFIG, RECEIVER);
      cleanup.push(() => prom.stop());
      rad = await startTestCore({
        remoteWrite: [{ id: 'prom', url: `${prom.url}/api/v1/write`, queue: { batchSendDeadline: '200ms', maxBackoff: '1s' } }],
        receivers: { statsd: { worker: false } },
      });
      cleanup.push(() => rad.stop());
    }, 60_000);

    it('answers the same PromQL as Radiator', async () => {
      const udp = createSocket('udp4');
      cleanup.push(() => void udp.close());
      const statsd = (line: string) => new Promise<void>((r) => udp.send(line, rad.ports.statsdUdp!, '127.0.0.1', () => r()));
      for (let round = 0; round < 6; round++) {
        await statsd(`rw.statsd.hits:${1 + round}|c|#route:/a`);
        await statsd(`rw.statsd.queue:${10 * round}|g`);
        await statsd(`rw.statsd.latency:${5 + round}|ms`);
        const nowNs = String(BigInt(Date.now()) * 1_000_000n);
        const otlp = {
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
              scopeMetrics: [
                {
                  scope: { name: 'test' },
                  metrics: [
                    { name: 'rw.otlp.requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asInt: String(100 * (round + 1)), timeUnixNano: nowNs, attributes: [{ key: 'code', value: { stringValue: '200' } }] }] } },
                    { name: 'rw.otlp.temperature', gauge: { dataPoints: [{ asDouble: 20 + round / 10, timeUnixNano: nowNs }] } },
                  ],
                },
              ],
            },
          ],
        };
        const o = await fetch(`http://127.0.0.1:${rad.ports.otlp}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(otlp) });
        expect(o.status).toBe(200);
        const p = await fetch(`http://127.0.0.1:${rad.ports.push}/metrics/job/batch/instance/n1`, {
          method: 'PUT',
          headers: { 'Content-Type': 'text/plain; version=0.0.4' },
          body: `# TYPE rw_push_processed_total counter\nrw_push_processed_total ${round * 7}\n# TYPE rw_push_last_success gauge\nrw_push_last_success ${1_700_000_000 + round}\n`,
        });
        expect(p.status).toBe(200);
        await sleep(400);
      }
      // Everything up to T is committed once a flush has run a flush interval past T (flush times
      // sit on the interval's grid); once nothing is pending, Prometheus has all of it.
      await rad.core.flush();
      const T = Date.now();
      await sleep(1_100);
      await rad.core.flush();
      await waitFor(() => rad.core.remoteWriteOut.stats()[0]!.pending === 0, 20_000, 50);
      const stats = rad.core.remoteWriteOut.stats()[0]!;
      expect(stats.sent).toBeGreaterThan(0);
      expect(stats.dropped.size).toBe(0);
      const exprs = [
        '{__name__=~"rw_.+"}[5m]',
        '{__name__=~".+"}[1m]',
        'count({__name__=~".+"})',
        'count({__name__=~"rw_.+"})',
        'sum by (route) (rate({__name__=~"rw_statsd_hits.*"}[1m]))',
        'rw_statsd_queue',
        '{__name__=~"rw_statsd_latency.*"}',
        'sum(rw_otlp_requests_total)',
        'max_over_time(rw_otlp_temperature[5m])',
        'rw_push_processed_total',
        'increase(rw_push_processed_total[5m])',
        'radiator_series',
      ];
      const problems: string[] = [];
      for (const e of exprs) {
        const d = await compare(prom.url, rad.url, e, T);
        if (d) problems.push(`${e}\n  ${d}`);
      }
      // Not vacuous: the raw samples of every kind of traffic are there.
      const names = (await api(prom.url, '/api/v1/label/__name__/values', {})).data as unknown as string[];
      for (const prefix of ['rw_statsd_hits', 'rw_statsd_queue', 'rw_statsd_latency', 'rw_otlp_requests', 'rw_otlp_temperature', 'rw_push_processed_total']) {
        expect(names.some((n) => n.startsWith(prefix)), `${prefix} in ${names.join(' ')}`).toBe(true);
      }
      expect(problems).toEqual([]);
    }, 60_000);
  });

  it('loses nothing flushed when Radiator is killed with SIGKILL mid-stream five times and restarted', async () => {
    const prom = await startPrometheus(join(dir, 'prom-b'), PROM_CONFIG, RECEIVER);
    cleanup.push(() => prom.stop());
    const data = join(dir, 'rad-b');
    const config = join(dir, 'rad-b.json');
    writeFileSync(config, JSON.stringify({ remoteWrite: [{ id: 'prom', url: `${prom.url}/api/v1/write`, queue: { batchSendDeadline: '100ms', maxBackoff: '500ms', maxSamplesPerSend: 50 } }] }));
    const args = ['--config', config, '--data-dir', data, '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics', '--flush-interval', '100ms', '--set', 'store.checkpointInterval=1s'];
    const confirmed = new Map<number, number>();
    let seq = 0;
    let s: Served | null = null;
    cleanup.push(() => void s?.proc.kill('SIGKILL'));
    const read = async (port: number) => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/columns?match=rw_kill_seq&from=-1h`);
      const body = (await r.json()) as { columns: Array<Array<number | null>> };
      if (body.columns.length < 2) return;
      body.columns[0]!.forEach((ts, i) => {
        const v = body.columns[1]![i];
        if (typeof v === 'number') confirmed.set(ts as number, v);
      });
    };
    // Five kills, each at a random moment (seeded: a failure can be replayed).
    let seed = 20261207;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 5; round++) {
      s = await serve(args);
      const port = s.ports.api!;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          try {
            await fetch(`http://127.0.0.1:${port}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'rw_kill_seq', type: 'gauge', value: ++seq }) });
          } catch {
            return;
          }
          await sleep(10);
        }
      })();
      // A while, and at least a dozen samples seen flushed this round (bounded: a busy machine).
      const until = Date.now() + 700 + rnd() * 1_500;
      const before = confirmed.size;
      const giveUp = Date.now() + 15_000;
      while ((Date.now() < until || confirmed.size < before + 12) && Date.now() < giveUp) {
        await read(port).catch(() => {});
        await sleep(30);
      }
      s.proc.kill('SIGKILL');
      await s.exited.catch(() => {});
      writing = false;
      await writer;
    }
    // The last start sends what is left; then Prometheus holds every sample seen flushed.
    s = await serve(args);
    const port = s.ports.api!;
    await waitFor(async () => {
      const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /radiator_remote_write_pending_samples\{endpoint="prom"\} 0\n/.test(m) && /radiator_remote_write_sent_samples_total\{endpoint="prom"\} [1-9]/.test(m);
    }, 30_000, 100);
    await waitFor(async () => {
      const got = await promSamples(prom.url, 'rw_kill_seq');
      return [...confirmed].every(([t, v]) => got.get(t) === v);
    }, 15_000, 200).catch(() => {});
    const got = await promSamples(prom.url, 'rw_kill_seq');
    const missing = [...confirmed].filter(([t, v]) => got.get(t) !== v);
    expect(missing).toEqual([]);
    expect(confirmed.size).toBeGreaterThan(5 * 12);
    s.proc.kill('SIGTERM');
    await s.exited;
    s = null;
  }, 120_000);

  it('drains the backlog after Prometheus was stopped for a while and came back on the same port and data', async () => {
    const promDir = join(dir, 'prom-c');
    let prom = await startPrometheus(promDir, PROM_CONFIG, RECEIVER);
    const port = prom.port;
    cleanup.push(() => prom.stop());
    const rad = await startTestCore({
      remoteWrite: [{ id: 'prom', url: `${prom.url}/api/v1/write`, queue: { batchSendDeadline: '100ms', minBackoff: '50ms', maxBackoff: '1s' } }],
      collector: { flushInterval: '200ms' },
    });
    cleanup.push(() => rad.stop());
    let value = 0;
    const write = () => fetch(`${rad.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'rw_outage', type: 'gauge', value: ++value }) });
    const writeFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await write();
        await sleep(100);
      }
    };
    await writeFor(2_000);
    await prom.stop();
    await writeFor(10_000);
    const during = rad.core.remoteWriteOut.stats()[0]!;
    expect(during.pending).toBeGreaterThan(0);
    expect((during.failed.get('network') ?? 0) + (during.failed.get('http_5xx') ?? 0)).toBeGreaterThan(0);
    prom = await startPrometheus(promDir, PROM_CONFIG, RECEIVER, port);
    await writeFor(1_000);
    await rad.core.flush();
    const T = Date.now();
    await sleep(300);
    await rad.core.flush();
    await waitFor(() => rad.core.remoteWriteOut.stats()[0]!.pending === 0, 30_000, 100);
    const after = rad.core.remoteWriteOut.stats()[0]!;
    expect(after.dropped.size).toBe(0);
    expect(await compare(prom.url, rad.url, 'rw_outage[1m]', T)).toBeNull();
    const got = await promSamples(prom.url, 'rw_outage', T);
    // One sample per flush for 13 s, the outage's included.
    expect(got.size).toBeGreaterThan(40);
  }, 90_000);
});
