// Time-axis steps match what the labels show, so no two labels on a chart read the same.
import { describe, expect, it } from 'vitest';
import { timeIncrements, timeLabel } from '../../src/renderer/src/lib/axis.ts';

describe('timeIncrements', () => {
  it('steps by whole minutes where labels show hours and minutes', () => {
    for (const span of [300, 3_600, 6 * 3_600, 86_400, 3 * 86_400]) expect(Math.min(...timeIncrements(span))).toBe(60);
  });

  it('steps by whole days where labels show only the date', () => {
    expect(Math.min(...timeIncrements(30 * 86_400))).toBe(86_400);
  });

  it('gives distinct labels for every step it offers on a five-minute chart', () => {
    const t0 = Date.UTC(2026, 0, 5, 9, 0, 0) / 1000;
    for (const step of timeIncrements(300).filter((s) => s < 300)) {
      const labels = [0, 1, 2, 3].map((i) => timeLabel(t0 + i * step, 300));
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});
