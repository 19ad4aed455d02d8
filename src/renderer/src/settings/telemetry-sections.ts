// The settings UI's "Telemetry and CI" page: sections whose shape is a list of structured entries,
// each edited as YAML with an example (the examples are checked against the schema in
// test/renderer/telemetry-sections.test.ts).
import type { UiSection } from '../../../shared/settings-sections.ts';

export interface YamlSectionInfo {
  name: UiSection;
  title: string;
  intro: string;
  docs: string;
  example: string;
}

export const TELEMETRY_SECTIONS = [
  {
    name: 'scrape',
    title: 'Scrape targets',
    intro: 'Existing /metrics endpoints Radiator fetches on an interval, like Prometheus does.',
    docs: 'docs/telemetry.md',
    example: 'targets:\n  - id: node\n    url: http://127.0.0.1:9100/metrics\n    interval: 15s\n  - id: billing\n    url: https://billing.internal/metrics\n    auth: { type: bearer, token: "…" }',
  },
  {
    name: 'logs',
    title: 'Logs into metrics',
    intro: 'Files to follow, the syslog port (applies at the next start), and rules that turn what lines say into metrics.',
    docs: 'docs/telemetry.md',
    example: 'files:\n  - { path: /var/log/app/api.log, source: api }\nrules:\n  - id: sql-failed\n    match: { regex: "SQL query failed: (?<table>\\\\w+)" }\n    metric: { name: sql_query_failures, type: counter, labels: { table: "${table}" } }',
  },
  {
    name: 'client',
    title: 'Browser telemetry',
    intro: 'Web pages on these origins may send JS errors, page load and Core Web Vitals from /client.js.',
    docs: 'docs/telemetry.md',
    example: 'allowedOrigins:\n  - https://shop.example\n  - http://localhost:3000',
  },
  {
    name: 'pipeline',
    title: 'CI webhooks and CCTray feeds',
    intro: 'Each sender posts to /api/v1/webhooks/<type>/<id>, signed with its secret; CCTray feeds are polled.',
    docs: 'docs/pipeline.md',
    example: 'webhooks:\n  - id: shop\n    type: github\n    secret: a-long-random-secret-from-github\n    environments: [production]\ncctray:\n  - { id: jenkins, url: "https://ci.example/cc.xml", interval: 30s }',
  },
  {
    name: 'experiments',
    title: 'A/B experiments',
    intro: 'Each experiment reads counters you already send (with a variant label) and shows as a hypothesis card.',
    docs: 'docs/pipeline.md',
    example: '- id: one-click\n  name: One-click checkout\n  believe: a one-click checkout for returning customers\n  willResultIn: more completed checkouts\n  proceedWhen: checkout conversion rises by 10 % within two weeks\n  exposures: experiment_exposures{experiment="one_click_checkout"}\n  conversions: experiment_conversions{experiment="one_click_checkout"}\n  minimumEffect: 0.1\n  horizon: 14d\n  startedAt: 2026-11-20T09:00:00Z\n  baselineRate: 0.1',
  },
  {
    name: 'oncall',
    title: 'On-call rotations',
    intro: 'Who is on call now and next, for the On call panel and for every alert.',
    docs: 'docs/pipeline.md',
    example: '- id: payments\n  name: Payments\n  people: [ana, ben, chloe]\n  handoffWeekday: 1\n  handoffTime: "09:00"\n  timeZone: Europe/Berlin\n  start: 2026-11-02T08:00:00Z',
  },
  {
    name: 'remoteWrite',
    title: 'Remote write (forward to Prometheus, Mimir, …)',
    intro: 'Every sample Radiator stores is also sent to these endpoints, from a queue that survives restarts and outages. Headers and auth are kept secret.',
    docs: 'docs/scale-out.md',
    example: '- id: mimir\n  url: https://mimir.example/api/v1/push\n  headers: { X-Scope-OrgID: team-a }\n  auth: { type: basic, username: team-a, password: "…" }\n  queue: { shards: 4, maxSamplesPerSend: 2000, batchSendDeadline: 5s, minBackoff: 30ms, maxBackoff: 5s }\n  writeRelabel:\n    - { action: drop, regex: "go_.*|nodejs_.*" }',
  },
  {
    name: 'recordingRules',
    title: 'Recording and alerting rules',
    intro: 'Prometheus rule groups, here or in rule files (a mixin\'s rules.yaml loads as it is), evaluated on this Radiator: recording rules written back as series, alerting rules alerting like the rules above (tray, TV, webhooks). A file that does not check is refused with where and why.',
    docs: 'docs/promql.md',
    example:
      'files:\n  - /etc/radiator/node-rules.yaml\ninterval: 1m\ngroups:\n  - name: shop\n    rules:\n      - record: job:http_requests:rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n      - alert: ShopDown\n        expr: sum by (job) (up{job="shop"}) == 0\n        for: 5m\n        labels: { severity: critical }\n        annotations: { summary: "{{ $labels.job }} is down" }',
  },
] as const satisfies readonly YamlSectionInfo[];
