// Logs → metrics through a running core: lines posted over HTTP (JSON lines and text), syslog
// from util-linux `logger` over UDP and TCP (RFC 5424 and 3164; octet-counted and newline
// framing), and files followed through rotation, truncation and a restart — counted by level,
// turned into metrics by rules, and the recent errors listed.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../../src/shared/settings.ts';
import { startTestCore, tempDir, waitFor, type TestCore } from '../../../helpers/core.ts';

const run = promisify(execFile);
const LOGGER = '/usr/bin/logger';

async function query(t: TestCore, expr: string): Promise<Map<string, number>> {
  const r = await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  const out = new Map<string, number>();
  for (const s of body.data.result) {
    const { __name__, ...rest } = s.metric;
    out.set(Object.keys(rest).sort().map((k) => `${k}=${rest[k]}`).join(','), Number(s.value[1]));
  }
  return out;
}

async function expectSeries(t: TestCore, expr: string, want: Record<string, number>): Promise<void> {
  let got: Map<string, number> = new Map();
  try {
    await waitFor(async () => {
      got = await query(t, expr);
      return Object.entries(want).every(([k, v]) => got.get(k) === v) ? true : null;
    }, 8_000);
  } catch {
    expect(Object.fromEntries(got)).toMatchObject(want);
  }
}

const RULES: SettingsInput['logs'] = {
  rules: [
    {
      id: 'sql-failed',
      match: { regex: 'SQL query failed: (?<table>\\w+)' },
      metric: { name: 'sql_query_failures', type: 'counter', labels: { table: '${table}', kind: 'db-$1' } },
    },
    { id: 'slow', match: { regex: 'request took (\\d+)ms' }, metric: { name: 'request_duration_from_logs_seconds', type: 'timer', value: '$1' } },
    { id: 'queue', match: { jsonPath: '$.event', equals: 'queue_depth' }, metric: { name: 'queue_depth_from_logs', type: 'gauge', value: '$.depth', labels: { queue: '$.queue' } } },
    { id: 'checkout-only', source: 'checkout', match: { regex: 'payment declined' }, metric: { name: 'payments_declined', type: 'counter' } },
  ],
};

describe('logs over HTTP', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ collector: { flushInterval: 100 }, logs: RULES });
  });
  afterAll(async () => {
    await t.stop();
  });

  const post = (body: string, type: string, qs = '', headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/v1/logs${qs}`, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body });

  it('counts every line by source and level, whatever its format', async () => {
    const text = [
      '2024-05-01 12:00:00 ERROR [main] SQL query failed: orders',
      '2024-05-01 12:00:01 INFO request took 120ms',
      '[WARN] disk almost full',
      'ERROR: SQL query failed: users',
      'level=debug msg="cache warm"',
      'E0501 12:00:02.000000 1 reconciler.go:42] sync failed',
      'just some words, no level here — not even error',
      'FATAL out of memory',
    ].join('\n');
    const r = await post(text, 'text/plain', '?source=api');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ accepted: 8 });
    const jsonLines = [
      JSON.stringify({ level: 'error', msg: 'SQL query failed: orders', source: 'checkout' }),
      JSON.stringify({ level: 30, msg: 'request took 480ms' }),
      JSON.stringify({ severity: 'WARNING', event: 'queue_depth', queue: 'emails', depth: 42 }),
      JSON.stringify({ lvl: 'info', msg: 'payment declined', source: 'checkout' }),
      JSON.stringify({ msg: 'payment declined' }),
      '{ this is not json but starts like it',
    ].join('\n');
    expect((await post(jsonLines, 'application/x-ndjson', '', { 'X-Log-Source': 'web' })).status).toBe(200);
    await expectSeries(t, 'log_lines_total', {
      'level=ERROR,source=api': 3,
      'level=INFO,source=api': 1,
      'level=WARN,source=api': 1,
      'level=DEBUG,source=api': 1,
      'level=FATAL,source=api': 1,
      'level=unknown,source=api': 1,
      'level=ERROR,source=checkout': 1,
      'level=INFO,source=checkout': 1,
      'level=INFO,source=web': 1,
      'level=WARN,source=web': 1,
      'level=unknown,source=web': 2,
    });
  });

  it('rules turn lines into counters, gauges and timers with labels from the line', async () => {
    await expectSeries(t, 'sql_query_failures', { 'kind=db-orders,table=orders': 2, 'kind=db-users,table=users': 1 });
    await expectSeries(t, 'queue_depth_from_logs', { 'queue=emails': 42 });
    await expectSeries(t, 'request_duration_from_logs_seconds_count', { '': 2 });
    await expectSeries(t, 'request_duration_from_logs_seconds_sum', { '': 0.6 });
    // Only lines from the rule's source count.
    await expectSeries(t, 'payments_declined', { '': 1 });
  });

  it('keeps the recent matching and error lines for a panel', async () => {
    const r = (await (await fetch(`${t.url}/api/v1/logs/recent?rule=sql-failed`)).json()) as { lines: Array<{ line: string; source: string; level: string; rules: string[] }> };
    expect(r.lines.map((l) => l.line)).toEqual([
      JSON.stringify({ level: 'error', msg: 'SQL query failed: orders', source: 'checkout' }),
      'ERROR: SQL query failed: users',
      '2024-05-01 12:00:00 ERROR [main] SQL query failed: orders',
    ]);
    const errors = (await (await fetch(`${t.url}/api/v1/logs/recent?level=ERROR&source=api&limit=2`)).json()) as { lines: Array<{ line: string }> };
    expect(errors.lines).toHaveLength(2);
    expect(errors.lines[0]!.line).toContain('sync failed');
    const all = (await (await fetch(`${t.url}/api/v1/logs/recent`)).json()) as { lines: Array<{ level: string }> };
    expect(new Set(all.lines.map((l) => l.level))).toEqual(new Set(['WARN', 'ERROR', 'FATAL']));
    const bad = await fetch(`${t.url}/api/v1/logs/recent?level=LOUD`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('INVALID_PARAMETER');
  });

  it('rules change live; a catastrophic regex is refused at settings time', async () => {
    t.core.settingsStore.update('logs', { rules: [{ id: 'timeouts', match: { regex: 'timeout after (?<s>\\d+)s' }, metric: { name: 'timeouts_from_logs', type: 'counter', labels: { secs: '${s}' } } }] });
    await post('upstream timeout after 30s', 'text/plain');
    await expectSeries(t, 'timeouts_from_logs', { 'secs=30': 1 });
    expect(() => t.core.settingsStore.update('logs', { rules: [{ id: 'evil', match: { regex: '(a+)+$' }, metric: { name: 'x', type: 'counter' } }] })).toThrow(/logs\.rules\.0\.match\.regex = "\(a\+\)\+\$": repeats a group that itself repeats/);
    expect(() => t.core.settingsStore.update('logs', { rules: [{ id: 'g', match: { regex: 'took (\\d+)' }, metric: { name: 'x', type: 'gauge', value: '${ms}' } }] })).toThrow(/logs\.rules\.0\.metric\.value = "\$\{ms\}": refers to capture group "ms", which match.regex does not have/);
    const r = await fetch(`${t.url}/api/v1/config/logs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules: [{ id: 'bad', match: { regex: '(' }, metric: { name: 'x', type: 'counter' } }] }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { problems: string[] }).problems[0]).toContain('is not a valid regular expression');
  });
});

describe.skipIf(!existsSync(LOGGER))('syslog from util-linux logger', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ collector: { flushInterval: 100 }, logs: { syslog: { port: 0 }, rules: RULES!.rules } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('RFC 5424 and 3164, over UDP and TCP (newline and octet-counted framing), severity as the level, tag as the source', async () => {
    const port = String(t.core.telemetry.ports().syslog);
    const logger = (args: string[], msg: string) => run(LOGGER, ['--server', '127.0.0.1', '--port', port, ...args, msg]);
    await logger(['--udp', '--rfc5424', '-t', 'billing', '-p', 'user.err'], 'SQL query failed: invoices');
    await logger(['--udp', '--rfc3164', '-t', 'billing', '-p', 'user.warning'], 'retrying');
    await logger(['--tcp', '--rfc5424', '-t', 'billing', '-p', 'local0.info', '--sd-id', 'meta@1', '--sd-param', 'k="v"'], 'request took 250ms');
    await logger(['--tcp', '--octet-count', '--rfc5424', '-t', 'auth', '-p', 'auth.crit'], 'SQL query failed: sessions');
    await logger(['--tcp', '--rfc3164', '-t', 'auth', '-p', 'user.debug'], 'token refreshed');
    await expectSeries(t, 'log_lines_total', {
      'level=ERROR,source=billing': 1,
      'level=WARN,source=billing': 1,
      'level=INFO,source=billing': 1,
      'level=FATAL,source=auth': 1,
      'level=DEBUG,source=auth': 1,
    });
    await expectSeries(t, 'sql_query_failures', { 'kind=db-invoices,table=invoices': 1, 'kind=db-sessions,table=sessions': 1 });
    await expectSeries(t, 'request_duration_from_logs_seconds_sum', { '': 0.25 });
    const recent = (await (await fetch(`${t.url}/api/v1/logs/recent?source=auth&level=FATAL`)).json()) as { lines: Array<{ line: string }> };
    expect(recent.lines[0]!.line).toBe('SQL query failed: sessions');
    expect(t.core.stats.received.get('syslog')).toBe(5);
  });
});

describe('following files', () => {
  const dir = tempDir('radiator-logs-');
  const data = tempDir('radiator-logs-data-');
  const file = join(dir, 'app.log');
  const settings = (): SettingsInput => ({ collector: { flushInterval: 100 }, logs: { files: [{ path: file, source: 'app' }] } });
  const errors = async (t: TestCore) => (await query(t, 'log_lines_total{source="app",level="ERROR"}')).get('level=ERROR,source=app') ?? 0;

  it('reads new lines only, follows truncation and rotation, and resumes after a restart at the saved offset', async () => {
    writeFileSync(file, 'ERROR old line from before Radiator started\n');
    let t = await startTestCore(settings(), { dir: data });
    try {
      const poll = () => t.core.telemetry.files.poll();
      await poll();
      appendFileSync(file, 'ERROR one\nERROR two\nERROR part');
      await poll();
      await waitFor(async () => (await errors(t)) === 2);
      appendFileSync(file, 'ial line\n');
      await poll();
      await waitFor(async () => (await errors(t)) === 3);
      const recent = (await (await fetch(`${t.url}/api/v1/logs/recent?source=app`)).json()) as { lines: Array<{ line: string }> };
      expect(recent.lines.map((l) => l.line)).toEqual(['ERROR partial line', 'ERROR two', 'ERROR one']);

      // Truncated in place (copytruncate): read again from the start.
      truncateSync(file, 0);
      await poll();
      appendFileSync(file, 'ERROR after truncation\n');
      await poll();
      await waitFor(async () => (await errors(t)) === 4);

      // Rotated: the old file's last lines are read, then the new file from its start.
      appendFileSync(file, 'ERROR last words of the old file\n');
      renameSync(file, file + '.1');
      writeFileSync(file, 'ERROR first in the new file\n');
      await poll();
      await waitFor(async () => (await errors(t)) === 6);
      appendFileSync(file, 'ERROR written before the stop\n');
      await poll();
      await waitFor(async () => (await errors(t)) === 7);
    } finally {
      await t.stop();
    }

    // While stopped: more lines, then a rotation. After the restart the rest of the rotated file
    // is read (found by its inode), then the new one; nothing is counted twice.
    appendFileSync(file, 'ERROR while stopped, before rotation\n');
    renameSync(file, file + '.2');
    writeFileSync(file, 'ERROR while stopped, after rotation\n');
    t = await startTestCore(settings(), { dir: data });
    try {
      await t.core.telemetry.files.poll();
      await waitFor(async () => (await errors(t)) === 2);
      const recent = (await (await fetch(`${t.url}/api/v1/logs/recent?source=app`)).json()) as { lines: Array<{ line: string }> };
      expect(recent.lines.map((l) => l.line)).toEqual(['ERROR while stopped, after rotation', 'ERROR while stopped, before rotation']);
    } finally {
      await t.stop();
    }
  });
});
