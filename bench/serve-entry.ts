// The `serve` every bench starts is the one `npm run serve` runs: the bundle `npm run build` makes
// (out/cli/cli.js, vite.cli.config.ts), not the sources. Running the sources costs Node's TypeScript stripper and
// every module's own text, about 40 MB of RSS at idle, which a user's collector does not pay.
// The bundle is rebuilt first when it is missing or older than any file under src/main or
// src/shared, so a bench never measures stale code; the Playwright suite's global setup does the same.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const SERVE_ENTRY = join(ROOT, 'out/cli/cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** The path of the built `serve` entry, building it first when it is missing or stale. */
export function serveEntry(): string {
  const built = existsSync(SERVE_ENTRY) ? statSync(SERVE_ENTRY).mtimeMs : 0;
  const sources = Math.max(newestMtime(join(ROOT, 'src/main')), newestMtime(join(ROOT, 'src/shared')), statSync(join(ROOT, 'vite.cli.config.ts')).mtimeMs);
  if (built < sources) {
    process.stdout.write('building the serve bundle (npm run build) …\n');
    // npm is npm.cmd on Windows, which only a shell runs.
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
    if (r.status !== 0) throw new Error(`npm run build failed (${r.error ? r.error.message : `exit ${r.status}`})`);
  }
  return SERVE_ENTRY;
}
