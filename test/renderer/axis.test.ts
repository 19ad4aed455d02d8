// Time-axis steps match what the labels show, so no two labels on a chart read the same.
import { describe, expect, it } from 'vitest';
import { axisIncrements, timeIncrements, timeLabel, valueAxisLabels } from '../../src/renderer/src/lib/axis.ts';
import { formatText } from '../../src/renderer/src/lib/units.ts';

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

describe('valueAxisLabels', () => {
  const pct = (v: number, d: number | null) => formatText(v, 'percent', d);

  it('keeps the usual labels where neighbours already differ', () => {
    expect(valueAxisLabels([0, 20, 40, 60], pct, null)).toEqual(['0%', '20%', '40%', '60%']);
    expect(valueAxisLabels([250, 250.5, 251], (v, d) => formatText(v, 'ms', d), 1)).toEqual(['250.0 ms', '250.5 ms', '251.0 ms']);
  });

  it('adds the fewest decimals that tell every neighbour apart on a narrow band', () => {
    const ticks = Array.from({ length: 12 }, (_, i) => 73.25 + i * 0.01);
    // The automatic format reads "73.3%" on eleven of the twelve ticks.
    expect(new Set(ticks.map((v) => pct(v, null))).size).toBeLessThan(ticks.length);
    const labels = valueAxisLabels(ticks, pct, null);
    expect(labels[0]).toBe('73.25%');
    expect(labels.at(-1)).toBe('73.36%');
    expect(new Set(labels).size).toBe(ticks.length);
  });

  it('shows each tick exactly on the steps the axis offers (1, 2 or 5 × 10ⁿ)', () => {
    for (const step of axisIncrements('percent').filter((s) => s >= 1e-6 && s <= 10)) {
      const first = Math.round(99.99 / step);
      const ticks = [0, 1, 2, 3].map((i) => (first + i) * step);
      const labels = valueAxisLabels(ticks, pct, null);
      for (let i = 0; i < ticks.length; i++) expect(Math.abs(Number(labels[i]!.replace('%', '')) - ticks[i]!)).toBeLessThan(step / 100);
    }
  });

  it('works on scaled units too, and never goes past six decimals', () => {
    const labels = valueAxisLabels([1_200_000, 1_200_500, 1_201_000], (v, d) => formatText(v, 'none', d), null);
    expect(labels).toEqual(['1.2000M', '1.2005M', '1.2010M']);
    const tooClose = [1, 1 + 1e-9, 1 + 2e-9];
    expect(valueAxisLabels(tooClose, pct, null)).toEqual(tooClose.map((v) => pct(v, null)));
  });
});
