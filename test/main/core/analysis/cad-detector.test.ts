// The contextual (CAD) detector, cad-detector.ts: it learns a repeating sequence until nothing
// in it is new, calls a break in the sequence anomalous, rests after an anomaly, and keeps its
// context dictionary within the cap.
import { describe, expect, it } from 'vitest';
import { CadDetector, Ensemble, type DetectorOutput } from '../../../../src/main/core/analysis/index.ts';
import { points, prng } from './series.ts';

function run(d: CadDetector, values: number[]): DetectorOutput[] {
  return points(values).map((p) => d.update(p));
}

/** A sawtooth 0, 1, …, 7, 0, 1, … of `n` points. */
const saw = (n: number) => Array.from({ length: n }, (_, i) => i % 8);

describe('the CAD detector', () => {
  it('is not ready during the range warm-up, then learns a repeating sequence until it scores 0', () => {
    const d = new CadDetector({ rangeWarmup: 50 });
    const out = run(d, saw(1000));
    expect(out.slice(0, 50).every((o) => o.ready === false)).toBe(true);
    expect(out.slice(800).every((o) => o.score === 0)).toBe(true);
  });

  it('calls a break in the learned sequence anomalous, where no value is out of range', () => {
    const values = saw(1200);
    // 0..7 repeating; at 1000 the sequence jumps back (…3, 4, 1, 2…): every value seen before.
    values[1004] = 1;
    values[1005] = 2;
    const out = run(new CadDetector({ rangeWarmup: 50 }), values);
    expect(Math.max(...out.slice(900, 1000).map((o) => o.score))).toBe(0);
    expect(Math.max(...out.slice(1004, 1008).map((o) => o.score))).toBeGreaterThanOrEqual(0.5);
    expect(out.slice(1004, 1008).some((o) => o.anomalous)).toBe(true);
  });

  it('calls a value far beyond the learned range anomalous, and rests after it', () => {
    const values = saw(1200);
    values[1000] = 100;
    const out = run(new CadDetector({ rangeWarmup: 50, restPeriod: 20 }), values);
    expect(out[1000]!.anomalous).toBe(true);
    // The sequence is broken again right after the spike, but the rest period holds it off.
    expect(out.slice(1001, 1021).every((o) => o.score === 0)).toBe(true);
  });

  it('keeps its context dictionary within the cap on noise', () => {
    const rnd = prng(7);
    const d = new CadDetector({ maxContexts: 200 });
    let most = 0;
    for (const p of points(Array.from({ length: 5000 }, () => rnd()))) {
      d.update(p);
      most = Math.max(most, d.size);
    }
    expect(most).toBeLessThanOrEqual(200);
    expect(most).toBeGreaterThan(100);
  });

  it('ignores a value that is not a finite number', () => {
    const d = new CadDetector();
    expect(d.update({ t: 0, v: NaN }).ready).toBe(false);
  });

  it('is one more calibrated detector in the ensemble when turned on, named in the explanation', () => {
    const values = saw(1500);
    values[1300] = 1;
    values[1301] = 2;
    const e = new Ensemble({ cad: {}, only: ['CAD', 'MAD'] });
    const out = points(values).map((p) => e.update(p));
    expect(e.detectors.map((d) => d.name)).toEqual(['MAD', 'CAD']);
    expect(out[1299]!.trusted).toEqual(['MAD', 'CAD']);
    const seen = out.slice(1300, 1310).find((o) => o.votes.includes('CAD'));
    expect(seen?.explanation).toMatch(/^\w+: 1 of 2 — CAD/);
    expect(new Ensemble().detectors.map((d) => d.name)).not.toContain('CAD');
  });
});
