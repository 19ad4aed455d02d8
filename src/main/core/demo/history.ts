// The demo's past: the same company as the live simulation, at a coarser step, written as the
// series the collector's StatsD and push mappings produce (cumulative counters, summaries in
// seconds, gauges) in the Prometheus text format with timestamps, for `POST /api/v1/import`.
// Going through the import API rather than the live receivers keeps backfill from racing the
// collector's own flushes (a flush would write "now" and turn every older sample out of order).

import { buildAt, deployState, lastBuilds, trafficAt, ROUTES, PAGES, SERVICES, BUILD_EVERY_MS } from './model.ts';
import type { NewEventInput } from './model.ts';
import { SUMMARY_MAX_AGE_MS } from '../../../shared/limits.ts';

/** Latency samples drawn per route and history step (the live demo samples up to 25 a second). */
const SAMPLES_PER_STEP = 50;

const Z = { '0.5': 0, '0.9': 1.2816, '0.95': 1.6449, '0.99': 2.3263 } as const;

type Labels = Record<string, string>;

class Families {
  private readonly fams = new Map<string, { type: string; series: Map<string, string[]> }>();

  add(name: string, type: 'counter' | 'gauge' | 'summary', labels: Labels, value: number, tMs: number, family = name): void {
    let f = this.fams.get(family);
    if (!f) this.fams.set(family, (f = { type, series: new Map() }));
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
      .join(',');
    const key = `${name}{${l}}`;
    let lines = f.series.get(key);
    if (!lines) f.series.set(key, (lines = []));
    lines.push(`${key} ${Number.isFinite(value) ? Number(value.toPrecision(10)) : 0} ${Math.round(tMs)}`);
  }

  text(): string {
    let out = '';
    for (const [name, f] of this.fams) {
      out += `# TYPE ${name} ${f.type}\n`;
      for (const lines of f.series.values()) out += lines.join('\n') + '\n';
    }
    return out;
  }
}

/** Cumulative counters keyed by series. */
class Counters {
  private readonly v = new Map<string, number>();
  add(key: string, n: number): number {
    const x = (this.v.get(key) ?? 0) + n;
    this.v.set(key, x);
    return x;
  }
}

export interface History {
  /** Prometheus text format 0.0.4 with millisecond timestamps. */
  text: string;
  events: NewEventInput[];
}

/** History from `from` to `to` (ms) at `stepMs`. `rand` and `gauss` are the simulation's. */
export function demoHistory(from: number, to: number, stepMs: number, rand: () => number, gauss: () => number): History {
  const f = new Families();
  const c = new Counters();
  const events: NewEventInput[] = [];
  const sec = stepMs / 1000;
  const counter = (name: string, labels: Labels, n: number, t: number) => f.add(name, 'counter', labels, c.add(name + JSON.stringify(labels), n), t);
  const summary = (name: string, labels: Labels, medianS: number, spread: number, count: number, t: number) => {
    for (const [q, z] of Object.entries(Z)) f.add(name, 'summary', { ...labels, quantile: q }, medianS * Math.exp(spread * z * (0.9 + rand() * 0.2)), t);
    f.add(`${name}_sum`, 'summary', labels, c.add(`${name}_sum${JSON.stringify(labels)}`, count * medianS * Math.exp((spread * spread) / 2)), t, name);
    f.add(`${name}_count`, 'summary', labels, c.add(`${name}_count${JSON.stringify(labels)}`, count), t, name);
  };

  // Request latencies as the live demo's StatsD timers become them: quantiles of the samples of the
  // last SUMMARY_MAX_AGE_MS (the collector's sliding summary), so the past is as smooth as the
  // present and a bad deploy shows, and fades, the way it does live.
  const windowSteps = Math.max(1, Math.round(SUMMARY_MAX_AGE_MS / stepMs));
  const latencyWindows = new Map<string, Float64Array[]>();
  const slidingLatency = (route: (typeof ROUTES)[number], medianS: number, count: number, t: number) => {
    const labels = { route: route.route, method: route.method };
    let w = latencyWindows.get(route.route);
    if (!w) latencyWindows.set(route.route, (w = []));
    w.push(Float64Array.from({ length: Math.min(count, SAMPLES_PER_STEP) }, () => medianS * Math.exp(0.45 * gauss())));
    if (w.length > windowSteps) w.shift();
    const all = Float64Array.from(w.flatMap((x) => [...x])).sort();
    if (all.length > 0) for (const q of Object.keys(Z)) f.add('http_request_duration', 'summary', { ...labels, quantile: q }, all[Math.min(all.length - 1, Math.floor(Number(q) * all.length))]!, t);
    f.add('http_request_duration_sum', 'summary', labels, c.add(`http_request_duration_sum${JSON.stringify(labels)}`, count * medianS * Math.exp(0.45 ** 2 / 2)), t, 'http_request_duration');
    f.add('http_request_duration_count', 'summary', labels, c.add(`http_request_duration_count${JSON.stringify(labels)}`, count), t, 'http_request_duration');
  };

  // Steps end exactly at `to`, where the live simulation takes over.
  for (let t = to - Math.floor((to - from) / stepMs) * stepMs; t <= to; t += stepMs) {
    const rps = trafficAt(t) * (0.9 + rand() * 0.2);
    const dep = deployState(t);
    // Application.
    for (const r of ROUTES) {
      const n = Math.round(rps * r.share * sec);
      const errRate = r.errorRate * (dep.bad && r.route === '/checkout' ? 6 : 1);
      const errors = Math.round(n * errRate * (0.5 + rand()));
      const service = r.route === '/checkout' ? 'payments' : 'web';
      counter('http_requests', { route: r.route, method: r.method, service, status: '200' }, n - errors, t);
      counter('http_requests', { route: r.route, method: r.method, service, status: '500' }, errors, t);
      const slow = dep.bad && r.route === '/checkout' ? 3.2 : 1;
      slidingLatency(r, (r.latencyMs * slow) / 1000, n, t);
    }
    // Business.
    const orders = Math.round(rps * 0.02 * sec * (0.8 + rand() * 0.4));
    const webOrders = Math.round(orders * 0.8);
    const started = Math.round(orders / (dep.bad ? 0.22 : 0.34));
    counter('shop_orders', { channel: 'web' }, webOrders, t);
    counter('shop_orders', { channel: 'app' }, orders - webOrders, t);
    counter('shop_revenue_eur', {}, Math.round(orders * (38 + rand() * 20)), t);
    counter('shop_signups', {}, Math.round(orders * 0.1 * rand() * 2), t);
    counter('checkout_started', {}, started, t);
    counter('checkout_completed', {}, orders, t);
    f.add('shop_active_users', 'gauge', {}, Math.round(rps * 12 + gauss() * 5), t);
    for (const v of ['control', 'treatment']) {
      const exposures = Math.round(rps * 0.1 * sec);
      const conv = Math.round(exposures * (v === 'control' ? 0.1 : 0.118) * (0.8 + rand() * 0.4));
      counter('experiment_exposures', { experiment: 'one_click_checkout', variant: v }, exposures, t);
      counter('experiment_conversions', { experiment: 'one_click_checkout', variant: v }, conv, t);
    }
    // Infrastructure (the live demo sends these over OTLP: `job` is the service's name).
    f.add('queue_depth', 'gauge', { job: 'worker', queue: 'emails' }, Math.max(0, Math.round(20 + 15 * Math.sin(t / 600_000) + gauss() * 3)), t);
    f.add('db_connections', 'gauge', { db: 'orders', job: 'api' }, Math.round(30 + rps / 3 + gauss() * 2), t);
    f.add('cache_hit_ratio', 'gauge', { cache: 'product', job: 'api' }, Math.min(1, 0.93 + gauss() * 0.01), t);
    for (const s of SERVICES) {
      const status = s === 'payments' && dep.bad && dep.sinceMs > 2 * 60_000 ? 1 : 0;
      f.add('service_check_status', 'gauge', { check: `${s}.health`, service: s }, status, t);
    }
    // Logs, as the log intake counts them: lines by source and level (rates as the live demo's).
    for (const [source, level, perSecond] of [
      ['web', 'INFO', 4.5],
      ['web', 'ERROR', 0.08],
      ['payments', 'INFO', 1],
      ['payments', 'ERROR', dep.bad ? 0.5 : 0.1],
      ['worker', 'INFO', 1],
      ['worker', 'WARN', 0.05],
      ['worker', 'ERROR', 0.02],
    ] as const) {
      counter('log_lines_total', { level, source }, Math.round(perSecond * sec * (0.5 + rand())), t);
    }
    // Client.
    for (const p of PAGES) {
      counter('client_js_errors', { page: p, release: `1.${dep.n % 100}` }, rand() < 0.15 * (dep.bad && p === '/checkout' ? 4 : 1) * (sec / 30) ? 1 : 0, t);
      summary('client_page_load', { page: p }, 0.9 * (p === '/search' ? 1.4 : 1), 0.4, Math.round(2 * sec), t);
      for (const [name, median, spread] of [
        ['client_lcp', 1800, 0.3],
        ['client_inp', 120, 0.4],
      ] as const) {
        for (const [q, z] of Object.entries(Z)) f.add(name, 'summary', { page: p, quantile: q }, median * Math.exp(spread * z * (0.9 + rand() * 0.2)), t);
      }
      for (const [q, z] of Object.entries(Z)) f.add('client_cls', 'summary', { page: p, quantile: q }, Math.max(0, 0.05 + 0.03 * z), t);
    }
    // Pipeline: each pipeline's last build holds until its next one, as a pushed group does.
    for (const b of lastBuilds(Math.floor(t / BUILD_EVERY_MS))) {
      const labels = { job: 'ci', pipeline: b.pipeline };
      f.add('ci_build_duration_seconds', 'gauge', { ...labels, status: b.ok ? 'success' : 'failure' }, b.durationS, t);
      f.add('ci_test_duration_seconds', 'gauge', labels, b.testsS, t);
      f.add('ci_queue_seconds', 'gauge', labels, b.queueS, t);
      f.add('ci_last_build_success', 'gauge', labels, b.ok ? 1 : 0, t);
    }
    for (const p of ['web', 'api', 'payments']) for (const st of ['success', 'failure']) counter('ci_builds', { pipeline: p, status: st }, 0, t);
    if (t % BUILD_EVERY_MS < stepMs) {
      const b = buildAt(Math.floor(t / BUILD_EVERY_MS));
      counter('ci_builds', { pipeline: b.pipeline, status: b.ok ? 'success' : 'failure' }, 1, t);
      events.push({ kind: 'build', title: `${b.pipeline} #${b.n % 10_000} ${b.ok ? 'passed' : 'failed'}`, ts: t, tags: [`pipeline:${b.pipeline}`, `status:${b.ok ? 'success' : 'failure'}`] });
    }
  }
  return { text: f.text(), events };
}
