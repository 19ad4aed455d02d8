// The grids bench:anomaly's held-out protocol chooses among (bench/anomaly/candidates.ts): they
// hold the shipped configuration and let every fold choose ARTime's re-learning ratio (and, in
// the default one, the escalation); the time-unit grid passes its durations to ARTime in milliseconds.
import { describe, expect, it } from 'vitest';
import { durationMs, FAMILIES } from '../../../../bench/anomaly/candidates.ts';
import { ARTIME_DEFAULTS, Ensemble, ENSEMBLE_DEFAULTS } from '../../../../src/main/core/analysis/index.ts';

describe('the held-out grids', () => {
  it('the shipped configuration, with the re-learning ratio (0, 2, 4, 8) and the escalation chosen per fold', () => {
    const grid = FAMILIES['radiator+ARTime+relearn']!();
    expect(grid).toHaveLength(384);
    expect(new Set(grid.map((g) => g.name)).size).toBe(384);
    expect([...new Set(grid.map((g) => g.choices.relearn))]).toEqual(['0', '2', '4', '8']);
    const shipped = grid.filter((g) => {
      const o = g.options;
      const a = o.artime;
      return (
        a &&
        o.holdOff === ENSEMBLE_DEFAULTS.holdOff &&
        o.escalate === ENSEMBLE_DEFAULTS.escalate &&
        o.shape === false &&
        o.surprise?.priorWeight === ENSEMBLE_DEFAULTS.surprise.priorWeight &&
        a.learn === ARTIME_DEFAULTS.learn &&
        a.downsample === ARTIME_DEFAULTS.downsample &&
        a.rangeMargin === ARTIME_DEFAULTS.rangeMargin &&
        a.relearn === ARTIME_DEFAULTS.relearn
      );
    });
    expect(shipped).toHaveLength(1);
    // Ratio 0 is passed on (never re-learn), not dropped as if unset.
    expect(grid.filter((g) => g.options.artime && g.options.artime.relearn === 0)).toHaveLength(96);
    // With the escalation chosen per fold too: twice as many, 'off' passed on as 0.
    const esc = FAMILIES['radiator+ARTime+relearn+escalate']!();
    expect(esc).toHaveLength(768);
    expect(esc.filter((g) => g.options.escalate === 0)).toHaveLength(384);
    expect(esc.filter((g) => g.options.escalate === ENSEMBLE_DEFAULTS.escalate)).toHaveLength(384);
  });

  it('screens: each detector left out in turn, and ARTime with the look-ahead flagged as such', () => {
    const ablation = FAMILIES['ablation-screen']!();
    expect(ablation.map((g) => g.name)).toEqual(['shipped', 'without σ', 'without EWMA', 'without MAD', 'without Grubbs', 'without LSQ', 'without histogram', 'without KS', 'without seasonal']);
    expect(ablation[0]!.options.only).toBeNull();
    expect(ablation[2]!.options.only).not.toContain('EWMA');
    expect(ablation[2]!.options.only).toContain('ARTime');
    const look = FAMILIES['lookahead-screen']!();
    expect(look.map((g) => Boolean(g.lookahead))).toEqual([false, true]);
  });

  it('second-probation grids: the same grid without it and with each variant, every configuration valid', () => {
    const small = FAMILIES['radiator+ARTime-small']!();
    const grid = FAMILIES['radiator+ARTime+reprobe-small']!();
    expect(small).toHaveLength(8);
    expect(grid).toHaveLength(104);
    expect(new Set(grid.map((g) => g.name)).size).toBe(104);
    // 'off' leaves the option out (not NaN); the same 8 configurations as the grid without it.
    const off = grid.filter((g) => g.choices.reprobe === 'off');
    expect(off.map((g) => g.options)).toEqual(small.map((g) => g.options));
    for (const g of off) expect(g.options.artime && 'reprobeAt' in g.options.artime).toBe(false);
    const on = grid.filter((g) => g.choices.reprobe !== 'off');
    expect(new Set(on.map((g) => g.options.artime && `${g.options.artime.reprobeAt} ${g.options.artime.reprobeRange} ${g.options.artime.reprobeDownsample}`)).size).toBe(12);
    const big = FAMILIES['radiator+ARTime+reprobe']!();
    expect(big).toHaveLength(96 + 80);
    for (const g of [...grid, ...big]) expect(() => new Ensemble(g.options)).not.toThrow();
  });

  it('doubling-schedule and time-scale grids: the small grid without them and with each variant, every configuration valid', () => {
    const small = FAMILIES['radiator+ARTime-small']!();
    for (const [family, size, variants] of [['radiator+ARTime+doubling-small', 104, 12], ['radiator+ARTime+timescale-small', 104, 12]] as const) {
      const grid = FAMILIES[family]!();
      expect(grid).toHaveLength(size);
      expect(new Set(grid.map((g) => g.name)).size).toBe(size);
      const off = grid.filter((g) => g.choices.reprobe === 'off');
      expect(off.map((g) => g.options)).toEqual(small.map((g) => g.options));
      const on = grid.filter((g) => g.choices.reprobe !== 'off');
      const a = (g: (typeof on)[number]) => g.options.artime as Record<string, unknown>;
      expect(new Set(on.map((g) => `${a(g).reprobeAt} ${a(g).reprobeRange} ${a(g).reprobeDownsample} ${a(g).reprobeScale} ${a(g).reprobeTimes}`)).size).toBe(variants);
      for (const g of grid) expect(() => new Ensemble(g.options)).not.toThrow();
    }
    const mid = FAMILIES['radiator+ARTime+doubling-mid']!();
    expect(mid).toHaveLength(384);
    expect(mid.filter((g) => g.choices.reprobe === 'off')).toHaveLength(32);
    for (const g of mid) expect(() => new Ensemble(g.options)).not.toThrow();
    // The 96 (radiator+ARTime) with each of the 12 schedules or none: its 'off' part is the 96
    // unchanged; probation 600 at factor 1 gets none (1 500 points fill 375 steps at factor 4),
    // nor 750 points at factor 1 or with probation 600 at factor 2.
    const big = FAMILIES['radiator+ARTime+doubling']!();
    expect(big).toHaveLength(96 + 832);
    expect(new Set(big.map((g) => g.name)).size).toBe(928);
    expect(big.filter((g) => g.choices.reprobe === 'off').map((g) => g.options)).toEqual(FAMILIES['radiator+ARTime']!().map((g) => g.options));
    const sched = big.filter((g) => g.choices.reprobe !== 'off');
    const s = (g: (typeof sched)[number]) => g.options.artime as Record<string, unknown>;
    expect(new Set(sched.map((g) => `${s(g).reprobeAt} ${s(g).reprobeRange} ${s(g).reprobeDownsample} ${s(g).reprobeTimes}`)).size).toBe(12);
    expect(sched.filter((g) => g.choices.learn === '600' && g.choices.downsample === '1')).toHaveLength(0);
    expect(sched.filter((g) => g.choices.reprobe === '750' && (g.choices.downsample === '1' || g.choices.learn === '600') && g.choices.downsample !== '4')).toHaveLength(0);
    for (const g of big) expect(() => new Ensemble(g.options)).not.toThrow();
    // The hold-off in time passes milliseconds, and then no hold-off in points.
    expect(FAMILIES['holdoff-time-screen']!().map((g) => g.options.holdOffMs)).toEqual([undefined, 7_200_000, 21_600_000, 43_200_000]);
    const hold = FAMILIES['radiator+ARTime+holdtime-small']!();
    expect(hold).toHaveLength(20);
    expect(hold.filter((g) => g.options.holdOffMs === undefined).map((g) => g.options)).toEqual(small.map((g) => g.options));
    for (const g of hold.filter((g) => g.options.holdOffMs !== undefined)) expect(g.options.holdOff).toBe(0);
  });

  it('time-unit grid: durations in milliseconds, and no probation or factor in points', () => {
    expect(durationMs('10m')).toBe(600_000);
    expect(durationMs('50h')).toBe(180_000_000);
    expect(durationMs('2d')).toBe(172_800_000);
    expect(() => durationMs('10')).toThrow(/duration/);
    const grid = FAMILIES['radiator+ARTime-time']!();
    expect(grid).toHaveLength(96);
    for (const g of grid) {
      const a = g.options.artime as Record<string, unknown>;
      expect([86_400_000, 172_800_000]).toContain(a.learnMs);
      expect([300_000, 600_000, 1_200_000]).toContain(a.stepMs);
      expect(a.relearnAfterMs).toBe(180_000_000);
      expect(a.learn).toBeUndefined();
      expect(a.downsample).toBeUndefined();
    }
  });
});
