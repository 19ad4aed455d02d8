// The real OpenTelemetry JS SDK pushing to a running core over OTLP/HTTP — JSON
// (@opentelemetry/exporter-metrics-otlp-http) and protobuf (…-otlp-proto), cumulative and delta
// temporality — and the values read back with PromQL, named as Prometheus's OTLP receiver names
// them.
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, waitFor, type TestCore } from '../../../../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

/** Instant query → `labels JSON` → value. */
async function query(expr: string): Promise<Map<string, number>> {
  const r = await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(JSON.stringify(body));
  const out = new Map<string, number>();
  for (const s of body.data.result) {
    const { __name__, ...rest } = s.metric;
    const keys = Object.keys(rest).sort();
    out.set(`${__name__ ?? ''}${JSON.stringify(Object.fromEntries(keys.map((k) => [k, rest[k]])))}`, Number(s.value[1]));
  }
  return out;
}

/** Wait until the query's only (or the named) result equals `want`. */
async function expectValue(expr: string, want: number): Promise<void> {
  let last: number | undefined;
  try {
    await waitFor(async () => {
      const m = await query(expr);
      last = m.size === 1 ? [...m.values()][0] : undefined;
      return last !== undefined && Math.abs(last - want) < 1e-9;
    }, 10_000);
  } catch {
    expect({ expr, value: last ?? (await query(expr)) }).toEqual({ expr, value: want });
  }
}

function provider(exporter: JsonExporter | ProtoExporter, attrs: Record<string, string>, views: ViewOptions[] = []) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  return new MeterProvider({ resource: resourceFromAttributes(attrs), readers: [reader], views });
}

const url = () => `http://127.0.0.1:${t.ports.otlp}/v1/metrics`;

describe('OTLP/HTTP JSON from the OpenTelemetry SDK, cumulative temporality', () => {
  it('counters, up-down counters, gauges and histograms arrive under Prometheus names, with job/instance and target_info', async () => {
    const mp = provider(new JsonExporter({ url: url() }), {
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'pod-1',
      'deployment.environment': 'prod',
    });
    const meter = mp.getMeter('otlp-test');
    const orders = meter.createCounter('orders.placed', { unit: '{orders}', description: 'Orders placed.' });
    const queue = meter.createUpDownCounter('queue.size');
    const temp = meter.createGauge('cpu.temperature', { unit: 'Cel' });
    const latency = meter.createHistogram('http.server.request.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 5] } });
    orders.add(3, { channel: 'web' });
    orders.add(1, { channel: 'app' });
    queue.add(5);
    queue.add(-2);
    temp.record(61.5, { 'cpu.core': 0 });
    for (const v of [0.05, 0.3, 0.3, 2]) latency.record(v, { 'http.route': '/checkout' });
    await mp.forceFlush();

    const id = 'instance="pod-1",job="shop/checkout"';
    await expectValue(`orders_placed_total{${id},channel="web"}`, 3);
    await expectValue(`orders_placed_total{${id},channel="app"}`, 1);
    await expectValue(`queue_size{${id}}`, 3);
    await expectValue(`cpu_temperature_celsius{${id},cpu_core="0"}`, 61.5);
    await expectValue(`http_server_request_duration_seconds_count{${id},http_route="/checkout"}`, 4);
    await expectValue(`http_server_request_duration_seconds_sum{${id}}`, 2.65);
    const buckets = await query(`http_server_request_duration_seconds_bucket{${id}}`);
    const byLe = new Map([...buckets].map(([k, v]) => [JSON.parse(k.slice(k.indexOf('{'))).le as string, v]));
    expect(Object.fromEntries(byLe)).toEqual({ '0.1': 1, '0.5': 3, '1': 3, '5': 4, '+Inf': 4 });
    await expectValue(`target_info{${id},deployment_environment="prod"}`, 1);
    // rate() works on what the SDK sends: a counter with metadata type counter.
    const meta = (await (await fetch(`${t.url}/api/v1/metadata?metric=orders_placed_total`)).json()) as { data: Record<string, Array<{ type: string; help: string }>> };
    expect(meta.data.orders_placed_total?.[0]).toMatchObject({ type: 'counter', help: 'Orders placed.' });

    // Cumulative values are set as they come: 3 + 2 more is 5, not 3 + 5.
    orders.add(2, { channel: 'web' });
    await mp.forceFlush();
    await expectValue(`orders_placed_total{${id},channel="web"}`, 5);
    await mp.shutdown();

    // A restarted process starts its cumulative counter again: stored as is, a reset rate() handles.
    const again = provider(new JsonExporter({ url: url(), compression: 'gzip' } as ConstructorParameters<typeof JsonExporter>[0]), {
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'pod-1',
    });
    again.getMeter('otlp-test').createCounter('orders.placed', { unit: '{orders}' }).add(1, { channel: 'web' });
    await again.forceFlush();
    await expectValue(`orders_placed_total{${id},channel="web"}`, 1);
    await again.shutdown();
  });
});

describe('OTLP/HTTP protobuf from the OpenTelemetry SDK, delta temporality', () => {
  it('delta counters and histograms accumulate; exponential histograms become power-of-two buckets', async () => {
    const exporter = new ProtoExporter({ url: url(), temporalityPreference: AggregationTemporalityPreference.DELTA });
    const mp = provider(exporter, { 'service.name': 'worker' }, [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }]);
    const meter = mp.getMeter('otlp-test');
    const jobs = meter.createCounter('jobs.done');
    const inflight = meter.createUpDownCounter('jobs.inflight');
    const mem = meter.createGauge('process.memory.usage', { unit: 'By' });
    const dur = meter.createHistogram('job.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100, 1000] } });
    const size = meter.createHistogram('payload.size', { unit: 'By' });

    jobs.add(4, { queue: 'emails' });
    inflight.add(5);
    mem.record(123_456_789);
    dur.record(5);
    dur.record(50);
    for (const v of [1, 2]) size.record(v);
    await mp.forceFlush();
    await expectValue('jobs_done_total{job="worker",queue="emails"}', 4);

    jobs.add(6, { queue: 'emails' });
    inflight.add(-2);
    dur.record(500);
    dur.record(5_000);
    for (const v of [4, 1000]) size.record(v);
    await mp.forceFlush();
    // Deltas add up: 4 + 6.
    await expectValue('jobs_done_total{job="worker",queue="emails"}', 10);
    await expectValue('jobs_inflight{job="worker"}', 3);
    await expectValue('process_memory_usage_bytes{job="worker"}', 123_456_789);
    await expectValue('job_duration_milliseconds_count{job="worker"}', 4);
    await expectValue('job_duration_milliseconds_sum{job="worker"}', 5_555);
    await expectValue('job_duration_milliseconds_bucket{job="worker",le="100"}', 2);
    await expectValue('job_duration_milliseconds_bucket{job="worker",le="1000"}', 3);
    await expectValue('job_duration_milliseconds_bucket{job="worker",le="+Inf"}', 4);
    // Values 1, 2, 4, 1000: each in the power-of-two bucket whose upper bound it reaches.
    await expectValue('payload_size_bytes_count{job="worker"}', 4);
    await expectValue('payload_size_bytes_sum{job="worker"}', 1007);
    const b = await query('payload_size_bytes_bucket{job="worker"}');
    const byLe = new Map([...b].map(([k, v]) => [JSON.parse(k.slice(k.indexOf('{'))).le as string, v]));
    expect(byLe.get('1')).toBe(1);
    expect(byLe.get('2')).toBe(2);
    expect(byLe.get('4')).toBe(3);
    expect(byLe.get('512')).toBe(3);
    expect(byLe.get('1024')).toBe(4);
    expect(byLe.get('+Inf')).toBe(4);
    // histogram_quantile works on them.
    const q = await query('histogram_quantile(0.5, payload_size_bytes_bucket{job="worker"})');
    expect([...q.values()][0]).toBeGreaterThan(1);
    expect([...q.values()][0]).toBeLessThanOrEqual(4);
    await mp.shutdown();
    expect(t.core.stats.received.get('otlp')).toBeGreaterThan(0);
  });
});
