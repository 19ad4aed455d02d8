// Browser telemetry through the one door: every item of a beacon is received, then applied or
// refused by reason (items past the beacon limit included); the error lines made from it count
// for `client_log`, not again for `client`. Past a small series cap, pages fold into overflow.
import { expect, it } from 'vitest';
import { CLIENT_LOG_RECEIVER, ClientIngest } from '../../../../src/main/core/client/client-ingest.ts';
import { LogPipeline } from '../../../../src/main/core/logs/log-pipeline.ts';
import { MAX_CLIENT_ITEMS_PER_BEACON } from '../../../../src/shared/limits.ts';
import { NOW, useDoors } from '../../../helpers/door.ts';

const door = useDoors();

it('received = applied + refused for a mixed beacon past the series cap', () => {
  const { store, ingest } = door(10);
  const client = new ClientIngest(ingest, new LogPipeline(ingest, [], { now: () => NOW }), () => NOW);
  const items = [
    { t: 'error', p: '/a', msg: 'boom' },
    { t: 'lcp', p: '/a', v: 1200 },
    { t: 'lcp', p: '/a', v: -1 }, // malformed_value
    { t: 'teleport', p: '/a' }, // unknown_item
    { t: 'error', p: 5 }, // malformed_page
    'junk', // malformed_item
    // Each page's summary is 7 series: the second page is past the cap and folds.
    ...Array.from({ length: 6 }, (_, i) => ({ t: 'inp', p: `/page/${i}`, v: 40 })),
  ];
  const over = MAX_CLIENT_ITEMS_PER_BEACON - items.length + 3;
  for (let i = 0; i < over; i++) items.push({ t: 'cls', p: '/a', v: 0.01 });
  const res = client.ingest({ release: '1.0', items });
  ingest.flush(NOW);
  const s = ingest.stats;
  const received = s.received.get('client') ?? 0;
  expect(received).toBe(items.length);
  expect(received).toBe((s.applied.get('client') ?? 0) + s.rejectedCount('client'));
  expect(Object.fromEntries(s.rejected.get('client') ?? [])).toEqual({ malformed_value: 1, unknown_item: 1, malformed_page: 1, malformed_item: 1, too_many_items: 3 });
  expect(res).toEqual({ accepted: s.applied.get('client'), rejected: s.rejectedCount('client') });
  expect(store.index.get('client_inp_count{radiator_overflow="true"}')?.lastValue).toBeGreaterThan(0);
  // The one error line, counted once, for its own receiver.
  expect(s.received.get(CLIENT_LOG_RECEIVER)).toBe(1);
  expect(s.applied.get(CLIENT_LOG_RECEIVER)).toBe(1);
});
