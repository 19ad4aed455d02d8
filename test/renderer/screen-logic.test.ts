// The renderer's pure helpers: units, thresholds, staleness, steps, office hours, pixel shift,
// axis ticks, overlays, sparklines, legends.
import { describe, expect, it } from 'vitest';
import { ago, chanceText, clockText, formatText, formatUnit } from '../../src/renderer/src/lib/units.ts';
import { stateOf } from '../../src/renderer/src/lib/thresholds.ts';
import { defaultMaxAge, freshness, stepFor } from '../../src/renderer/src/lib/freshness.ts';
import { ambience, inOfficeHours, pixelShift } from '../../src/renderer/src/lib/schedule.ts';
import { axisIncrements, timeLabel } from '../../src/renderer/src/lib/axis.ts';
import { eventsIn, meanStd } from '../../src/renderer/src/lib/chart-overlays.ts';
import { sparkPath } from '../../src/renderer/src/lib/spark.ts';
import { legendOf } from '../../src/renderer/src/lib/legend.ts';
import { parseSettings } from '../../src/shared/settings.ts';
import type { RadiatorEvent } from '../../src/shared/model.ts';

describe('units', () => {
  it('never shows a chance as a certainty', () => {
    expect([0.998, 0.9996, 0.5, 0.123, 0.004, 0.0002].map(chanceText)).toEqual(['99.8 %', '> 99.9 %', '50 %', '12 %', '0.4 %', '< 0.1 %']);
  });

  it.each([
    [1234, 'none', null, '1.23k'],
    [0.5, 'percentunit', null, '50%'],
    [0.0123, 'percentunit', 1, '1.2%'],
    [0.25, 'seconds', null, '250 ms'],
    [95, 'seconds', null, '95 s'],
    [3600, 'seconds', null, '60 min'],
    [7300, 'seconds', null, '2.03 h'],
    [1500, 'ms', null, '1.5 s'],
    [3 * 1024 ** 2, 'bytes', null, '3 MiB'],
    [2048, 'bytes/s', null, '2 KiB/s'],
    [98_765, 'eur', 0, '€99k'],
    [12.3456, 'reqps', null, '12.3 req/s'],
    [-4.5, 'none', null, '−4.5'],
    [null, 'none', null, '–'],
    [Number.NaN, 'seconds', null, '–'],
    [Infinity, 'none', null, '∞'],
  ] as const)('%s %s → %s', (v, unit, decimals, want) => {
    expect(formatText(v, unit, decimals)).toBe(want);
  });

  it('splits the number from its unit so the unit can be drawn smaller', () => {
    expect(formatUnit(0.3, 'seconds')).toEqual({ value: '300', suffix: 'ms', prefix: '' });
    expect(formatUnit(12, 'usd')).toEqual({ value: '12', suffix: '', prefix: '$' });
  });

  it('says how long ago in words', () => {
    expect(ago(4_000)).toBe('4 s');
    expect(ago(4 * 60_000 + 20_000)).toBe('4 min');
    expect(ago(3 * 3_600_000)).toBe('3 h');
    expect(ago(3 * 86_400_000)).toBe('3 d');
  });
});

describe('thresholds', () => {
  const t = [
    { value: -1e308, state: 'ok' as const },
    { value: 0.01, state: 'warn' as const },
    { value: 0.05, state: 'crit' as const },
  ];
  it('takes the highest threshold reached', () => {
    expect(stateOf(0.001, t)).toBe('ok');
    expect(stateOf(0.01, t)).toBe('warn');
    expect(stateOf(0.2, t)).toBe('crit');
    expect(stateOf(null, t)).toBe('none');
    expect(stateOf(5, [])).toBe('none');
  });
  it('does not depend on the order they are written in', () => {
    expect(stateOf(0.03, [...t].reverse())).toBe('warn');
  });
});

describe('staleness', () => {
  it('picks round steps of about 720 points, never under the feed minimum', () => {
    expect(stepFor(3_600_000)).toBe(5_000);
    expect(stepFor(6 * 3_600_000)).toBe(30_000);
    expect(stepFor(60_000)).toBe(1_000);
    expect(stepFor(90 * 86_400_000)).toBe(21_600_000);
  });
  it('allows five steps and at least a minute', () => {
    expect(defaultMaxAge(5_000)).toBe(60_000);
    expect(defaultMaxAge(30_000)).toBe(150_000);
  });
  it('is a state: loading, empty, fresh, stale — from when input arrived, not the last point', () => {
    expect(freshness(false, false, null, null, 0, 60_000)).toEqual({ state: 'loading' });
    expect(freshness(true, false, null, null, 0, 60_000)).toEqual({ state: 'empty' });
    expect(freshness(true, true, 100_000, 160_000, 130_000, 60_000)).toEqual({ state: 'fresh', ageMs: 30_000 });
    // The collector keeps repeating a held gauge (newest point now), but input stopped 4 min ago.
    expect(freshness(true, true, 0, 240_000, 240_000, 60_000)).toEqual({ state: 'stale', ageMs: 240_000 });
    // A query over stopped series that answers nothing is stale too, not "no data yet".
    expect(freshness(true, false, 0, null, 240_000, 60_000)).toEqual({ state: 'stale', ageMs: 240_000 });
    // Unknown input time (a remote source): the newest point decides.
    expect(freshness(true, true, null, 100_000, 200_000, 60_000)).toEqual({ state: 'stale', ageMs: 100_000 });
  });
});

describe('schedule', () => {
  const s = parseSettings({ display: { schedule: { enabled: true, days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00', night: 'blank' } } }).display.schedule;
  const at = (iso: string) => new Date(iso);
  it('knows office hours in local time', () => {
    expect(inOfficeHours(s, at('2026-11-23T09:00:00'))).toBe(true); // Monday
    expect(inOfficeHours(s, at('2026-11-23T18:00:00'))).toBe(false);
    expect(inOfficeHours(s, at('2026-11-22T10:00:00'))).toBe(false); // Sunday
  });
  it('spans midnight for a night shift', () => {
    const night = { ...s, from: '22:00', to: '06:00' };
    expect(inOfficeHours(night, at('2026-11-23T23:00:00'))).toBe(true);
    expect(inOfficeHours(night, at('2026-11-24T05:00:00'))).toBe(true); // Monday's shift
    expect(inOfficeHours(night, at('2026-11-23T05:00:00'))).toBe(false); // Sunday's, not a workday
  });
  it('dims or blanks at night, unless an alert fires', () => {
    expect(ambience(s, at('2026-11-23T20:00:00'), false)).toBe('blank');
    expect(ambience(s, at('2026-11-23T20:00:00'), true)).toBe('day');
    expect(ambience({ ...s, enabled: false }, at('2026-11-23T20:00:00'), false)).toBe('day');
  });
  it('walks the picture round a small circle, a step a minute', () => {
    const seen = new Set<string>();
    for (let m = 0; m < 16; m++) {
      const p = pixelShift(m * 60_000);
      expect(Math.hypot(p.x, p.y)).toBeLessThanOrEqual(4.5);
      seen.add(`${p.x},${p.y}`);
    }
    expect(seen.size).toBeGreaterThan(8);
    expect(pixelShift(30_000)).toEqual(pixelShift(0));
  });
});

describe('chart helpers', () => {
  it('ticks durations and bytes on round numbers', () => {
    expect(axisIncrements('seconds')).toEqual(expect.arrayContaining([30, 60, 300, 3_600]));
    expect(axisIncrements('seconds')).not.toContain(200);
    expect(axisIncrements('bytes')).toContain(1024);
    expect(axisIncrements('none')).toEqual(expect.arrayContaining([0.0001, 0.0002, 0.0005, 1, 2, 5, 1e6]));
    const mantissas = new Set(axisIncrements('percent').map((s) => Math.round((s / 10 ** Math.floor(Math.log10(s) + 1e-9)) * 1e6) / 1e6));
    expect([...mantissas].sort()).toEqual([1, 2, 5]);
  });
  it('labels time by the span', () => {
    const t = new Date('2026-11-23T14:05:00').getTime() / 1000;
    expect(timeLabel(t, 3_600)).toBe('14:05');
    expect(timeLabel(t, 3 * 86_400)).toMatch(/14:05$/);
    expect(timeLabel(t, 30 * 86_400)).toMatch(/23/);
  });
  it('computes the expected band', () => {
    const b = meanStd([1, 2, 3, 4, null, 5], 2)!;
    expect(b.mean).toBe(3);
    expect(b.sd).toBeCloseTo(Math.SQRT2);
    expect(b.hi).toBeCloseTo(3 + 2 * Math.SQRT2);
    expect(meanStd([1], 3)).toBeNull();
  });
  it('draws the events of the panel’s kinds and tags', () => {
    const ev = (id: number, kind: RadiatorEvent['kind'], ts: number, tags: string[] = [], tsEnd: number | null = null): RadiatorEvent => ({ id, kind, ts, tsEnd, title: '', text: '', tags, service: null, version: null, source: 'http' });
    const list = [ev(1, 'deploy', 100, ['service:web']), ev(2, 'build', 100), ev(3, 'incident', 10, [], 60), ev(4, 'deploy', 100, ['service:api']), ev(5, 'incident', 10, [], 200)];
    expect(eventsIn(list, { kinds: ['deploy', 'incident'], tags: [] }, 50).map((e) => e.id)).toEqual([1, 3, 4, 5]);
    expect(eventsIn(list, { kinds: ['deploy'], tags: ['service:web'] }, 0).map((e) => e.id)).toEqual([1]);
    expect(eventsIn(list, null, 0)).toEqual([]);
  });
  it('draws an alert where it started firing, on its rule’s board only', () => {
    const alert = (id: number, tags: string[]): RadiatorEvent => ({ id, kind: 'alert', ts: 100, tsEnd: null, title: '', text: '', tags, service: null, version: null, source: 'alerts' });
    const list = [alert(1, ['state:firing', 'board:application']), alert(2, ['state:normal', 'board:application']), alert(3, ['state:firing']), alert(4, ['state:firing', 'board:pipeline'])];
    expect(eventsIn(list, { kinds: ['alert'], tags: [] }, 0, 'application').map((e) => e.id)).toEqual([1, 3]);
  });
  it('draws a sparkline inside its box', () => {
    const p = sparkPath([[0, 1], [1, 3], [2, 2]], 100, 30)!;
    expect(p.line.startsWith('M0.00,')).toBe(true);
    expect(p.line).toContain('L100.00,');
    expect(p.area.endsWith('L100,30L0,30Z')).toBe(true);
    expect(sparkPath([[0, 1]], 100, 30)).toBeNull();
  });
  it('names series by template or labels', () => {
    expect(legendOf({ __name__: 'x', route: '/a', code: '200' }, '{{route}} ({{code}})')).toBe('/a (200)');
    expect(legendOf({ __name__: 'x', route: '/a' }, '')).toBe('x{route="/a"}');
    expect(legendOf({ route: '/a' }, '')).toBe('{route="/a"}');
    expect(legendOf({}, '')).toBe('value');
  });
});

describe('clock', () => {
  it('is 24-hour, so it fits a clock panel on one line', () => {
    expect(clockText(new Date('2026-11-23T21:07:00').getTime())).toMatch(/^21[:.]07$/);
    expect(clockText(new Date('2026-11-23T09:05:00').getTime())).toMatch(/^09[:.]05$/);
  });
});
