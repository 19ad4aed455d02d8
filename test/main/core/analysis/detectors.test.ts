import { describe, expect, it } from 'vitest';
import {
  createDetectors,
  EwmaDetector,
  GrubbsDetector,
  HistogramDetector,
  KsDetector,
  LeastSquaresDetector,
  MadDetector,
  SeasonalDetector,
  ShapeDetector,
  ArtimeDetector,
  SigmaDetector,
  type Detector,
  type DetectorOutput,
} from '../../../../src/main/core/analysis/index.ts';
import { drift, gaussian, MINUTE, phaseShift, points, prng, spike, step, studentT, T0 } from './series.ts';

type Make = () => Detector;
const ALL: Record<string, Make> = {
  σ: () => new SigmaDetector(),
  EWMA: () => new EwmaDetector(),
  MAD: () => new MadDetector(),
  Grubbs: () => new GrubbsDetector(),
  LSQ: () => new LeastSquaresDetector(),
  histogram: () => new HistogramDetector(),
  KS: () => new KsDetector(),
  seasonal: () => new SeasonalDetector(),
  shape: () => new ShapeDetector(),
  ARTime: () => new ArtimeDetector(),
};

function run(make: Make, values: number[]): DetectorOutput[] {
  const d = make();
  return points(values).map((p) => d.update(p));
}

/** Indices flagged anomalous in [from, to]. */
function flagged(out: DetectorOutput[], from = 0, to = out.length - 1): number[] {
  const idx: number[] = [];
  for (let i = from; i <= to; i++) if (out[i]!.anomalous) idx.push(i);
  return idx;
}

describe('each detector', () => {
  it('has the name the TV shows, and scores in [0, 1] with anomalous ⇔ score ≥ threshold', () => {
    expect(createDetectors().map((d) => d.name)).toEqual(['σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ', 'histogram', 'KS', 'seasonal', 'ARTime']);
    expect(createDetectors({ shape: {} }).map((d) => d.name)).toContain('shape');
    expect(createDetectors({ artime: false }).map((d) => d.name)).not.toContain('ARTime');
    const values = spike(1500, 1200, 12, 1);
    for (const [name, make] of Object.entries(ALL)) {
      const d = make();
      for (const p of points(values)) {
        const o = d.update(p);
        expect(o.score, name).toBeGreaterThanOrEqual(0);
        expect(o.score, name).toBeLessThanOrEqual(1);
        expect(o.anomalous, name).toBe(o.score >= d.threshold);
      }
    }
  });

  it('stays quiet until it has history, and says so', () => {
    for (const [name, make] of Object.entries(ALL)) {
      const out = run(make, spike(20, 10, 50, 2));
      expect(flagged(out), name).toEqual([]);
      expect(out.every((o) => o.ready === false), name).toBe(true);
    }
  });

  it('ignores a value that is not a number', () => {
    for (const [name, make] of Object.entries(ALL)) {
      const d = make();
      points(spike(300, 250, 0, 3)).forEach((p) => d.update(p));
      expect(d.update({ t: T0 + 1e9, v: NaN }), name).toMatchObject({ score: 0, anomalous: false });
    }
  });
});

describe('a spike (one point 12σ out)', () => {
  const values = spike(1500, 1200, 12, 1);
  for (const name of ['σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ', 'histogram']) {
    it(`${name} flags it`, () => {
      const out = run(ALL[name]!, values);
      expect(out[1200]!.anomalous).toBe(true);
      expect(out[1200]!.score).toBeGreaterThan(0.8);
    });
  }
  it('KS does not: one point does not change a distribution', () => {
    expect(flagged(run(ALL.KS!, values), 1200, 1240)).toEqual([]);
  });
  it('seasonal has no period to judge it by', () => {
    const out = run(ALL.seasonal!, values);
    expect(out[1200]!.ready).toBe(false);
  });
  it('the point-based detectors put the expectation band around the noise, not the spike', () => {
    for (const name of ['σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ']) {
      const band = run(ALL[name]!, values)[1200]!.expected!;
      expect(band.lower, name).toBeLessThan(100);
      expect(band.upper, name).toBeGreaterThan(100);
      expect(band.upper, name).toBeLessThan(112);
    }
  });
});

describe('a step (the level rises 6σ and stays)', () => {
  const values = step(1500, 1200, 6, 2);
  for (const name of ['σ', 'EWMA', 'MAD', 'Grubbs', 'LSQ', 'histogram']) {
    it(`${name} flags the first points of the new level`, () => {
      expect(flagged(run(ALL[name]!, values), 1200, 1205).length).toBeGreaterThan(0);
    });
  }
  it('KS flags it once enough of its recent window is at the new level', () => {
    const hits = flagged(run(ALL.KS!, values), 1200, 1300);
    expect(hits.length).toBeGreaterThan(10);
    expect(hits[0]! - 1200).toBeLessThan(32);
  });
});

describe('a drift', () => {
  it('slow (3σ over 1000 points): σ, MAD, Grubbs, EWMA and LSQ take it as normal, KS sees the distribution move', () => {
    const values = drift(2000, 1000, 3, 3);
    for (const name of ['σ', 'MAD', 'Grubbs', 'EWMA', 'LSQ']) expect(flagged(run(ALL[name]!, values), 1000).length, name).toBeLessThanOrEqual(2);
    expect(flagged(run(ALL.KS!, values), 1000).length).toBeGreaterThan(20);
  });

  it('fast (30σ over 1000 points): the trend-followers (EWMA, LSQ) keep up, the baseline detectors see it leave', () => {
    const values = drift(2000, 1000, 30, 3);
    for (const name of ['EWMA', 'LSQ']) expect(flagged(run(ALL[name]!, values), 1000).length, name).toBeLessThanOrEqual(2);
    for (const name of ['σ', 'MAD', 'Grubbs', 'histogram', 'KS']) {
      const hits = flagged(run(ALL[name]!, values), 1000);
      expect(hits.length, name).toBeGreaterThan(3);
      expect(hits[0]! - 1000, name).toBeLessThan(200);
    }
  });
});

describe('a seasonal series whose phase jumps by half a period', () => {
  // A sine with a 100-point period; at 1500 (a zero crossing, so the series stays continuous)
  // it turns the other way. Every value stays inside the usual range.
  const values = phaseShift(2000, 100, 1500, 4);

  it('seasonal learns the period and flags the shift within a few points', () => {
    const d = new SeasonalDetector();
    const out = points(values).map((p) => d.update(p));
    expect(d.period / 60_000).toBeCloseTo(100, 0);
    expect(flagged(out, 1000, 1499)).toEqual([]);
    const hits = flagged(out, 1500, 1520);
    expect(hits.length).toBeGreaterThan(5);
    expect(hits[0]! - 1500).toBeLessThan(10);
    // Its band is the shape it expected: high where the old phase was high.
    expect(out[1525]!.expected!.center).toBeGreaterThan(105);
    expect(values[1525]).toBeLessThan(95);
  });

  for (const name of ['σ', 'MAD', 'Grubbs', 'histogram']) {
    it(`${name}, judging values against their range, does not see it`, () => {
      expect(flagged(run(ALL[name]!, values), 1500, 1600)).toEqual([]);
    });
  }
});

describe('shape: a movement the series has not made before', () => {
  const rnd = prng(11);
  const z = gaussian(rnd);
  it('flags a steady sine that starts to oscillate fast, at the same amplitude', () => {
    const values = Array.from({ length: 1300 }, (_, i) => 100 + 5 * Math.sin((2 * Math.PI * i) / (i < 1200 ? 50 : 6)) + 0.1 * z());
    const out = run(ALL.shape!, values);
    expect(flagged(out, 200, 1199)).toEqual([]);
    expect(flagged(out, 1200, 1230).length).toBeGreaterThan(0);
  });
  it('is not moved by the level: a step with the same noise is the value detectors\' business', () => {
    const values = step(1500, 1200, 6, 1);
    const out = run(ALL.shape!, values);
    // Only the subsequences that straddle the step are new; after it the movement is the usual one.
    expect(flagged(out, 1200 + 16, 1499)).toEqual([]);
  });
  it('keeps fixed memory: its store does not grow with the series', () => {
    const d = new ShapeDetector({ memory: 64, length: 8 });
    for (const p of points(Array.from({ length: 5000 }, () => 100 + z()))) d.update(p);
    expect((d as unknown as { store: Float64Array }).store.length).toBe(64 * 8);
  });
});

describe('heavy-tailed noise with no anomalies (Student t, 3 degrees of freedom)', () => {
  const t = studentT(prng(5), 3);
  const values = Array.from({ length: 3000 }, () => 100 + t());
  for (const name of Object.keys(ALL)) {
    it(`${name} flags at most 1.5 % of points`, () => {
      const out = run(ALL[name]!, values);
      expect(flagged(out, 100).length / 2900).toBeLessThanOrEqual(0.015);
    });
  }
});

describe('seasonal, on irregular sampling', () => {
  it('finds a 24 h period in 5-minute data with jittered timestamps and 5 % of points missing, and flags a missing peak', () => {
    const rnd = prng(5);
    const z = gaussian(prng(6));
    const d = new SeasonalDetector();
    const hits: number[] = [];
    let falseAlarms = 0;
    for (let i = 0; i < 6000; i++) {
      if (rnd() < 0.05) continue;
      const t = T0 + i * 5 * MINUTE + Math.round((rnd() - 0.5) * MINUTE);
      // One day (from i = 5000) the daily rise does not come.
      const v = i >= 5000 && i < 5100 ? 100 : 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * z();
      if (d.update({ t, v }).anomalous) {
        if (i >= 5000 && i < 5100) hits.push(i);
        else falseAlarms++;
      }
    }
    // Counting points instead of time would make it 5 % short (22.8 h).
    expect(Math.abs(d.period / 3_600_000 - 24)).toBeLessThan(0.25);
    expect(hits[0]).toBeLessThan(5030);
    expect(falseAlarms).toBeLessThan(30);
  });
});

describe('detectors sharing a window (createDetectors: σ with Grubbs, MAD with histogram)', () => {
  it('score every point as they do with windows of their own, whichever reads first', () => {
    const rnd = prng(7);
    const noise = studentT(rnd, 3);
    const values = Array.from({ length: 3000 }, (_, i) => 100 + 10 * Math.sin(i / 40) + noise() + (i === 2500 ? 60 : 0));
    const shared = createDetectors({ only: ['σ', 'MAD', 'Grubbs', 'histogram'] });
    const reversed = createDetectors({ only: ['σ', 'MAD', 'Grubbs', 'histogram'] }).reverse();
    const alone = ['σ', 'MAD', 'Grubbs', 'histogram'].map((name) => createDetectors({ only: [name] })[0]!);
    for (const p of points(values)) {
      const a = alone.map((d) => d.update(p));
      expect(shared.map((d) => d.update(p))).toEqual(a);
      expect(reversed.map((d) => d.update(p)).reverse()).toEqual(a);
    }
  });
});
