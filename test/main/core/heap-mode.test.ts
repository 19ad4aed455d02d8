// V8 sized for a long-running radiator unless RADIATOR_HEAP=speed (the RSS it saves is measured by
// bench:promql --series and docs/promql.md, not asserted here: it depends on the machine).
import { describe, expect, it } from 'vitest';
import { heapModeOf } from '../../../src/main/core/heap-mode.ts';

describe('heap mode', () => {
  it('is small by default and speed only when asked', () => {
    expect(heapModeOf({})).toBe('small');
    expect(heapModeOf({ RADIATOR_HEAP: 'small' })).toBe('small');
    expect(heapModeOf({ RADIATOR_HEAP: 'something' })).toBe('small');
    expect(heapModeOf({ RADIATOR_HEAP: 'speed' })).toBe('speed');
  });
});
