// `npm test`: every suite, one after another, and one closing line summing them:
//   N passed, N failed[, N skipped]
// Suites: the type checks (tsc per process, svelte-check), the build (before the tests: some
// check the bundle), the electronegativity gate on the built app, vitest (unit and
// integration), Playwright in Debian's Chromium and the desktop app's Electron e2e (skipped, with
// its reason, where no Electron binary is installed). Each type check, the build and the gate
// count as one test.
// Flags: --only <suite> (types|build|security|unit|e2e), repeatable.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = new Set<string>();
for (let i = 0; i < args.length; i++) if (args[i] === '--only' && args[i + 1]) only.add(args[++i]!);
const want = (s: string) => only.size === 0 || only.has(s);

const out = join('test-results', 'json');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];

function run(cmd: string, cmdArgs: string[], env: Record<string, string> = {}): number {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function check(name: string, cmd: string, cmdArgs: string[]): void {
  process.stdout.write(`\n── ${name} ──\n`);
  const ok = run(cmd, cmdArgs) === 0;
  if (ok) total.passed++;
  else total.failed++;
  lines.push(`${name}: ${ok ? 'passed' : 'FAILED'}`);
}

const bin = (name: string) => join('node_modules', '.bin', name);

if (want('types')) {
  check('tsc (main, preload, shared, tests)', bin('tsc'), ['-p', 'tsconfig.node.json']);
  check('tsc (e2e)', bin('tsc'), ['-p', 'tsconfig.e2e.json']);
  check('tsc (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json']);
  check('tsc (browser snippet /client.js)', bin('tsc'), ['-p', 'tsconfig.client.json']);
  check('svelte-check', bin('svelte-check'), ['--tsconfig', 'tsconfig.web.json', '--fail-on-warnings', '--output', 'human']);
}

let built = true;
if (want('build') || want('e2e') || want('unit') || want('security')) {
  process.stdout.write('\n── build (electron-vite, then the serve bundle) ──\n');
  built = run(bin('electron-vite'), ['build']) === 0 && run(bin('vite'), ['build', '-c', 'vite.cli.config.ts']) === 0;
  if (built) total.passed++;
  else total.failed++;
  lines.push(`build: ${built ? 'passed' : 'FAILED'}`);
}

// Electron's security checklist, checked on the built app (see scripts/electronegativity-gate.ts).
if (want('security') && built) check('electronegativity (built app)', process.execPath, ['scripts/electronegativity-gate.ts']);

if (want('unit')) {
  process.stdout.write('\n── vitest (unit and integration) ──\n');
  const file = join(out, 'vitest.json');
  run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
    // A file that fails to load has no tests to count; count it as a failure.
    const t = { passed: r.numPassedTests, failed: r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0), skipped: r.numPendingTests + r.numTodoTests };
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
    lines.push(`vitest: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  } else {
    total.failed++;
    lines.push('vitest: no report (it did not run)');
  }
}

if (want('e2e')) {
  process.stdout.write('\n── playwright (Chromium) ──\n');
  const file = join(process.cwd(), out, 'playwright.json');
  if (built) run(bin('playwright'), ['test'], { PW_JSON_OUT: file });
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; skipped: number; flaky: number }; errors?: unknown[] };
    const t = { passed: r.stats.expected, failed: r.stats.unexpected + r.stats.flaky + (r.errors?.length ?? 0), skipped: r.stats.skipped };
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
    lines.push(`playwright: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  } else {
    total.failed++;
    lines.push('playwright: no report (it did not run)');
  }
}

process.stdout.write(`\n── summary ──\n${lines.join('\n')}\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
process.exit(total.failed > 0 ? 1 : 0);
