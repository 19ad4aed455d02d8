import { describe, expect, it } from 'vitest';
import { defaultSettings, parseDuration, parseSettings } from '../../src/shared/settings.ts';

const problems = (input: unknown): string[] => {
  try {
    parseSettings(input);
    return [];
  } catch (e) {
    return (e as { problems: string[] }).problems;
  }
};

describe('settings', () => {
  it('has the documented defaults', () => {
    const s = defaultSettings();
    expect(s.server).toMatchObject({ host: '127.0.0.1', httpPort: 7070, token: null });
    expect(s.receivers.statsd).toMatchObject({ udpPort: 8125, tcpPort: 8125 });
    expect(s.receivers.push.port).toBe(9091);
    expect(s.collector.flushInterval).toBe(1000);
  });

  it.each([
    [{ receivers: { statsd: { udpPort: 70000 } } }, 'receivers.statsd.udpPort = 70000: must be between 0 and 65535'],
    [{ server: { httpPort: 'eighty' } }, 'server.httpPort = "eighty": must be a port number'],
    [{ collector: { flushInterval: '5x' } }, 'collector.flushInterval = "5x": must be a duration like 1500, "90s", "5m" or "3d"'],
    [{ collector: { flushInterval: 10 } }, 'collector.flushInterval = 10: must be at least 100ms'],
    [{ store: { maxSeries: 5 } }, 'store.maxSeries = 5: must be at least 100'],
    [{ nope: 1 }, 'nope: unknown setting'],
    [{ server: { host: '0.0.0.0' } }, 'server.token = null: must be set when server.host is 0.0.0.0 (not loopback): clients on the LAN authenticate with it'],
    [{ server: { token: 'short' } }, 'server.token = "short": must be at least 16 characters'],
    [{ server: { corsOrigins: ['evil'] } }, 'server.corsOrigins.0 = "evil": must be an origin like http://host:port'],
  ])('refuses %j with a message naming setting, value and rule', (input, message) => {
    expect(problems(input)).toContain(message);
  });

  it('turns receivers off with false, and reads durations in words', () => {
    const s = parseSettings({ receivers: { statsd: { tcpPort: false } }, store: { retention: { raw: '7d', rollup5m: '60d' } } });
    expect(s.receivers.statsd.tcpPort).toBe(false);
    expect(s.store.retention.raw).toBe(7 * 86_400_000);
  });

  it('parses durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('5 m')).toBeUndefined();
    expect(parseDuration('m5')).toBeUndefined();
  });
});
