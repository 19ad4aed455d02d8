// A deterministic history for comparing PromQL answers with a real Prometheus: counters (one with
// a reset), gauges (one with a 15-minute gap, one with NaNs), a classic histogram, up and an info
// metric for joins — every 15 s, written as OpenMetrics.

export const INTERVAL_MS = 15_000;
export const STEP_MS = 60_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Labels = Record<string, string>;
interface Gen {
  name: string;
  labels: Labels;
  /** value at step k (time t), or undefined for no sample */
  at(k: number, t: number): number | undefined;
}

const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

export function generateOpenMetrics(t0: number, durationMs: number, opts: { seriesScale?: number } = {}): string {
  const r = rng(1234);
  const gens: Gen[] = [];
  const counter = (name: string, labels: Labels, perStep: number, resetAt?: number) => {
    let v = 0;
    let lastK = -1;
    const incs: number[] = [];
    return {
      name,
      labels,
      at(k: number) {
        while (lastK < k) {
          lastK++;
          incs[lastK] = Math.floor(r() * perStep * 2);
          v += incs[lastK]!;
          if (resetAt !== undefined && lastK === resetAt) v = incs[lastK]!;
        }
        return v;
      },
    } satisfies Gen;
  };
  const scale = opts.seriesScale ?? 1;
  for (let x = 0; x < scale; x++) {
    const suffix = scale > 1 ? String(x) : '';
    for (const job of ['api', 'web']) {
      for (const instance of ['a', 'b']) {
        for (const code of ['200', '500']) {
          gens.push(counter('http_requests_total', { job, instance: instance + suffix, code, method: 'get' }, code === '200' ? 80 : 3));
        }
      }
    }
  }
  const steps = Math.floor(durationMs / INTERVAL_MS);
  gens.push(counter('http_requests_total', { job: 'batch', instance: 'c', code: '200', method: 'post' }, 10, Math.floor(steps / 2)));
  for (const instance of ['a', 'b']) {
    const phase = instance === 'a' ? 0 : 1;
    gens.push({ name: 'node_load1', labels: { instance }, at: (k) => Math.round((1 + 0.8 * Math.sin(k / 20 + phase) + r() * 0.05) * 1000) / 1000 });
    gens.push({ name: 'up', labels: { job: 'api', instance }, at: (k) => (instance === 'b' && k % 97 < 9 ? 0 : 1) });
    gens.push({ name: 'build_info', labels: { instance, version: instance === 'a' ? '1.4.2' : '1.4.3' }, at: () => 1 });
  }
  gens.push({ name: 'temperature_celsius', labels: { room: 'kitchen' }, at: (k) => 21 + Math.sin(k / 40) + r() * 0.1 });
  // office: no samples from 50 to 65 minutes in (longer than the 5-minute lookback)
  gens.push({
    name: 'temperature_celsius',
    labels: { room: 'office' },
    at: (k) => (k * INTERVAL_MS >= 50 * 60_000 && k * INTERVAL_MS < 65 * 60_000 ? undefined : 19 + Math.cos(k / 30) + r() * 0.1),
  });
  gens.push({ name: 'flaky_ratio', labels: { svc: 'x' }, at: (k) => (k % 11 === 0 ? NaN : r()) });
  // classic histogram, cumulative buckets
  const bounds = [0.05, 0.1, 0.25, 0.5, 1, Infinity];
  const cum = bounds.map(() => 0);
  let sum = 0;
  let lastK = -1;
  const advance = (k: number) => {
    while (lastK < k) {
      lastK++;
      const n = 5 + Math.floor(r() * 20);
      for (let i = 0; i < n; i++) {
        const obs = Math.exp(-2.5 + r() * 2.5);
        sum += obs;
        bounds.forEach((b, j) => {
          if (obs <= b) cum[j]!++;
        });
      }
    }
  };
  bounds.forEach((b, j) => gens.push({ name: 'http_request_duration_seconds_bucket', labels: { job: 'api', le: b === Infinity ? '+Inf' : String(b) }, at: (k) => (advance(k), cum[j]!) }));
  gens.push({ name: 'http_request_duration_seconds_sum', labels: { job: 'api' }, at: (k) => (advance(k), Math.round(sum * 1e6) / 1e6) });
  gens.push({ name: 'http_request_duration_seconds_count', labels: { job: 'api' }, at: (k) => (advance(k), cum[cum.length - 1]!) });

  // Evaluate every generator at every step first (they share one RNG, so order matters).
  const values = gens.map(() => [] as Array<number | undefined>);
  for (let k = 0; k <= steps; k++) gens.forEach((g, i) => (values[i]![k] = g.at(k, t0 + k * INTERVAL_MS)));
  // Group by family for OpenMetrics.
  const families = new Map<string, number[]>();
  gens.forEach((g, i) => {
    const list = families.get(g.name);
    if (list) list.push(i);
    else families.set(g.name, [i]);
  });
  const lines: string[] = [];
  for (const [name, idxs] of families) {
    lines.push(`# TYPE ${name} unknown`);
    for (const i of idxs) {
      const g = gens[i]!;
      const labels = Object.entries(g.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (let k = 0; k <= steps; k++) {
        const v = values[i]![k];
        if (v === undefined) continue;
        lines.push(`${name}{${labels}} ${fmt(v)} ${((t0 + k * INTERVAL_MS) / 1000).toFixed(3)}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** The expressions compared. $T0 is the data's start and $MID its middle (Unix seconds). */
export const EXPRESSIONS: readonly string[] = [
  // selectors, matchers, offset, @
  'up',
  'http_requests_total{code=~"5.."}',
  'http_requests_total{code!="200"}',
  'http_requests_total{job!~"ap.*"}',
  'http_requests_total{job="api",instance="a"}',
  'up offset 10m',
  'node_load1 @ $MID',
  'temperature_celsius',
  'flaky_ratio',
  '{__name__=~"node_load1|up"}',
  // grouping by the name; a range function over several names (an error where two collide)
  'count by (__name__) ({__name__=~"node_load1|up|build_info"})',
  'sum by (__name__, job) (rate({__name__=~"http_requests_total|up"}[5m]))',
  'count_over_time({__name__=~"node_load1|up"}[5m])',
  'count_over_time({__name__=~"node_load1|temperature_celsius"}[5m])',
  // RE2 regex semantics: anchoring, case folding, classes, alternation in groups
  'http_requests_total{job=~"(?i)API"}',
  'http_requests_total{job=~"(?i:A)pi|batc"}',
  'http_requests_total{code=~`[45]\\d{2}`,job!~"b.*|x"}',
  'build_info{version=~`1\\.4\\.[[:digit:]]`}',
  'build_info{version=~"1.4"}',
  '{__name__=~"(node|build)_.+",instance=~"a|"}',
  'label_replace(build_info, "minor", "$minor", "version", `\\d+\\.(?P<minor>\\d+)\\..*`)',
  'label_replace(build_info, "x", "$1", "version", "4")',
  // counters and rates
  'rate(http_requests_total[5m])',
  'irate(http_requests_total[5m])',
  'increase(http_requests_total[10m])',
  'rate(http_requests_total[5m] offset 5m)',
  'rate(http_requests_total{job="batch"}[10m])',
  'resets(http_requests_total[30m])',
  'delta(temperature_celsius[10m])',
  'idelta(temperature_celsius[5m])',
  'deriv(node_load1[10m])',
  'predict_linear(node_load1[15m], 600)',
  'changes(up[30m])',
  // *_over_time
  'avg_over_time(temperature_celsius[10m])',
  'min_over_time(node_load1[10m])',
  'max_over_time(node_load1[10m])',
  'sum_over_time(up[10m])',
  'count_over_time(temperature_celsius[10m])',
  'last_over_time(temperature_celsius[10m])',
  'quantile_over_time(0.9, node_load1[15m])',
  'stddev_over_time(node_load1[10m])',
  'stdvar_over_time(node_load1[10m])',
  'max_over_time(flaky_ratio[5m])',
  'avg_over_time(flaky_ratio[5m])',
  'absent_over_time(temperature_celsius{room="office"}[5m])',
  'absent(nonexistent{job="x"})',
  'absent(up)',
  // aggregations
  'sum(rate(http_requests_total[5m]))',
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum without (instance, method) (rate(http_requests_total[5m]))',
  'avg by (job) (rate(http_requests_total[5m]))',
  'min by (code) (http_requests_total)',
  'max(node_load1)',
  'count by (code) (http_requests_total)',
  'stddev(node_load1)',
  'stdvar by (job) (rate(http_requests_total[5m]))',
  'topk(2, rate(http_requests_total[5m]))',
  'bottomk(2, node_load1)',
  'quantile(0.5, rate(http_requests_total[5m]))',
  'count_values("value", up)',
  'group by (job) (http_requests_total)',
  'avg(flaky_ratio)',
  // histograms
  'histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))',
  'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[10m])))',
  'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
  // math functions
  'abs(node_load1 - 1)',
  'ceil(node_load1)',
  'floor(node_load1)',
  'round(node_load1, 0.1)',
  'exp(node_load1)',
  'ln(node_load1)',
  'log2(node_load1)',
  'log10(node_load1)',
  'sqrt(node_load1)',
  'clamp(node_load1, 0.5, 1.5)',
  'clamp_min(node_load1, 1)',
  'clamp_max(node_load1, 1)',
  // labels
  'label_replace(up, "host", "$1", "instance", "(.*)")',
  'label_replace(up, "instance", "", "instance", ".*")',
  'label_join(up, "id", "-", "job", "instance")',
  // ordering, scalars, time
  'sort(node_load1)',
  'sort_desc(node_load1)',
  'scalar(up{instance="a"})',
  'vector(1)',
  'time()',
  'timestamp(node_load1)',
  'hour()',
  'minute(timestamp(node_load1))',
  'day_of_week()',
  'month()',
  'year()',
  'day_of_month()',
  'days_in_month()',
  'day_of_year()',
  // binary operators
  'node_load1 * 2',
  'node_load1 > 1',
  'node_load1 > bool 1',
  '1 < node_load1',
  '2 - node_load1',
  'node_load1 ^ 2',
  'node_load1 % 0.3',
  '-node_load1',
  'node_load1 - node_load1',
  'node_load1 == node_load1',
  'up == bool on(instance) up',
  'rate(http_requests_total{code="500"}[5m]) / ignoring(code) rate(http_requests_total{code="200"}[5m])',
  'sum by (instance) (rate(http_requests_total[5m])) * on(instance) group_left(version) build_info',
  'build_info * on(instance) group_right up',
  'up * on(instance) group_left(version) build_info',
  'http_requests_total and on(instance) up == 1',
  'http_requests_total or up',
  'http_requests_total unless on(instance) (up == 0)',
  'sum(rate(http_requests_total[5m])) > 5',
  '1 + 2 * 3',
  '2 ^ 3 ^ 2',
  // subqueries
  'max_over_time(rate(http_requests_total[1m])[10m:1m])',
  'avg_over_time(node_load1[30m:5m])',
  'min_over_time(sum(rate(http_requests_total[5m]))[20m:2m])',
  // errors both must refuse
  'up + on(job) build_info',
];
