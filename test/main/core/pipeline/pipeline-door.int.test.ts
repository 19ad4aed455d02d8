// The pipeline's series through the one door: every sample a webhook's or a feed's actions set is
// received, then applied or refused by reason, for the receiver `pipeline`; past a small series
// cap they fold into overflow series and count as applied.
import { expect, it } from 'vitest';
import { PIPELINE_RECEIVER, PipelineService } from '../../../../src/main/core/pipeline/pipeline-service.ts';
import type { PipelineAction } from '../../../../src/main/core/pipeline/webhooks/actions.ts';
import { NOW, useDoors } from '../../../helpers/door.ts';

const door = useDoors();

it('received = applied + refused for a mixed batch of actions past the series cap', () => {
  const { store, ingest } = door(3);
  const pipeline = new PipelineService({ store, ingest, addEvent: () => ({}) as never, republish: () => {}, now: () => NOW });
  const sample = (op: 'add' | 'set', name: string, labels: Record<string, string>, value: number): PipelineAction => ({ type: 'sample', op, name, labels, value });
  pipeline.apply(
    [
      sample('add', 'ci_builds', { pipeline: 'p', status: 'success' }, 1),
      sample('set', 'ci_last_build_success', { pipeline: 'p' }, 1),
      sample('set', 'ci_builds', { pipeline: 'p', status: 'success' }, 1), // type_conflict
      sample('set', '0bad', {}, 1), // name_invalid
      sample('set', 'ci_x', { __reserved: 'x' }, 1), // label_name_reserved
      ...Array.from({ length: 5 }, (_, i) => sample('add', 'ci_builds', { pipeline: `p${i}`, status: 'success' }, 1)),
    ],
    'test',
  );
  ingest.flush(NOW);
  const s = ingest.stats;
  expect(s.received.get(PIPELINE_RECEIVER)).toBe(10);
  expect(s.received.get(PIPELINE_RECEIVER)).toBe((s.applied.get(PIPELINE_RECEIVER) ?? 0) + s.rejectedCount(PIPELINE_RECEIVER));
  expect(Object.fromEntries(s.rejected.get(PIPELINE_RECEIVER) ?? [])).toEqual({ type_conflict: 1, name_invalid: 1, label_name_reserved: 1 });
  expect(store.index.get('ci_builds{radiator_overflow="true"}')?.lastValue).toBeGreaterThan(0);
});
