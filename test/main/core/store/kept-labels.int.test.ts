// A new series shares the label pairs (and the name) that other series already hold, instead of
// keeping its own copies: the pairs must stay equal to what was asked, selections must find the
// same series, and a restart must give back the same labels.
import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../../../src/main/core/store/index.ts';
import { tempDir, tempStores } from '../../../helpers/core.ts';

const { open } = tempStores();

describe('label pairs kept by new series', () => {
  it('are shared where equal, stay equal to what was asked, and select the same series', () => {
    const store = open();
    const a = store.resolve('http_requests_total', [['host', 'web-1'], ['route', '/a']])!;
    const b = store.resolve('http_requests_total', [['host', 'web-1'], ['route', '/b']])!;
    const c = store.resolve('other_metric_name', [['host', 'web-2'], ['route', '/a'], ['zone', 'eu']])!;
    const d = store.resolve('http_requests_total', [])!;
    expect(a.labels).toEqual([['host', 'web-1'], ['route', '/a']]);
    expect(b.labels).toEqual([['host', 'web-1'], ['route', '/b']]);
    expect(c.labels).toEqual([['host', 'web-2'], ['route', '/a'], ['zone', 'eu']]);
    expect(d.labels).toEqual([]);
    // One pair object for host="web-1" and for route="/a"; route="/b" is its own.
    expect(b.labels[0]).toBe(a.labels[0]);
    expect(c.labels[1]).toBe(a.labels[1]);
    expect(b.labels[1]).not.toBe(a.labels[1]);
    expect([a.name, b.name, d.name, d.key]).toEqual(['http_requests_total', 'http_requests_total', 'http_requests_total', 'http_requests_total']);
    const keys = (sel: string) => store.index.select(parseSelector(sel)).map((s) => s.key).sort();
    expect(keys('{route="/a"}')).toEqual(['http_requests_total{host="web-1",route="/a"}', 'other_metric_name{host="web-2",route="/a",zone="eu"}']);
    expect(keys('http_requests_total{host="web-1"}')).toEqual(['http_requests_total{host="web-1",route="/a"}', 'http_requests_total{host="web-1",route="/b"}']);
    expect(keys('{host=~"web-.*",route!="/a"}')).toEqual(['http_requests_total{host="web-1",route="/b"}']);
    expect(store.index.get('http_requests_total{host="web-1",route="/b"}')).toBe(b);
  });

  it('come back the same after a restart', () => {
    const dir = tempDir();
    const first = open(dir);
    const now = Date.now();
    for (const [i, route] of ['/a', '/b', '/a'].entries()) {
      const s = first.resolve(i === 2 ? 'm2' : 'm', [['host', 'h'], ['route', route]])!;
      first.append(s, now - 1000 + i, i);
    }
    first.commit();
    first.close();
    const again = open(dir);
    const all = [...again.index.all()].map((s) => [s.key, s.name, s.labels]);
    expect(all).toEqual([
      ['m{host="h",route="/a"}', 'm', [['host', 'h'], ['route', '/a']]],
      ['m{host="h",route="/b"}', 'm', [['host', 'h'], ['route', '/b']]],
      ['m2{host="h",route="/a"}', 'm2', [['host', 'h'], ['route', '/a']]],
    ]);
    expect(again.index.get('m2{host="h",route="/a"}')!.lastValue).toBe(2);
  });
});
