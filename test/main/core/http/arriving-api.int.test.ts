// GET /api/v1/arriving on a real core: a first StatsD gauge is listed with its receiver and value,
// newest first; a summary's parts fold into its family; shipped boards whose queries select
// nothing say so, and which names they wait for.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArrivingReport } from '../../../../src/shared/arriving.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

describe('GET /api/v1/arriving', () => {
  let t: TestCore;
  const get = async (q = ''): Promise<ArrivingReport> => (await (await fetch(`${t.url}/api/v1/arriving${q}`)).json()) as ArrivingReport;

  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.stop());

  it('is empty, and every shipped board that reads apps waits, before anything arrives', async () => {
    const r = await get();
    expect(r.metrics).toEqual([]);
    expect(r.total).toBe(0);
    const overview = r.boards.find((b) => b.id === 'overview')!;
    expect(overview.hasData).toBe(false);
    expect(overview.waitingFor).toEqual(expect.arrayContaining(['shop_orders', 'http_requests']));
    expect(overview.panels.orders).toEqual(['shop_orders']);
  });

  it('lists a StatsD gauge and a JSON timer, newest first, with receiver and value', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.send('e2e.temperature:21.5|g', t.ports.statsdUdp as number, '127.0.0.1', () => r()));
    sock.close();
    await waitFor(async () => {
      await t.core.flush();
      return (await get()).metrics.some((m) => m.name === 'e2e_temperature');
    });
    await new Promise((r) => setTimeout(r, 5));
    const res = await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ name: 'checkout.latency', value: 120, type: 'timer' }]) });
    expect(res.ok).toBe(true);
    await t.core.flush();
    const r = await get();
    expect(r.metrics.map((m) => m.name)).toEqual(['checkout_latency', 'e2e_temperature']);
    expect(r.total).toBe(2);
    expect(r.metrics[1]).toMatchObject({ name: 'e2e_temperature', receiver: 'statsd', type: 'gauge', series: 1, value: 21.5, query: 'e2e_temperature', what: '' });
    expect(r.metrics[0]).toMatchObject({ receiver: 'json', type: 'summary', query: 'max(checkout_latency{quantile="0.5"})', what: 'median' });
    expect((await get('?limit=1')).metrics).toHaveLength(1);
    expect((await get('?limit=1')).total).toBe(2);
  });

  it('says a board has data once one of its queries selects a series', async () => {
    const res = await fetch(`${t.url}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'shop.orders', value: 1, type: 'counter' }) });
    expect(res.ok).toBe(true);
    await t.core.flush();
    const overview = (await get()).boards.find((b) => b.id === 'overview')!;
    expect(overview.hasData).toBe(true);
    expect(overview.waitingFor).not.toContain('shop_orders');
    expect(overview.panels.orders).toBeUndefined();
  });

  it('refuses a bad limit by name', async () => {
    const r = await fetch(`${t.url}/api/v1/arriving?limit=-1`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain('"limit"');
  });
});
