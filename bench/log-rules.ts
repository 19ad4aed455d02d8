// Log lines a second through the log pipeline: the level detector alone, then with 1, 10 and 50
// regex rules (and a few JSON-path ones), on a mix of the formats teams log in (plain text with a
// level word, logfmt, JSON lines, klog). In process, with the real aggregator over a store-less
// sink, so it measures the per-line work, not the network. Prints a table; asserts nothing.
//
//   npm run bench:logs [-- --lines 200000]

import { parseArgs } from 'node:util';
import { Ingest } from '../src/main/core/collector/ingest.ts';
import { detectLevel } from '../src/main/core/logs/level-detector.ts';
import { LogPipeline } from '../src/main/core/logs/log-pipeline.ts';
import { Series } from '../src/main/core/store/index.ts';
import { seriesKey } from '../src/shared/model.ts';
import { parseSettings } from '../src/shared/settings.ts';

const { values: opt } = parseArgs({ options: { lines: { type: 'string', default: '200000' } } });
const N = Number(opt.lines);
const log = (s: string) => process.stdout.write(s + '\n');

const TABLES = ['orders', 'users', 'payments', 'sessions'];
function line(i: number): string {
  switch (i % 5) {
    case 0:
      return `2024-05-01 12:00:${String(i % 60).padStart(2, '0')} ${i % 17 === 0 ? 'ERROR' : 'INFO'} [http-${i % 8}] GET /product/${i} 200 took ${i % 500}ms`;
    case 1:
      return `ts=2024-05-01T12:00:00Z level=${i % 13 === 0 ? 'warn' : 'info'} msg="job done" queue=emails took=${i % 300}ms`;
    case 2:
      return JSON.stringify({ ts: '2024-05-01T12:00:00Z', level: i % 11 === 0 ? 'error' : 'info', msg: i % 11 === 0 ? `SQL query failed: ${TABLES[i % 4]}` : 'charge authorised', http: { status: i % 11 === 0 ? 503 : 200, route: '/checkout' } });
    case 3:
      return `E0501 12:00:02.000000       1 reconciler.go:42] sync of object ${i} failed`;
    default:
      return `ERROR: SQL query failed: ${TABLES[i % 4]} (connection reset by peer after ${i % 1000}ms)`;
  }
}
const lines = Array.from({ length: N }, (_, i) => ({ line: line(i), source: `svc${i % 4}` }));

function rules(n: number) {
  const list: unknown[] = [];
  for (let k = 0; k < n; k++) {
    if (k % 5 === 4) list.push({ id: `json-${k}`, match: { jsonPath: '$.http.status', equals: 503 }, metric: { name: `bench_http_503_${k}`, type: 'counter', labels: { route: '$.http.route' } } });
    else if (k % 5 === 3) list.push({ id: `timer-${k}`, match: { regex: `took (\\d+)ms` }, metric: { name: `bench_took_${k}`, type: 'timer', value: '$1' } });
    else list.push({ id: `sql-${k}`, match: { regex: `SQL query failed: (?<table>\\w+)${k % 2 ? '' : ' \\('}` }, metric: { name: `bench_sql_failed_${k}`, type: 'counter', labels: { table: '${table}' } } });
  }
  return parseSettings({ logs: { rules: list } }).logs.rules;
}

let nextId = 1;
const byKey = new Map<string, Series>();
const sink = {
  find: (key: string) => byKey.get(key),
  resolve: (name: string, labels: ReadonlyArray<readonly [string, string]>) => {
    const key = seriesKey(name, labels);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = new Series(nextId++, name, labels, key)));
    return s;
  },
  append: () => 'ok' as const,
  importSamples: () => {
    throw new Error('not used');
  },
};

function time(fn: () => void): number {
  fn(); // warm-up
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

const results: Array<[string, number]> = [];
{
  const secs = time(() => {
    for (const l of lines) detectLevel(l.line, null);
  });
  results.push(['level detector only (text)', N / secs]);
}
for (const n of [0, 1, 10, 50]) {
  const ingest = new Ingest({ store: sink, repeatIntervalMs: 15_000 });
  const p = new LogPipeline(ingest, rules(n), { linesPerSecond: Number.MAX_SAFE_INTEGER });
  const secs = time(() => {
    for (let i = 0; i < lines.length; i += 1_000) p.ingest(lines.slice(i, i + 1_000), 'bench');
  });
  results.push([`pipeline, ${n} rules`, N / secs]);
}
log(`${N.toLocaleString('en')} lines, 5 formats, Node ${process.version}\n`);
log('| what | lines/s |\n|---|---|');
for (const [what, rate] of results) log(`| ${what} | ${Math.round(rate).toLocaleString('en')} |`);
