// The boards a fresh install ships with, one per level of the seed's telemetry — business,
// application, infrastructure, client, pipeline — an overview of the few numbers that matter,
// and the collector's own health. They read the metric names the README's "point your apps at
// it" snippets and the demo use.

import type { BoardInput, PlaylistSchema } from './boards.ts';
import type { z } from 'zod';

// StatsD clients send `http_requests`, Prometheus clients `http_requests_total`: match both.
const REQUESTS = '{__name__=~"http_requests(_total)?"}';
const ERRORS = '{__name__=~"http_requests(_total)?",status=~"5.."}';
// No 5xx series yet while requests flow is a 0 % error rate, not missing data.
const ERROR_RATE = `(sum(rate(${ERRORS}[5m])) or vector(0)) / sum(rate(${REQUESTS}[5m]))`;
const P95 = 'max(http_request_duration{quantile="0.95"})';
const ORDERS_PER_MIN = 'sum(rate(shop_orders[5m])) * 60';
// Two ratios live on the Business board and differ threefold (~33 % against ~10–12 %): checkouts
// completed of those started ("checkout completion") and the experiment's visits that ordered
// ("visit → order conversion"); each is named for what it divides, so neither passes for the other
// (a small stat tile cuts a long title, so the stat's name is short and distinct).
const CONVERSION = 'sum(rate(checkout_completed[15m])) / sum(rate(checkout_started[15m]))';
const okWarnCrit = (warn: number, crit: number) => [
  { value: -1e308, state: 'ok' as const },
  { value: warn, state: 'warn' as const },
  { value: crit, state: 'crit' as const },
];
const critWarnOk = (warn: number, ok: number) => [
  { value: -1e308, state: 'crit' as const },
  { value: warn, state: 'warn' as const },
  { value: ok, state: 'ok' as const },
];

export const DEFAULT_BOARDS: BoardInput[] = [
  {
    id: 'overview',
    title: 'Overview',
    dwell: '45s',
    panels: [
      { id: 'orders', type: 'stat', title: 'Orders / min', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: ORDERS_PER_MIN }], decimals: 1 },
      { id: 'revenue', type: 'stat', title: 'Revenue, last hour', x: 3, y: 0, w: 3, h: 2, queries: [{ expr: 'sum(increase(shop_revenue_eur[1h]))' }], unit: 'eur', decimals: 0 },
      { id: 'errors', type: 'stat', title: 'Error rate', x: 6, y: 0, w: 3, h: 2, queries: [{ expr: ERROR_RATE }], unit: 'percentunit', thresholds: okWarnCrit(0.01, 0.05) },
      { id: 'p95', type: 'stat', title: 'p95 latency', x: 9, y: 0, w: 3, h: 2, queries: [{ expr: P95 }], unit: 'seconds', thresholds: okWarnCrit(0.3, 0.5) },
      { id: 'firing', type: 'alerts', title: 'Firing now', x: 0, y: 2, w: 4, h: 4 },
      { id: 'oncall', type: 'oncall', title: 'On call', x: 0, y: 6, w: 4, h: 2 },
      { id: 'traffic', type: 'timeseries', title: 'Requests / s by service', x: 4, y: 2, w: 8, h: 3, queries: [{ expr: `sum by (service) (rate(${REQUESTS}[5m]))`, legend: '{{service}}' }], unit: 'reqps' },
      { id: 'checks', type: 'statusgrid', title: 'Service checks', x: 4, y: 5, w: 4, h: 3, queries: [{ expr: 'max by (check) (service_check_status)' }], labelKey: 'check', thresholds: okWarnCrit(1, 2) },
      { id: 'changes', type: 'events', title: 'Deploys, incidents, builds', x: 8, y: 5, w: 4, h: 3, events: { kinds: ['deploy', 'incident', 'build'], tags: [] }, limit: 6 },
    ],
  },
  {
    id: 'business',
    title: 'Business',
    panels: [
      { id: 'orders', type: 'stat', title: 'Orders / min', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: ORDERS_PER_MIN }], decimals: 1 },
      { id: 'revenue', type: 'stat', title: 'Revenue, last hour', x: 3, y: 0, w: 3, h: 2, queries: [{ expr: 'sum(increase(shop_revenue_eur[1h]))' }], unit: 'eur', decimals: 0 },
      // Sign-ups come a few a minute: a quiet few minutes is not stale data.
      { id: 'signups', type: 'stat', title: 'Sign-ups, last hour', x: 6, y: 0, w: 3, h: 2, queries: [{ expr: 'sum(increase(shop_signups[1h]))' }], decimals: 0, maxAge: '15m' },
      { id: 'conversion', type: 'stat', title: 'Checkout completion rate', x: 9, y: 0, w: 3, h: 2, queries: [{ expr: CONVERSION }], unit: 'percentunit', thresholds: critWarnOk(0.25, 0.3) },
      { id: 'orders-by-channel', type: 'timeseries', title: 'Orders / min by channel', x: 0, y: 2, w: 6, h: 3, queries: [{ expr: 'sum by (channel) (rate(shop_orders[5m])) * 60', legend: '{{channel}}' }], anomalies: true },
      { id: 'conversion-trend', type: 'timeseries', title: 'Checkout completion (completed ÷ started)', x: 0, y: 5, w: 6, h: 3, queries: [{ expr: CONVERSION, legend: 'checkouts completed' }], unit: 'percentunit', band: { k: 3 } },
      // The first experiment in the settings, as its hypothesis card (its conversion is exposed
      // visits that ordered, not checkouts completed).
      { id: 'experiment', type: 'experiment', title: 'Experiment: visit → order conversion', x: 6, y: 2, w: 6, h: 4 },
      { id: 'ab', type: 'timeseries', title: 'Visit → order conversion by variant (one-click checkout)', x: 6, y: 6, w: 6, h: 2, queries: [{ expr: 'sum by (variant) (rate(experiment_conversions{experiment="one_click_checkout"}[15m])) / sum by (variant) (rate(experiment_exposures{experiment="one_click_checkout"}[15m]))', legend: '{{variant}}' }], unit: 'percentunit', events: null },
    ],
  },
  {
    id: 'application',
    title: 'Application',
    panels: [
      { id: 'rps', type: 'timeseries', title: 'Requests / s by route', x: 0, y: 0, w: 4, h: 4, queries: [{ expr: `sum by (route) (rate(${REQUESTS}[5m]))`, legend: '{{route}}' }], unit: 'reqps' },
      { id: 'latency', type: 'timeseries', title: 'p95 latency by route', x: 4, y: 0, w: 4, h: 4, queries: [{ expr: 'max by (route) (http_request_duration{quantile="0.95"})', legend: '{{route}}' }], unit: 'seconds', thresholds: okWarnCrit(0.3, 0.5), anomalies: true },
      // Log lines at ERROR and above, as the log intake counts them; errors come now and then, so
      // an hour may pass between them before the panel calls its data stale.
      { id: 'log-errors', type: 'timeseries', title: 'Log errors / min by source', x: 8, y: 0, w: 4, h: 4, queries: [{ expr: 'sum by (source) (rate(log_lines_total{level=~"ERROR|FATAL"}[5m])) * 60', legend: '{{source}}' }], maxAge: '1h' },
      { id: 'errors', type: 'stat', title: 'Error rate', x: 0, y: 4, w: 3, h: 2, queries: [{ expr: ERROR_RATE }], unit: 'percentunit', thresholds: okWarnCrit(0.01, 0.05) },
      { id: 'p95', type: 'stat', title: 'p95, slowest route', x: 0, y: 6, w: 3, h: 2, queries: [{ expr: P95 }], unit: 'seconds', thresholds: okWarnCrit(0.3, 0.5) },
      { id: 'slowest', type: 'table', title: 'Slowest routes (p95)', x: 3, y: 4, w: 4, h: 4, queries: [{ expr: 'sort_desc(max by (route) (http_request_duration{quantile="0.95"}))', legend: '{{route}}' }], unit: 'seconds', limit: 5, thresholds: okWarnCrit(0.3, 0.5) },
      { id: 'errors-by-route', type: 'bargauge', title: '5xx / s by route', x: 7, y: 4, w: 5, h: 4, queries: [{ expr: `sum by (route) (rate(${ERRORS}[5m]))`, legend: '{{route}}' }], unit: 'reqps', thresholds: okWarnCrit(0.05, 0.2), min: 0 },
    ],
  },
  {
    id: 'infrastructure',
    title: 'Infrastructure',
    panels: [
      { id: 'cpu', type: 'gauge', title: 'CPU (this machine)', x: 0, y: 0, w: 3, h: 3, queries: [{ expr: 'radiator_host_cpu_usage_ratio' }], unit: 'percentunit', min: 0, max: 1, thresholds: okWarnCrit(0.7, 0.9) },
      { id: 'memory', type: 'gauge', title: 'Memory used', x: 3, y: 0, w: 3, h: 3, queries: [{ expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes' }], unit: 'percentunit', min: 0, max: 1, thresholds: okWarnCrit(0.8, 0.95) },
      { id: 'disk', type: 'gauge', title: 'Fullest disk', x: 6, y: 0, w: 3, h: 3, queries: [{ expr: 'max(1 - node_filesystem_avail_bytes / node_filesystem_size_bytes)' }], unit: 'percentunit', min: 0, max: 1, thresholds: okWarnCrit(0.8, 0.9) },
      { id: 'checks', type: 'statusgrid', title: 'Service checks', x: 9, y: 0, w: 3, h: 3, queries: [{ expr: 'max by (check) (service_check_status)' }], labelKey: 'check', thresholds: okWarnCrit(1, 2) },
      { id: 'load', type: 'timeseries', title: 'Load average', x: 0, y: 3, w: 6, h: 3, queries: [{ expr: 'node_load1', legend: '1 min' }, { expr: 'node_load5', legend: '5 min' }] },
      { id: 'net', type: 'timeseries', title: 'Network in', x: 6, y: 3, w: 6, h: 3, queries: [{ expr: 'sum by (device) (rate(node_network_receive_bytes_total{device!="lo"}[1m]))', legend: '{{device}}' }], unit: 'bytes/s' },
      { id: 'queue', type: 'stat', title: 'Email queue', x: 0, y: 6, w: 4, h: 2, queries: [{ expr: 'sum(queue_depth)' }], decimals: 0, thresholds: okWarnCrit(50, 100) },
      { id: 'db', type: 'stat', title: 'DB connections', x: 4, y: 6, w: 4, h: 2, queries: [{ expr: 'sum(db_connections)' }], decimals: 0, thresholds: okWarnCrit(80, 95) },
      { id: 'cache', type: 'stat', title: 'Cache hit ratio', x: 8, y: 6, w: 4, h: 2, queries: [{ expr: 'avg(cache_hit_ratio)' }], unit: 'percentunit', thresholds: critWarnOk(0.8, 0.9) },
    ],
  },
  {
    id: 'client',
    title: 'Client',
    panels: [
      { id: 'jserrors', type: 'stat', title: 'JS errors / min', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: 'sum(rate(client_js_errors[5m])) * 60' }], decimals: 1, thresholds: okWarnCrit(2, 10) },
      { id: 'lcp', type: 'stat', title: 'LCP p90 (worst page)', x: 3, y: 0, w: 3, h: 2, queries: [{ expr: 'max(client_lcp{quantile="0.9"})' }], unit: 'ms', thresholds: okWarnCrit(2500, 4000) },
      { id: 'inp', type: 'stat', title: 'INP p90 (worst page)', x: 6, y: 0, w: 3, h: 2, queries: [{ expr: 'max(client_inp{quantile="0.9"})' }], unit: 'ms', thresholds: okWarnCrit(200, 500) },
      { id: 'cls', type: 'stat', title: 'CLS p90 (worst page)', x: 9, y: 0, w: 3, h: 2, queries: [{ expr: 'max(client_cls{quantile="0.9"})' }], decimals: 3, thresholds: okWarnCrit(0.1, 0.25) },
      { id: 'errors-by-release', type: 'timeseries', title: 'JS errors / min by release', x: 0, y: 2, w: 6, h: 3, queries: [{ expr: 'sum by (release) (rate(client_js_errors[5m])) * 60', legend: 'release {{release}}' }] },
      { id: 'load', type: 'timeseries', title: 'Page load p90 by page', x: 6, y: 2, w: 6, h: 3, queries: [{ expr: 'max by (page) (client_page_load{quantile="0.9"})', legend: '{{page}}' }], unit: 'seconds' },
      { id: 'lcp-by-page', type: 'bargauge', title: 'LCP p90 by page', x: 0, y: 5, w: 6, h: 3, queries: [{ expr: 'max by (page) (client_lcp{quantile="0.9"})', legend: '{{page}}' }], unit: 'ms', min: 0, max: 5000, thresholds: okWarnCrit(2500, 4000) },
      { id: 'errors-by-page', type: 'table', title: 'JS errors / hour by page', x: 6, y: 5, w: 6, h: 3, queries: [{ expr: 'sort_desc(sum by (page) (increase(client_js_errors[1h])))', legend: '{{page}}' }], decimals: 0, limit: 5 },
    ],
  },
  {
    id: 'pipeline',
    title: 'Pipeline',
    // CI pushes when a build finishes, every few minutes per pipeline: data may be that old.
    panels: [
      { id: 'builds', type: 'statusgrid', title: 'Last build', x: 0, y: 0, w: 3, h: 3, queries: [{ expr: 'max by (pipeline) (ci_last_build_success)' }], labelKey: 'pipeline', thresholds: critWarnOk(0.5, 1), maxAge: '30m' },
      // The panel names the period it covers (30 days, or less when data began later).
      { id: 'dora', type: 'dora', title: 'DORA four keys', x: 3, y: 0, w: 6, h: 3, range: '30d' },
      { id: 'red', type: 'stat', title: 'Red builds, last 24 h', x: 9, y: 0, w: 3, h: 3, queries: [{ expr: 'sum(increase(ci_builds{status="failure"}[24h])) / sum(increase(ci_builds[24h]))' }], unit: 'percentunit', thresholds: okWarnCrit(0.1, 0.25), maxAge: '30m' },
      { id: 'deploys', type: 'events', title: 'Deploys and incidents', x: 8, y: 3, w: 4, h: 3, events: { kinds: ['deploy', 'incident'], tags: [] }, limit: 5 },
      { id: 'duration', type: 'timeseries', title: 'Build duration by pipeline', x: 0, y: 3, w: 8, h: 3, queries: [{ expr: 'max by (pipeline) (ci_build_duration_seconds)', legend: '{{pipeline}}' }], unit: 'seconds', range: '6h', maxAge: '30m' },
      { id: 'tests', type: 'timeseries', title: 'Test duration', x: 0, y: 6, w: 4, h: 2, queries: [{ expr: 'max by (pipeline) (ci_test_duration_seconds)', legend: '{{pipeline}}' }], unit: 'seconds', range: '6h', maxAge: '30m', events: null },
      { id: 'queue', type: 'timeseries', title: 'Queue time', x: 4, y: 6, w: 4, h: 2, queries: [{ expr: 'max by (pipeline) (ci_queue_seconds)', legend: '{{pipeline}}' }], unit: 'seconds', range: '6h', maxAge: '30m', events: null },
      { id: 'builds-list', type: 'events', title: 'Builds', x: 8, y: 6, w: 4, h: 2, events: { kinds: ['build'], tags: [] }, limit: 3 },
    ],
  },
  {
    id: 'collector',
    title: 'Collector',
    // Radiator's own health: for `?board=collector` and the first-start welcome rotation, not the
    // team's TV (a board in rotation that no playlist lists joins the default playlist).
    enabled: false,
    dwell: '20s',
    panels: [
      { id: 'series', type: 'stat', title: 'Series stored', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: 'radiator_series' }], decimals: 0 },
      { id: 'rss', type: 'stat', title: 'Memory (RSS)', x: 3, y: 0, w: 3, h: 2, queries: [{ expr: 'process_resident_memory_bytes' }], unit: 'bytes' },
      { id: 'disk', type: 'stat', title: 'Store on disk', x: 6, y: 0, w: 3, h: 2, queries: [{ expr: 'radiator_store_disk_bytes' }], unit: 'bytes' },
      { id: 'screens', type: 'stat', title: 'Screens connected', x: 9, y: 0, w: 3, h: 2, queries: [{ expr: 'radiator_feed_clients' }], decimals: 0, sparkline: false },
      { id: 'received', type: 'timeseries', title: 'Received / s by receiver', x: 0, y: 2, w: 8, h: 3, queries: [{ expr: 'sum by (receiver) (rate(radiator_received_total[1m]))', legend: '{{receiver}}' }], unit: 'ops', events: null },
      { id: 'rejected', type: 'table', title: 'Refused / s by reason', x: 8, y: 2, w: 4, h: 3, queries: [{ expr: 'sort_desc(sum by (receiver, reason) (rate(radiator_rejected_total[5m])) > 0)', legend: '{{receiver}}: {{reason}}' }], unit: 'ops', limit: 6 },
      { id: 'lag', type: 'timeseries', title: 'Event-loop lag p99', x: 0, y: 5, w: 4, h: 3, queries: [{ expr: 'radiator_event_loop_lag_p99_seconds', legend: 'p99' }], unit: 'seconds', events: null },
      { id: 'flush', type: 'timeseries', title: 'Flush and commit duration', x: 4, y: 5, w: 4, h: 3, queries: [{ expr: 'radiator_flush_duration_seconds', legend: 'flush' }, { expr: 'radiator_commit_duration_seconds', legend: 'commit' }], unit: 'seconds', events: null },
      // Remote write out (docs/scale-out.md): empty until an endpoint is configured.
      {
        id: 'remote-write',
        type: 'table',
        title: 'Remote write',
        x: 8,
        y: 5,
        w: 4,
        h: 3,
        queries: [
          { expr: 'max by (endpoint) (radiator_remote_write_pending_samples)', legend: '{{endpoint}}: samples waiting' },
          { expr: 'max by (endpoint) (radiator_remote_write_lag_seconds)', legend: '{{endpoint}}: seconds behind' },
          { expr: 'sum by (endpoint) (increase(radiator_remote_write_dropped_samples_total[1h]))', legend: '{{endpoint}}: dropped, last hour' },
        ],
        decimals: 0,
        limit: 6,
      },
    ],
  },
];

export const DEFAULT_PLAYLISTS: Array<z.input<typeof PlaylistSchema>> = [
  { id: 'default', name: 'Team TV', boards: ['overview', 'business', 'application', 'infrastructure', 'client', 'pipeline'] },
];
