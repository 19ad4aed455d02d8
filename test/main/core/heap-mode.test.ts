// V8's default heap sizing unless RADIATOR_HEAP=small (what each costs is measured by bench:statsd
// and bench:promql --series, and written in core/heap-mode.ts; not asserted here: it is the machine's).
// The young generation's cap only works as a start-up flag, so the scripts that start Radiator
// must carry it: this test keeps them and STARTUP_V8_FLAGS in step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStartupV8Flags, heapModeOf, STARTUP_V8_FLAGS } from '../../../src/main/core/heap-mode.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('heap mode', () => {
  it('is speed by default and small only when asked', () => {
    expect(heapModeOf({})).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'speed' })).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'something' })).toBe('speed');
    expect(heapModeOf({ RADIATOR_HEAP: 'small' })).toBe('small');
  });
});

describe('start-up V8 flags', () => {
  it('are recognised from Node’s execArgv or Electron’s --js-flags, and missed otherwise', () => {
    expect(STARTUP_V8_FLAGS.length).toBeGreaterThan(0);
    expect(hasStartupV8Flags([...STARTUP_V8_FLAGS], ['node', 'cli.ts', 'serve'])).toBe(true);
    expect(hasStartupV8Flags([], ['electron', '.', `--js-flags=--expose-gc ${STARTUP_V8_FLAGS.join(' ')}`])).toBe(true);
    expect(hasStartupV8Flags([], ['node', 'cli.ts', 'serve'])).toBe(false);
    expect(hasStartupV8Flags(['--max-semi-space-size=64'], ['electron', '.', '--js-flags=--max-semi-space-size=64'])).toBe(false);
  });

  it('are passed by `npm run serve` to Node and by `npm start` to Electron', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const serve = scripts.serve!.split(/\s+/);
    const cli = serve.indexOf('out/cli/cli.js');
    expect(cli).toBeGreaterThan(0);
    for (const f of STARTUP_V8_FLAGS) expect(serve.slice(0, cli)).toContain(f);
    const start = scripts.start!.split(/\s+/);
    const afterDashes = start.slice(start.indexOf('--') + 1);
    expect(start.indexOf('--')).toBeGreaterThan(0);
    expect(hasStartupV8Flags([], afterDashes)).toBe(true);
  });
});
