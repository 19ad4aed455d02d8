// Levels from what a line says, in the formats teams actually log in.
import { describe, expect, it } from 'vitest';
import { detectLevel, levelFromSyslog } from '../../../../src/main/core/logs/level-detector.ts';

const json = (o: Record<string, unknown>) => detectLevel(JSON.stringify(o), o);

describe('detectLevel', () => {
  it.each([
    ['2024-05-01 12:00:00 ERROR [main] c.e.Orders - SQL query failed', 'ERROR'],
    ['2024-05-01T12:00:00Z WARN  retrying', 'WARN'],
    ['[error] could not connect', 'ERROR'],
    ['[ WARNING ] disk 91% full', 'WARN'],
    ['ERROR: relation "users" does not exist', 'ERROR'],
    ['Error: ENOENT: no such file or directory', 'ERROR'],
    ['warning: deprecated flag', 'WARN'],
    ['ts=2024-05-01T12:00:00Z level=debug msg="cache warm"', 'DEBUG'],
    ['time="2024" level=warning msg=slow', 'WARN'],
    ['lvl=eror msg=oops', 'ERROR'],
    ['E0501 12:00:02.000000       1 reconciler.go:42] sync failed', 'ERROR'],
    ['W0501 12:00:02.000000 1 x.go:1] slow', 'WARN'],
    ['I0501 12:00:02.000000 1 x.go:1] ok', 'INFO'],
    ['FATAL out of memory', 'FATAL'],
    ['panic: runtime error: index out of range', 'FATAL'],
    ['CRITICAL disk failure', 'FATAL'],
    ['user clicked "report error" and nothing happened', 'unknown'],
    ['an error occurred while saving', 'unknown'],
    ['', 'unknown'],
    ['x'.repeat(200) + ' ERROR late in the line', 'unknown'],
  ])('%s → %s', (line, want) => {
    expect(detectLevel(line, null)).toBe(want);
  });

  it('JSON fields: names in any case, pino/bunyan numbers, nested log.level', () => {
    expect(json({ level: 'error' })).toBe('ERROR');
    expect(json({ severity: 'WARNING' })).toBe('WARN');
    expect(json({ lvl: 'info' })).toBe('INFO');
    expect(json({ levelname: 'CRITICAL' })).toBe('FATAL');
    expect(json({ level: 50 })).toBe('ERROR');
    expect(json({ level: 60 })).toBe('FATAL');
    expect(json({ level: 20 })).toBe('DEBUG');
    expect(json({ log: { level: 'warn' } })).toBe('WARN');
    expect(json({ msg: 'no level', severity_text: 'ERROR' })).toBe('ERROR');
    expect(json({ msg: 'ERROR in the message only' })).toBe('unknown');
    expect(json({ level: 'loud' })).toBe('unknown');
  });

  it('syslog severities', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(levelFromSyslog)).toEqual(['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'INFO', 'INFO', 'DEBUG']);
  });
});
