// A full disk is survived and named: a commit that cannot be written keeps its samples pending
// (retried at every flush, so a later kill -9 loses nothing that was taken), the boards stay live
// from memory, receivers over HTTP answer 503 STORE_DISK_FULL with Retry-After (counted against
// the receiver), it clears by itself once space frees, and a start on a full disk says so.
// The disk is a real one: a small tmpfs mounted for the test (skipped, with the reason, where this
// machine does not allow mounting one).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSelector, Store, StoreDiskFullError, type StoreOptions, StoreWriteError } from '../../../../src/main/core/store/index.ts';
import { freeBytes } from '../../../../src/main/core/store/errors.ts';
import { startCore, type Core } from '../../../../src/main/core/core.ts';
import { parseSettings } from '../../../../src/shared/settings.ts';
import { tempDir, waitFor } from '../../../helpers/core.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

/** Mounts a tmpfs of `kib` KiB; null (with the reason) where this machine does not allow it. */
function mountTmpfs(kib: number): { dir: string; unmount(): void } | string {
  const dir = tempDir('radiator-diskfull-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${String((e as Error).message).split('\n')[0]})`;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const probe = mountTmpfs(64);
const cannotMount = typeof probe === 'string' ? probe : null;
if (typeof probe !== 'string') probe.unmount();
if (cannotMount) console.warn(`disk-full tests skipped: ${cannotMount}`);

/** Fills the disk at `dir` with a file until `leave` bytes are free. */
function fillDisk(dir: string, leave: number): string {
  const file = join(dir, 'filler');
  const free = freeBytes(dir)!;
  writeFileSync(file, Buffer.alloc(Math.max(0, free - leave)));
  return file;
}

function storeOpts(dir: string): StoreOptions {
  return {
    dir,
    maxSeries: 100_000,
    hotWindowMs: H,
    retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H },
    now: () => T0,
    log: () => {},
  };
}

describe.skipIf(cannotMount !== null)('a full disk', () => {
  let disk: { dir: string; unmount(): void };
  const stores: Store[] = [];
  const dirs: string[] = [];
  beforeAll(() => {
    disk = mountTmpfs(2048) as { dir: string; unmount(): void };
  });
  afterEach(() => {
    for (const s of stores.splice(0)) {
      try {
        s.close();
      } catch {
        // A store closed on a full disk reports it; the test has looked already.
      }
    }
    for (const f of ['filler', 'radiator.db', 'radiator.db-wal', 'radiator.db-shm']) rmSync(join(disk.dir, f), { force: true });
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  afterAll(() => disk?.unmount());

  it('keeps a commit it cannot write pending, hands its samples to the feed, and writes them once space frees', () => {
    const s = new Store(storeOpts(disk.dir));
    stores.push(s);
    const series = Array.from({ length: 200 }, (_, i) => s.resolve('m', [['i', String(i)]])!);
    let t = T0 - 600_000;
    const write = () => {
      t += 1000;
      for (const [i, x] of series.entries()) expect(s.append(x, t, i + t / 1000)).toBe('ok');
    };
    write();
    s.commit();
    const filler = fillDisk(disk.dir, 8 * 1024);
    let failure: StoreWriteError | null = null;
    let taken = 0;
    for (let k = 0; k < 500 && !failure; k++) {
      write();
      taken++;
      try {
        s.commit();
      } catch (e) {
        failure = e as StoreWriteError;
      }
    }
    expect(failure).toBeInstanceOf(StoreWriteError);
    expect(failure!.cause).toBeInstanceOf(StoreDiskFullError);
    expect(failure!.cause.message).toContain(join(disk.dir, 'radiator.db'));
    expect(s.diskFull?.code).toBe('STORE_DISK_FULL');
    // The feed is given the samples of the failed commit, once.
    expect(failure!.batch.ids.length).toBe(series.length);
    const pendingAtFailure = s.pendingSamples;
    expect(pendingAtFailure).toBe(series.length);
    // More samples while full: held, and the feed gets only the new ones.
    write();
    let again: StoreWriteError | null = null;
    try {
      s.commit();
    } catch (e) {
      again = e as StoreWriteError;
    }
    expect(again?.batch.ids.length).toBe(series.length);
    expect(s.pendingSamples).toBe(2 * series.length);

    unlinkSync(filler);
    const written = s.commit();
    expect(written.ids.length).toBe(0); // already given to the feed
    expect(s.diskFull).toBeNull();
    expect(s.pendingSamples).toBe(0);

    // What a kill -9 now would leave on disk holds every sample, the held ones included.
    const copy = tempDir('radiator-diskfull-copy-');
    dirs.push(copy);
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(s.file + suffix)) copyFileSync(s.file + suffix, join(copy, 'radiator.db' + suffix));
    const reopened = new Store(storeOpts(copy));
    stores.push(reopened);
    const got = reopened.select(parseSelector('m{i="7"}'), T0 - 3_600_000, T0);
    expect(got).toHaveLength(1);
    expect(got[0]!.ts.length).toBe(taken + 2);
    expect(got[0]!.ts[got[0]!.ts.length - 1]).toBe(t);
  });

  it('clears once space frees even when nothing new arrives to write', () => {
    const s = new Store(storeOpts(disk.dir));
    stores.push(s);
    const x = s.resolve('m', [['i', '1']])!;
    let t = T0 - 600_000;
    const filler = fillDisk(disk.dir, 4 * 1024);
    let failed = false;
    for (let k = 0; k < 5000 && !failed; k++) {
      for (let j = 0; j < 50; j++) s.append(x, (t += 1000), k);
      try {
        s.commit();
      } catch {
        failed = true;
      }
    }
    expect(failed).toBe(true);
    unlinkSync(filler);
    s.commit(); // writes what was held
    expect(s.diskFull).toBeNull();
    // Full again, then freed, with nothing pending: the next commit finds out by a small write.
    const filler2 = fillDisk(disk.dir, 0);
    for (let k = 0; k < 50 && !s.diskFull; k++) {
      for (let j = 0; j < 50; j++) s.append(x, (t += 1000), k);
      try {
        s.commit();
      } catch {
        // expected while full
      }
    }
    expect(s.diskFull).not.toBeNull();
    unlinkSync(filler2);
    s.commit();
    s.commit();
    expect(s.diskFull).toBeNull();
    expect(s.pendingSamples).toBe(0);
  });

  it('refuses to start on a full disk, naming it (not "disk I/O error")', () => {
    // A store that exists, then a full disk.
    new Store(storeOpts(disk.dir)).close();
    fillDisk(disk.dir, 0);
    let err: unknown;
    try {
      stores.push(new Store(storeOpts(disk.dir)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreDiskFullError);
    expect((err as StoreDiskFullError).message).toContain(join(disk.dir, 'radiator.db'));
    expect((err as StoreDiskFullError).message).toContain('start again');
    // And a new store on a full disk.
    for (const f of ['radiator.db', 'radiator.db-wal', 'radiator.db-shm']) rmSync(join(disk.dir, f), { force: true });
    err = undefined;
    try {
      stores.push(new Store(storeOpts(disk.dir)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreDiskFullError);
  });

  it('a running collector answers 503 STORE_DISK_FULL, counts it, stays live, and recovers by itself', async () => {
    const logs: string[] = [];
    const data = join(disk.dir, 'data');
    mkdirSync(data);
    const settings = parseSettings({
      server: { httpPort: 0 },
      collector: { flushInterval: 100 },
      receivers: { statsd: { udpPort: 0, tcpPort: false }, push: { port: false }, otlp: { port: false }, host: { enabled: false } },
    });
    const core: Core = await startCore({ settings, dataDir: data, rendererDir: null, version: 'test', log: (l) => logs.push(l) });
    const url = `http://127.0.0.1:${core.ports().http}`;
    const udp = createSocket('udp4');
    try {
      const push = (body: string) => fetch(`${url}/metrics/job/fill`, { method: 'POST', body });
      expect((await push('before_full 1\n')).status).toBe(200);
      const filler = fillDisk(disk.dir, 16 * 1024);
      // New series until a flush cannot be written.
      let round = 0;
      const refused = await waitFor(
        async () => {
          const lines = Array.from({ length: 200 }, (_, k) => `fill_${round}_${k}{pad="${'x'.repeat(40)}"} ${k}`).join('\n') + '\n';
          round++;
          const r = await push(lines);
          return r.status === 503 ? r : null;
        },
        30_000,
        50,
      );
      expect(refused.headers.get('retry-after')).toBe('30');
      const body = (await refused.json()) as { code: string; path: string; retryable: boolean };
      expect(body.code).toBe('STORE_DISK_FULL');
      expect(body.retryable).toBe(true);
      expect(body.path).toBe(join(data, 'radiator.db'));
      expect(logs.filter((l) => l.includes('STORE_DISK_FULL')).length).toBe(1);
      expect(logs.some((l) => l.includes('cannot rollback'))).toBe(false);

      // StatsD over UDP cannot be refused: its samples are held, and the boards see them live.
      const sendGauge = (v: number) =>
        new Promise<void>((res, rej) => udp.send(`while_full:${v}|g`, core.ports().statsdUdp as number, '127.0.0.1', (e) => (e ? rej(e) : res())));
      await sendGauge(42);
      await waitFor(async () => {
        const r = (await (await fetch(`${url}/api/v1/query?query=while_full`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
        return r.data.result[0]?.value[1] === '42';
      }, 10_000);

      const metrics = await (await fetch(`${url}/metrics`)).text();
      const line = metrics.split('\n').find((l) => l.startsWith('radiator_rejected_total{') && l.includes('reason="store_disk_full"') && l.includes('receiver="push"'));
      expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(1);

      unlinkSync(filler);
      await waitFor(async () => (await push('after_full 1\n')).status === 200, 10_000, 100);
      await waitFor(() => logs.some((l) => l.includes('writing again')), 10_000);
    } finally {
      udp.close();
      await core.stop();
    }
    // The gauge taken while the disk was full is on disk.
    const s = new Store({ ...storeOpts(data), now: Date.now });
    stores.push(s);
    expect(s.select(parseSelector('while_full'), 0, Date.now() + 60_000)[0]?.values.at(-1)).toBe(42);
  }, 60_000);
});
