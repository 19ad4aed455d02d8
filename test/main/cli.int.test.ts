// `radiator serve` as a user runs it: --help, refusals of bad flags and settings, a clean stop.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/core.ts';
import { runCli, serve } from '../helpers/serve.ts';
import { STARTUP_V8_FLAGS } from '../../src/main/core/heap-mode.ts';

describe('radiator serve', () => {
  it('--help documents every flag', async () => {
    const { code, out } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--data-dir', '--repair', '--config', '--host', '--http-port', '--statsd-port', '--statsd-tcp-port', '--push-port', '--otlp-port', '--syslog-port', '--flush-interval', '--max-series', '--token', '--no-host-metrics', '--set', '--demo', '--demo-history', '--renderer-dir', '--version', '--help']) {
      expect(out).toContain(flag);
    }
  });

  it.each([
    [['--http-port', '70000'], '--http-port: server.httpPort = 70000: must be between 0 and 65535'],
    [['--statsd-port', 'eighty'], '--statsd-port must be a port number or "off" (got "eighty")'],
    [['--flush-interval', '5x'], '--flush-interval: collector.flushInterval = "5x": must be a duration'],
    [['--host', '0.0.0.0'], 'server.token = null: must be set when server.host is 0.0.0.0'],
    [['--set', 'store.nope=1'], 'store.nope: unknown setting'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'unknown command "serve extra"'],
  ])('refuses %j, naming the flag, the setting, the value and the rule', async (args, message) => {
    const { code, out } = await runCli(['serve', ...args, '--data-dir', tempDir()]);
    expect(code).toBe(2);
    expect(out).toContain(message);
  });

  it('refuses a bad settings file, naming the file and the setting', async () => {
    const dir = tempDir();
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ store: { retention: { raw: 'forever' } } }));
    const { code, out } = await runCli(['serve', '--config', file, '--data-dir', dir]);
    expect(code).toBe(2);
    expect(out).toContain(`${file}: store.retention.raw = "forever": must be a duration`);
    writeFileSync(file, '{ not json');
    expect((await runCli(['serve', '--config', file, '--data-dir', dir])).out).toContain('not valid JSON');
  });

  it('refuses a damaged store with its path, the remedy and exit code 3; --repair moves it aside and starts', async () => {
    const dir = tempDir();
    const db = join(dir, 'radiator.db');
    writeFileSync(db, '');
    const quiet = ['--data-dir', dir, '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics'];
    const refused = await runCli(['serve', ...quiet]);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain(`refusing to start: the store ${db} is damaged: the database file is empty (0 bytes)`);
    expect(refused.out).toContain('--repair');
    expect(existsSync(db)).toBe(true);
    const s = await serve([...quiet, '--repair']);
    expect(s.output()).toContain(`--repair moved ${db}.damaged-`);
    expect(s.output()).toContain('aside and started with an empty store');
    expect(readdirSync(dir).filter((f) => f.startsWith('radiator.db.damaged-'))).toHaveLength(1);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('says which port is taken when it cannot listen', async () => {
    const first = await serve(['--data-dir', tempDir(), '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics']);
    const port = first.ports.api!;
    const { code, out } = await runCli(['serve', '--data-dir', tempDir(), '--http-port', String(port), '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off']);
    expect(code).toBe(1);
    expect(out).toContain(`the HTTP API on port ${port}: the port is in use by another program; free it or change server.httpPort (--http-port)`);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('prints each listener, and on SIGTERM flushes what arrived and exits 0', async () => {
    const dir = tempDir();
    const s = await serve(['--data-dir', dir, '--http-port', '0', '--statsd-port', '0', '--statsd-tcp-port', '0', '--push-port', '0', '--otlp-port', 'off', '--no-host-metrics', '--flush-interval', '60s'], { expectListeners: 3 });
    expect(s.output()).toMatch(/listening: api http:\/\/127\.0\.0\.1:\d+/);
    expect(s.output()).toMatch(/listening: statsd udp 127\.0\.0\.1:\d+ \(receive buffer \d+ KiB\)/);
    expect(s.output()).toMatch(/listening: statsd tcp 127\.0\.0\.1:\d+/);
    expect(s.output()).toMatch(/listening: push http:\/\/127\.0\.0\.1:\d+/);
    // With a 60 s flush, this sample is still pending when the signal comes.
    const r = await fetch(`http://127.0.0.1:${s.ports.api}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"before_stop","value":42}' });
    expect(r.status).toBe(200);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('radiator: stopped');
    const again = await serve(['--data-dir', dir, '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics']);
    const body = (await (await fetch(`http://127.0.0.1:${again.ports.api}/api/v1/columns?match=before_stop&from=-1h`)).json()) as { columns: number[][] };
    expect(body.columns[1]).toEqual([42]);
    again.proc.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('says when Node was started without the V8 flags npm run serve passes, and not when it was', async () => {
    const args = ['--data-dir', tempDir(), '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics'];
    const bare = await serve(args);
    expect(bare.output()).toContain(`note: Node was started without ${STARTUP_V8_FLAGS.join(' ')}`);
    bare.proc.kill('SIGTERM');
    expect(await bare.exited).toBe(0);
    const flagged = await serve(['--data-dir', tempDir(), ...args.slice(2)], { nodeArgs: STARTUP_V8_FLAGS });
    expect(flagged.output()).not.toContain('note: Node was started without');
    flagged.proc.kill('SIGTERM');
    expect(await flagged.exited).toBe(0);
  });
});
