// `--demo`: a small simulated company pointed at the collector through its real receivers — its
// apps speak StatsD/DogStatsD over UDP, its worker and payments services export OpenTelemetry
// (OTLP/HTTP JSON), its web pages send browser telemetry as /client.js does, its services post
// log lines, its CI pushes to the Pushgateway port and reports deploys, commits and incidents
// through signed CI webhooks, and builds are posted as JSON events. Every level of the seed's telemetry is covered:
// business, application, client, infrastructure, pipeline, and an A/B experiment. One deploy
// regresses checkout latency, an incident follows, and a rollback fixes it, on a loop.

import dgram from 'node:dgram';
import { demoHistory } from './history.ts';
import { buildAt, buildExposition, deployState, lastBuilds, rng, trafficAt, BUILD_EVERY_MS, DEPLOY_EVERY_MS, PAGES, ROUTES, SERVICES } from './model.ts';
import { demoLogLines, otlpGauges, otlpHistogram } from './telemetry.ts';
import { deployDeliveries, type DemoWebhooks, type Delivery } from './pipeline.ts';

export { rng, trafficAt, deployState, ROUTES } from './model.ts';

export interface DemoOptions {
  host: string;
  httpPort: number;
  /** null when StatsD is off; the demo then sends everything as JSON. */
  statsdPort: number | null;
  pushPort: number | null;
  /** How much history to backfill at start (through the import API). */
  historyMs: number;
  seed?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Milliseconds of simulated time per tick (1000 by default, the real rate). */
  tickMs?: number;
  /** false: no timer; the caller advances the demo with tick() (simulated time, for tests). */
  autoTick?: boolean;
  /** The demo's CI webhooks (their ids and secrets are in the settings it runs with). */
  webhooks: DemoWebhooks;
}

export interface Demo {
  /** One tick at now(): what the simulated company sends in tickMs. The timer calls it unless autoTick is false. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const rand = rng(opts.seed ?? 42);
  const base = `http://${opts.host}:${opts.httpPort}`;
  const socket = opts.statsdPort !== null ? dgram.createSocket(opts.host.includes(':') ? 'udp6' : 'udp4') : null;
  const tickMs = opts.tickMs ?? 1_000;
  let stopped = false;

  const post = async (path: string, body: unknown) => {
    const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) log(`POST ${path}: ${r.status} ${await r.text()}`);
  };
  const deliver = async (d: Delivery) => {
    const r = await fetch(base + d.path, { method: 'POST', headers: d.headers, body: d.body });
    if (!r.ok) log(`webhook ${d.path}: ${r.status} ${await r.text()}`);
  };
  // Webhook deliveries that lie ahead (a bad deploy's incident, its rollback), by time.
  let pending: Delivery[] = [];

  // ── history ────────────────────────────────────────────────────────────────────────
  if (opts.historyMs > 0) {
    // History runs up to the moment live data begins, so no minute of traffic falls between
    // the two (a gap there showed as a dip in every rate that spans the seam).
    const step = 30_000;
    const end = now();
    const gaussH = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const h = demoHistory(end - opts.historyMs, end, step, rand, gaussH);
    const r = await fetch(`${base}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'text/plain; version=0.0.4' }, body: h.text });
    if (!r.ok) log(`import: ${r.status} ${await r.text()}`);
    for (const e of h.events.filter((x) => x.ts <= now())) await post('/api/v1/events', e);
    // The deploys of the past, as CI reported them: commits, deployment statuses, incidents.
    const deliveries: Delivery[] = [];
    for (let n = Math.ceil((end - opts.historyMs) / DEPLOY_EVERY_MS); n * DEPLOY_EVERY_MS <= end; n++) deliveries.push(...deployDeliveries(opts.webhooks, n, n * DEPLOY_EVERY_MS));
    deliveries.sort((a, b) => a.at - b.at);
    for (const d of deliveries) {
      if (d.at <= now()) await deliver(d);
      else pending.push(d);
    }
    log(`backfilled ${Math.round(opts.historyMs / 60_000)} min of history (${h.text.length >> 10} KiB), ${h.events.length} events and ${deliveries.length} CI webhook deliveries`);
  }

  // ── live ───────────────────────────────────────────────────────────────────────────
  let lines: string[] = [];
  const sendStatsd = () => {
    if (lines.length === 0) return;
    if (socket) {
      // Pack lines into datagrams under a typical MTU, as StatsD clients do.
      let dg = '';
      for (const l of lines) {
        if (dg.length + l.length + 1 > 1400) {
          socket.send(dg, opts.statsdPort!, opts.host);
          dg = '';
        }
        dg += (dg ? '\n' : '') + l;
      }
      if (dg) socket.send(dg, opts.statsdPort!, opts.host);
    }
    lines = [];
  };
  const jsonFallback: unknown[] = [];
  const metric = (name: string, value: number | number[], type: 'c' | 'g' | 'ms' | 'h' | 'd' | 's', tags: Record<string, string> = {}) => {
    const tagStr = Object.entries(tags).map(([k, v]) => `${k}:${v}`).join(',');
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) return;
    if (socket) {
      const suffix = `|${type}${tagStr ? `|#${tagStr}` : ''}`;
      const fmt = (v: number) => Math.round(v * 1000) / 1000;
      // Packed values (`name:1:2:3|ms`) are only for timings and distributions.
      if (type === 'ms' || type === 'h' || type === 'd') lines.push(`${name}:${values.map(fmt).join(':')}${suffix}`);
      else for (const v of values) lines.push(`${name}:${fmt(v)}${suffix}`);
    } else {
      const t = { c: 'counter', g: 'gauge', ms: 'timer', h: 'histogram', d: 'histogram', s: 'set' }[type];
      for (const v of values) jsonFallback.push({ name, value: v, type: t, labels: tags });
    }
  };

  let lastDeploy = deployState(now()).n;
  let firstTick = true;
  let lastBuild: number | null = null;
  const gauss = () => {
    // Box–Muller, for latencies with a long tail via exp().
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  const tick = async () => {
    const t = now();
    const rps = trafficAt(t) * (0.9 + rand() * 0.2) * (tickMs / 1000);
    const dep = deployState(t);
    for (const r of ROUTES) {
      const n = Math.max(0, Math.round(rps * r.share));
      const slow = dep.bad && r.route === '/checkout' ? 3.2 : 1;
      const errRate = r.errorRate * (dep.bad && r.route === '/checkout' ? 6 : 1);
      const errors = [...Array(n)].filter(() => rand() < errRate).length;
      const tags = { route: r.route, method: r.method, service: r.route === '/checkout' ? 'payments' : 'web' };
      if (n - errors > 0) metric('http.requests', n - errors, 'c', { ...tags, status: '200' });
      if (errors > 0) metric('http.requests', errors, 'c', { ...tags, status: '500' });
      const lat = [...Array(Math.min(n, 25))].map(() => r.latencyMs * slow * Math.exp(0.45 * gauss()));
      metric('http.request_duration', lat, 'ms', { route: r.route, method: r.method });
    }
    // 1 or 2 orders (1.5 on average) at a time, at the history's rate of rps × 0.02 a second.
    const orders = rand() < (rps * 0.02) / 1.5 ? 1 + Math.floor(rand() * 2) : 0;
    const conversion = dep.bad ? 0.22 : 0.34;
    if (orders > 0) {
      metric('shop.orders', orders, 'c', { channel: rand() < 0.8 ? 'web' : 'app' });
      metric('shop.revenue_eur', Math.round(orders * (38 + rand() * 20)), 'c');
      metric('checkout.completed', orders, 'c');
      metric('checkout.started', Math.max(orders, Math.round(orders / conversion)), 'c');
    }
    if (rand() < 0.05) metric('shop.signups', 1, 'c');
    metric('shop.active_users', Math.round(rps * 12 + gauss() * 5), 'g');
    metric('shop.visitors', [...Array(3)].map(() => Math.floor(rand() * 500)), 's');
    // Infrastructure gauges from the worker and the API, over OpenTelemetry (OTLP/HTTP JSON, on
    // the HTTP port so the demo works with the OTLP port off too): queue_depth, db_connections,
    // cache_hit_ratio; and checkout latency as an OTLP histogram (delta temporality).
    await post(
      '/v1/metrics',
      otlpGauges({
        worker: [['queue.depth', { queue: 'emails' }, Math.max(0, Math.round(20 + 15 * Math.sin(t / 600_000) + gauss() * 3))]],
        api: [
          ['db.connections', { db: 'orders' }, Math.round(30 + rps / 3 + gauss() * 2)],
          ['cache.hit_ratio', { cache: 'product' }, Math.min(1, 0.93 + gauss() * 0.01)],
        ],
      }),
    );
    const checkout = ROUTES.find((r) => r.route === '/checkout')!;
    const checkoutMs = [...Array(Math.max(1, Math.round(rps * checkout.share)))].map(() => checkout.latencyMs * (dep.bad ? 3.2 : 1) * Math.exp(0.45 * gauss()) / 1000);
    await post('/v1/metrics', otlpHistogram('payments', 'http.server.request.duration', { 'http.route': '/checkout' }, checkoutMs, [0.05, 0.1, 0.25, 0.5, 1, 2.5]));
    // Client level: browser errors, page loads and Core Web Vitals per page, sent the way
    // /client.js sends them (a beacon to /api/v1/client).
    const items: unknown[] = [];
    for (const p of PAGES) {
      if (rand() < 0.03 * (dep.bad && p === '/checkout' ? 4 : 1)) items.push({ t: 'error', p, n: 1, kind: 'error', msg: p === '/checkout' ? "Cannot read properties of undefined (reading 'total')" : 'Script error.', src: `https://shop.example/static/app.${dep.version}.js`, line: 1, col: 4242 });
      for (let k = 0; k < 2; k++) items.push({ t: 'load', p, v: Math.round(900 * Math.exp(0.4 * gauss()) * (p === '/search' ? 1.4 : 1)) });
      items.push({ t: 'lcp', p, v: Math.round(1800 * Math.exp(0.3 * gauss())) });
      items.push({ t: 'cls', p, v: Math.max(0, 0.05 + 0.03 * gauss()) });
      items.push({ t: 'inp', p, v: Math.round(120 * Math.exp(0.4 * gauss())) });
    }
    await post('/api/v1/client', { release: `1.${dep.n % 100}`, items });
    // Logs: every service's lines, errors among them (more from payments during a bad deploy).
    const logLines = demoLogLines(rand, dep.bad, firstTick);
    firstTick = false;
    const r = await fetch(base + '/api/v1/logs?source=web', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: logLines.join('\n') });
    if (!r.ok) log(`POST /api/v1/logs: ${r.status} ${await r.text()}`);
    // A/B test: one-click checkout against the current flow.
    for (const v of ['control', 'treatment']) {
      const exposures = Math.round(rps * 0.1 * (0.8 + rand() * 0.4));
      if (exposures > 0) metric('experiment.exposures', exposures, 'c', { experiment: 'one_click_checkout', variant: v });
      const conv = [...Array(exposures)].filter(() => rand() < (v === 'control' ? 0.1 : 0.118)).length;
      if (conv > 0) metric('experiment.conversions', conv, 'c', { experiment: 'one_click_checkout', variant: v });
    }
    // Infrastructure: service health checks (DogStatsD service checks).
    if (socket && Math.floor(t / tickMs) % 5 === 0) {
      for (const s of SERVICES) {
        const status = s === 'payments' && dep.bad && dep.sinceMs > 2 * 60_000 ? 1 : 0;
        lines.push(`_sc|${s}.health|${status}|#service:${s}${status ? '|m:p95 latency above target' : ''}`);
      }
    }
    sendStatsd();
    if (jsonFallback.length) await post('/api/v1/metrics', jsonFallback.splice(0));

    // Pipeline: each deploy as CI reports it (commits pushed, the deployment's status) and, for a
    // bad one, the incident and the rollback a few minutes on; builds pushed by CI below.
    if (dep.n !== lastDeploy) {
      lastDeploy = dep.n;
      pending.push(...deployDeliveries(opts.webhooks, dep.n, dep.n * DEPLOY_EVERY_MS));
      pending.sort((a, b) => a.at - b.at);
      if (socket) {
        const title = `Release notes for ${dep.version}`;
        lines.push(`_e{${title.length},${'published'.length}}:${title}|published|#kind:note,service:web,version:${dep.version}`);
      }
    }
    while (pending.length > 0 && pending[0]!.at <= t) await deliver(pending.shift()!);
    const build = Math.floor(t / BUILD_EVERY_MS);
    if (build !== lastBuild) {
      // At start every pipeline's last build is pushed, so the screens show all of them at once.
      const fresh = lastBuild === null ? lastBuilds(build) : [buildAt(build)];
      const first = lastBuild === null;
      lastBuild = build;
      const port = opts.pushPort ?? opts.httpPort;
      for (const b of fresh) {
        const r = await fetch(`http://${opts.host}:${port}/metrics/job/ci/pipeline/${b.pipeline}`, { method: 'PUT', body: buildExposition(b, t) });
        if (!r.ok) log(`push: ${r.status}`);
        if (first) continue;
        await post('/api/v1/events', { kind: 'build', title: `${b.pipeline} #${b.n % 10_000} ${b.ok ? 'passed' : 'failed'}`, tags: [`pipeline:${b.pipeline}`, `status:${b.ok ? 'success' : 'failure'}`] });
        metric('ci.builds', 1, 'c', { pipeline: b.pipeline, status: b.ok ? 'success' : 'failure' });
        sendStatsd();
      }
    }
  };

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = tick().catch((e: Error) => log(`tick failed: ${e.message}`));
    timer = setTimeout(loop, tickMs);
  };
  if (opts.autoTick !== false) loop();
  log('simulating a shop: StatsD → :' + (opts.statsdPort ?? 'off') + ', push → :' + (opts.pushPort ?? opts.httpPort) + ', events → :' + opts.httpPort);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      socket?.close();
    },
  };
}
