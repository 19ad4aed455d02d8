// A panel's series keyed by identity and named apart: the pure parts behind every list a panel
// renders (table, bar gauge, status grid, the time-series legend).
import { describe, expect, it } from 'vitest';
import { distinctNames, panelSeries } from '../../src/renderer/src/lib/panel-series.ts';
import { legendOf } from '../../src/renderer/src/lib/legend.ts';
import { labelObjectKey, seriesKey } from '../../src/shared/model.ts';

const s = (labels: Record<string, string>) => ({ key: labelObjectKey(labels), labels });

describe('labelObjectKey', () => {
  it('is seriesKey of the same series, whatever order the object came in', () => {
    expect(labelObjectKey({ __name__: 'node_load1', job: 'node', instance: 'a:9100' })).toBe(seriesKey('node_load1', [['instance', 'a:9100'], ['job', 'node']]));
    expect(labelObjectKey({ instance: 'a:9100', job: 'node', __name__: 'node_load1' })).toBe(labelObjectKey({ __name__: 'node_load1', job: 'node', instance: 'a:9100' }));
  });

  it('tells apart what a legend would not: no name, no labels, escaped values', () => {
    expect(labelObjectKey({})).toBe('');
    expect(labelObjectKey({ route: '/a' })).toBe('{route="/a"}');
    expect(labelObjectKey({ a: 'x",b="y' })).not.toBe(labelObjectKey({ a: 'x', b: 'y' }));
  });

  it('reads own properties only: `constructor` and `__proto__` are label names like any other', () => {
    const parsed = JSON.parse('{"__name__":"m","constructor":"c","__proto__":"p"}') as Record<string, string>;
    expect(labelObjectKey(parsed)).toBe('m{__proto__="p",constructor="c"}');
    expect(labelObjectKey(JSON.parse('{"job":"x"}') as Record<string, string>)).toBe('{job="x"}');
  });
});

describe('legendOf', () => {
  it('fills a missing label with nothing, never with a prototype property', () => {
    const parsed = JSON.parse('{"__name__":"m"}') as Record<string, string>;
    expect(legendOf(parsed, '{{constructor}}/{{toString}}')).toBe('/');
  });
});

describe('distinctNames', () => {
  it('leaves unique names alone', () => {
    expect(distinctNames([
      { name: '1 min', labels: { __name__: 'node_load1' }, query: 0 },
      { name: '5 min', labels: { __name__: 'node_load5' }, query: 1 },
    ])).toEqual(['1 min', '5 min']);
  });

  it('appends the labels that differ within a group — the host sampler and a scraped node_exporter', () => {
    expect(distinctNames([
      { name: '1 min', labels: { __name__: 'node_load1' }, query: 0 },
      { name: '1 min', labels: { __name__: 'node_load1', instance: 'db:9100', job: 'node' }, query: 0 },
      { name: '5 min', labels: { __name__: 'node_load5' }, query: 1 },
    ])).toEqual(['1 min', '1 min (instance=db:9100, job=node)', '5 min']);
  });

  it('shows only the differing labels, the metric name bare and first', () => {
    expect(distinctNames([
      { name: 'web', labels: { __name__: 'up', job: 'web', instance: 'a' }, query: 0 },
      { name: 'web', labels: { __name__: 'up', job: 'web', instance: 'b' }, query: 0 },
      { name: 'web', labels: { __name__: 'probe_success', job: 'web', instance: 'b' }, query: 1 },
    ])).toEqual(['web (up, instance=a)', 'web (up, instance=b)', 'web (probe_success, instance=b)']);
  });

  it('an empty value counts as absent, as in Prometheus', () => {
    expect(distinctNames([
      { name: 'x', labels: { a: '' }, query: 0 },
      { name: 'x', labels: { a: '1' }, query: 0 },
    ])).toEqual(['x', 'x (a=1)']);
  });

  it('the same label set from two queries is told apart by the query', () => {
    expect(distinctNames([
      { name: 'value', labels: {}, query: 0 },
      { name: 'value', labels: {}, query: 1 },
      { name: 'value', labels: { env: 'prod' }, query: 2 },
    ])).toEqual(['value (query 1)', 'value (query 2)', 'value (env=prod)']);
  });

  it('does not touch groups of one when others collide', () => {
    const out = distinctNames([
      { name: 'a', labels: { i: '1' }, query: 0 },
      { name: 'b', labels: { i: '1' }, query: 0 },
      { name: 'a', labels: { i: '2' }, query: 0 },
    ]);
    expect(out).toEqual(['a (i=1)', 'b', 'a (i=2)']);
  });
});

describe('panelSeries', () => {
  it('keys by query and label set, never by legend: two series with one legend get two keys and two names', () => {
    const host = s({ __name__: 'node_load1' });
    const scraped = s({ __name__: 'node_load1', instance: 'localhost:9100', job: 'node' });
    const out = panelSeries([
      { series: [host, scraped], legend: '1 min' },
      { series: [s({ __name__: 'node_load5' })], legend: '5 min' },
    ]);
    expect(out.map((x) => x.name)).toEqual(['1 min', '1 min (instance=localhost:9100, job=node)', '5 min']);
    expect(new Set(out.map((x) => x.key)).size).toBe(3);
    expect(out.map((x) => x.query)).toEqual([0, 0, 1]);
    expect(out[1]!.s).toBe(scraped);
  });

  it('the same series in two queries is two rows with two keys', () => {
    const a = s({ __name__: 'up', job: 'x' });
    const out = panelSeries([{ series: [a], legend: '{{job}}' }, { series: [a], legend: '{{job}}' }]);
    expect(out.map((x) => x.name)).toEqual(['x (query 1)', 'x (query 2)']);
    expect(out[0]!.key).not.toBe(out[1]!.key);
  });

  it('keys do not move when a legend or the other series change', () => {
    const a = s({ __name__: 'up', job: 'x', instance: '1' });
    const b = s({ __name__: 'up', job: 'x', instance: '2' });
    const before = panelSeries([{ series: [a, b], legend: '{{job}}' }]);
    const after = panelSeries([{ series: [a], legend: 'renamed' }]);
    expect(after[0]!.key).toBe(before[0]!.key);
  });

  it('takes a name of its own (a status grid’s labelKey) and still names apart', () => {
    const out = panelSeries(
      [{ series: [s({ service: 'api', region: 'eu' }), s({ service: 'api', region: 'us' })], legend: '' }],
      (labels) => labels.service ?? '?',
    );
    expect(out.map((x) => x.name)).toEqual(['api (region=eu)', 'api (region=us)']);
  });
});
