// Recording rules against a real Prometheus 2.42 evaluating the same rule files on the same data:
// kube-prometheus's node-exporter rules and a group of our own (rule labels, a rule reading the
// one before it, a scalar result). The data (a node exporter's series, 20 minutes every 15 s) is
// backfilled into Prometheus with promtool and into Radiator with POST /api/v1/import; Prometheus
// evaluates its rules live, and Radiator evaluates each group at the very time Prometheus did, so
// the recorded series must agree exactly. Then Radiator's own schedule, /api/v1/rules, the
// counting of what rules write, and a rule file refused with promtool's kind of message. (The
// files' alerting rules against Prometheus: prometheus-alerting.int.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS, PROMTOOL, api, diff, normalise, startPrometheus, type RunningProcess } from '../../../helpers/prometheus.ts';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';

const haveProm = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
const FIXTURE = join(import.meta.dirname, '../../../fixtures/rules/node-exporter-rules.yaml');
const OWN = `groups:
  - name: radiator-test
    rules:
      - record: instance:node_cpu_seconds:rate1m
        expr: sum by (job, instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))
        labels:
          team: infra
      - record: job:node_cpu_seconds:rate1m
        expr: sum by (job, team) (instance:node_cpu_seconds:rate1m)
      - record: node_load1:total
        expr: scalar(sum(node_load1))
`;
const RECORDED_BY_OWN = ['instance:node_cpu_seconds:rate1m', 'job:node_cpu_seconds:rate1m', 'node_load1:total'];

/** A node exporter's series on two instances, every 15 s up to `end` (OpenMetrics with timestamps). */
function nodeData(end: number): string {
  const lines: string[] = [];
  const start = end - 20 * 60_000;
  let seed = 3;
  const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const series = new Map<string, { type: string; lines: string[] }>();
  const put = (name: string, type: string, labels: string, value: number, t: number) => {
    let s = series.get(name);
    if (!s) series.set(name, (s = { type, lines: [] }));
    s.lines.push(`${name}{${labels}} ${value} ${t / 1000}`);
  };
  for (const inst of ['a:9100', 'b:9100']) {
    const counters = new Map<string, number>();
    const inc = (k: string, d: number) => counters.set(k, (counters.get(k) ?? 0) + d);
    for (let t = start; t <= end; t += 15_000) {
      const base = `instance="${inst}",job="node-exporter"`;
      for (const cpu of ['0', '1']) {
        for (const mode of ['idle', 'iowait', 'steal', 'system', 'user']) {
          const k = `cpu${cpu}${mode}`;
          inc(k, mode === 'idle' ? 10 + rnd() * 3 : rnd() * 2);
          put('node_cpu_seconds_total', 'counter', `cpu="${cpu}",${base},mode="${mode}"`, Number(counters.get(k)!.toFixed(3)), t);
        }
      }
      put('node_load1', 'gauge', base, Number((0.5 + rnd()).toFixed(3)), t);
      put('node_memory_MemTotal_bytes', 'gauge', base, 8e9, t);
      // One host reports MemAvailable, the other only the parts: the rule's `or` takes each.
      if (inst === 'a:9100') put('node_memory_MemAvailable_bytes', 'gauge', base, Math.round(3e9 + rnd() * 1e8), t);
      else for (const part of ['Buffers', 'Cached', 'MemFree', 'Slab']) put(`node_memory_${part}_bytes`, 'gauge', base, Math.round(5e8 + rnd() * 1e7), t);
      inc('pgmaj', Math.floor(rnd() * 20));
      put('node_vmstat_pgmajfault', 'counter', base, counters.get('pgmaj')!, t);
      for (const dev of ['sda', 'loop0']) {
        inc(`io${dev}`, rnd());
        put('node_disk_io_time_seconds_total', 'counter', `device="${dev}",${base}`, Number(counters.get(`io${dev}`)!.toFixed(3)), t);
        inc(`iow${dev}`, rnd() * 2);
        put('node_disk_io_time_weighted_seconds_total', 'counter', `device="${dev}",${base}`, Number(counters.get(`iow${dev}`)!.toFixed(3)), t);
      }
      for (const dev of ['eth0', 'lo']) {
        for (const m of ['receive_bytes', 'transmit_bytes', 'receive_drop', 'transmit_drop']) {
          inc(`${m}${dev}`, Math.floor(rnd() * (m.endsWith('bytes') ? 1e6 : 3)));
          put(`node_network_${m}_total`, 'counter', `device="${dev}",${base}`, counters.get(`${m}${dev}`)!, t);
        }
      }
    }
  }
  for (const [name, s] of series) {
    lines.push(`# TYPE ${name.replace(/_total$/, '')} ${s.type}`);
    lines.push(...s.lines);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

describe.skipIf(!haveProm)('recording rules against a real Prometheus evaluating the same rule files', () => {
  const dir = tempDir('radiator-rules-');
  const ownFile = join(dir, 'own-rules.yaml');
  let prom: RunningProcess;
  let rad: TestCore;

  beforeAll(async () => {
    writeFileSync(ownFile, OWN);
    const end = Math.floor(Date.now() / 15_000) * 15_000;
    const om = nodeData(end);
    writeFileSync(join(dir, 'data.om'), om);
    mkdirSync(join(dir, 'prom', 'data'), { recursive: true });
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'prom', 'data')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool: ${r.stderr}`);
    prom = await startPrometheus(join(dir, 'prom'), `global:\n  evaluation_interval: 2s\nrule_files:\n  - ${FIXTURE}\n  - ${ownFile}\n`, ['--storage.tsdb.retention.time=10y']);
    rad = await startTestCore({ recordingRules: { files: [FIXTURE, ownFile], interval: '1h' } });
    // Radiator's own schedule is tested below; here each group is evaluated at Prometheus's times.
    rad.core.recording.stop();
    const imp = await fetch(`${rad.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body: om });
    expect(imp.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await rad?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** When Prometheus last evaluated the group that records `name` (ms). */
  async function evaluatedAt(name: string): Promise<number> {
    const r = await waitFor(async () => {
      const got = await api(prom.url, '/api/v1/query', { query: `timestamp(${name})` });
      const v = (got.data?.result as Array<{ value: [number, string] }> | undefined)?.[0];
      return v ? Number(v.value[1]) * 1000 : null;
    }, 20_000, 250);
    return Math.round(r);
  }

  it('writes what Prometheus writes, for every recording rule of the node-exporter group and our own', async () => {
    const groups: Array<[string, string[]]> = [
      ['node-exporter.rules', [
        'instance:node_num_cpu:sum',
        'instance:node_cpu_utilisation:rate5m',
        'instance:node_load1_per_cpu:ratio',
        'instance:node_memory_utilisation:ratio',
        'instance:node_vmstat_pgmajfault:rate5m',
        'instance_device:node_disk_io_time_seconds:rate5m',
        'instance_device:node_disk_io_time_weighted_seconds:rate5m',
        'instance:node_network_receive_bytes_excluding_lo:rate5m',
        'instance:node_network_transmit_bytes_excluding_lo:rate5m',
        'instance:node_network_receive_drop_excluding_lo:rate5m',
        'instance:node_network_transmit_drop_excluding_lo:rate5m',
      ]],
      ['radiator-test', RECORDED_BY_OWN],
    ];
    const problems: string[] = [];
    let compared = 0;
    for (const [group, names] of groups) {
      // Prometheus's last evaluation of the group: every rule of it wrote at that time.
      const t = await evaluatedAt(names[0]!);
      const written = rad.core.recording.evaluateGroupAt(group, t);
      expect(written).toBeGreaterThan(0);
      for (const name of names) {
        const params = { query: name, time: String(t / 1000) };
        const [p, r] = await Promise.all([api(prom.url, '/api/v1/query', params), api(rad.url, '/api/v1/query', params)]);
        const a = normalise(p, false);
        const b = normalise(r, false);
        expect('series' in a && a.series.length > 0, `${name}: Prometheus recorded nothing`).toBe(true);
        const d = diff(name, `${name} at ${t}`, a, b);
        if (d) problems.push(d);
        compared++;
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBe(14);
  }, 60_000);

  it('reports every group and rule on /api/v1/rules as Prometheus does, the alerting rules as the alert engine evaluates them', async () => {
    const body = (await (await fetch(`${rad.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ name: string; file: string; rules: Array<{ name: string; type: string; health: string; lastError?: string; state?: string }> }> };
    };
    const byName = new Map(body.data.groups.map((g) => [g.name, g]));
    // Radiator's own alert rules first (one group), then the recording rule groups.
    expect([...byName.keys()].sort()).toEqual(['node-exporter', 'node-exporter.rules', 'radiator', 'radiator-test']);
    expect(body.data.groups[0]!.name).toBe('radiator');
    const rec = byName.get('node-exporter.rules')!.rules;
    expect(rec.every((r) => r.type === 'recording' && r.health === 'ok')).toBe(true);
    const alerts = byName.get('node-exporter')!.rules;
    // Evaluated once when the core started (before the data was imported; the group's interval
    // is an hour): nothing was pending or firing.
    expect(alerts).toHaveLength(26);
    expect(alerts.filter((r) => !(r.type === 'alerting' && r.health === 'ok' && r.state === 'inactive' && r.lastError === undefined))).toEqual([]);
    const onlyRec = (await (await fetch(`${rad.url}/api/v1/rules?type=record`)).json()) as { data: { groups: Array<{ rules: unknown[] }> } };
    expect(onlyRec.data.groups.flatMap((g) => g.rules)).toHaveLength(15 + RECORDED_BY_OWN.length);
    const onlyAlerts = (await (await fetch(`${rad.url}/api/v1/rules?type=alert`)).json()) as { data: { groups: Array<{ name: string; rules: Array<{ type: string }> }> } };
    // Radiator's shipped alert rules, and the file's alerting group; no recording group.
    expect(onlyAlerts.data.groups.map((g) => g.name)).toEqual(['radiator', 'node-exporter']);
    expect(onlyAlerts.data.groups.flatMap((g) => g.rules).every((r) => r.type === 'alerting')).toBe(true);
    // What the rules wrote went through the door, counted like any receiver's input.
    const metrics = await (await fetch(`${rad.url}/metrics`)).text();
    const value = (line: string) => Number(metrics.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
    expect(value('radiator_received_total{receiver="rules"}')).toBe(value('radiator_applied_total{receiver="rules"}'));
    expect(value('radiator_rule_evaluations_total')).toBeGreaterThanOrEqual(14);
  });
});

describe('recording rules in a running collector', () => {
  let rad: TestCore;
  afterAll(async () => rad?.stop());

  it('evaluates a group on its interval, and refuses a broken rule file with where and why', async () => {
    const dir = tempDir('radiator-rules-run-');
    rad = await startTestCore({ recordingRules: { groups: [{ name: 'fast', interval: '1s', rules: [{ record: 'job:up:count', expr: 'count(radiator_up_probe)', labels: { source: 'test' } }] }] } });
    await fetch(`${rad.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'radiator_up_probe', value: 1, type: 'gauge' }) });
    const got = await waitFor(async () => {
      const r = (await (await fetch(`${rad.url}/api/v1/query?query=job:up:count`)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return r.data.result[0];
    }, 10_000, 100);
    expect(got.metric).toEqual({ __name__: 'job:up:count', source: 'test' });
    expect(got.value[1]).toBe('1');

    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'groups:\n  - name: g\n    rules:\n      - record: job:x:rate5m\n        expr: rate(x[5m]\n');
    const put = await fetch(`${rad.url}/api/v1/config/sections/recordingRules`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ files: [broken], groups: [], interval: '1m' }) });
    expect(put.status).toBe(400);
    const body = (await put.json()) as { problems: string[] };
    expect(body.problems).toEqual([expect.stringMatching(new RegExp(`^recordingRules: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:9: group "g", rule 1, "job:x:rate5m": could not parse expression`))]);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
