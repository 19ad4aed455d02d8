// The alert rules a fresh install starts with, for the shipped boards. They stay quiet on a
// machine without data (noData: normal) and speak up on real trouble.

import type { RuleInput } from './alert-rules.ts';

export const DEFAULT_RULES: RuleInput[] = [
  {
    id: 'http-error-rate',
    name: 'HTTP error rate high',
    expr: 'sum(rate({__name__=~"http_requests(_total)?",status=~"5.."}[5m])) / sum(rate({__name__=~"http_requests(_total)?"}[5m]))',
    condition: { type: 'threshold', op: 'above', threshold: 0.05, hysteresis: 0.01 },
    for: '2m',
    severity: 'critical',
    summary: '{{ $value | humanizePercentage }} of requests fail',
    noData: 'normal',
    board: 'application',
  },
  {
    id: 'latency-p95-anomaly',
    name: 'p95 latency anomalous',
    expr: 'max by (route) (http_request_duration{quantile="0.95"})',
    // Two consecutive anomalous evaluations make an incident (confirm), which lasts until the p95
    // is back inside the band expected before it: one alert per bad deploy, not a flapping one.
    condition: { type: 'anomaly', threshold: 0.6, warmup: '6h', confirm: 2 },
    for: 0,
    severity: 'warning',
    summary: 'p95 latency of {{ $labels.route }} is {{ $value | humanizeDuration }}',
    noData: 'normal',
    board: 'application',
  },
  {
    id: 'disk-nearly-full',
    name: 'Disk nearly full',
    expr: '1 - node_filesystem_avail_bytes / node_filesystem_size_bytes',
    condition: { type: 'threshold', op: 'above', threshold: 0.9, hysteresis: 0.02 },
    for: '10m',
    severity: 'warning',
    summary: '{{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full',
    noData: 'normal',
    board: 'infrastructure',
  },
  {
    id: 'collector-dropping-data',
    name: 'Collector dropping data',
    expr: 'sum by (receiver) (rate(radiator_rejected_total[5m]))',
    condition: { type: 'threshold', op: 'above', threshold: 1, hysteresis: 0.5 },
    for: '5m',
    severity: 'warning',
    summary: '{{ $labels.receiver }} refuses {{ $value | humanize }} inputs a second',
    noData: 'normal',
    board: 'overview',
  },
  {
    id: 'collector-series-refused',
    name: 'Series cap reached',
    expr: 'increase(radiator_series_refused_total[15m])',
    condition: { type: 'threshold', op: 'above', threshold: 0, hysteresis: 0 },
    severity: 'warning',
    summary: '{{ $value | humanize }} new series folded into overflow series in 15 minutes; raise store.maxSeries or drop a label',
    noData: 'normal',
    board: 'overview',
  },
  {
    id: 'pusher-silent',
    name: 'No data from a pusher',
    expr: 'time() - max by (job) (push_time_seconds)',
    condition: { type: 'threshold', op: 'above', threshold: 3600, hysteresis: 60 },
    for: '5m',
    severity: 'warning',
    summary: 'no push from {{ $labels.job }} for {{ $value | humanizeDuration }}',
    noData: 'normal',
    board: 'pipeline',
  },
];
