// Differential test: the same OpenMetrics history is loaded into a real Prometheus (Debian's, with
// promtool's create-blocks-from openmetrics) and into Radiator (through POST /api/v1/import); then
// a table of expressions is run against both HTTP APIs — instant queries at several times and a
// range query — and the answers must agree (labels exactly, values within 1e-9 relative).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';
import { EXPRESSIONS, generateOpenMetrics, STEP_MS } from './dataset.ts';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
const HOUR = 3_600_000;

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

type Sample = [number, string];
interface Result {
  status: string;
  data?: { resultType: string; result: unknown };
  error?: string;
  errorType?: string;
}

async function api(base: string, path: string, params: Record<string, string>): Promise<Result> {
  const r = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  return (await r.json()) as Result;
}

const num = (s: string) => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
function close(a: string, b: string): boolean {
  const x = num(a);
  const y = num(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (x === y) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Results in a comparable form: series keyed by their labels, in a fixed order. */
function normalise(r: Result, keepOrder: boolean): { kind: string; series: Array<{ labels: string; points: Sample[] }> } | { error: string } {
  if (r.status !== 'success') return { error: r.errorType ?? 'error' };
  const d = r.data!;
  if (d.resultType === 'scalar' || d.resultType === 'string') return { kind: d.resultType, series: [{ labels: '', points: [d.result as Sample] }] };
  const list = (d.result as Array<{ metric: Record<string, string>; value?: Sample; values?: Sample[] }>).map((s) => ({
    labels: JSON.stringify(Object.entries(s.metric).sort()),
    points: s.value ? [s.value] : s.values!,
  }));
  if (!keepOrder) list.sort((a, b) => (a.labels < b.labels ? -1 : 1));
  return { kind: d.resultType, series: list };
}

function diff(expr: string, what: string, a: ReturnType<typeof normalise>, b: ReturnType<typeof normalise>): string | null {
  if ('error' in a || 'error' in b) {
    if ('error' in a && 'error' in b) return null;
    return `${what}: Prometheus ${'error' in a ? `failed (${a.error})` : 'answered'}, Radiator ${'error' in b ? `failed (${b.error})` : 'answered'}`;
  }
  if (a.kind !== b.kind) return `${what}: result type ${a.kind} vs ${b.kind}`;
  const al = a.series.map((s) => s.labels);
  const bl = b.series.map((s) => s.labels);
  if (JSON.stringify(al) !== JSON.stringify(bl)) return `${what}: series differ\n    Prometheus: ${al.join(' ')}\n    Radiator:   ${bl.join(' ')}`;
  for (let i = 0; i < a.series.length; i++) {
    const pa = a.series[i]!.points;
    const pb = b.series[i]!.points;
    if (pa.length !== pb.length) return `${what}: ${al[i]} has ${pa.length} points in Prometheus, ${pb.length} in Radiator`;
    for (let k = 0; k < pa.length; k++) {
      if (pa[k]![0] !== pb[k]![0] || !close(pa[k]![1], pb[k]![1])) {
        return `${what}: ${al[i]} at ${pa[k]![0]}: Prometheus ${pa[k]![1]} (t=${pa[k]![0]}), Radiator ${pb[k]![1]} (t=${pb[k]![0]})`;
      }
    }
  }
  return null;
}

const haveProm = existsSync(PROMETHEUS) && existsSync(PROMTOOL);

describe.skipIf(!haveProm)('PromQL against a real Prometheus on the same data', () => {
  let prom: ChildProcess;
  let promUrl: string;
  let rad: TestCore;
  let dir: string;
  let t0: number;

  beforeAll(async () => {
    dir = tempDir('radiator-diff-');
    t0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const om = generateOpenMetrics(t0, 2 * HOUR);
    writeFileSync(join(dir, 'data.om'), om);
    const data = join(dir, 'prom');
    mkdirSync(data);
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), data], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool failed: ${r.stderr}`);
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=10y'],
      { stdio: 'ignore' },
    );
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, 200);
    rad = await startTestCore();
    const imp = await fetch(`${rad.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body: om });
    const body = (await imp.json()) as { data: { imported: number; refused: number } };
    expect(imp.status).toBe(200);
    expect(body.data.refused).toBe(0);
    // Prometheus has it all too.
    await waitFor(async () => ((await api(promUrl, '/api/v1/query', { query: 'count(up)', time: String((t0 + HOUR) / 1000) })).data?.result as unknown[])?.length === 1, 30_000, 200);
  }, 90_000);

  afterAll(async () => {
    prom?.kill();
    await rad?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`agrees on ${EXPRESSIONS.length} expressions, instant and range`, async () => {
    expect(EXPRESSIONS.length).toBeGreaterThanOrEqual(60);
    const times = [t0 + 40 * 60_000, t0 + 57 * 60_000 + 7_000, t0 + 90 * 60_000];
    const problems: string[] = [];
    for (const template of EXPRESSIONS) {
      const expr = template.replace(/\$T0/g, String(t0 / 1000)).replace(/\$MID/g, String((t0 + HOUR) / 1000));
      const ordered = /^\s*sort(_desc)?\(/.test(expr);
      for (const t of times) {
        const params = { query: expr, time: String(t / 1000) };
        const [a, b] = await Promise.all([api(promUrl, '/api/v1/query', params), api(rad.url, '/api/v1/query', params)]);
        const d = diff(expr, `instant @${(t - t0) / 60_000}m`, normalise(a, ordered), normalise(b, ordered));
        if (d) problems.push(`${expr}\n  ${d}`);
      }
      const range = { query: expr, start: String((t0 + 10 * 60_000) / 1000), end: String((t0 + 110 * 60_000) / 1000), step: String(STEP_MS / 1000) };
      const [a, b] = await Promise.all([api(promUrl, '/api/v1/query_range', range), api(rad.url, '/api/v1/query_range', range)]);
      const d = diff(expr, 'range', normalise(a, false), normalise(b, false));
      if (d) problems.push(`${expr}\n  ${d}`);
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
  }, 240_000);

  it('reads Prometheus as a remote data source, and says what is wrong when it cannot', async () => {
    const { PrometheusSource } = await import('../../../../src/main/core/sources/prometheus-source.ts');
    const src = new PrometheusSource({ id: 'team', name: 'Team Prometheus', url: promUrl, timeoutMs: 5_000, auth: null });
    const r = await src.instant('sum(up)', t0 + HOUR);
    expect(r.resultType).toBe('vector');
    expect(await src.test()).toEqual({ ok: true, version: expect.stringMatching(/^2\./) });
    await expect(src.instant('sum(', t0)).rejects.toMatchObject({ code: 'SOURCE_QUERY_ERROR' });
    const gone = new PrometheusSource({ id: 'gone', name: 'Gone', url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000, auth: null });
    await expect(gone.range('up', t0, t0 + HOUR, 60_000)).rejects.toMatchObject({ code: 'SOURCE_UNREACHABLE' });
    // A server that accepts and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const slow = new PrometheusSource({ id: 'slow', name: 'Slow', url: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutMs: 300, auth: null });
    await expect(slow.instant('up', t0)).rejects.toMatchObject({ code: 'SOURCE_TIMEOUT' });
    silent.close();
    expect((await gone.test()).ok).toBe(false);
  });

  it('is scraped by a real Prometheus through /federate', async () => {
    await fetch(`${rad.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'fresh_gauge', value: 42, labels: { team: 'a' } }) });
    await rad.core.flush();
    const port = await freePort();
    const fdir = join(dir, 'fed');
    mkdirSync(fdir);
    writeFileSync(
      join(fdir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: radiator\n    honor_labels: true\n    metrics_path: /federate\n    params:\n      'match[]': ['{__name__=~"fresh_.*"}']\n    static_configs:\n      - targets: ['127.0.0.1:${rad.ports.http}']\n`,
    );
    const fed = spawn(PROMETHEUS, [`--config.file=${join(fdir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(fdir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    try {
      const got = await waitFor(
        async () => {
          const r = await api(`http://127.0.0.1:${port}`, '/api/v1/query', { query: 'fresh_gauge' });
          const list = (r.data?.result ?? []) as Array<{ metric: Record<string, string>; value: Sample }>;
          return list.length > 0 ? list : null;
        },
        30_000,
        250,
      );
      expect(got[0]!.metric).toMatchObject({ __name__: 'fresh_gauge', team: 'a' });
      expect(got[0]!.value[1]).toBe('42');
    } finally {
      fed.kill();
    }
  }, 45_000);
});
