// Alerting end to end on a running core: a rule fires on data that arrives through the receivers,
// its transitions become events (drawn on graphs), a webhook receiver started here gets JSON and
// Slack bodies (with a retry after a 503), a silence stops notifications, and the alert resolves.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AlertInstance } from '../../../../src/shared/alert-rules.ts';
import type { ServerMessage } from '../../../../src/shared/feed-protocol.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

let t: TestCore;
let hook: http.Server;
const received: Received[] = [];
let failNext = 0;

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(data) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const port = (hook.address() as { port: number }).port;
  t = await startTestCore({
    collector: { flushInterval: 100 },
    alerts: {
      rules: [
        {
          id: 'queue-high',
          name: 'Queue too long',
          expr: 'max by (queue) (queue_depth)',
          condition: { type: 'threshold', op: 'above', threshold: 100, hysteresis: 10 },
          severity: 'critical',
          summary: '{{ $labels.queue }} holds {{ $value }} messages',
          runbookUrl: 'https://runbooks.example/queue',
          board: 'infrastructure',
          noData: 'normal',
          interval: '1h',
        },
        { id: 'broken', name: 'Broken rule', expr: 'sum(', condition: { type: 'threshold', op: 'above', threshold: 1 }, interval: '1h' },
      ],
      webhooks: [
        { id: 'ops', url: `http://127.0.0.1:${port}/json`, format: 'json', minSeverity: 'warning', repeatInterval: 0 },
        { id: 'chat', url: `http://127.0.0.1:${port}/slack`, format: 'slack', minSeverity: 'critical', repeatInterval: 0 },
      ],
    },
  });
});

afterAll(async () => {
  await t.stop();
  hook.close();
});

const gauge = async (value: number) => {
  await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'queue_depth', value, labels: { queue: 'emails' } }) });
  await t.core.flush();
};
const current = (): AlertInstance[] => t.core.alerts.alerts().filter((a) => a.ruleId === 'queue-high');

describe('alerting', () => {
  it('fires, is stored as an event, and reaches the webhooks (after a retry)', async () => {
    await gauge(50);
    await t.core.alerts.evaluate('queue-high');
    expect(current()).toEqual([]);

    failNext = 1; // the first delivery gets a 503 and is retried
    await gauge(150);
    await t.core.alerts.evaluate('queue-high');
    const [a] = current();
    expect(a).toMatchObject({ state: 'firing', severity: 'critical', summary: 'emails holds 150 messages', value: 150, board: 'infrastructure' });
    expect(a!.labels).toEqual({ alertname: 'Queue too long', queue: 'emails', severity: 'critical' });

    await t.core.notifier.idle();
    // (The broken rule's error state was notified too, at start; find this alert's message.)
    const json = received.find((r) => r.path === '/json' && r.body.groupKey === a!.fingerprint)!;
    expect(json.body).toMatchObject({ version: '4', status: 'firing', receiver: 'ops', groupKey: a!.fingerprint });
    expect((json.body.alerts as Array<Record<string, unknown>>)[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'Queue too long', queue: 'emails' },
      annotations: { summary: 'emails holds 150 messages', runbook_url: 'https://runbooks.example/queue' },
    });
    const slack = received.find((r) => r.path === '/slack' && String(r.body.text).includes('Queue too long'))!;
    expect(slack.body.text).toBe('▲ [FIRING] Queue too long: emails holds 150 messages');
    expect(t.core.notifier.stats.get('ops')!.retried + t.core.notifier.stats.get('chat')!.retried).toBe(1);

    // Drawn on its graph: the transition is an event panels overlay.
    const events = (await (await fetch(`${t.url}/api/v1/events?kind=alert&from=-1h`)).json()) as { events: Array<{ title: string; tags: string[] }> };
    expect(events.events.map((e) => e.title)).toContain('Queue too long: normal → firing');
    expect(events.events[0]!.tags).toEqual(expect.arrayContaining(['alertname:Queue too long', 'state:firing', 'queue:emails']));
  });

  it('shows in the Prometheus-compatible API and on the feed, with an acknowledgement', async () => {
    const prom = (await (await fetch(`${t.url}/api/v1/alerts`)).json()) as { data: { alerts: Array<{ state: string; labels: Record<string, string> }> } };
    expect(prom.data.alerts).toEqual([expect.objectContaining({ state: 'firing', labels: expect.objectContaining({ queue: 'emails' }) })]);
    const ws = new WebSocket(`ws://127.0.0.1:${t.ports.http}/feed`);
    const msgs: ServerMessage[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribeAlerts', id: 'a' }));
    await waitFor(() => msgs.find((m) => m.type === 'alerts'));
    const fp = current()[0]!.fingerprint;
    const ack = await fetch(`${t.url}/api/v1/alerting/acks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fingerprint: fp, by: 'ana', comment: 'on it' }) });
    expect(ack.status).toBe(200);
    const update = await waitFor(() => msgs.filter((m) => m.type === 'alerts').find((m) => m.type === 'alerts' && m.alerts.some((x) => x.ack)));
    expect(update.type === 'alerts' && update.alerts.find((x) => x.ruleId === 'queue-high')!.ack).toMatchObject({ by: 'ana', comment: 'on it' });
    ws.close();
  });

  it('is silenced, then resolves without notifying, and the silence is shared', async () => {
    const before = received.length;
    const res = await fetch(`${t.url}/api/v1/alerting/silences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'alertname', op: '=', value: 'Queue too long' }], endsAt: Date.now() + 3_600_000, createdBy: 'ana', comment: 'maintenance' }),
    });
    expect(res.status).toBe(201);
    expect(current()[0]!.silencedBy).toHaveLength(1);
    // Hovering just under the line (within hysteresis) keeps it firing.
    await gauge(95);
    await t.core.alerts.evaluate('queue-high');
    expect(current()[0]!.state).toBe('firing');
    await gauge(20);
    await t.core.alerts.evaluate('queue-high');
    expect(current()).toEqual([]);
    await t.core.notifier.idle();
    expect(received.length).toBe(before);
    const silences = (await (await fetch(`${t.url}/api/v1/alerting/silences`)).json()) as { silences: Array<{ id: string; comment: string }> };
    expect(silences.silences[0]!.comment).toBe('maintenance');
    expect((await fetch(`${t.url}/api/v1/alerting/silences/${silences.silences[0]!.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('refuses a bad silence with the reason', async () => {
    const r = await fetch(`${t.url}/api/v1/alerting/silences`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ matchers: [], endsAt: 1 }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain('matchers: a silence needs at least one matcher');
  });

  it('puts a rule whose query fails in the error state, with the engine’s message', async () => {
    await t.core.alerts.evaluate('broken');
    const broken = t.core.alerts.alerts().find((a) => a.ruleId === 'broken')!;
    expect(broken.state).toBe('error');
    expect(broken.reason).toMatch(/parse error/);
  });
});
