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
import { api, diff, freePort, normalise, PROMETHEUS, PROMTOOL, type Sample } from '../../../helpers/prometheus.ts';
import { EXPRESSIONS, generateOpenMetrics, STEP_MS } from './dataset.ts';

const HOUR = 3_600_000;

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
