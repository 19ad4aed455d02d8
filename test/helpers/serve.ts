// Run `radiator serve` as its own process (as a user would), and find its ports in its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { tempDir } from './core.ts';

export const CLI = resolve(import.meta.dirname, '../../src/main/cli.ts');
/** The bundle `npm run build` makes and `npm run serve` runs (the Playwright suite runs it, after the build). */
export const CLI_BUNDLE = resolve(import.meta.dirname, '../../out/cli/cli.js');

export interface Served {
  proc: ChildProcess;
  output: () => string;
  ports: Record<string, number>;
  exited: Promise<number | null>;
}

/** Start the CLI; resolves once every listener line is printed. */
export function serve(args: string[], opts: { expectListeners?: number; timeoutMs?: number; nodeArgs?: readonly string[]; bundle?: boolean } = {}): Promise<Served> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bundle ? CLI_BUNDLE : CLI, 'serve', ...args], {
    env: { ...process.env, XDG_CONFIG_HOME: tempDir('radiator-cfg-'), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const want = opts.expectListeners ?? 1;
  return new Promise((resolveP, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${out}`)), opts.timeoutMs ?? 15_000);
    const check = () => {
      const ports: Record<string, number> = {};
      for (const m of out.matchAll(/^listening: (\S+) (?:http:\/\/)?(?:\S+ )?[^\s:]+:(\d+)/gm)) ports[m[1] === 'statsd' ? 'statsd' : m[1]!] = Number(m[2]);
      for (const m of out.matchAll(/^listening: statsd (udp|tcp) [\d.]+:(\d+)/gm)) ports[`statsd_${m[1]}`] = Number(m[2]);
      if (Object.keys(ports).filter((k) => k !== 'statsd').length >= want && out.includes('boards:')) {
        clearTimeout(timer);
        resolveP({ proc, output: () => out, ports, exited });
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

/** Run the CLI to completion (for flags that exit). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolveP) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: tempDir('radiator-cfg-'), NODE_NO_WARNINGS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => resolveP({ code, out }));
  });
}
