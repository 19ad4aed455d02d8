// `radiator serve`: the core without Electron. Prints each listener, serves the boards at
// http://127.0.0.1:7070/, and flushes and exits cleanly on SIGINT/SIGTERM.
// `npm run serve` runs the bundle `npm run build` makes (out/cli/cli.js, about 40 MB less RSS
// at idle than the sources); from source under Node 24 (type stripping): `node src/main/cli.ts serve`.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactingLog, redactText } from '../shared/redact.ts';
import { parseArgs } from 'node:util';
import envPaths from 'env-paths';
import { SettingsError, type Settings } from '../shared/settings.ts';
import { SettingsStore } from './core/settings/settings-store.ts';
import { ConfPersistence } from './core/settings/conf-persistence.ts';
import { parseSettingsFile } from './core/settings/settings-file.ts';
import { startCore } from './core/core.ts';
import { startDemo } from './core/demo/simulator.ts';
import { demoSettings, demoWebhooks, type DemoWebhooks } from './core/demo/pipeline.ts';
import { parseDuration } from '../shared/settings.ts';
import { applyHeapMode, hasStartupV8Flags, STARTUP_V8_FLAGS } from './core/heap-mode.ts';
import { RadiatorError } from '../shared/errors.ts';

/** Exit code when the store is damaged (exit 1 is a listener that cannot start, 2 bad flags). */
const EXIT_STORE_DAMAGED = 3;
/** Exit code when the disk holding the store is full at start. */
const EXIT_STORE_DISK_FULL = 4;

const HELP = `Usage: radiator serve [options]

Starts Radiator's collector, store and boards without Electron, and serves the boards at
http://127.0.0.1:7070/ for any browser (a TV's, a Raspberry Pi's).

Options:
  --data-dir <dir>              Where the store lives (default: ${envPaths('radiator', { suffix: '' }).data})
  --repair                      If the store is damaged (an empty or corrupt radiator.db), move its files aside
                                as radiator.db*.damaged-<time> and start with an empty store, saying what moved
  --config <file>               Settings file, JSON (default: ${join(envPaths('radiator', { suffix: '' }).config, 'settings.json')}).
                                Boards, playlists, display, alert rules and sources edited while
                                running are saved back to it (flags are not). Edited by hand
                                while running, it is loaded at once; a bad edit is kept aside
                                as <file>.invalid-<time> and the running settings stay.
  --host <address>              Bind address of every listener (server.host; default 127.0.0.1).
                                Anything but loopback needs --token.
  --http-port <port>            HTTP API, Prometheus-style push, live feed, boards (server.httpPort; default 7070)
  --statsd-port <port|off>      StatsD/DogStatsD over UDP (receivers.statsd.udpPort; default 8125)
  --statsd-tcp-port <port|off>  StatsD over TCP, newline-framed (receivers.statsd.tcpPort; default 8125)
  --push-port <port|off>        Pushgateway-compatible push (receivers.push.port; default 9091)
  --otlp-port <port|off>        OpenTelemetry OTLP/HTTP metrics, POST /v1/metrics (receivers.otlp.port; default 4318)
  --syslog-port <port|off>      Syslog (RFC 5424/3164) over UDP and TCP, turned into log metrics (logs.syslog.port; default off)
  --flush-interval <duration>   How often received data is aggregated and stored (collector.flushInterval; default 1s)
  --max-series <n>              Series cap; past it new series fold into an overflow series (store.maxSeries; default 100000)
  --token <token>               Required from every client not on loopback (server.token; 16+ characters)
  --no-host-metrics             Do not sample this machine's CPU, memory, disks and network
  --set <path=value>            Any other setting, e.g. --set store.retention.raw=7d (repeatable; JSON values allowed)
  --demo                        Simulate a team's apps, CI and an A/B test pushing data through the real receivers
                                (adds a demo CI webhook, an experiment and an on-call rotation while it runs)
  --demo-history <duration>     History the demo backfills at start (default 6h; 0 for none)
  --renderer-dir <dir>          Serve the boards from this directory (default: the built out/renderer)
  -v, --version                 Print the version
  -h, --help                    Print this help

Durations: 1500 (ms), 90s, 5m, 3d. Settings precedence: defaults < settings file < flags.
Environment: RADIATOR_HEAP=small runs V8 with --optimize-for-size (less memory after a large
import, slower ingest); the default keeps V8's heap sizing.
Exit codes: 0 after a clean stop; 2 for bad flags or settings; 1 when a listener cannot start;
3 when the store is damaged (STORE_DAMAGED: restore a backup, or start again with --repair);
4 when the disk holding the store is full (STORE_DISK_FULL: free space on it and start again).`;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function fail(message: string, code = 2): never {
  process.stderr.write(`radiator: ${message}\n`);
  process.exit(code);
}

/** Set `a.b.c` in a nested object. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (p === '__proto__' || p === 'constructor' || p === 'prototype') fail(`--set ${path}: not a setting`);
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

const portOrOff = (flag: string, v: string): number | false => {
  if (v === 'off' || v === 'false') return false;
  if (!/^\d+$/.test(v)) fail(`${flag} must be a port number or "off" (got "${v}")`);
  return Number(v);
};

export interface ServeArgs {
  settings: Settings;
  /** The settings file with the flags on top; edits from the boards' settings are saved to the file. */
  settingsStore: SettingsStore;
  dataDir: string;
  /** --repair: move a damaged store aside and start empty. */
  repair: boolean;
  rendererDir: string;
  /** --demo: the demo's webhook secrets (null without --demo). */
  demo: DemoWebhooks | null;
  demoHistoryMs: number;
}

export function parseServeArgs(argv: string[]): ServeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        repair: { type: 'boolean' },
        config: { type: 'string' },
        host: { type: 'string' },
        'http-port': { type: 'string' },
        'statsd-port': { type: 'string' },
        'statsd-tcp-port': { type: 'string' },
        'push-port': { type: 'string' },
        'otlp-port': { type: 'string' },
        'syslog-port': { type: 'string' },
        'flush-interval': { type: 'string' },
        'max-series': { type: 'string' },
        token: { type: 'string' },
        'no-host-metrics': { type: 'boolean' },
        set: { type: 'string', multiple: true },
        demo: { type: 'boolean' },
        'demo-history': { type: 'string' },
        'renderer-dir': { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}\n\n${HELP}`);
  }
  const { values: f, positionals } = parsed;
  if (f.help) {
    process.stdout.write(HELP + '\n');
    process.exit(0);
  }
  if (f.version) {
    process.stdout.write(version() + '\n');
    process.exit(0);
  }
  if (positionals.length > 0 && !(positionals.length === 1 && positionals[0] === 'serve')) {
    fail(`unknown command "${positionals.join(' ')}"; the command is "serve"\n\n${HELP}`);
  }

  const paths = envPaths('radiator', { suffix: '' });
  const configFile = f.config ?? join(paths.config, 'settings.json');
  let input: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    // Migrated from an older format if need be; a bad file stops the start (with why), never a
    // silent reset.
    const parsed = parseSettingsFile(readFileSync(configFile, 'utf8'));
    if (!parsed.ok) fail(`the settings file ${configFile} cannot be used: ${parsed.problems.join('; ')}`);
    input = parsed.file;
    if (parsed.migratedFrom !== null) process.stdout.write(`note: ${configFile} is in the version ${parsed.migratedFrom} format; it is read as the current one and saved so on the next edit\n`);
  } else if (f.config) {
    if (!existsSync(dirname(resolve(f.config)))) fail(`--config ${f.config}: no such directory`);
    process.stdout.write(`note: ${f.config} does not exist yet; starting from the defaults, and edits made while running are saved there\n`);
  }
  const flagPaths: Array<[string, string]> = [];
  const flags: Record<string, unknown> = {};
  const put = (flag: string, path: string, value: unknown) => {
    setPath(flags, path, value);
    flagPaths.push([path, flag]);
  };
  if (f.host !== undefined) put('--host', 'server.host', f.host);
  if (f['http-port'] !== undefined) put('--http-port', 'server.httpPort', portOrOff('--http-port', f['http-port']));
  if (f['statsd-port'] !== undefined) put('--statsd-port', 'receivers.statsd.udpPort', portOrOff('--statsd-port', f['statsd-port']));
  if (f['statsd-tcp-port'] !== undefined) put('--statsd-tcp-port', 'receivers.statsd.tcpPort', portOrOff('--statsd-tcp-port', f['statsd-tcp-port']));
  if (f['push-port'] !== undefined) put('--push-port', 'receivers.push.port', portOrOff('--push-port', f['push-port']));
  if (f['otlp-port'] !== undefined) put('--otlp-port', 'receivers.otlp.port', portOrOff('--otlp-port', f['otlp-port']));
  if (f['syslog-port'] !== undefined) put('--syslog-port', 'logs.syslog.port', portOrOff('--syslog-port', f['syslog-port']));
  if (f['flush-interval'] !== undefined) put('--flush-interval', 'collector.flushInterval', f['flush-interval']);
  if (f['max-series'] !== undefined) put('--max-series', 'store.maxSeries', /^\d+$/.test(f['max-series']) ? Number(f['max-series']) : f['max-series']);
  if (f.token !== undefined) put('--token', 'server.token', f.token);
  if (f['no-host-metrics']) put('--no-host-metrics', 'receivers.host.enabled', false);
  for (const kv of f.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) fail(`--set takes path=value (got "${kv}")`);
    const raw = kv.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a bare string */
    }
    put('--set', kv.slice(0, eq), value);
  }

  let demoHistoryMs = 6 * 3_600_000;
  if (f['demo-history'] !== undefined) {
    const d = parseDuration(f['demo-history']);
    if (d === undefined || d < 0 || d > 7 * 86_400_000) fail(`--demo-history must be a duration between 0 and 7d (got "${f['demo-history']}")`);
    demoHistoryMs = d;
  }
  // --demo brings its own CI webhooks, experiment and on-call rotation, as flags: they apply while
  // it runs and are never written to the settings file.
  const webhooks = f.demo ? demoWebhooks() : null;
  if (webhooks) {
    for (const [k, v] of Object.entries(demoSettings(webhooks, Date.now() - Math.max(demoHistoryMs, 3_600_000)))) {
      if (!(k in flags)) put('--demo', k, v);
    }
  }

  let settingsStore: SettingsStore;
  try {
    settingsStore = new SettingsStore(input, flags, new ConfPersistence(configFile));
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    // Name the flag (or the file) each problem came from.
    const lines = e.problems.map((p) => {
      const hit = flagPaths.find(([path]) => p.startsWith(path + ' ') || p.startsWith(path + ':'));
      return hit ? `${hit[1]}: ${p}` : existsSync(configFile) ? `${configFile}: ${p}` : p;
    });
    fail(`refusing to start, invalid settings:\n  ${lines.join('\n  ')}`);
  }
  return {
    settings: settingsStore.current,
    settingsStore,
    dataDir: resolve(f['data-dir'] ?? paths.data),
    repair: f.repair === true,
    rendererDir: resolve(f['renderer-dir'] ?? join(root, 'out', 'renderer')),
    demo: webhooks,
    demoHistoryMs,
  };
}

async function main(): Promise<void> {
  // Before anything grows the heap (core/heap-mode.ts).
  applyHeapMode();
  const args = parseServeArgs(process.argv.slice(2));
  const v = version();
  process.stdout.write(`radiator ${v} — data in ${args.dataDir}\n`);
  let core;
  try {
    // Log lines may quote a configured URL (a scrape target, a webhook): never with its secret.
    core = await startCore({ settingsStore: args.settingsStore, dataDir: args.dataDir, repairStore: args.repair, rendererDir: args.rendererDir, version: v, log: redactingLog((l) => console.log(l)) });
  } catch (e) {
    if (e instanceof RadiatorError && e.code === 'STORE_DAMAGED') fail(`refusing to start: ${e.message}`, EXIT_STORE_DAMAGED);
    if (e instanceof RadiatorError && e.code === 'STORE_DISK_FULL') fail(`cannot start: ${e.message}`, EXIT_STORE_DISK_FULL);
    fail(`cannot start: ${redactText((e as Error).message)}`, 1);
  }
  const ports = core.ports();
  const boards = `http://${args.settings.server.host.includes(':') ? `[${args.settings.server.host}]` : args.settings.server.host}:${ports.http}/`;
  if (!existsSync(join(args.rendererDir, 'index.html'))) {
    process.stdout.write(`note: the boards are not built (${args.rendererDir}); run \`npm run build\` — the API and receivers work regardless\n`);
  }
  if (!hasStartupV8Flags()) {
    process.stdout.write(`note: Node was started without ${STARTUP_V8_FLAGS.join(' ')}; V8's young generation may hold up to ~130 MB more (\`npm run serve\` passes it; see src/main/core/heap-mode.ts)\n`);
  }
  process.stdout.write(`boards: ${boards}\n`);
  const demo = args.demo
    ? await startDemo({
        host: ['0.0.0.0', '::', 'localhost'].includes(args.settings.server.host) ? '127.0.0.1' : args.settings.server.host,
        httpPort: ports.http,
        statsdPort: ports.statsdUdp,
        pushPort: ports.push,
        historyMs: args.demoHistoryMs,
        webhooks: args.demo,
        log: (l) => process.stdout.write(`demo: ${l}\n`),
      })
    : null;

  let stopping = 0;
  const stop = async (signal: string) => {
    if (stopping) {
      // conf's atomic writer (when-exit) re-raises the signal it caught at once; only a second
      // signal from the user, a moment later, means "stop waiting".
      if (Date.now() - stopping < 1_000) return;
      process.stderr.write(`radiator: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = Date.now();
    process.stdout.write(`radiator: ${signal}, flushing and stopping\n`);
    await demo?.stop();
    await core.stop();
    process.stdout.write('radiator: stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
