// Push: prom-client's Pushgateway class against a running core, and a differential test that
// sends the same requests to the real Prometheus Pushgateway (Debian's prometheus-pushgateway)
// and to Radiator, and compares status codes and the resulting metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../../../src/main/core/collector/exposition-parser.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

const PUSHGATEWAY = process.env.PUSHGATEWAY_BIN ?? '/usr/bin/prometheus-pushgateway';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

async function column(match: string): Promise<Map<string, number>> {
  const r = await fetch(`${t.url}/api/v1/columns?match=${encodeURIComponent(match)}&from=-10m`);
  const body = (await r.json()) as { series: Array<Record<string, string>>; columns: Array<Array<number | null>> };
  const out = new Map<string, number>();
  body.series.forEach((labels, i) => {
    const col = body.columns[i + 1]!.filter((x): x is number => x !== null);
    const { __name__, ...rest } = labels;
    out.set(`${__name__}${JSON.stringify(rest)}`, col[col.length - 1]!);
  });
  return out;
}

describe('prom-client Pushgateway', () => {
  it('pushAdd, push and delete work unchanged against Radiator', async () => {
    const registry = new client.Registry();
    const jobs = new client.Counter({ name: 'batch_jobs_total', help: 'Jobs done.', labelNames: ['queue'], registers: [registry] });
    const last = new client.Gauge({ name: 'batch_last_success_seconds', help: 'Last success.', registers: [registry] });
    const dur = new client.Histogram({ name: 'batch_duration_seconds', help: 'Duration.', buckets: [0.1, 1, 10], registers: [registry] });
    jobs.inc({ queue: 'emails' }, 3);
    last.set(1_700_000_000);
    dur.observe(0.5);
    dur.observe(4);
    const gw = new client.Pushgateway(`http://127.0.0.1:${t.ports.push}`, {}, registry);

    const res = await gw.pushAdd({ jobName: 'nightly', groupings: { instance: 'host1' } });
    expect((res.resp as { statusCode: number }).statusCode).toBe(200);
    const got = await waitFor(async () => {
      const m = await column('{job="nightly"}');
      return m.size >= 8 ? m : null;
    });
    expect(got.get('batch_jobs_total{"instance":"host1","job":"nightly","queue":"emails"}')).toBe(3);
    expect(got.get('batch_last_success_seconds{"instance":"host1","job":"nightly"}')).toBe(1_700_000_000);
    expect(got.get('batch_duration_seconds_bucket{"instance":"host1","job":"nightly","le":"1"}')).toBe(1);
    expect(got.get('batch_duration_seconds_bucket{"instance":"host1","job":"nightly","le":"+Inf"}')).toBe(2);
    expect(got.get('batch_duration_seconds_sum{"instance":"host1","job":"nightly"}')).toBe(4.5);
    expect(got.get('push_time_seconds{"instance":"host1","job":"nightly"}')).toBeGreaterThan(1_700_000_000);

    // PUT replaces the whole group: the gauge alone remains current.
    const only = new client.Registry();
    new client.Gauge({ name: 'batch_last_success_seconds', help: 'Last success.', registers: [only] }).set(1_800_000_000);
    await new client.Pushgateway(`http://127.0.0.1:${t.ports.push}`, {}, only).push({ jobName: 'nightly', groupings: { instance: 'host1' } });
    const pushed = async () => {
      const text = await (await fetch(`http://127.0.0.1:${t.ports.push}/metrics`)).text();
      return text.split('\n').filter((l) => l.includes('job="nightly"') && !l.startsWith('push_'));
    };
    expect(await pushed()).toEqual(['batch_last_success_seconds{instance="host1",job="nightly"} 1800000000']);

    const del = await gw.delete({ jobName: 'nightly', groupings: { instance: 'host1' } });
    expect((del.resp as { statusCode: number }).statusCode).toBe(202);
    expect(await pushed()).toEqual([]);
  });

  it('also takes pushes on the HTTP port', async () => {
    const r = await fetch(`${t.url}/metrics/job/api-port`, { method: 'PUT', body: 'on_api_port 7\n' });
    expect(r.status).toBe(200);
    const got = await waitFor(async () => ((await column('on_api_port')).size ? column('on_api_port') : null));
    expect(got.get('on_api_port{"job":"api-port"}')).toBe(7);
  });
});

// ── differential against the real Pushgateway ─────────────────────────────────────────
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Step {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

const STEPS: Step[] = [
  { method: 'PUT', path: '/metrics/job/j1', body: 'a_total 1\n' },
  { method: 'POST', path: '/metrics/job/j1/instance/x', body: 'a_total 2\n# TYPE g gauge\ng 5\n' },
  { method: 'PUT', path: '/metrics/job/j1', body: 'a_total{job="other",extra="e"} 3\n' },
  { method: 'PUT', path: '/metrics/job/j3/x/2', body: 'lab{x="1"} 1\n' },
  { method: 'PUT', path: '/metrics/job/j1', body: 'a_total 1 1234\n' },
  { method: 'PUT', path: '/metrics/job/j1', body: 'garbage here\n' },
  { method: 'PUT', path: '/metrics/job/j1/onlylabel', body: 'x 1\n' },
  { method: 'PUT', path: '/metrics/job/j1/__reserved/v', body: 'x 1\n' },
  { method: 'PUT', path: '/metrics/job@base64/Zm9vL2Jhcg==', body: 'b64 1\n' },
  { method: 'PUT', path: '/metrics/job/j4/a@base64/', body: 'emptylabel 1\n' },
  { method: 'PUT', path: '/metrics/job/c1', body: '# TYPE c counter\nc 1\n' },
  { method: 'PUT', path: '/metrics/job/c2', body: '# TYPE c gauge\nc 1\n' },
  { method: 'POST', path: '/metrics/job/c1', body: '# TYPE c gauge\nc 2\n' },
  { method: 'PUT', path: '/metrics/job/d1', body: '# TYPE d counter\nd 1\n# TYPE d gauge\n' },
  { method: 'PUT', path: '/metrics/job/d2', body: 'dup{a="1"} 1\ndup{a="1"} 2\n' },
  { method: 'PUT', path: '/metrics/job/gz', body: gzipSync('gz_metric 7\n'), headers: { 'Content-Encoding': 'gzip' } },
  { method: 'PUT', path: '/metrics/job/om', body: '# TYPE om gauge\nom 1\n# EOF\n', headers: { 'Content-Type': 'application/openmetrics-text; version=1.0.0' } },
  {
    method: 'POST',
    path: '/metrics/job/h',
    body: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 3\nh_sum 7.5\nh_count 3\n# TYPE s summary\ns{quantile="0.5"} 2\ns_sum 9\ns_count 4\n',
  },
  { method: 'PUT', path: '/metrics/job/empty', body: '' },
  { method: 'PUT', path: '/metrics/job/pt', body: 'push_time_seconds 1\nreal 2\n' },
  { method: 'DELETE', path: '/metrics/job/j1/instance/x' },
  { method: 'DELETE', path: '/metrics/job/never-pushed' },
  { method: 'GET', path: '/metrics/job/j1' },
  { method: 'PUT', path: '/metrics/job/j5/job/ignored', body: 'dupjob 1\n' },
  // What Prometheus's parsers refuse: a TYPE or HELP comment without a metric name, a label value
  // that is not UTF-8, an OpenMetrics exemplar without its value.
  { method: 'PUT', path: '/metrics/job/strict1', body: '# TYPE #\nx 1\n' },
  { method: 'PUT', path: '/metrics/job/strict2', body: '# HELP #\nx 1\n' },
  { method: 'PUT', path: '/metrics/job/strict3', body: Buffer.concat([Buffer.from('u{a="'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n')]) },
  {
    method: 'PUT',
    path: '/metrics/job/strict4',
    body: '# TYPE e counter\ne_total 1 # {trace_id="a"}\n# EOF\n',
    headers: { 'Content-Type': 'application/openmetrics-text; version=1.0.0' },
  },
  { method: 'PUT', path: '/metrics/job/strict5', body: '# TYPE e counter\ne_total 1 # {trace_id="a"} 1\n# EOF\n', headers: { 'Content-Type': 'application/openmetrics-text; version=1.0.0' } },
  { method: 'PUT', path: '/metrics/job/strict6', body: '# comment that is fine\n#\nok 1\n' },
];

/** Pushed series as `name{labels} value`, empty labels dropped (as a scrape would). */
function normalise(text: string): string[] {
  const out: string[] = [];
  for (const fam of parseExposition(text, { openMetrics: false })) {
    for (const s of fam.samples) {
      if (s.name.startsWith('push_') || !s.labels.some(([k]) => k === 'job')) continue;
      const labels = s.labels.filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : 1));
      out.push(`${s.name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}} ${s.value}`);
    }
  }
  return out.sort();
}

describe.skipIf(!existsSync(PUSHGATEWAY))('differential: the real Pushgateway and Radiator answer alike', () => {
  let pg: ChildProcess;
  let pgUrl: string;
  let rad: TestCore;
  beforeAll(async () => {
    const port = await freePort();
    pgUrl = `http://127.0.0.1:${port}`;
    // Debian's build persists to /var/lib by default; this one must start empty and stay in memory.
    pg = spawn(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`${pgUrl}/-/ready`)).ok, 10_000, 100);
    rad = await startTestCore();
  });
  afterAll(async () => {
    pg?.kill();
    await rad?.stop();
  });

  it(`gives the same status codes and metrics for ${STEPS.length} requests`, async () => {
    const radUrl = `http://127.0.0.1:${rad.ports.push}`;
    for (const step of STEPS) {
      const send = (base: string) => fetch(base + step.path, { method: step.method, body: step.body, headers: step.headers, redirect: 'manual' });
      const [a, b] = await Promise.all([send(pgUrl), send(radUrl)]);
      expect({ step: `${step.method} ${step.path}`, status: b.status }).toEqual({ step: `${step.method} ${step.path}`, status: a.status });
      const [ma, mb] = await Promise.all([fetch(`${pgUrl}/metrics`).then((r) => r.text()), fetch(`${radUrl}/metrics`).then((r) => r.text())]);
      expect({ after: `${step.method} ${step.path}`, metrics: normalise(mb) }).toEqual({ after: `${step.method} ${step.path}`, metrics: normalise(ma) });
    }
  });
});
