// Requests an HTTP route refuses whole, before any receiver sees the body (a wrong media type, a
// bad webhook signature, an unknown webhook, a body that is not an event), still balance the
// receiver's books: each is one item received and one refused, by reason — received = applied +
// refused holds for every receiver, routes included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ pipeline: { webhooks: [{ id: 'gh', type: 'github', secret: 'a-secret-of-24-characters' }] } });
});
afterAll(async () => {
  await t?.stop();
});

const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${t.url}${path}`, { method: 'POST', headers, body });

describe('route-level refusals are counted as received and refused', () => {
  it('for OTLP, logs, browser beacons and webhooks', async () => {
    expect((await post('/v1/metrics', 'x', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('/api/v1/logs', 'x', { 'Content-Type': 'image/png' })).status).toBe(415);
    expect((await post('/api/v1/client', 'x', { 'Content-Type': 'image/png' })).status).toBe(415);
    expect((await post('/api/v1/webhooks/github/gh', '{}', { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': 'sha256=00' })).status).toBe(401);
    expect((await post('/api/v1/webhooks/github/nope', '{}', { 'Content-Type': 'application/json' })).status).toBe(404);
    const stats = t.core.ingest.stats;
    for (const receiver of ['otlp', 'logs', 'client', 'webhook']) {
      const received = stats.received.get(receiver) ?? 0;
      const applied = stats.applied.get(receiver) ?? 0;
      expect(received, receiver).toBeGreaterThan(0);
      expect(received, receiver).toBe(applied + stats.rejectedCount(receiver));
    }
    expect(stats.rejectedCount('otlp', 'unsupported_media_type')).toBe(1);
    expect(stats.rejectedCount('logs', 'unsupported_media_type')).toBe(1);
    expect(stats.rejectedCount('client', 'unsupported_media_type')).toBe(1);
    expect(stats.rejectedCount('webhook', 'bad_signature')).toBe(1);
    expect(stats.rejectedCount('webhook', 'unknown_webhook')).toBe(1);
  });

  it('and /metrics shows the balance: radiator_received_total = radiator_applied_total + the sum of radiator_rejected_total', async () => {
    const batch = [
      { name: 'balance_ok', value: 1, type: 'counter' },
      { name: 'balance_bad', value: 'x', type: 'counter' },
      { name: 'balance_gauge', value: 3, type: 'gauge' },
    ];
    expect((await post('/api/v1/metrics', JSON.stringify(batch), { 'Content-Type': 'application/json' })).status).toBe(200);
    await t.core.flush();
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const sum = (re: RegExp) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
    for (const receiver of ['json', 'otlp', 'webhook']) {
      const received = sum(new RegExp(`^radiator_received_total\\{receiver="${receiver}"\\} (\\S+)$`, 'gm'));
      const applied = sum(new RegExp(`^radiator_applied_total\\{receiver="${receiver}"\\} (\\S+)$`, 'gm'));
      const rejected = sum(new RegExp(`^radiator_rejected_total\\{reason="[^"]*",receiver="${receiver}"\\} (\\S+)$`, 'gm'));
      expect(received, receiver).toBeGreaterThan(0);
      expect(received, receiver).toBe(applied + rejected);
    }
    expect(text).toMatch(/^radiator_applied_total\{receiver="json"\} 2$/m);
    expect(text).toMatch(/^radiator_store_wal_frames_dropped_at_start 0$/m);
  });
});
