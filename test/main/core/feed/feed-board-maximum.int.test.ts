// The feed and the board schema agree (issue 15): whatever a valid board holds, its screen can
// subscribe to. A screen holds three boards' queries at once (the one shown, the next, the one
// just left) plus configuration, alerts and events; three boards at the schema's maximum (60
// panels × 10 queries, each query different) subscribe over one real connection, with the board's
// variables put in as the screen puts them, and every query answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardSchema, type Board } from '../../../../src/shared/boards.ts';
import { boardWithVariables } from '../../../../src/shared/board-variables.ts';
import { FEED_MAX_SUBSCRIBE_MESSAGE_CHARS, FEED_MAX_SUBSCRIPTIONS_PER_CLIENT, FEED_SCREEN_BOARDS_HELD, FEED_SCREEN_OTHER_SUBSCRIPTIONS, MAX_BOARD_PANELS, MAX_PANEL_QUERIES } from '../../../../src/shared/limits.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';
import { FeedClient } from '../../../helpers/feed-client.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({ collector: { flushInterval: 100 } });
});
afterAll(async () => {
  await t.stop();
});

const post = (path: string, body: unknown) => fetch(t.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** A board at the schema's maximum: every panel full of queries, all different. */
function maximumBoard(id: string): Board {
  return BoardSchema.parse({
    id,
    title: `Maximum ${id}`,
    columns: 12,
    rows: 10,
    variables: [{ name: 'node', value: 'host-1:9100' }],
    panels: Array.from({ length: MAX_BOARD_PANELS }, (_, i) => ({
      id: `p${i}`,
      type: 'timeseries',
      x: i % 12,
      y: Math.floor(i / 12),
      w: 1,
      h: 1,
      range: '1m',
      step: '1s',
      queries: Array.from({ length: MAX_PANEL_QUERIES }, (_, k) => ({ expr: `max_board_metric{instance=~"$node"} * ${i * MAX_PANEL_QUERIES + k + 1} + ${JSON.stringify(id).length}` })),
    })),
  });
}

describe('a screen at the schema maximum', () => {
  it('derives the subscription cap from the board schema', () => {
    expect(FEED_MAX_SUBSCRIPTIONS_PER_CLIENT).toBe(FEED_SCREEN_BOARDS_HELD * MAX_BOARD_PANELS * MAX_PANEL_QUERIES + FEED_SCREEN_OTHER_SUBSCRIPTIONS);
    expect(FEED_MAX_SUBSCRIPTIONS_PER_CLIENT).toBeGreaterThanOrEqual(MAX_BOARD_PANELS * MAX_PANEL_QUERIES);
  });

  it('subscribes every query of three maximum boards over one connection, with the variables put in', { timeout: 60_000 }, async () => {
    await post('/api/v1/metrics', [
      { name: 'max_board_metric', value: 1, labels: { instance: 'host-1:9100' } },
      { name: 'max_board_metric', value: 1000, labels: { instance: 'host-2:9100' } },
    ]);
    for (const host of ['host-1:9100', 'host-2:9100']) await waitFor(() => (t.core.store.index.get(`max_board_metric{instance="${host}"}`)?.lastTs ?? 0) > 0);
    const boards = ['shown', 'next', 'leaving'].map(maximumBoard);
    // Valid boards, as the settings accept them.
    for (const b of boards) {
      const r = await fetch(`${t.url}/api/v1/config/boards/${b.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
      expect(r.status, await r.text()).toBe(200);
    }
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    c.send({ type: 'subscribeConfig', id: 'config' });
    c.send({ type: 'subscribeAlerts', id: 'alerts' });
    c.send({ type: 'subscribeEvents', id: 'events', rangeMs: 60_000 });
    const ids: string[] = [];
    for (const b of boards.map(boardWithVariables)) {
      for (const p of b.panels) {
        for (const [k, q] of p.queries.entries()) {
          const id = `${b.id}/${p.id}/${k}`;
          ids.push(id);
          c.send({ type: 'subscribe', id, query: q.expr, rangeMs: 60_000, stepMs: 1_000, source: 'embedded' });
        }
      }
    }
    expect(ids).toHaveLength(FEED_MAX_SUBSCRIPTIONS_PER_CLIENT - FEED_SCREEN_OTHER_SUBSCRIPTIONS);
    await waitFor(() => new Set(c.of('snapshot').map((m) => m.id)).size === ids.length, 50_000);
    expect(c.of('error')).toEqual([]);
    // $node became host-1 in what was subscribed: one series, host-2's left out.
    // (The first snapshot may come before the step that holds the sample: watch what follows.)
    await post('/api/v1/metrics', [
      { name: 'max_board_metric', value: 2, labels: { instance: 'host-1:9100' } },
      { name: 'max_board_metric', value: 2000, labels: { instance: 'host-2:9100' } },
    ]);
    const seen = () => new Set(c.messages.flatMap((m) => ((m.type === 'snapshot' || m.type === 'append') && m.id === 'shown/p0/0' ? m.series.map((s) => s.labels.instance) : [])));
    await waitFor(() => seen().has('host-1:9100'), 10_000);
    expect([...seen()]).toEqual(['host-1:9100']);
    // The cap is where the schema puts it: one more is refused.
    c.send({ type: 'subscribeAlerts', id: 'one-too-many' });
    const refused = await waitFor(() => c.of('error', 'one-too-many')[0]);
    expect(refused.message).toBe(`at most ${FEED_MAX_SUBSCRIPTIONS_PER_CLIENT} subscriptions per connection`);
    c.ws.close();
  });

  it('refuses a subscribe request longer than any board query needs before it can wait', async () => {
    const c = new FeedClient(`ws://127.0.0.1:${t.ports.http}/feed`);
    await c.opened();
    // Padding in a field nobody reads is held as sent while a client is behind: not accepted.
    c.send({ type: 'subscribeAlerts', id: 'padded', pad: 'x'.repeat(FEED_MAX_SUBSCRIBE_MESSAGE_CHARS) });
    const refused = await waitFor(() => c.of('error', 'padded')[0]);
    expect(refused.message).toMatch(new RegExp(`at most ${FEED_MAX_SUBSCRIBE_MESSAGE_CHARS} characters`));
    // A board's longest query (10,000 characters) still subscribes.
    const longest = `max_board_metric{instance!="${'x'.repeat(9_960)}"}`;
    expect(longest.length).toBeLessThanOrEqual(10_000);
    c.send({ type: 'subscribe', id: 'longest', query: longest, rangeMs: 60_000, stepMs: 1_000 });
    await waitFor(() => c.of('snapshot', 'longest')[0] ?? c.of('error', 'longest')[0]);
    expect(c.of('error', 'longest').map((e) => e.message)).toEqual([]);
    c.ws.close();
  });
});
