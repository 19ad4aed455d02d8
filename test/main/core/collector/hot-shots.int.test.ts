// The real hot-shots StatsD/DogStatsD client pushing to a running core, over UDP and TCP; the
// values are read back through the HTTP API.
import StatsDClient, { type StatsD } from 'hot-shots';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

async function latestValues(match: string, pick: 'last' | 'max' = 'last'): Promise<Record<string, number | null>> {
  const r = await fetch(`${t.url}/api/v1/columns?match=${encodeURIComponent(match)}&from=-10m`);
  expect(r.status).toBe(200);
  const body = (await r.json()) as { series: Array<Record<string, string>>; columns: Array<Array<number | null>> };
  const out: Record<string, number | null> = {};
  body.series.forEach((labels, i) => {
    const col = body.columns[i + 1]!;
    let v: number | null = null;
    for (const x of col) if (x !== null) v = pick === 'max' && v !== null ? Math.max(v, x) : x;
    const key = Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .map(([k, val]) => `${k}=${val}`)
      .join(',');
    out[`${labels.__name__}{${key}}`] = v;
  });
  return out;
}

function client(protocol: 'udp' | 'tcp', port: number): StatsD {
  return new StatsDClient({
    host: '127.0.0.1',
    port,
    protocol,
    globalTags: { env: 'test', proto: protocol },
    errorHandler: (e) => {
      throw e;
    },
  });
}

const close = (c: StatsD) => new Promise<void>((r) => c.close(() => r()));

describe.each([['udp'], ['tcp']] as const)('hot-shots over %s', (protocol) => {
  it('counters, gauges, timers, histograms, distributions and sets land with their tags', async () => {
    const port = protocol === 'udp' ? (t.ports.statsdUdp as number) : (t.ports.statsdTcp as number);
    const c = client(protocol, port);
    c.increment('shop.orders', 1, { channel: 'web' });
    c.increment('shop.orders', 2, { channel: 'web' });
    c.increment('shop.orders', 5, 0.5, { channel: 'web' }); // sampled: counts 10 (hot-shots may skip it; see below)
    c.gauge('queue.depth', 42);
    c.timing('http.request_duration', 250, { route: '/cart' });
    c.timing('http.request_duration', 750, { route: '/cart' });
    c.histogram('payload.bytes', 1024);
    c.distribution('payload.bytes', 2048);
    c.set('shop.visitors', 'alice');
    c.set('shop.visitors', 'bob');
    c.set('shop.visitors', 'alice');
    await close(c);
    const tags = `env=test,proto=${protocol}`;
    const got = await waitFor(async () => {
      const v = await latestValues(`{proto="${protocol}"}`);
      return v[`queue_depth{${tags}}`] === 42 && v[`http_request_duration_count{${tags},route=/cart}`] === 2 ? v : null;
    });
    // hot-shots decides sampling on the client: the sampled increment either arrived (as 5|@0.5 → 10) or not.
    expect([3, 13]).toContain(got[`shop_orders{channel=web,${tags}}`]);
    expect(got[`http_request_duration_sum{${tags},route=/cart}`]).toBeCloseTo(1.0);
    expect(got[`http_request_duration{${tags},quantile=0.5,route=/cart}`]).toBeCloseTo(0.25);
    expect(got[`payload_bytes_sum{${tags}}`]).toBe(3072);
    expect(got[`payload_bytes_count{${tags}}`]).toBe(2);
    // A set counts distinct members per flush interval, then falls back to 0.
    const sets = await latestValues(`shop_visitors{proto="${protocol}"}`, 'max');
    expect(sets[`shop_visitors{${tags}}`]).toBe(2);
  });
});

describe('hot-shots DogStatsD extras', () => {
  it('events become events and service checks a status series', async () => {
    const c = client('udp', t.ports.statsdUdp as number);
    c.event('Deploy 1.4.2', 'shipped by CI', { alert_type: 'success', hostname: 'ci-1' }, { kind: 'deploy', service: 'web', version: '1.4.2' });
    c.check('db.up', c.CHECKS.CRITICAL, { message: 'connection refused' }, { db: 'orders' });
    await close(c);
    const events = await waitFor(async () => {
      const r = await fetch(`${t.url}/api/v1/events?from=-1h`);
      const body = (await r.json()) as { events: Array<{ kind: string; title: string; service: string | null; version: string | null; tags: string[] }> };
      return body.events.length >= 2 ? body.events : null;
    });
    const deploy = events.find((e) => e.kind === 'deploy')!;
    expect(deploy).toMatchObject({ title: 'Deploy 1.4.2', service: 'web', version: '1.4.2' });
    expect(deploy.tags).toEqual(expect.arrayContaining(['alert_type:success', 'host:ci-1', 'env:test']));
    expect(events.find((e) => e.kind === 'check')!.title).toBe('db.up: CRITICAL');
    const key = 'service_check_status{check=db.up,db=orders,env=test,proto=udp}';
    const v = await waitFor(async () => {
      const x = await latestValues('service_check_status');
      return key in x ? x : null;
    });
    expect(v[key]).toBe(2);
  });

  it('counts what it refused, per reason, on /metrics', async () => {
    const c = client('udp', t.ports.statsdUdp as number);
    c.increment('ok.metric', 1);
    await close(c);
    const dgram = await import('node:dgram');
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.send('bad line\nx:NaN|g\ngood.metric:1|c', t.ports.statsdUdp as number, '127.0.0.1', () => r()));
    s.close();
    const text = await waitFor(async () => {
      const body = await (await fetch(`${t.url}/metrics`)).text();
      return body.includes('reason="non_finite_value"') ? body : null;
    });
    expect(text).toMatch(/radiator_rejected_total\{reason="malformed_line",receiver="statsd"\} [1-9]/);
    expect(await latestValues('good_metric')).toEqual({ 'good_metric{}': 1 });
  });
});
