// Makes sure the Electron binary is there before `npm start`, `npm run dev` and `npm run dist`,
// then runs the given command with ELECTRON_EXEC_PATH pointing at it.
//   node scripts/electron-binary.ts [command args…]
// Since Electron 42 the `electron` package downloads its binary lazily, not at install time, and
// electron-vite 6 only reads `node_modules/electron/path.txt` ("Error: Electron uninstall").
// This step runs Electron's own installer (`node_modules/electron/install.js`: ELECTRON_MIRROR,
// electron_config_cache and the shipped checksums all apply) when the binary is missing, is
// instant when it is present, and when the binary cannot be had says what failed and the ways
// forward, with a non-zero exit. It never runs at `npm install`, which stays offline-safe.
// It does not fake or patch Electron: it only finds it, or asks Electron's installer for it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The executable's path inside an Electron dist folder, as Electron's installer names it. */
export function executableIn(platform: string): string {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
}

export type Located =
  | { found: true; path: string; via: 'ELECTRON_EXEC_PATH' | 'ELECTRON_OVERRIDE_DIST_PATH' | 'installed' }
  | { found: false; path: string; via: 'ELECTRON_EXEC_PATH' | 'ELECTRON_OVERRIDE_DIST_PATH' | 'installed'; downloadable: boolean };

/** Where the Electron binary is, without downloading anything (require('electron') would). An
 * explicit ELECTRON_EXEC_PATH or ELECTRON_OVERRIDE_DIST_PATH is never second-guessed by a
 * download: if it names nothing, that is the error. */
export function locateElectron(electronDir: string, env: NodeJS.ProcessEnv, platform: string = process.platform): Located {
  if (env.ELECTRON_EXEC_PATH) {
    const path = resolve(env.ELECTRON_EXEC_PATH);
    return existsSync(path) ? { found: true, path, via: 'ELECTRON_EXEC_PATH' } : { found: false, path, via: 'ELECTRON_EXEC_PATH', downloadable: false };
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = resolve(env.ELECTRON_OVERRIDE_DIST_PATH, executableIn(platform));
    return existsSync(path) ? { found: true, path, via: 'ELECTRON_OVERRIDE_DIST_PATH' } : { found: false, path, via: 'ELECTRON_OVERRIDE_DIST_PATH', downloadable: false };
  }
  const pathFile = join(electronDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : executableIn(platform);
  const path = join(electronDir, 'dist', rel);
  return existsSync(path) ? { found: true, path, via: 'installed' } : { found: false, path, via: 'installed', downloadable: true };
}

/** What went wrong, in a line, from what Electron's installer printed. */
export function diagnoseInstallFailure(output: string): string {
  const http = /HTTPError: Response code (\d+) \(([^)]*)\) for (\S+)/.exec(output);
  if (http) return `the download server answered ${http[1]} ${http[2]} for ${http[3]}`;
  const sum = /Generated checksum for "([^"]+)" did not match expected checksum/.exec(output);
  if (sum) return `the downloaded ${sum[1]} failed its checksum (a proxy or mirror altered it, or the download was cut short)`;
  if (/fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|UND_ERR_CONNECT/.test(output)) {
    return 'the download server could not be reached (no internet, DNS, a firewall, or a proxy that is not set)';
  }
  const last = output.trim().split('\n').find((l) => /\S/.test(l));
  return last ? `Electron's installer failed: ${last.trim()}` : "Electron's installer failed without saying why";
}

/** The message for a binary that cannot be had: what failed, then every way forward. */
export function cannotStartMessage(version: string, located: Located, reason: string): string {
  return [
    `radiator: cannot start the desktop app: the Electron ${version} binary is not available.`,
    `  ${reason}`,
    '',
    'Ways forward:',
    '  - download it from a mirror:          ELECTRON_MIRROR=<mirror url ending in />  npm start',
    '  - download it through a proxy:        HTTPS_PROXY=http://proxy.example:3128  npm start',
    `  - use an Electron ${version.split('.')[0]} you already have:  ELECTRON_OVERRIDE_DIST_PATH=<its folder>  npm start`,
    '  - or the same boards without Electron, in any browser:  npm run serve   (then open http://127.0.0.1:7070/)',
    located.via === 'installed' ? `(looked for ${located.path})` : '',
  ]
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .join('\n');
}

export interface EnsureResult {
  ok: boolean;
  path?: string;
  message?: string;
  downloaded?: boolean;
}

/** Finds the binary, or runs Electron's own installer for it, once. */
export function ensureElectron(electronDir: string, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): EnsureResult {
  const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version;
  const first = locateElectron(electronDir, env, platform);
  if (first.found) return { ok: true, path: first.path };
  if (!first.downloadable) {
    return { ok: false, message: cannotStartMessage(version, first, `${first.via} is set, but there is no Electron executable at ${first.path}`) };
  }
  process.stderr.write(`radiator: first start: downloading the Electron ${version} binary (about 110 MB, once) with Electron's installer…\n`);
  // Node's fetch (which Electron's installer uses) honours HTTP(S)_PROXY only when asked to.
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    env: { ...env, ...(proxy ? { NODE_USE_ENV_PROXY: '1' } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const after = locateElectron(electronDir, env, platform);
  if (r.status === 0 && after.found) return { ok: true, path: after.path, downloaded: true };
  const reason = r.error ? `could not run Electron's installer: ${r.error.message}` : diagnoseInstallFailure(r.stderr ?? '');
  return { ok: false, message: cannotStartMessage(version, after, reason) };
}

function electronPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

if (import.meta.main) {
  const result = ensureElectron(process.env.RADIATOR_ELECTRON_DIR ?? electronPackageDir());
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    process.exit(1);
  }
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    process.stdout.write(`${result.path}\n`);
    process.exit(0);
  }
  // electron-vite reads ELECTRON_EXEC_PATH before path.txt, so an override is honoured too.
  const run = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ELECTRON_EXEC_PATH: result.path }, shell: process.platform === 'win32' });
  process.exit(run.status ?? 1);
}
