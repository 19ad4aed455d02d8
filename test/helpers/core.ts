// Start a real core on free loopback ports in a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings, type SettingsInput } from '../../src/shared/settings.ts';
import { startCore, type Core } from '../../src/main/core/core.ts';
import { Store, type StoreOptions } from '../../src/main/core/store/index.ts';
import { afterEach } from 'vitest';

export interface TestCore {
  core: Core;
  dir: string;
  url: string;
  ports: ReturnType<Core['ports']>;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'radiator-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const HOUR = 3_600_000;

/** Stores a test opens in temporary directories (a directory may be opened again, as after a
 * restart), with an hour's hot window by default (`defaults` and each `open`'s `opts` override
 * any option: a clock, a series cap); each is closed and its directory removed after every test.
 * `closed(store)` when the test closed one itself. */
export function tempStores(defaults: Partial<StoreOptions> = {}): { open(dir?: string, opts?: Partial<StoreOptions>): Store; closed(store: Store): void } {
  let dirs: string[] = [];
  let stores: Store[] = [];
  afterEach(() => {
    for (const s of stores) s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    stores = [];
    dirs = [];
  });
  return {
    open(dir = tempDir(), opts = {}) {
      if (!dirs.includes(dir)) dirs.push(dir);
      const store = new Store({
        dir,
        maxSeries: 1000,
        hotWindowMs: HOUR,
        retention: { rawMs: 72 * HOUR, rollup5mMs: 30 * 24 * HOUR, rollup1hMs: 365 * 24 * HOUR, eventsMs: 30 * 24 * HOUR },
        ...defaults,
        ...opts,
      });
      stores.push(store);
      return store;
    },
    closed(store) {
      stores = stores.filter((s) => s !== store);
    },
  };
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null ? merge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export async function startTestCore(over: SettingsInput = {}, opts: { dir?: string; now?: () => number } = {}): Promise<TestCore> {
  const dir = opts.dir ?? tempDir();
  const base = {
    server: { httpPort: 0 },
    receivers: { statsd: { udpPort: 0, tcpPort: 0 }, push: { port: 0 }, otlp: { port: 0 }, host: { enabled: false } },
  };
  const settings = parseSettings(merge(base, over as Record<string, unknown>));
  const core = await startCore({ settings, dataDir: dir, rendererDir: null, version: 'test', now: opts.now, log: () => {} });
  const ports = core.ports();
  let stopped = false;
  return {
    core,
    dir,
    url: `http://127.0.0.1:${ports.http}`,
    ports,
    async stop() {
      if (stopped) return;
      stopped = true;
      await core.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5_000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Latest value of every series matching a selector, keyed by the canonical series key. */
export function latest(core: Core, selector: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of core.store.index.select(parseSel(selector))) out.set(s.key, s.lastValue);
  return out;
}

import { parseSelector } from '../../src/main/core/store/index.ts';
const parseSel = parseSelector;
