// The pieces of alerting that are pure: state transitions, hysteresis, templates, rule validation.
import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '../../../../src/shared/alert-rules.ts';
import { judgeSigma, judgeThreshold } from '../../../../src/main/core/alerts/condition.ts';
import { initialState, isActive, nextState, type InstanceState } from '../../../../src/main/core/alerts/state-machine.ts';
import { humanize, humanizeDuration, renderTemplate } from '../../../../src/main/core/alerts/template.ts';

const run = (holds: boolean[], t: { forMs: number; keepFiringForMs: number }, stepMs = 1000) => {
  let s: InstanceState = initialState(0);
  const states: string[] = [];
  holds.forEach((h, i) => {
    s = nextState(s, h, (i + 1) * stepMs, t);
    states.push(s.state);
  });
  return states;
};

describe('state machine', () => {
  it('fires at once without `for`', () => {
    expect(run([false, true, true, false], { forMs: 0, keepFiringForMs: 0 })).toEqual(['normal', 'firing', 'firing', 'normal']);
  });
  it('waits `for` in pending, and a blip does not fire', () => {
    expect(run([true, true, true, false, true, false], { forMs: 2000, keepFiringForMs: 0 })).toEqual(['pending', 'pending', 'firing', 'normal', 'pending', 'normal']);
  });
  it('keeps firing in recovering for keepFiringFor, and fires again from there', () => {
    expect(run([true, false, false, false, true, false, false, false], { forMs: 0, keepFiringForMs: 2000 })).toEqual([
      'firing',
      'recovering',
      'recovering',
      'normal',
      'firing',
      'recovering',
      'recovering',
      'normal',
    ]);
    expect(run([true, false, true], { forMs: 0, keepFiringForMs: 5000 })).toEqual(['firing', 'recovering', 'firing']);
  });
  it('leaves nodata and error as soon as there is a judgement', () => {
    expect(nextState({ state: 'nodata', since: 0, firedAt: null }, false, 10, { forMs: 0, keepFiringForMs: 0 }).state).toBe('normal');
    expect(nextState({ state: 'error', since: 0, firedAt: null }, true, 10, { forMs: 0, keepFiringForMs: 0 }).state).toBe('firing');
  });
  it('records when it fired', () => {
    const s = nextState(initialState(0), true, 5, { forMs: 0, keepFiringForMs: 0 });
    expect(s.firedAt).toBe(5);
    expect(isActive(s.state)).toBe(true);
  });
});

describe('hysteresis: a value hovering at the line does not flap', () => {
  const above = { type: 'threshold' as const, op: 'above' as const, threshold: 100, hysteresis: 5 };
  it('fires above the line and clears only below line − hysteresis', () => {
    const values = [99, 101, 99, 98, 96, 94, 101];
    let active = false;
    const holds = values.map((v) => (active = judgeThreshold(above, v, active).holds));
    expect(holds).toEqual([false, true, true, true, true, false, true]);
  });
  it('defaults to 5 % of the threshold, for below and outside too', () => {
    expect(judgeThreshold({ type: 'threshold', op: 'below', threshold: 10 }, 10.4, true).holds).toBe(true);
    expect(judgeThreshold({ type: 'threshold', op: 'below', threshold: 10 }, 10.6, true).holds).toBe(false);
    const out = { type: 'threshold' as const, op: 'outside' as const, min: 0, max: 100 };
    expect(judgeThreshold(out, 101, false).holds).toBe(true);
    expect(judgeThreshold(out, 97, true).holds).toBe(true);
    expect(judgeThreshold(out, 94, true).holds).toBe(false);
  });
  it('never fires on NaN', () => {
    expect(judgeThreshold(above, NaN, false).holds).toBe(false);
  });
});

describe('mean ± k·σ', () => {
  const c = { type: 'sigma' as const, k: 3, window: 3_600_000, hysteresis: 0.5, direction: 'both' as const };
  const history = Array.from({ length: 100 }, (_, i) => 10 + (i % 2 === 0 ? 1 : -1)); // mean 10, σ 1
  it('fires beyond 3σ, clears inside 2.5σ', () => {
    expect(judgeSigma(c, history, 12.9, false).holds).toBe(false);
    expect(judgeSigma(c, history, 13.1, false).holds).toBe(true);
    expect(judgeSigma(c, history, 12.7, true).holds).toBe(true);
    expect(judgeSigma(c, history, 12.4, true).holds).toBe(false);
    expect(judgeSigma(c, history, 13.1, false).reason).toBe('13.1 is 3.1σ from the mean 10 (line 3σ)');
  });
  it('leaves the window\'s own outliers out of the band: an earlier incident does not widen it', () => {
    // The last hour held a 15-minute incident at 3× the level (a quarter of the window).
    const incident = [...history.slice(0, 75), ...Array.from({ length: 25 }, () => 30)];
    const j = judgeSigma(c, incident, 14, false);
    expect(j.holds).toBe(true);
    expect(j.reason).toMatch(/^14 is 3.9\d*σ from the mean 10.01 \(line 3σ; 25 outlying points of 100 left out\)$/);
    // Plain mean ± 3σ over the same window would call 14 normal: mean 15, σ 8.7.
    expect(judgeSigma(c, incident, 30, false).holds).toBe(true);
  });
  it('watches one side when asked', () => {
    const above = { ...c, direction: 'above' as const };
    expect(judgeSigma(above, history, 13.1, false).holds).toBe(true);
    expect(judgeSigma(above, history, 6.9, false).holds).toBe(false);
    expect(judgeSigma({ ...c, direction: 'below' as const }, history, 6.9, false).holds).toBe(true);
    expect(judgeSigma(above, history, 13.1, false).reason).toBe('13.1 is 3.1σ from the mean 10 (line above 3σ)');
  });
  it('needs some history', () => {
    expect(judgeSigma(c, [1, 2, 3], 100, false)).toEqual({ holds: false, reason: '3 points of history; need 10 for mean ± 3σ' });
  });
});

describe('templates', () => {
  it('renders labels, values and pipes', () => {
    const data = { labels: { instance: 'web-1', job: 'api' }, value: 0.0734 };
    expect(renderTemplate('{{ $labels.instance }} at {{ $value | humanizePercentage }}', data)).toBe('web-1 at 7.34%');
    expect(renderTemplate('{{$labels.job|toUpper}} {{ $value }}', data)).toBe('API 0.0734');
    expect(renderTemplate('{{ $labels.missing }}!', data)).toBe('!');
    expect(renderTemplate('{{ .Foo }} {{ $value | nope }}', data)).toBe('{{ .Foo }} {{ $value | nope }}');
    expect(renderTemplate('{{ $labels.__proto__ }}', data)).toBe('');
  });
  it('humanizes like Prometheus', () => {
    expect([1234567, 0.00123, 999, 0].map(humanize)).toEqual(['1.235M', '1.23m', '999', '0']);
    expect(humanizeDuration(3725)).toBe('1h 2m 5s');
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
  });
});

describe('rule validation', () => {
  const base = { id: 'r', name: 'R', expr: 'up' };
  it('fills defaults', () => {
    const r: Rule = RuleSchema.parse({ ...base, condition: { type: 'threshold', op: 'above', threshold: 1 }, for: '5m' });
    expect(r).toMatchObject({ enabled: true, source: 'embedded', for: 300_000, interval: 15_000, severity: 'warning' });
  });
  it.each([
    [{ condition: { type: 'threshold', op: 'above' } }, 'condition.threshold'],
    [{ condition: { type: 'threshold', op: 'outside', min: 5, max: 1 } }, 'condition.min'],
    [{ condition: { type: 'nope' } }, 'condition.type'],
    [{ condition: { type: 'sigma', k: 0 } }, 'condition.k'],
    [{ condition: { type: 'anomaly' }, runbookUrl: 'javascript:alert(1)' }, 'runbookUrl'],
    [{ condition: { type: 'anomaly' }, id: 'Bad Id' }, 'id'],
    [{ condition: { type: 'anomaly' }, for: 'soon' }, 'for'],
  ])('refuses %j naming %s', (extra, path) => {
    const r = RuleSchema.safeParse({ ...base, ...extra });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
