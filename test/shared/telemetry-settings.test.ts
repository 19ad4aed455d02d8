// Scrape targets' timeout: defaults to min(10 s, interval) like Prometheus, so `interval: 5s`
// alone starts; a timeout longer than the interval is refused naming the timeout, not the target.
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/shared/settings.ts';

const target = (t: Record<string, unknown>) => parseSettings({ scrape: { targets: [{ id: 'node', url: 'http://127.0.0.1:9100/metrics', ...t }] } }).scrape.targets[0]!;

describe('scrape target timeout', () => {
  it.each([
    [{ interval: '5s' }, 5_000],
    [{ interval: '1s' }, 1_000],
    [{ interval: '30s' }, 10_000],
    [{}, 10_000],
    [{ interval: '5s', timeout: '2s' }, 2_000],
  ])('%j → timeout %d ms', (t, timeout) => {
    expect(target(t).timeout).toBe(timeout);
  });

  it('a timeout longer than the interval is refused, showing the timeout as the value', () => {
    let message = '';
    try {
      target({ interval: '5s', timeout: '6s' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('scrape.targets.0.timeout = 6000: must not be longer than interval (5s)');
    expect(message).not.toContain('"url"');
  });
});
