// A rule file's alerting rules in a running core, evaluated at chosen times on imported data: a
// series the expression returns goes pending, fires after `for`, keeps firing for
// `keep_firing_for` once it is gone, then resolves — through the one alert engine, so each step is
// an event, the firing reaches a webhook and the feed the TV and tray read. Labels and
// annotations as Prometheus makes them; a scalar result is one alert; two series that end with one
// label set are Prometheus's error; a reload of the file keeps what is pending.
import http from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../../src/shared/feed-protocol.ts';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';

const STEP = 10_000;
const RULES = (before = '') => `groups:
  - name: disks
    interval: 10s
    rules:
${before}      - alert: DiskFull
        expr: disk_used_ratio > 0.9
        for: 30s
        keep_firing_for: 20s
        labels:
          team: storage
          where: '{{ $labels.host }}'
        annotations:
          summary: '{{ $labels.mount }} on {{ $labels.host }} is {{ $value | humanizePercentage }} full'
          description: '{{ printf "%.2f" $value }} used ({{ $labels.__name__ }})'
          runbook_url: https://runbooks.example/disk-full
      - alert: TwoDisks
        expr: count(disk_used_ratio) > 1
        labels: { severity: critical }
      - alert: DiskCount
        expr: scalar(count(disk_used_ratio))
      - alert: Duplicate
        expr: disk_used_ratio > 0
        labels: { host: '' }
`;

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

describe('alerting rules of a rule file, in the alert engine', () => {
  const dir = tempDir('radiator-alert-rules-');
  const file = join(dir, 'rules.yaml');
  let rad: TestCore;
  let hook: http.Server;
  const hooked: Array<{ status: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> }> = [];
  // Ten minutes ago, on the rules' grid: h1 goes above 0.9 at step 3 and back at step 9; h2 stays.
  const base = Math.floor(Date.now() / STEP) * STEP - 10 * 60_000;
  const at = (k: number) => base + k * STEP;

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        hooked.push(JSON.parse(data) as (typeof hooked)[number]);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    writeFileSync(file, RULES());
    rad = await startTestCore({
      alerts: { rules: [], webhooks: [{ id: 'ops', url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/`, minSeverity: 'info', repeatInterval: 0 }] },
    });
    // Evaluated here at chosen times only; the rules are loaded once the timers are stopped.
    rad.core.alerts.stop();
    rad.core.recording.stop();
    const lines = ['# TYPE disk_used_ratio gauge'];
    for (let k = 0; k <= 14; k++) {
      lines.push(`disk_used_ratio{host="h1",mount="/"} ${k >= 3 && k < 9 ? 0.95 : 0.5} ${at(k) / 1000}`);
      lines.push(`disk_used_ratio{host="h2",mount="/"} 0.5 ${at(k) / 1000}`);
    }
    const imp = await fetch(`${rad.url}/api/v1/import`, { method: 'POST', headers: { 'Content-Type': 'application/openmetrics-text' }, body: `${lines.join('\n')}\n# EOF\n` });
    expect(imp.status).toBe(200);
    await putRules();
  }, 30_000);

  afterAll(async () => {
    await rad?.stop();
    hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function putRules(): Promise<void> {
    const put = await fetch(`${rad.url}/api/v1/config/sections/recordingRules`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ files: [file], groups: [], interval: '1m' }) });
    expect(put.status).toBe(200);
  }
  const ids = () => rad.core.alerts.ruleStatus().map((s) => s.rule.id);
  async function evaluate(k: number): Promise<void> {
    for (const id of ids()) await rad.core.alerts.evaluate(id, at(k));
  }
  const promAlerts = async () => ((await (await fetch(`${rad.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  const diskFull = async () => (await promAlerts()).filter((a) => a.labels.alertname === 'DiskFull');
  const internal = () => rad.core.alerts.alerts().find((a) => a.ruleName === 'DiskFull');

  it('maps every alerting rule of the file into the engine, labelled for the TV by its severity label', () => {
    const rules = rad.core.alerts.ruleStatus().map((s) => s.rule);
    expect(rules.map((r) => [r.name, r.condition.type, r.severity, r.for, r.keepFiringFor, r.interval])).toEqual([
      ['DiskFull', 'present', 'warning', 30_000, 20_000, 10_000],
      ['TwoDisks', 'present', 'critical', 0, 0, 10_000],
      ['DiskCount', 'present', 'warning', 0, 0, 10_000],
      ['Duplicate', 'present', 'warning', 0, 0, 10_000],
    ]);
  });

  it('goes pending when the expression returns a series, with the labels and annotations Prometheus gives it', async () => {
    for (let k = 0; k <= 2; k++) await evaluate(k);
    expect(await diskFull()).toEqual([]);
    await evaluate(3);
    expect(await diskFull()).toEqual([
      {
        // The series' labels, the rule's (templated) on top, the alert's name; no severity the file did not set.
        labels: { alertname: 'DiskFull', host: 'h1', mount: '/', team: 'storage', where: 'h1' },
        annotations: { description: '0.95 used (disk_used_ratio)', runbook_url: 'https://runbooks.example/disk-full', summary: '/ on h1 is 95% full' },
        state: 'pending',
        activeAt: new Date(at(3)).toISOString(),
        value: '9.5e-01',
      },
    ]);
    // Radiator's view of the same alert, for the TV and the tray.
    expect(internal()).toMatchObject({ state: 'pending', severity: 'warning', summary: '/ on h1 is 95% full', runbookUrl: 'https://runbooks.example/disk-full', activeAt: at(3) });
  });

  it('keeps the pending alert through a reload of the file that moves the rule', async () => {
    writeFileSync(file, RULES('      - record: job:disk_used_ratio:max\n        expr: max(disk_used_ratio)\n'));
    await putRules();
    await evaluate(4);
    await evaluate(5);
    expect((await diskFull()).map((a) => [a.state, a.activeAt])).toEqual([['pending', new Date(at(3)).toISOString()]]);
  });

  it('fires once it has held for `for`, reaching the feed and a webhook; a rule without `for` fires at once', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${rad.ports.http}/feed`);
    const msgs: ServerMessage[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribeAlerts', id: 'a' }));
    await waitFor(() => msgs.find((m) => m.type === 'alerts'));
    await evaluate(6);
    expect((await diskFull()).map((a) => [a.state, a.activeAt])).toEqual([['firing', new Date(at(3)).toISOString()]]);
    expect(internal()).toMatchObject({ state: 'firing', firedAt: at(6), activeAt: at(3) });
    // What every screen and tray receive.
    const seen = await waitFor(() => msgs.find((m) => m.type === 'alerts' && m.alerts.some((a) => a.ruleName === 'DiskFull' && a.state === 'firing')));
    expect(seen.type === 'alerts' && seen.alerts.find((a) => a.ruleName === 'DiskFull')).toMatchObject({ summary: '/ on h1 is 95% full', labels: { host: 'h1' } });
    ws.close();
    const note = await waitFor(() => hooked.find((h) => h.alerts[0]!.labels.alertname === 'DiskFull'));
    expect(note.status).toBe('firing');
    expect(note.alerts[0]!.annotations).toMatchObject({ summary: '/ on h1 is 95% full', description: '0.95 used (disk_used_ratio)' });
    // No labels but the name (and the file's severity); a scalar result is one alert.
    const others = (await promAlerts()).filter((a) => a.labels.alertname !== 'DiskFull');
    expect(others.map((a) => [a.labels, a.state, a.value]).sort()).toEqual([
      [{ alertname: 'DiskCount' }, 'firing', '2e+00'],
      [{ alertname: 'TwoDisks', severity: 'critical' }, 'firing', '2e+00'],
    ]);
  });

  it('keeps firing for keep_firing_for once the series is gone, then resolves; every step an event', async () => {
    await evaluate(7);
    await evaluate(8);
    await evaluate(9);
    expect((await diskFull()).map((a) => a.state)).toEqual(['firing']);
    expect(internal()).toMatchObject({ state: 'recovering', reason: 'the expression no longer returns this series' });
    await evaluate(10);
    expect((await diskFull()).map((a) => a.state)).toEqual(['firing']);
    await evaluate(11);
    expect(await diskFull()).toEqual([]);
    expect(internal()).toBeUndefined();
    const events = (await (await fetch(`${rad.url}/api/v1/events?kind=alert&from=-1h`)).json()) as { events: Array<{ title: string; ts: number }> };
    const steps = events.events.filter((e) => e.title.startsWith('DiskFull:')).sort((a, b) => a.ts - b.ts);
    expect(steps.map((e) => [e.title, e.ts])).toEqual([
      ['DiskFull: normal → pending', at(3)],
      ['DiskFull: pending → firing', at(6)],
      ['DiskFull: firing → recovering', at(9)],
      ['DiskFull: recovering → normal', at(11)],
    ]);
    await waitFor(() => hooked.find((h) => h.status === 'resolved' && h.alerts[0]!.labels.alertname === 'DiskFull'));
  });

  it("lists the rules in their file's group as Prometheus does, a duplicate label set as the rule's error", async () => {
    const body = (await (await fetch(`${rad.url}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: Array<{ name: string; file: string; interval: number; rules: Array<Record<string, unknown>> }> };
    };
    const g = body.data.groups.find((x) => x.name === 'disks')!;
    expect([g.file, g.interval, g.rules.length]).toEqual([file, 10, 4]);
    expect(g.rules[0]).toEqual({
      state: 'inactive',
      name: 'DiskFull',
      query: 'disk_used_ratio > 0.9',
      duration: 30,
      keepFiringFor: 20,
      labels: { team: 'storage', where: '{{ $labels.host }}' },
      annotations: { description: '{{ printf "%.2f" $value }} used ({{ $labels.__name__ }})', runbook_url: 'https://runbooks.example/disk-full', summary: '{{ $labels.mount }} on {{ $labels.host }} is {{ $value | humanizePercentage }} full' },
      alerts: [],
      health: 'ok',
      evaluationTime: expect.any(Number),
      lastEvaluation: new Date(at(11)).toISOString(),
      type: 'alerting',
    });
    expect(g.rules[1]).toMatchObject({ name: 'TwoDisks', state: 'firing', alerts: [{ labels: { alertname: 'TwoDisks', severity: 'critical' }, state: 'firing' }] });
    expect(g.rules[3]).toMatchObject({ name: 'Duplicate', state: 'inactive', health: 'err', lastError: 'vector contains metrics with the same labelset after applying alert labels', alerts: [] });
    // Not in Radiator's own group too.
    expect(body.data.groups.find((x) => x.name === 'radiator')).toBeUndefined();
    // Counted: the duplicate failed at each of the 12 evaluations, of 4 rules × 12.
    const metrics = await (await fetch(`${rad.url}/metrics`)).text();
    const value = (name: string) => Number(metrics.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
    expect([value('radiator_alert_rule_evaluations_total'), value('radiator_alert_rule_evaluation_failures_total')]).toEqual([48, 12]);
  });
});
