// V8's default heap sizing unless RADIATOR_HEAP=small (what each costs is measured by bench:statsd
// and bench:promql --series, and written in core/heap-mode.ts; not asserted here: it is the machine's).
import { describe, expect, it } from 'vitest';
import { heapModeOf } from '../../../src/main/core/heap-mode.ts';

describe('heap mode', () => {
  it('is speed by default and small only when asked', () => {
    expect(heapModeOf({})).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'speed' })).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'something' })).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'small' })).toBe('small');
  });
});
