import { describe, expect, it } from 'vitest';
import { Ensemble } from '../../../../src/main/core/analysis/index.ts';
import { PreFilters } from '../../../../src/main/core/analysis/pre-filters.ts';
import { SortedWindow } from '../../../../src/main/core/analysis/sorted-window.ts';
import { MINUTE, noise, points, T0 } from './series.ts';

describe('too short', () => {
  it('skips the first minHistory − 1 points and says how far along it is', () => {
    const e = new Ensemble({ minHistory: 30 });
    const out = points(noise(40, 1)).map((p) => e.update(p));
    for (let i = 0; i < 29; i++) {
      expect(out[i]).toMatchObject({ skipped: 'too_short', score: 0, anomalous: false, votes: [], expected: null });
      expect(out[i]!.explanation).toBe(`skipped: too short (${i + 1} of 30 points)`);
    }
    expect(out[29]!.skipped).toBeUndefined();
    expect(out[29]!.explanation).toMatch(/^(normal|anomalous): \d+ of \d+/);
  });

  it('a point that is not a number does not count towards the history', () => {
    const e = new Ensemble({ minHistory: 3 });
    e.update({ t: T0, v: 1 });
    expect(e.update({ t: T0 + MINUTE, v: NaN }).explanation).toBe('skipped: too short (1 of 3 points)');
  });
});

describe('flat', () => {
  it('skips a constant series and draws it as a line', () => {
    const e = new Ensemble();
    const out = points(new Array(200).fill(45)).map((p) => e.update(p));
    expect(out[199]).toMatchObject({ skipped: 'flat', score: 0, anomalous: false, expected: { center: 45, lower: 45, upper: 45 } });
    expect(out[199]!.explanation).toBe('skipped: flat (constant series)');
  });

  it('is over as soon as the value moves — and a constant that moves is an anomaly', () => {
    const e = new Ensemble();
    const values = [...new Array(300).fill(45), 46];
    const out = points(values).map((p) => e.update(p));
    expect(out[300]!.skipped).toBeUndefined();
    expect(out[300]!.anomalous).toBe(true);
  });
});

describe('stale', () => {
  it('marks the first point after a gap of more than staleFactor intervals', () => {
    const e = new Ensemble();
    const ps = points(noise(100, 2));
    ps.forEach((p) => e.update(p));
    const afterGap = e.update({ t: ps[99]!.t + 30 * MINUTE, v: 100 });
    expect(afterGap).toMatchObject({ skipped: 'stale', score: 0, anomalous: false });
    expect(afterGap.explanation).toBe('skipped: stale (data stopped arriving)');
    // …and judges the points after it again.
    expect(e.update({ t: ps[99]!.t + 31 * MINUTE, v: 100 }).skipped).toBeUndefined();
  });

  it('does not mind a gap shorter than that', () => {
    const e = new Ensemble();
    const ps = points(noise(100, 3));
    ps.forEach((p) => e.update(p));
    expect(e.update({ t: ps[99]!.t + 5 * MINUTE, v: 100 }).skipped).toBeUndefined();
  });

  it('uses the expected interval when one is configured', () => {
    const f = new PreFilters({ minHistory: 1, expectedIntervalMs: 10 * MINUTE, staleFactor: 3 });
    const w = new SortedWindow(8);
    for (let i = 0; i < 5; i++) {
      w.push(i);
      f.check({ t: T0 + i * MINUTE, v: i }, w);
    }
    expect(f.staleAt(T0 + 4 * MINUTE + 29 * MINUTE)).toBe(false);
    expect(f.staleAt(T0 + 4 * MINUTE + 31 * MINUTE)).toBe(true);
  });

  it('has no opinion before it has seen a few gaps', () => {
    const f = new PreFilters();
    const w = new SortedWindow(8);
    w.push(1);
    f.check({ t: T0, v: 1 }, w);
    expect(f.staleAt(T0 + 1e9)).toBe(false);
  });
});
