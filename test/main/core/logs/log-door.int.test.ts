// Logs → metrics through the one door: a line is received by its receiver and applied once counted
// in log_lines_total (a cut line is refused with the reason it was cut); what the rules make of it
// are samples counted for `log_rules`. A mixed batch past a small series cap: received = applied
// + refused (by reason) for both, and lines folded into the overflow series count as applied.
import { expect, it } from 'vitest';
import { LOG_RULES_RECEIVER, LogPipeline } from '../../../../src/main/core/logs/log-pipeline.ts';
import { MAX_LOG_LINE_BYTES } from '../../../../src/shared/limits.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';
import { NOW, useDoors } from '../../../helpers/door.ts';

const door = useDoors();

it('received = applied + refused for the lines and for the rules’ samples', () => {
  const { store, ingest } = door(8);
  const rules = parseSettings({
    logs: {
      rules: [
        { id: 'took', match: { regex: 'took (\\S+)ms' }, metric: { name: 'took_seconds', type: 'timer', value: '$1' } },
        { id: 'delta', match: { regex: 'delta (-?\\d+)' }, metric: { name: 'deltas', type: 'counter', value: '$1' } },
        { id: 'clash', match: { regex: 'clash' }, metric: { name: 'took_seconds', type: 'gauge', value: '1' } },
      ],
    },
  }).logs.rules;
  const logs = new LogPipeline(ingest, rules, { now: () => NOW, linesPerSecond: Number.MAX_SAFE_INTEGER });
  logs.ingest(
    [
      { line: 'took 250ms', source: 'app' }, // a line, and a timer sample
      { line: 'took abcms', source: 'app' }, // a line; the rule's value is not a number
      { line: 'delta 3', source: 'app' }, // a counter sample
      { line: 'delta -2', source: 'app' }, // negative_counter
      { line: 'clash', source: 'app' }, // the rule's gauge has the timer's name: type_conflict
      { line: 'x'.repeat(MAX_LOG_LINE_BYTES + 10), source: 'app' }, // line_truncated
      { line: 'cut by the transport', source: 'app', cut: 'message_too_long' },
      // New sources past the cap: their log_lines_total series fold into the overflow series.
      ...Array.from({ length: 10 }, (_, i) => ({ line: 'hello', source: `s${i}` })),
    ],
    'logs',
  );
  ingest.flush(NOW);
  const count = (r: string) => ({
    received: ingest.stats.received.get(r) ?? 0,
    applied: ingest.stats.applied.get(r) ?? 0,
    refused: Object.fromEntries(ingest.stats.rejected.get(r) ?? []),
  });
  const lines = count('logs');
  expect(lines.received).toBe(17);
  expect(lines.received).toBe(lines.applied + ingest.stats.rejectedCount('logs'));
  expect(lines.refused).toEqual({ line_truncated: 1, message_too_long: 1 });
  expect(store.index.get('log_lines_total{radiator_overflow="true"}')?.lastValue).toBeGreaterThan(0);
  const samples = count(LOG_RULES_RECEIVER);
  expect(samples.received).toBe(samples.applied + ingest.stats.rejectedCount(LOG_RULES_RECEIVER));
  expect(samples.applied).toBe(2);
  expect(samples.refused).toEqual({ rule_value_not_a_number: 1, negative_counter: 1, type_conflict: 1 });
});
