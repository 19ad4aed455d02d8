// The step before `npm start`/`dev`/`dist` that makes sure the Electron binary is there. It runs
// Electron's real installer (a copy of node_modules/electron's install.js, package.json and
// checksums, with the real @electron/get) against a local HTTP mirror that answers 404 or a file
// that fails its checksum; a present binary or an ELECTRON_OVERRIDE_DIST_PATH must download nothing.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseInstallFailure, executableIn, locateElectron } from '../../scripts/electron-binary.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/electron-binary.ts');
const REAL = join(ROOT, 'node_modules');

let mirror: Server;
let mirrorUrl = '';
let answer: 'notfound' | 'garbage' = 'notfound';
const requests: string[] = [];

beforeAll(async () => {
  mirror = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (answer === 'notfound') {
      res.statusCode = 404;
      res.end('not here');
    } else res.end('these bytes are not the Electron zip the checksum names');
  });
  await new Promise<void>((ok) => mirror.listen(0, '127.0.0.1', ok));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((ok) => mirror.close(() => ok())));

/** A node_modules with a copy of the electron package (no binary) beside the real @electron/get. */
function electronPackage(): string {
  const top = mkdtempSync(join(tmpdir(), 'radiator-electron-pkg-'));
  const dir = join(top, 'node_modules', 'electron');
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'install.js', 'checksums.json']) copyFileSync(join(REAL, 'electron', f), join(dir, f));
  symlinkSync(join(REAL, '@electron'), join(top, 'node_modules', '@electron'));
  symlinkSync(join(REAL, '@electron-internal'), join(top, 'node_modules', '@electron-internal'));
  return dir;
}

/** A stand-in executable where an Electron would be: this step only checks that one exists. */
function placeExecutable(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, executableIn(process.platform));
  writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  chmodSync(exe, 0o755);
  return exe;
}

/** The step as npm runs it, in a child (asynchronously: the mirror answers from this process). */
function run(electronDir: string, env: Record<string, string>, cmd: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ELECTRON_|electron_|npm_config_electron|HTTPS?_PROXY)/i.test(k)));
  const child = spawn(process.execPath, [SCRIPT, ...cmd], {
    env: { ...clean, RADIATOR_ELECTRON_DIR: electronDir, electron_config_cache: mkdtempSync(join(tmpdir(), 'radiator-electron-cache-')), ELECTRON_MIRROR: mirrorUrl, ...env },
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok) => child.on('close', (status) => ok({ status, stdout, stderr })));
}

describe('the Electron binary step', () => {
  it('is a no-op when the binary is installed, and hands its path to the command', async () => {
    const dir = electronPackage();
    const exe = placeExecutable(join(dir, 'dist'));
    writeFileSync(join(dir, 'path.txt'), executableIn(process.platform));
    requests.length = 0;
    const r = await run(dir, {}, [process.execPath, '-e', 'console.log("child saw " + process.env.ELECTRON_EXEC_PATH)']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`child saw ${exe}`);
    expect(requests).toEqual([]);
  });

  it('says what failed and the ways forward, exit 1, when the mirror answers 404', async () => {
    const dir = electronPackage();
    answer = 'notfound';
    requests.length = 0;
    const r = await run(dir, {}, [process.execPath, '-e', 'console.log("must not run")']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('must not run');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^\/v\d+\.\d+\.\d+\/electron-v[\d.]+-[a-z0-9]+-[a-z0-9]+\.zip$/);
    expect(r.stderr).toContain('cannot start the desktop app');
    expect(r.stderr).toMatch(/the download server answered 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/v[\d.]+\/electron-/);
    for (const way of ['ELECTRON_MIRROR=', 'HTTPS_PROXY=', 'ELECTRON_OVERRIDE_DIST_PATH=', 'npm run serve']) expect(r.stderr).toContain(way);
  });

  it('refuses a download whose checksum fails, and keeps nothing', async () => {
    const dir = electronPackage();
    answer = 'garbage';
    const r = await run(dir, {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the downloaded electron-v[\d.]+-\S+\.zip failed its checksum/);
    expect(locateElectron(dir, {}).found).toBe(false);
  });

  it('says the server could not be reached when nothing listens', async () => {
    const dir = electronPackage();
    const r = await run(dir, { ELECTRON_MIRROR: 'http://127.0.0.1:1/' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('could not be reached');
  });

  it('uses ELECTRON_OVERRIDE_DIST_PATH without downloading, and names it when it holds no Electron', async () => {
    const dir = electronPackage();
    const other = mkdtempSync(join(tmpdir(), 'radiator-electron-override-'));
    const exe = placeExecutable(other);
    requests.length = 0;
    const ok = await run(dir, { ELECTRON_OVERRIDE_DIST_PATH: other });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(exe);
    const empty = mkdtempSync(join(tmpdir(), 'radiator-electron-override-'));
    const bad = await run(dir, { ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH is set, but there is no Electron executable at ${join(empty, executableIn(process.platform))}`);
    expect(requests).toEqual([]);
  });

  it('reads the installer output it cannot classify as the installer failing', () => {
    expect(diagnoseInstallFailure('Error: EACCES: permission denied, mkdir /x\n    at y')).toBe("Electron's installer failed: Error: EACCES: permission denied, mkdir /x");
    expect(diagnoseInstallFailure('')).toBe("Electron's installer failed without saying why");
  });
});
