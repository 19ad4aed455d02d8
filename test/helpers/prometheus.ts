// A real Prometheus as the oracle: free loopback ports, starting the Debian binary on one, its
// HTTP query API, and comparing two query answers (labels exactly, values within 1e-9 relative).
// Shared by the PromQL differential test, the remote-write tests and the remote-write bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
export const NODE_EXPORTER = process.env.NODE_EXPORTER_BIN ?? '/usr/bin/prometheus-node-exporter';
export const haveProm = existsSync(PROMETHEUS);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type Sample = [number, string];
export interface Result {
  status: string;
  data?: { resultType: string; result: unknown };
  error?: string;
  errorType?: string;
}

export async function api(base: string, path: string, params: Record<string, string>): Promise<Result> {
  const r = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  return (await r.json()) as Result;
}

/** An instant query's vector as label-set → value (empty on error or another result type). */
export async function vector(base: string, query: string, timeMs?: number): Promise<Array<{ metric: Record<string, string>; value: Sample }>> {
  const params: Record<string, string> = { query };
  if (timeMs !== undefined) params.time = String(timeMs / 1000);
  const r = await api(base, '/api/v1/query', params);
  return r.status === 'success' && r.data?.resultType === 'vector' ? (r.data.result as Array<{ metric: Record<string, string>; value: Sample }>) : [];
}

const num = (s: string) => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
export function close(a: string, b: string): boolean {
  const x = num(a);
  const y = num(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (x === y) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

export type Normalised = { kind: string; series: Array<{ labels: string; points: Sample[] }> } | { error: string };

/** Results in a comparable form: series keyed by their labels, in a fixed order. */
export function normalise(r: Result, keepOrder: boolean): Normalised {
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

/** What differs between Prometheus's answer (a) and Radiator's (b), or null. */
export function diff(expr: string, what: string, a: Normalised, b: Normalised): string | null {
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

export interface RunningProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Kills it and waits for it to exit (bounded). */
  stop(): Promise<void>;
}

function running(proc: ChildProcess, port: number): RunningProcess {
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const t = setTimeout(() => {
          proc.kill('SIGKILL');
          resolve();
        }, 5_000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

async function until(ok: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await ok()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${what} did not become ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts Prometheus in `dir` with `config` (YAML) on a free loopback port, ready to query. */
export async function startPrometheus(dir: string, config: string, extraArgs: string[] = [], port?: number): Promise<RunningProcess> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const p = port ?? (await freePort());
  const proc = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${p}`, ...extraArgs],
    { stdio: 'ignore' },
  );
  const r = running(proc, p);
  try {
    await until(async () => (await fetch(`${r.url}/-/ready`)).ok, 30_000, 'Prometheus');
  } catch (e) {
    await r.stop();
    throw e;
  }
  return r;
}

/** Starts prometheus-node-exporter on a free loopback port. */
export async function startNodeExporter(): Promise<RunningProcess> {
  const p = await freePort();
  const proc = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${p}`], { stdio: 'ignore' });
  const r = running(proc, p);
  try {
    await until(async () => (await fetch(`${r.url}/metrics`)).ok, 15_000, 'node exporter');
  } catch (e) {
    await r.stop();
    throw e;
  }
  return r;
}
