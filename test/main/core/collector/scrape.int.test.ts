// Scraping, Prometheus-style, against the real node_exporter (Debian's prometheus-node-exporter,
// started here on a free loopback port), and against targets that fail each way a scrape can:
// connection refused, HTTP 500, a body over the size limit, more samples than the limit, a body
// that does not parse — each `up 0` with its reason in /api/v1/scrape/targets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latest, startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

const NODE_EXPORTER = process.env.NODE_EXPORTER_BIN ?? '/usr/bin/prometheus-node-exporter';

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

async function query(t: TestCore, expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const r = await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result.map((x) => ({ metric: x.metric, value: Number(x.value[1]) }));
}

interface TargetsBody {
  status: string;
  data: { activeTargets: Array<{ id: string; health: string; lastError: string; lastErrorReason: string; lastScrape: string; lastScrapeDuration: number; labels: Record<string, string>; scrapeUrl: string }> };
}
async function targets(t: TestCore): Promise<TargetsBody['data']['activeTargets']> {
  const body = (await (await fetch(`${t.url}/api/v1/scrape/targets`)).json()) as TargetsBody;
  expect(body.status).toBe('success');
  return body.data.activeTargets;
}

describe.skipIf(!existsSync(NODE_EXPORTER))('scraping the real node_exporter', () => {
  let ne: ChildProcess;
  let port: number;
  let t: TestCore;
  beforeAll(async () => {
    port = await freePort();
    // Only quick collectors that need no privileges.
    ne = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.loadavg', '--collector.meminfo', '--collector.cpu', '--collector.time'], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).ok, 10_000, 50);
    t = await startTestCore({
      collector: { flushInterval: 100 },
      scrape: { targets: [{ id: 'node', url: `http://127.0.0.1:${port}/metrics`, interval: '1s', timeout: '900ms', labels: { team: 'infra' } }] },
    });
  });
  afterAll(async () => {
    await t?.stop();
    ne?.kill('SIGTERM');
  });

  it('up, node_* metrics and the scrape metrics carry job and instance, on the timer', async () => {
    const instance = `127.0.0.1:${port}`;
    const up = await waitFor(async () => {
      const r = await query(t, 'up');
      return r.length === 1 ? r[0] : null;
    }, 10_000);
    expect(up.metric).toEqual({ __name__: 'up', job: 'node', instance, team: 'infra' });
    expect(up.value).toBe(1);
    const mem = await query(t, 'node_memory_MemTotal_bytes{job="node"}');
    expect(mem).toHaveLength(1);
    expect(mem[0]!.metric.instance).toBe(instance);
    expect(mem[0]!.value).toBeGreaterThan(1e6);
    const cpu = await query(t, 'count(node_cpu_seconds_total{job="node",mode="idle"})');
    expect(cpu[0]!.value).toBeGreaterThanOrEqual(1);
    const scraped = await query(t, 'scrape_samples_scraped{job="node"}');
    expect(scraped[0]!.value).toBeGreaterThan(10);
    expect((await query(t, 'scrape_samples_post_metric_relabeling{job="node"}'))[0]!.value).toBe(scraped[0]!.value);
    expect((await query(t, 'scrape_duration_seconds{job="node"}'))[0]!.value).toBeGreaterThan(0);
    // The exposition's own TYPE lines become metadata: rate() on a counter works.
    await waitFor(async () => (await query(t, 'rate(node_cpu_seconds_total{mode="idle"}[5s])')).length > 0, 10_000);
    const st = await targets(t);
    expect(st).toHaveLength(1);
    expect(st[0]).toMatchObject({ id: 'node', health: 'up', lastError: '', labels: { job: 'node', instance, team: 'infra' }, scrapeUrl: `http://127.0.0.1:${port}/metrics` });
    expect(Date.parse(st[0]!.lastScrape)).toBeGreaterThan(0);
    // A second scrape on the timer: the series has two samples a second apart.
    await waitFor(async () => (await query(t, 'count_over_time(up{job="node"}[1m])'))[0]?.value! >= 2, 10_000);
  });

  it('targets change live with the settings', async () => {
    const bad = await freePort();
    await t.core.settingsStore.update('scrape', { targets: [{ id: 'node', url: `http://127.0.0.1:${port}/metrics`, interval: '1s', timeout: '900ms', labels: { team: 'infra' } }, { id: 'gone', url: `http://127.0.0.1:${bad}/metrics`, interval: '1s', timeout: '500ms' }] });
    const gone = await waitFor(async () => (await targets(t)).find((x) => x.id === 'gone' && x.health === 'down'), 10_000);
    expect(gone.lastErrorReason).toBe('connection_refused');
    expect(gone.lastError).toContain('connection refused');
    t.core.settingsStore.update('scrape', { targets: [] });
    expect(await targets(t)).toEqual([]);
  });
});

describe('failing targets', () => {
  let server: http.Server;
  let port: number;
  let t: TestCore;
  const big = '# TYPE big gauge\n' + Array.from({ length: 3_000 }, (_, i) => `big{i="${i}"} ${i}`).join('\n') + '\n';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/500') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return res.end('boom');
      }
      if (req.url === '/huge') {
        // Small on the wire, large once inflated: the limit is on what it inflates to.
        const body = gzipSync('# TYPE pad gauge\n' + 'pad 1\n'.repeat(100_000));
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
        return res.end(body);
      }
      if (req.url === '/many') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        return res.end(big);
      }
      if (req.url === '/garbage') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        return res.end('this is { not an exposition\n');
      }
      if (req.url === '/om') {
        res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0' });
        return res.end('# TYPE jobs counter\njobs_total{job="exposed"} 7\n# TYPE stamped gauge\nstamped 3 1700000000.5\n# EOF\n');
      }
      if (req.url === '/secret') {
        const ok = req.headers.authorization === 'Bearer s3cret';
        res.writeHead(ok ? 200 : 401, { 'Content-Type': 'text/plain' });
        return res.end(ok ? 'authed 1\n' : 'no');
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    const refused = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const target = (id: string, url: string, extra: Record<string, unknown> = {}) => ({ id, url, interval: '1h', timeout: '2s', ...extra });
    t = await startTestCore(
      {
        collector: { flushInterval: 100 },
        scrape: {
          maxBodyBytes: 100_000,
          maxSamplesPerScrape: 1_000,
          targets: [
            target('refused', `http://127.0.0.1:${refused}/metrics`),
            target('status', `${base}/500`),
            target('huge', `${base}/huge`),
            target('many', `${base}/many`),
            target('garbage', `${base}/garbage`),
            target('om', `${base}/om`),
            target('honor', `${base}/om`, { honorLabels: true }),
            target('auth', `${base}/secret`, { auth: { type: 'bearer', token: 's3cret' } }),
          ],
        },
      },
      { now: () => 1_700_000_100_000 },
    );
  });
  afterAll(async () => {
    await t?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('each failure is up 0 with its reason; nothing from the body is stored', async () => {
    for (const id of ['refused', 'status', 'huge', 'many', 'garbage', 'om', 'honor', 'auth']) expect(await t.core.telemetry.scrape.scrapeNow(id)).toBe(true);
    const st = new Map((await targets(t)).map((x) => [x.id, x]));
    expect(st.get('refused')).toMatchObject({ health: 'down', lastErrorReason: 'connection_refused' });
    expect(st.get('status')).toMatchObject({ health: 'down', lastErrorReason: 'http_status', lastError: 'server returned HTTP status 500 Internal Server Error' });
    expect(st.get('huge')).toMatchObject({ health: 'down', lastErrorReason: 'body_too_large' });
    expect(st.get('huge')!.lastError).toContain('body size limit exceeded');
    expect(st.get('many')).toMatchObject({ health: 'down', lastErrorReason: 'sample_limit', lastError: 'sample limit exceeded: 3000 samples, the limit is 1000' });
    expect(st.get('garbage')).toMatchObject({ health: 'down', lastErrorReason: 'parse_error' });
    expect(st.get('om')).toMatchObject({ health: 'up', lastError: '' });
    expect(st.get('auth')).toMatchObject({ health: 'up' });
    await t.core.flush();
    const up = new Map((await query(t, 'up')).map((r) => [r.metric.job, r.value]));
    expect(Object.fromEntries(up)).toEqual({ refused: 0, status: 0, huge: 0, many: 0, garbage: 0, om: 1, honor: 1, auth: 1 });
    expect(await query(t, 'big')).toEqual([]);
    expect(await query(t, 'pad')).toEqual([]);
    expect((await query(t, 'scrape_samples_scraped{job="many"}'))[0]!.value).toBe(0);
    for (const reason of ['connection_refused', 'http_status', 'body_too_large', 'sample_limit', 'parse_error']) expect(t.core.stats.rejectedCount('scrape', reason)).toBeGreaterThanOrEqual(1);
    // The collector's own /metrics shows the refusals by reason.
    const self = await (await fetch(`${t.url}/metrics`)).text();
    expect(self).toMatch(/radiator_rejected_total\{reason="sample_limit",receiver="scrape"\} 1/);
  });

  it('exposed labels that clash become exported_*, unless honorLabels; exposition timestamps are kept', async () => {
    const jobs = await query(t, 'jobs_total');
    const byTarget = jobs.map((r) => r.metric).sort((a, b) => (a.job! < b.job! ? -1 : 1));
    expect(byTarget).toEqual([
      { __name__: 'jobs_total', job: 'exposed', instance: `127.0.0.1:${port}` },
      { __name__: 'jobs_total', job: 'om', exported_job: 'exposed', instance: `127.0.0.1:${port}` },
    ]);
    const raw = (await (await fetch(`${t.url}/api/v1/columns?match=${encodeURIComponent('stamped{job="om"}')}&from=1699999990000&to=1700000200000`)).json()) as { columns: number[][] };
    expect(raw.columns[0]).toEqual([1_700_000_000_500]);
    expect((await query(t, 'authed'))[0]!.metric.job).toBe('auth');
  });
});

describe('a scrape past the series cap', () => {
  let server: http.Server;
  let t: TestCore;
  const N = 400;
  const body = '# TYPE reqs counter\n' + Array.from({ length: N }, (_, i) => `reqs_total{path="/p${i}"} ${i}`).join('\n') + '\n';
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    t = await startTestCore({
      collector: { flushInterval: 100 },
      store: { maxSeries: 200 },
      scrape: { targets: [{ id: 'wide', url: `http://127.0.0.1:${port}/metrics`, interval: '1h', timeout: '2s' }] },
    });
  });
  afterAll(async () => {
    await t?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('folds the series past the cap into the overflow series, like every receiver; received = applied + refused', async () => {
    // The first scrape comes on the timer within a second; then one more, now.
    await waitFor(async () => (await targets(t))[0]?.health === 'up', 5_000);
    expect(await t.core.telemetry.scrape.scrapeNow('wide')).toBe(true);
    const received = t.core.stats.received.get('scrape') ?? 0;
    expect(received).toBeGreaterThanOrEqual(2 * N);
    expect(received % N).toBe(0);
    // Nothing refused: the series past the cap were folded, not dropped.
    expect(t.core.stats.rejectedCount('scrape')).toBe(0);
    const m = latest(t.core, 'reqs_total');
    expect(m.get('reqs_total{radiator_overflow="true"}')).toBeGreaterThan(0);
    let sum = 0;
    for (const v of m.values()) sum += v;
    expect(sum).toBe((N * (N - 1)) / 2); // the total survives the cap
    expect(t.core.store.refusedSeries).toBeGreaterThan(0);
    // Scrape writes are counted in the store's written samples like the aggregator's: a point per
    // series per scrape (folded samples make one overflow point).
    expect(t.core.ingest.written).toBeGreaterThanOrEqual(2 * m.size);
    const self = await (await fetch(`${t.url}/metrics`)).text();
    expect(self).toMatch(new RegExp(`radiator_received_total\\{receiver="scrape"\\} ${received}\\b`));
  });
});
