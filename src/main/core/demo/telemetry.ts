// What the demo's services send besides StatsD: OTLP/HTTP JSON bodies (as an OpenTelemetry SDK
// would export them) and log lines in the formats real services write.

type Attrs = Record<string, string>;

const attributes = (a: Attrs) => Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

function request(service: string, metrics: unknown[]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes({ 'service.name': service, 'deployment.environment': 'demo' }) },
        scopeMetrics: [{ scope: { name: 'radiator-demo' }, metrics }],
      },
    ],
  };
}

/** Gauges per service: `{service: [[name, attributes, value], …]}` → one request per service, as
 * separate processes would send them. Returned as one body holding every service's resource. */
export function otlpGauges(byService: Record<string, Array<[string, Attrs, number]>>): unknown {
  const resourceMetrics = Object.entries(byService).flatMap(([service, list]) =>
    request(
      service,
      list.map(([name, attrs, value]) => ({ name, gauge: { dataPoints: [{ attributes: attributes(attrs), asDouble: value, timeUnixNano: String(Date.now() * 1e6) }] } })),
    ).resourceMetrics,
  );
  return { resourceMetrics };
}

/** One delta histogram point of `values` in `bounds` (seconds). */
export function otlpHistogram(service: string, name: string, attrs: Attrs, values: number[], bounds: number[]): unknown {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    let i = bounds.findIndex((b) => v <= b);
    if (i < 0) i = bounds.length;
    counts[i]!++;
  }
  const sum = values.reduce((a, b) => a + b, 0);
  return request(service, [
    {
      name,
      unit: 's',
      histogram: {
        aggregationTemporality: 1,
        dataPoints: [{ attributes: attributes(attrs), count: String(values.length), sum, bucketCounts: counts.map(String), explicitBounds: bounds }],
      },
    },
  ]);
}

const TABLES = ['orders', 'payments', 'sessions'];

/** A second of the shop's logs: plain text from web (posted with `?source=web`), JSON lines
 * (with their own `source`) from payments and the worker. `bad` (a regressed deploy) makes payments fail more; `first` guarantees an error of
 * each source so the "log errors" panel has data at once. */
export function demoLogLines(rand: () => number, bad: boolean, first: boolean): string[] {
  const ts = new Date().toISOString();
  const out: string[] = [];
  const web = 2 + Math.floor(rand() * 4);
  for (let i = 0; i < web; i++) out.push(`${ts} INFO GET /product/${Math.floor(rand() * 900) + 100} 200`);
  if (first || rand() < 0.08) out.push(`${ts} ERROR upstream timeout after 30s`);
  const payErr = bad ? 0.5 : 0.1;
  out.push(JSON.stringify({ ts, level: 'info', source: 'payments', msg: 'charge authorised' }));
  if (first || rand() < payErr) out.push(JSON.stringify({ ts, level: 'error', source: 'payments', msg: `SQL query failed: ${TABLES[Math.floor(rand() * TABLES.length)]}` }));
  out.push(JSON.stringify({ ts, level: 'info', source: 'worker', msg: `ts=${ts} level=info msg="job done" queue=emails took=${Math.round(40 + rand() * 200)}ms` }));
  if (first || rand() < 0.05) out.push(JSON.stringify({ ts, level: 'warn', source: 'worker', msg: 'retrying job' }));
  if (first || rand() < 0.02) out.push(JSON.stringify({ ts, level: 'error', source: 'worker', msg: 'job failed: SMTP 421' }));
  return out;
}
