import { describe, expect, it } from 'vitest';
import { Ensemble, type EnsembleOutput } from '../../../../src/main/core/analysis/index.ts';
import { MINUTE, noise, phaseShift, points, poisson, prng, spike, step, studentT, T0 } from './series.ts';

function run(values: number[], opts: ConstructorParameters<typeof Ensemble>[0] = {}): EnsembleOutput[] {
  const e = new Ensemble(opts);
  return points(values).map((p) => e.update(p));
}

const anomalies = (out: EnsembleOutput[], from = 0, to = out.length - 1) => out.slice(from, to + 1).filter((o) => o.anomalous).length;

// "anomalous: 5 of 8 — KS, MAD, seasonal, EWMA, Grubbs", "normal: 1 of 8 — σ", "normal: 0 of 7"
const EXPLANATION = /^(anomalous|normal|ongoing): (\d+) of (\d+)(?: — (.+?))?(?: \(since [^)]+\))?$/;

describe('the ensemble explanation', () => {
  it('reads "<verdict>: <votes> of <trusted> — <names>" and agrees with votes, trusted and anomalous', () => {
    const out = run(spike(1500, 1200, 12, 1));
    for (const o of out.slice(29)) {
      const m = EXPLANATION.exec(o.explanation);
      expect(m, o.explanation).not.toBeNull();
      const [, verdict, votes, of, names] = m!;
      expect(Number(votes)).toBe(o.votes.length);
      expect(Number(of)).toBe(o.trusted!.length);
      expect(names ? names.split(', ') : []).toEqual(o.votes);
      expect(verdict === 'anomalous').toBe(o.anomalous);
      for (const v of o.votes) expect(o.trusted).toContain(v);
    }
  });

  it('names the detectors that flagged a spike, most surprised first', () => {
    const o = run(spike(1500, 1200, 12, 1))[1200]!;
    expect(o.anomalous).toBe(true);
    expect(o.score).toBeGreaterThanOrEqual(0.5);
    expect(o.votes.length).toBeGreaterThanOrEqual(4);
    expect(o.votes).toEqual(expect.arrayContaining(['σ', 'MAD', 'Grubbs']));
    expect(o.explanation).toBe(`anomalous: ${o.votes.length} of ${o.trusted!.length} — ${o.votes.join(', ')}`);
  });

  it('says which detector saw a change no value shows: the seasonal one', () => {
    const out = run(phaseShift(2000, 100, 1500, 4));
    const first = out.findIndex((o, i) => i >= 1500 && o.anomalous);
    expect(first).toBeGreaterThanOrEqual(1500);
    expect(first).toBeLessThan(1510);
    expect(out[first]!.votes[0]).toBe('seasonal');
    expect(out[first]!.expected!.center).not.toBeCloseTo(out[first]!.expected!.lower);
  });

  it('scores every point in [0, 1]', () => {
    for (const o of run(step(1500, 1200, 6, 2))) {
      expect(o.score).toBeGreaterThanOrEqual(0);
      expect(o.score).toBeLessThanOrEqual(1);
    }
  });
});

describe('the hold-off after an anomaly', () => {
  it('reports one incident once, as ongoing, then is ready for the next', () => {
    const values = noise(2000, 7);
    values[1200]! += 15;
    values[1250]! += 40; // inside the hold-off, and bigger: the first has taught the calibration that 15σ happens
    values[1600]! += 60; // after it (bigger again: two spikes have taught it that spikes happen here)
    const out = run(values);
    expect(out[1200]!.anomalous).toBe(true);
    expect(out[1250]!.anomalous).toBe(false);
    expect(out[1250]!.score).toBe(0);
    expect(out[1250]!.rawScore).toBeGreaterThanOrEqual(0.5);
    expect(out[1250]!.explanation).toMatch(/^ongoing: \d+ of \d+ — .+ \(since 2024-01-01T20:00:00\.000Z\)$/);
    expect(out[1600]!.anomalous).toBe(true);
    expect(run(values, { holdOff: 0 })[1250]!.anomalous).toBe(true);
  });
});

describe('escalation during a hold-off', () => {
  it('reports a much bigger anomaly inside the hold-off, unless escalation is off', () => {
    const values = noise(2000, 7);
    values[1200]! += 8;
    values[1230]! += 400; // inside the hold-off, and far bigger: a second failure, not the first one going on
    const out = run(values);
    expect(out[1200]!.anomalous).toBe(true);
    expect(out[1230]!.anomalous).toBe(true);
    expect(out[1230]!.explanation).toMatch(/^anomalous: /);
    const off = run(values, { escalate: 0 });
    expect(off[1230]!.anomalous).toBe(false);
    expect(off[1230]!.explanation).toMatch(/^ongoing: /);
  });
});

describe('false alarms', () => {
  // The per-series calibration should make the rate about the same whatever the noise looks like.
  const n = 6000;
  const cases: Record<string, number[]> = {
    gaussian: noise(n, 11),
    'heavy-tailed (t₃)': (() => {
      const t = studentT(prng(12), 3);
      return Array.from({ length: n }, () => 100 + t());
    })(),
    'counts (Poisson 2)': (() => {
      const p = poisson(prng(13), 2);
      return Array.from({ length: n }, () => p());
    })(),
    seasonal: phaseShift(n, 288, n + 1, 14),
  };
  for (const [name, values] of Object.entries(cases)) {
    it(`on ${name} noise are at most 2 in 1000 points`, () => {
      expect(anomalies(run(values)) / n).toBeLessThanOrEqual(0.002);
    });
  }
  it('fall as the threshold rises', () => {
    const values = cases['heavy-tailed (t₃)']!;
    expect(anomalies(run(values, { threshold: 0.8 }))).toBeLessThan(anomalies(run(values, { threshold: 0.5 })));
  });
});

describe('non-Gaussian data', () => {
  it('is recognised, and the σ rules on values (σ, Grubbs) are not trusted on it', () => {
    const rnd = prng(21);
    const z = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const skewed = Array.from({ length: 600 }, () => Math.exp(1 + 0.9 * z()));
    const o = run(skewed).at(-1)!;
    expect(o.distribution).toBe('skewed');
    expect(o.trusted).not.toContain('σ');
    expect(o.trusted).not.toContain('Grubbs');
    expect(o.trusted).toEqual(expect.arrayContaining(['MAD', 'histogram', 'KS']));
    // …while on Gaussian data they are.
    const g = run(noise(600, 22)).at(-1)!;
    expect(g.distribution).toBe('gaussian');
    expect(g.trusted).toEqual(expect.arrayContaining(['σ', 'Grubbs']));
  });

  it('count data is recognised as counts', () => {
    const p = poisson(prng(23), 3);
    expect(run(Array.from({ length: 600 }, () => p())).at(-1)!.distribution).toBe('counts');
  });
});

describe('the band to draw', () => {
  it('is mean ± kσ on plain noise and the seasonal expectation once there is a period', () => {
    const plain = run(noise(1500, 31)).at(-1)!.expected!;
    expect(plain.lower).toBeLessThan(100);
    expect(plain.upper).toBeGreaterThan(100);
    expect(plain.center).toBeCloseTo(100, 0);
    const out = run(phaseShift(1500, 100, 2000, 32));
    // The seasonal band follows the sine: near the crest its centre is far above the mean.
    const crest = 1425; // sin(2π·1425/100) = 1
    expect(out[crest]!.expected!.center).toBeGreaterThan(107);
  });
});

describe('peek', () => {
  it('returns the last output while data is fresh and stale once it stops arriving', () => {
    const e = new Ensemble();
    let last!: EnsembleOutput;
    for (const p of points(noise(100, 41))) last = e.update(p);
    const lastT = T0 + 99 * MINUTE;
    expect(e.peek(lastT + 5 * MINUTE)).toBe(last);
    expect(e.peek(lastT + 11 * MINUTE)).toMatchObject({ skipped: 'stale', score: 0, anomalous: false, votes: [] });
  });
});

describe('holdOff', () => {
  it('holds exactly the next holdOff points', () => {
    const values = noise(1500, 8);
    values[1200]! += 15;
    values[1203]! += 40;
    values[1204]! += 60;
    const out = run(values, { holdOff: 3 });
    expect(out[1200]!.anomalous).toBe(true);
    expect(out[1203]!.anomalous).toBe(false);
    expect(out[1204]!.anomalous).toBe(true);
  });

  it('holds off for holdOffMs of time instead when set, whatever the resolution', () => {
    const values = noise(1500, 8);
    values[1200]! += 15;
    values[1203]! += 40;
    values[1204]! += 60;
    // Points a minute apart (series.ts): 3 minutes hold points 1201–1203, as holdOff 3 does…
    const byTime = run(values, { holdOffMs: 3 * MINUTE, holdOff: 1000 });
    expect([1200, 1203, 1204].map((i) => byTime[i]!.anomalous)).toEqual([true, false, true]);
    // …and the same 3 minutes at 30-second points hold twice as many points (1201–1206).
    const e = new Ensemble({ holdOffMs: 3 * MINUTE });
    const half = values.map((v, i) => e.update({ t: T0 + i * 30_000, v }));
    expect([1200, 1203, 1204].map((i) => half[i]!.anomalous)).toEqual([true, false, false]);
    expect(half[1204]!.explanation).toMatch(/^ongoing/);
  });
});
