// The adaptive resonance (ARTime) detector, artime-detector.ts: it learns a series during its
// probation, then calls a level shift, a spike or a value far beyond its learned range
// anomalous, judges each point on the past only, and keeps its network within the cap.
import { describe, expect, it } from 'vitest';
import { ArtimeDetector, Ensemble, type DetectorOutput } from '../../../../src/main/core/analysis/index.ts';
import { lagBelow } from '../../../../src/main/core/analysis/artime-detector.ts';
import { gaussian, points, prng } from './series.ts';

function run(d: ArtimeDetector, values: number[]): DetectorOutput[] {
  return points(values).map((p) => d.update(p));
}

/** A daily cycle at 5-minute steps (period 288) with Gaussian noise of sd 1, around 100. */
function daily(n: number, seed = 1): number[] {
  const z = gaussian(prng(seed));
  return Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / 288) + z());
}

const firstFlag = (out: DetectorOutput[], from: number) => out.findIndex((o, i) => i >= from && o.anomalous);

describe('the ARTime detector', () => {
  it('is not ready during its probation, then judges', () => {
    const out = run(new ArtimeDetector({ learn: 300, downsample: 2 }), daily(1000));
    expect(out.slice(0, 299).every((o) => o.ready === false && o.score === 0)).toBe(true);
    expect(out.slice(300).every((o) => o.ready !== false)).toBe(true);
  });

  it('calls a level shift anomalous within a few steps, after learning the cycle', () => {
    const values = daily(4000);
    for (let i = 3000; i < 4000; i++) values[i]! += 30;
    const d = new ArtimeDetector({ learn: 300, downsample: 2 });
    const out = run(d, values);
    const at = firstFlag(out, 2900);
    expect(at).toBeGreaterThanOrEqual(3000);
    expect(at).toBeLessThan(3000 + 8 * 2);
    // The range widened to take the new level in.
    expect(d.widened).toBeGreaterThan(0);
  });

  it('flags a spike that stays inside the learned range, and little of the normal cycle', () => {
    for (const seed of [1, 2, 3]) {
      const values = daily(4000, seed);
      // At the bottom of the cycle (normally 90), a value of 118: inside the range learned, not at that point of the cycle.
      const trough = 288 * 10 + 216;
      values[trough] = 118;
      const d = new ArtimeDetector({ learn: 300, downsample: 2 });
      const out = run(d, values);
      expect(out.slice(trough, trough + 4).some((o) => o.anomalous)).toBe(true);
      expect(d.widened).toBe(0);
      // Elsewhere in 3700 normal points, a few flags at most (1–4 on these seeds: about one in a thousand points).
      expect(out.filter((o, i) => o.anomalous && (i < trough || i >= trough + 4)).length).toBeLessThanOrEqual(5);
    }
  });

  it('judges each point on the past only: what follows a point does not change its score', () => {
    const a = daily(3000, 3);
    const b = a.slice();
    for (let i = 2000; i < 3000; i++) b[i] = 500 - b[i]!;
    const outA = run(new ArtimeDetector({ downsample: 2 }), a);
    const outB = run(new ArtimeDetector({ downsample: 2 }), b);
    expect(outB.slice(0, 2000)).toEqual(outA.slice(0, 2000));
    expect(outB.slice(2000)).not.toEqual(outA.slice(2000));
  });

  it('keeps its network within the cap on noise, where it keeps making categories', () => {
    const rnd = prng(7);
    const d = new ArtimeDetector({ maxCategories: 64, downsample: 1 });
    let most = 0;
    for (const p of points(Array.from({ length: 20_000 }, () => rnd()))) {
      d.update(p);
      most = Math.max(most, d.size);
    }
    expect(most).toBe(64);
  });

  it('re-maps what it learned when the range widens, so the old pattern stays known', () => {
    for (const seed of [5, 6]) {
      const opts = { learn: 300, downsample: 2, rangeMargin: 0.5, rangeGrowth: 0 };
      const values = daily(6000, seed);
      // Two points far above the cycle widen the range three-fold; the cycle afterwards is the same as before.
      values[1000] = 160;
      values[1001] = 160;
      const d = new ArtimeDetector(opts);
      const out = run(d, values);
      expect(out.slice(1000, 1004).some((o) => o.anomalous)).toBe(true);
      expect(d.widened).toBe(1);
      // Without the spike, for comparison: the categories learned before it still describe the cycle, so
      // it neither needs many more of them nor is flagged much more often.
      const plain = new ArtimeDetector(opts);
      const outPlain = run(plain, daily(6000, seed));
      const flags = (o: DetectorOutput[]) => o.slice(1004).filter((x) => x.anomalous).length;
      expect(flags(out)).toBeLessThanOrEqual(flags(outPlain) + 2);
      expect(d.size).toBeLessThan(plain.size * 1.25);
    }
  });

  it('re-learns its range after one far glitch, so a later anomaly of normal size is caught again', () => {
    for (const seed of [1, 2, 3]) {
      // A daily cycle around 100, one glitch to 1000 (a counter reset read as a rate), and much later
      // a +30 level shift: the glitch widened the range 34-fold, squeezing the cycle into one level.
      const values = daily(6000, seed);
      values[1000] = 1000;
      values[1001] = 1000;
      for (let i = 4000; i < 6000; i++) values[i]! += 30;
      const caught = (d: ArtimeDetector) => {
        const out = run(d, values);
        expect(out.slice(1000, 1004).some((o) => o.anomalous)).toBe(true);
        return out.slice(4000, 4016).some((o) => o.anomalous);
      };
      // Before: the range never narrows, and the shift is missed.
      const never = new ArtimeDetector({ relearn: 0 });
      expect(caught(never)).toBe(false);
      expect(never.relearned).toBe(0);
      // Now: after 600 points inside a small part of the range, it is re-learned from them, once.
      const d = new ArtimeDetector();
      expect(caught(d)).toBe(true);
      expect(d.relearned).toBe(1);
      expect(d['max'] - d['min']).toBeLessThan(200);
    }
  });

  it('does not re-learn a series that keeps to its range, nor on a constant stretch', () => {
    const d = new ArtimeDetector();
    run(d, daily(6000, 4));
    expect(d.relearned).toBe(0);
    const flat = daily(4000, 4);
    flat[1000] = 1000;
    for (let i = 1001; i < 4000; i++) flat[i] = 100;
    const f = new ArtimeDetector();
    run(f, flat);
    expect(f.relearned).toBe(0);
  });

  it('does not widen its range past what a double holds: a value near 1.7e308 leaves what it learned intact', () => {
    const values = daily(4000);
    values[1000] = 1.7e308;
    values[1001] = -1.7e308;
    const d = new ArtimeDetector({ learn: 300, downsample: 1 });
    const out = run(d, values);
    expect(Number.isFinite(d['max'] - d['min'])).toBe(true);
    expect(out.every((o) => Number.isFinite(o.score))).toBe(true);
    expect(Number.isFinite(d['medlevel'])).toBe(true);
  });

  it('sets its down-sampling, probation and re-learning delay in time when asked, from the series\' own interval', () => {
    const MIN = 60_000;
    const timed = { stepMs: 10 * MIN, learnMs: 24 * 60 * MIN, relearnAfterMs: 50 * 60 * MIN };
    // The same daily cycle and +30 shift at day 10, sampled every 5 minutes and every minute.
    const day = (stepMin: number) => (24 * 60) / stepMin;
    const series = (stepMin: number) => {
      const z = gaussian(prng(9));
      const n = 14 * day(stepMin);
      return Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / day(stepMin)) + z() + (i >= 10 * day(stepMin) ? 30 : 0));
    };
    for (const stepMin of [5, 1]) {
      const d = new ArtimeDetector(timed);
      const out = points(series(stepMin), stepMin * MIN).map((p) => d.update(p));
      const { downsample, learn, relearnAfter } = d.options;
      // A step of 10 minutes of data, a probation of a day, a re-learning delay of 50 hours — in points of this series.
      expect(downsample).toBe(10 / stepMin);
      expect(learn).toBe(day(stepMin) - (day(stepMin) % downsample));
      expect(relearnAfter).toBe((50 * 60) / stepMin);
      expect(out.slice(0, learn - 1).every((o) => o.ready === false)).toBe(true);
      expect(out[learn]!.ready).not.toBe(false);
      // The shift is caught within 16 steps' time (160 minutes) at either resolution.
      const at = firstFlag(out, 10 * day(stepMin) - 100);
      expect(at).toBeGreaterThanOrEqual(10 * day(stepMin));
      expect((at - 10 * day(stepMin)) * stepMin).toBeLessThan(160);
    }
    // Hourly data: a day is 24 points, above the floor of 2·window steps, at a factor of 1. Every
    // second: 144 steps of 600 points; with steps of a second, a day would be 86 400 steps, capped at maxSteps.
    const at = (opts: Partial<typeof timed>, stepMs: number) => {
      const d = new ArtimeDetector(opts);
      for (let i = 0; i < 10; i++) d.update({ t: i * stepMs, v: i });
      return [d.options.downsample, d.options.learn];
    };
    expect(at(timed, 60 * MIN)).toEqual([1, 24]);
    expect(at(timed, 1000)).toEqual([600, 86_400]);
    expect(at({ stepMs: 1000, learnMs: timed.learnMs }, 1000)).toEqual([1, 1024]);
    // A probation in points with a step in time: at least 2·window steps of the factor found (20 × 16), never an error mid-series.
    expect(at({ stepMs: 20 * MIN }, MIN)).toEqual([20, 320]);
    expect(at({ stepMs: 20 * MIN }, 5 * MIN)).toEqual([4, 300]);
    // Without them, points: the defaults, whatever the interval.
    const plain = new ArtimeDetector();
    for (let i = 0; i < 10; i++) plain.update({ t: i * 1000, v: i });
    expect([plain.options.downsample, plain.options.learn, plain.options.relearnAfter]).toEqual([2, 300, 600]);
  });

  it('has no second probation unless asked, and keeps nothing for one', () => {
    const d = new ArtimeDetector();
    run(d, daily(3000, 2));
    expect(d.reprobed).toBe(0);
    expect(d['history']).toBe(null);
    expect(d.options.reprobeAt).toBe(0);
  });

  it('re-learns once, at its second probation, from every point so far and from nothing ahead', () => {
    for (const seed of [1, 2]) {
      // A quiet start (the first probation sees only that) and a daily cycle from point 400.
      const z = gaussian(prng(seed));
      const values = Array.from({ length: 3000 }, (_, i) => 100 + (i < 400 ? 0.3 * z() : 10 * Math.sin((2 * Math.PI * i) / 288) + z()));
      const plain = run(new ArtimeDetector({ downsample: 1 }), values);
      const d = new ArtimeDetector({ downsample: 1, reprobeAt: 1500 });
      let range = { min: 0, max: 0 };
      const out = points(values).map((p, i) => {
        const o = d.update(p);
        if (i === 1499) range = { min: d['min'], max: d['max'] };
        return o;
      });
      // Until the second probation, exactly the detector without one; the point that ends it is learned, not scored.
      expect(out.slice(0, 1499)).toEqual(plain.slice(0, 1499));
      expect(out[1499]!.score).toBe(0);
      expect(out.slice(1500).every((o) => o.ready !== false)).toBe(true);
      expect(d.reprobed).toBe(1);
      expect(d['history']).toBe(null);
      // Its range is then the 1500 points' (at factor 1, the values themselves), widened by the
      // margin (0.5 of the width) on each side — the cycle's, not the quiet start's widened by each new extreme.
      expect(d.widened).toBeGreaterThan(0);
      const seen = values.slice(0, 1500);
      const lo = Math.min(...seen);
      const hi = Math.max(...seen);
      expect(range.min).toBeCloseTo(lo - 0.5 * (hi - lo), 9);
      expect(range.max).toBeCloseTo(hi + 0.5 * (hi - lo), 9);
      // What comes after a point never changes its score.
      const later = values.slice();
      for (let i = 1500; i < 3000; i++) later[i]! += 50;
      expect(run(new ArtimeDetector({ downsample: 1, reprobeAt: 1500 }), later).slice(0, 1500)).toEqual(out.slice(0, 1500));
    }
  });

  it('keeps its range at a second probation when asked, re-learning only the network and its vigilance', () => {
    const values = daily(3000, 3);
    values[700] = 200; // widens the range, far above the cycle
    // The range just before and just after the point that ends the second probation.
    const around = (d: ArtimeDetector) => {
      let before = { min: 0, max: 0 };
      let after = { min: 0, max: 0 };
      points(values).forEach((p, i) => {
        if (i === 1499) before = { min: d['min'], max: d['max'] };
        d.update(p);
        if (i === 1499) after = { min: d['min'], max: d['max'] };
      });
      expect(d.reprobed).toBe(1);
      return { before, after };
    };
    const kept = around(new ArtimeDetector({ downsample: 1, reprobeAt: 1500, reprobeRange: 'current' }));
    expect(kept.before.max).toBeGreaterThan(200);
    expect(kept.after).toEqual(kept.before);
    // 'history' re-derives it from the same points, the spike among them: their range plus the margin.
    const fresh = around(new ArtimeDetector({ downsample: 1, reprobeAt: 1500 }));
    const lo = Math.min(...values.slice(0, 1500));
    expect(fresh.after.min).toBeCloseTo(lo - 0.5 * (200 - lo), 9);
    expect(fresh.after.max).toBeCloseTo(200 + 0.5 * (200 - lo), 9);
    expect(fresh.after).not.toEqual(fresh.before);
  });

  it('takes a coarser down-sampling from its second probation when asked, and still catches a level shift', () => {
    for (const seed of [1, 2, 3]) {
      const values = daily(5000, seed);
      for (let i = 4000; i < 5000; i++) values[i]! += 30;
      const d = new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4 });
      const out = run(d, values);
      expect(d.reprobed).toBe(1);
      // The trend window keeps its 150 steps: 600 points of probation at the new factor.
      expect([d.options.downsample, d.options.learn]).toEqual([4, 600]);
      expect(out.slice(1500).every((o) => o.ready !== false)).toBe(true);
      const at = firstFlag(out, 3900);
      expect(at).toBeGreaterThanOrEqual(4000);
      expect(at).toBeLessThan(4000 + 8 * 4);
    }
    // The factor it had already: the same as not changing it.
    const values = daily(3000, 4);
    const same = run(new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 2 }), values);
    expect(same).toEqual(run(new ArtimeDetector({ reprobeAt: 1500 }), values));
  });

  it('re-learns on a doubling schedule when asked, the factor doubling each time, from nothing ahead', () => {
    for (const seed of [1, 2]) {
      const values = daily(7000, seed);
      for (let i = 6500; i < 7000; i++) values[i]! += 30;
      const once = run(new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4 }), values);
      const d = new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4, reprobeTimes: 3 });
      const factors: number[] = [];
      const out = points(values).map((p, i) => {
        const o = d.update(p);
        if (i === 1499 || i === 2999 || i === 5999) factors.push(d.options.downsample);
        return o;
      });
      // At 1 500, 3 000 and 6 000 points: factors 4, 8 and 16, the trend window 150 steps of each.
      expect(d.reprobed).toBe(3);
      expect(factors).toEqual([4, 8, 16]);
      expect(d.options.learn).toBe(150 * 16);
      expect(d['history']).toBe(null);
      // Until the second re-probation exactly the detector with one; each one's point learned, not scored.
      expect(out.slice(0, 2999)).toEqual(once.slice(0, 2999));
      expect([out[2999]!.score, out[5999]!.score]).toEqual([0, 0]);
      // What comes later never changes a score before it.
      const later = values.slice();
      for (let i = 3000; i < 7000; i++) later[i]! -= 40;
      expect(run(new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4, reprobeTimes: 3 }), later).slice(0, 3000)).toEqual(out.slice(0, 3000));
      // And at factor 16 it still catches the level shift, within two windows of steps.
      const at = firstFlag(out, 6400);
      expect(at).toBeGreaterThanOrEqual(6500);
      expect(at).toBeLessThan(6500 + 2 * 8 * 16);
    }
  });

  it('keeps a bounded ring of points for its schedule, and drops it after the last re-probation', () => {
    // The last re-probation uses at most maxSteps steps of the coarsest factor.
    expect(new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4, reprobeTimes: 3 })['history']!.length).toBe(6000);
    // (doubling from 1 500 points at factor 4, every one holds 375 steps: the last one's 24 000 points)
    expect(new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 4, reprobeTimes: 5 })['history']!.length).toBe(24_000);
    expect(new ArtimeDetector({ reprobeAt: 6000, reprobeDownsample: 4, reprobeTimes: 3 })['history']!.length).toBe(1024 * 16);
    expect(new ArtimeDetector({ reprobeAt: 1500, reprobeScale: 4, reprobeTimes: 5 })['history']!.length).toBe(1024 * 8);
    expect(new ArtimeDetector({ reprobeAt: 1500 })['history']!.length).toBe(1500);
  });

  it('takes its factor from the series\' time scale when asked, and leaves a fast-moving series alone', () => {
    // The lag at which the autocorrelation first falls below 0.5.
    expect(lagBelow(Float64Array.from({ length: 2000 }, (_, i) => Math.sin((2 * Math.PI * i) / 288)), 0.5, 100)).toBe(49);
    expect(lagBelow(new Float64Array(100).fill(3), 0.5, 10)).toBe(0);
    expect(lagBelow(Float64Array.from({ length: 100 }, (_, i) => i), 0.5, 10)).toBe(11);
    // A daily cycle (5-minute steps): time scale 49 points, over 4 → 12, capped at 8.
    const values = daily(5000, 3);
    for (let i = 4000; i < 5000; i++) values[i]! += 30;
    const slow = new ArtimeDetector({ reprobeAt: 1500, reprobeScale: 4 });
    const out = run(slow, values);
    expect([slow.reprobed, slow.options.downsample]).toEqual([1, 8]);
    const at = firstFlag(out, 3900);
    expect(at).toBeGreaterThanOrEqual(4000);
    expect(at).toBeLessThan(4000 + 2 * 8 * 8);
    // …capped lower when asked, and by the points kept: 1 500 points hold 150 steps of at most 10.
    const capped = new ArtimeDetector({ reprobeAt: 1500, reprobeScale: 4, reprobeMaxDownsample: 4 });
    run(capped, values);
    expect(capped.options.downsample).toBe(4);
    const short = new ArtimeDetector({ reprobeAt: 900, reprobeScale: 1, reprobeMaxDownsample: 64 });
    run(short, values);
    expect(short.options.downsample).toBe(6);
    // White noise has no time scale to speak of (lag 1): the factor stays, and nothing is re-learned.
    const z = gaussian(prng(9));
    const noise = Array.from({ length: 4000 }, () => 100 + z());
    const fast = new ArtimeDetector({ reprobeAt: 1500, reprobeScale: 4, reprobeTimes: 2 });
    expect(run(fast, noise)).toEqual(run(new ArtimeDetector(), noise));
    expect([fast.reprobed, fast.options.downsample]).toEqual([0, 2]);
    expect(fast['history']).toBe(null);
  });

  it('rejects options it cannot work with, and ignores a value that is not a finite number', () => {
    expect(() => new ArtimeDetector({ reprobeAt: 1500, reprobeTimes: 0 })).toThrow(/reprobeTimes/);
    expect(() => new ArtimeDetector({ reprobeAt: 1500, reprobeScale: -1 })).toThrow(/reprobeScale/);
    expect(() => new ArtimeDetector({ reprobeAt: 1500, reprobeMaxDownsample: 0 })).toThrow(/reprobeMaxDownsample/);
    expect(() => new ArtimeDetector({ window: 6 })).toThrow(/power of 2/);
    expect(() => new ArtimeDetector({ learn: 40, downsample: 4 })).toThrow(/at least/);
    expect(() => new ArtimeDetector({ downsample: 1.5 })).toThrow(/integer/);
    expect(() => new ArtimeDetector({ relearn: -1 })).toThrow(/relearn/);
    expect(() => new ArtimeDetector({ stepMs: 600_000, probe: 1 })).toThrow(/probe/);
    expect(() => new ArtimeDetector({ reprobeAt: 300 })).toThrow(/reprobeAt must be more than the probation/);
    expect(() => new ArtimeDetector({ reprobeAt: 400, reprobeDownsample: 4 })).toThrow(/at least 150 steps of 4/);
    expect(() => new ArtimeDetector({ reprobeAt: -1 })).toThrow(/reprobeAt/);
    expect(() => new ArtimeDetector({ reprobeAt: 1500, reprobeDownsample: 2.5 })).toThrow(/reprobeDownsample/);
    expect(() => new ArtimeDetector({ reprobeRange: 'all' as 'history' })).toThrow(/reprobeRange/);
    expect(new ArtimeDetector().update({ t: 0, v: NaN }).ready).toBe(false);
  });

  it('is one of the ensemble\'s calibrated detectors, named in the explanation', () => {
    const values = daily(4000, 5);
    for (let i = 3000; i < 4000; i++) values[i]! += 30;
    const e = new Ensemble({ artime: { downsample: 2 }, only: ['ARTime', 'MAD'] });
    const out = points(values).map((p) => e.update(p));
    expect(e.detectors.map((d) => d.name)).toEqual(['MAD', 'ARTime']);
    expect(out[2999]!.trusted).toEqual(['MAD', 'ARTime']);
    expect(out.slice(3000, 3020).some((o) => o.votes.includes('ARTime'))).toBe(true);
    expect(new Ensemble().detectors.map((d) => d.name)).toContain('ARTime');
    expect(new Ensemble({ artime: false }).detectors.map((d) => d.name)).not.toContain('ARTime');
    // Its options pass through, the second probation's included (off by default).
    const withReprobe = new Ensemble({ artime: { reprobeAt: 1500 }, only: ['ARTime'] });
    for (const p of points(daily(2000, 5))) withReprobe.update(p);
    expect((withReprobe.detectors[0] as ArtimeDetector).reprobed).toBe(1);
  });
});
