// The pieces of alerting that are pure: state transitions, hysteresis, templates, rule validation.
import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '../../../../src/shared/alert-rules.ts';
import { judgeSigma, judgeThreshold } from '../../../../src/main/core/alerts/condition.ts';
import { initialState, isActive, nextState, type InstanceState } from '../../../../src/main/core/alerts/state-machine.ts';
import { checkTemplate, humanize, humanize1024, humanizeDuration, renderTemplate } from '../../../../src/main/core/alerts/template.ts';

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
    expect(nextState({ state: 'nodata', since: 0, firedAt: null, activeAt: null }, false, 10, { forMs: 0, keepFiringForMs: 0 }).state).toBe('normal');
    expect(nextState({ state: 'error', since: 0, firedAt: null, activeAt: null }, true, 10, { forMs: 0, keepFiringForMs: 0 }).state).toBe('firing');
  });
  it('records when it fired', () => {
    const s = nextState(initialState(0), true, 5, { forMs: 0, keepFiringForMs: 0 });
    expect(s.firedAt).toBe(5);
    expect(isActive(s.state)).toBe(true);
  });
  it("keeps when the episode began (Prometheus's activeAt) through firing and recovering, and forgets it once normal", () => {
    const t = { forMs: 2000, keepFiringForMs: 2000 };
    const seen: Array<[string, number | null, number | null]> = [];
    let s = initialState(0);
    [true, true, true, false, true, false, false, false].forEach((h, i) => {
      s = nextState(s, h, (i + 1) * 1000, t);
      seen.push([s.state, s.activeAt, s.firedAt]);
    });
    expect(seen).toEqual([
      ['pending', 1000, null],
      ['pending', 1000, null],
      ['firing', 1000, 3000],
      ['recovering', 1000, 3000],
      ['firing', 1000, 3000],
      ['recovering', 1000, 3000],
      ['recovering', 1000, 3000],
      ['normal', null, null],
    ]);
    expect(nextState(initialState(0), true, 7, { forMs: 0, keepFiringForMs: 0 })).toMatchObject({ state: 'firing', activeAt: 7, firedAt: 7 });
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
    expect([1234567, 0.00123, 999, 0, 0.0000015, 1234.5].map(humanize)).toEqual(['1.235M', '1.23m', '999', '0', '1.5u', '1.234k']);
    expect([1, 1024, 1536, 1073741824].map(humanize1024)).toEqual(['1', '1ki', '1.5ki', '1Gi']);
    expect(humanizeDuration(3725)).toBe('1h 2m 5s');
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
    expect([43200, 61, 1.5, 0.25, 0, -90].map(humanizeDuration)).toEqual(['12h 0m 0s', '1m 1s', '1.5s', '250ms', '0s', '-1m 30s']);
  });
  it("renders the node and kubernetes mixins' templates: printf, with, trim markers, literals", () => {
    const data = { labels: { instance: 'a:9100', device: '/dev/sda1', cluster: 'eu' }, value: 4.0012 };
    const p = { prometheus: true };
    expect(renderTemplate('{{ $labels.instance }} has only {{ printf "%.2f" $value }}% left', data, p)).toBe('a:9100 has only 4.00% left');
    expect(renderTemplate('{{ $value | printf "%.0f" }} errors', data, p)).toBe('4 errors');
    expect(renderTemplate('more than {{ "43200" | humanizeDuration }}', data, p)).toBe('more than 12h 0m 0s');
    expect(renderTemplate('in ns {{ with $labels.cluster -}} on Cluster {{ . }} {{- end }} is full', data, p)).toBe('in ns on Cluster eu is full');
    expect(renderTemplate('in ns {{ with $labels.nope -}} on Cluster {{ . }} {{- end }} is full', data, p)).toBe('in ns  is full');
    expect(renderTemplate('{{ if $labels.device }}dev {{ $labels.device | toUpper }}{{ else }}none{{ end }}', data, p)).toBe('dev /DEV/SDA1');
    expect(renderTemplate('{{/* a comment */}}{{ $labels.instance | title }}', { labels: { instance: 'web server-1' }, value: 1 }, p)).toBe('Web Server-1');
    expect(renderTemplate('{{ $externalLabels.cluster }}|', data, p)).toBe('|');
  });
  it("prints a bare value as Go does for a Prometheus rule, to 6 digits for Radiator's own", () => {
    const data = { labels: {}, value: 1 / 3 };
    expect(renderTemplate('{{ $value }}', data, { prometheus: true })).toBe('0.3333333333333333');
    expect(renderTemplate('{{ $value }}', data)).toBe('0.333333');
    expect(renderTemplate('{{ $value }}', { labels: {}, value: 2e6 }, { prometheus: true })).toBe('2e+06');
  });
  it('leaves what it does not render as written: range, variables, comparisons, parentheses, query', () => {
    const data = { labels: { a: 'x' }, value: 2 };
    for (const tpl of ['{{ range $labels }}x{{ end }}', '{{ $x := 1 }}', '{{ query "up" | first | value }}', '{{ printf "%s" (index $labels "a") }}', '{{ $externalURL }}']) {
      expect(renderTemplate(tpl, data)).toBe(tpl);
    }
    expect(renderTemplate('{{ if gt $value 1.0 }}big{{ end }} {{ $labels.a }}', data)).toBe('{{ if gt $value 1.0 }}big{{ end }} x');
    expect(renderTemplate('{{ $labels.a }} {{ end }}', data)).toBe('{{ $labels.a }} {{ end }}');
  });
  it("refuses what Go's template parser refuses, in promtool's words", () => {
    expect(checkTemplate('{{ $labels.instance }} {{ printf "%.2f" $value }} {{ with $labels.x -}} {{ . }} {{- end }}', 'A')).toBeNull();
    expect(checkTemplate('{{ query "up" | first | value | humanize }} {{ reReplaceAll "a" "b" $labels.x }}', 'A')).toBeNull();
    expect(checkTemplate('{{ $value | humanise }}', 'A')).toBe('template: __alert_A:1: function "humanise" not defined');
    expect(checkTemplate('line one\n{{ $labels.x', 'A')).toBe('template: __alert_A:2: unclosed action');
    expect(checkTemplate('{{ end }}', 'A')).toBe('template: __alert_A:1: unexpected {{end}}');
    expect(checkTemplate('{{ if $value }}x', 'A')).toBe('template: __alert_A:1: unexpected EOF');
    expect(checkTemplate('{{ $foo }}', 'A')).toBe('template: __alert_A:1: undefined variable "$foo"');
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
