// A damaged store is noticed: an empty or corrupt radiator.db is refused with its path and the
// remedy (or moved aside with `repair`), and a damaged -wal left by a killed process is reported
// with what SQLite dropped instead of starting silently without it.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectWal, parseSelector, Store, StoreDamagedError, type StoreOptions } from '../../../../src/main/core/store/index.ts';
import { tempDir } from '../../../helpers/core.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

let dirs: string[] = [];
let open: Store[] = [];
afterEach(() => {
  for (const s of open) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  open = [];
  dirs = [];
});

function dir(): string {
  const d = tempDir('radiator-integrity-');
  dirs.push(d);
  return d;
}

function make(d: string, over: Partial<StoreOptions> = {}): Store {
  const s = new Store({
    dir: d,
    maxSeries: 10_000,
    hotWindowMs: H,
    retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H },
    now: () => T0,
    log: () => {},
    ...over,
  });
  open.push(s);
  return s;
}

const closeStore = (s: Store) => {
  s.close();
  open = open.filter((x) => x !== s);
};

/** Write `flushes` commits of `perFlush` new series each (one sample per series). */
function fill(s: Store, flushes: number, perFlush: number, from = 0): void {
  for (let f = 0; f < flushes; f++) {
    for (let i = 0; i < perFlush; i++) s.append(s.resolve('m', [['i', String(from + f * perFlush + i)]])!, T0 - 1000, f);
    s.commit();
  }
}

const count = (s: Store) => s.select(parseSelector('m'), T0 - 10_000, T0).length;

/** The files of an open store as a kill -9 would leave them, copied to a new directory. */
function snapshotOpen(s: Store): string {
  const to = dir();
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(s.file + suffix)) copyFileSync(s.file + suffix, join(to, 'radiator.db' + suffix));
  return to;
}

describe('store integrity at start', () => {
  it('refuses a 0-byte radiator.db, naming its path and the remedy', () => {
    const d = dir();
    writeFileSync(join(d, 'radiator.db'), '');
    let err: unknown;
    try {
      make(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreDamagedError);
    const e = err as StoreDamagedError;
    expect(e.code).toBe('STORE_DAMAGED');
    expect(e.path).toBe(join(d, 'radiator.db'));
    expect(e.message).toContain(join(d, 'radiator.db'));
    expect(e.message).toContain('empty (0 bytes)');
    expect(e.message).toContain('--repair');
    expect(statSync(join(d, 'radiator.db')).size).toBe(0); // left as it was
  });

  it('refuses a file that does not start with the SQLite header', () => {
    const d = dir();
    closeStore(make(d));
    const f = join(d, 'radiator.db');
    const buf = readFileSync(f);
    buf.write('garbage garbage!', 0, 'latin1');
    writeFileSync(f, buf);
    expect(() => make(d)).toThrow(/does not start with the SQLite header/);
  });

  it('refuses a main file with bytes overwritten in the middle (quick_check), naming its path', () => {
    const d = dir();
    const s = make(d);
    fill(s, 5, 400);
    closeStore(s);
    const f = join(d, 'radiator.db');
    const buf = readFileSync(f);
    expect(buf.length).toBeGreaterThan(8 * 4096);
    const mid = Math.floor(buf.length / 4096 / 2) * 4096;
    buf.fill(0xa5, mid, mid + 3 * 4096);
    writeFileSync(f, buf);
    let err: unknown;
    try {
      make(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreDamagedError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(/quick_check|SQLite says/);
  });

  it('with repair, moves the damaged files aside, says so, and starts empty', () => {
    const d = dir();
    writeFileSync(join(d, 'radiator.db'), '');
    writeFileSync(join(d, 'radiator.db-shm'), 'x');
    const lines: string[] = [];
    const s = make(d, { repair: true, log: (l) => lines.push(l) });
    const moved = s.openReport.movedAside;
    expect(moved.map((m) => m.replace(/\.damaged-.*$/, '')).sort()).toEqual([join(d, 'radiator.db'), join(d, 'radiator.db-shm')]);
    for (const m of moved) expect(existsSync(m)).toBe(true);
    expect(lines.join('\n')).toMatch(/--repair moved .*radiator\.db\.damaged-.* aside/);
    fill(s, 1, 3);
    expect(count(s)).toBe(3);
    closeStore(s);
    // A healthy store is not touched by repair.
    const again = make(d, { repair: true });
    expect(again.openReport.movedAside).toEqual([]);
    expect(count(again)).toBe(3);
  });

  it('refuses a database deleted from under its -wal/-shm', () => {
    const d = dir();
    writeFileSync(join(d, 'radiator.db-wal'), '');
    expect(() => make(d)).toThrow(/database file is missing but its -wal\/-shm/);
  });
});

describe('a damaged -wal after kill -9', () => {
  /** A store killed after 20 flushes: its files, and how many series they hold. */
  function killed(): string {
    const s = make(dir());
    fill(s, 20, 5);
    return snapshotOpen(s);
  }

  it('an intact WAL replays whole and reports nothing', () => {
    const d = killed();
    const w = inspectWal(readFileSync(join(d, 'radiator.db-wal')));
    expect(w).toMatchObject({ headerValid: true, droppedFrames: 0, checksumFailures: 0, cutShort: false });
    expect(w.replayedFrames).toBeGreaterThan(0);
    const lines: string[] = [];
    const s = make(d, { log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect(s.openReport.wal).toBeNull();
    expect(count(s)).toBe(100);
    expect(s.getStats().walFramesDroppedAtStart).toBe(0);
  });

  it('a bit flipped in the middle: the frames SQLite drops are counted, logged and exposed', () => {
    const d = killed();
    const wal = join(d, 'radiator.db-wal');
    const buf = readFileSync(wal);
    buf[Math.floor(buf.length / 2)]! ^= 0x10;
    writeFileSync(wal, buf);
    const lines: string[] = [];
    const s = make(d, { log: (l) => lines.push(l) });
    const r = s.openReport.wal!;
    expect(r.checksumFailures).toBe(1);
    expect(r.droppedFrames).toBeGreaterThan(0);
    expect(r.droppedCommits).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/write-ahead log .*radiator\.db-wal is damaged: \d+ WAL frame\(s\) \(\d+ bytes, \d+ committed transaction\(s\)\) failed their checksums/);
    expect(readFileSync(r.walCopy).equals(buf)).toBe(true); // the evidence is kept
    expect(count(s)).toBeLessThan(100); // SQLite did drop them: that is what is reported
    expect(s.getStats().walFramesDroppedAtStart).toBe(r.droppedFrames);
  });

  it('a truncated WAL is reported as cut short', () => {
    const d = killed();
    const wal = join(d, 'radiator.db-wal');
    truncateSync(wal, statSync(wal).size - 1000);
    const lines: string[] = [];
    const s = make(d, { log: (l) => lines.push(l) });
    expect(s.openReport.wal).toMatchObject({ cutShort: true, headerValid: true });
    expect(lines.join('\n')).toMatch(/were cut short and were not replayed/);
  });

  it('an overwritten WAL header makes SQLite ignore the whole WAL, and that is reported', () => {
    const d = killed();
    const wal = join(d, 'radiator.db-wal');
    const buf = readFileSync(wal);
    buf.fill(0, 0, 32);
    writeFileSync(wal, buf);
    const lines: string[] = [];
    const s = make(d, { log: (l) => lines.push(l) });
    expect(s.openReport.wal).toMatchObject({ headerValid: false, bytes: buf.length });
    expect(lines.join('\n')).toMatch(/header is invalid, so SQLite ignored the whole WAL/);
  });

  it('a deleted WAL (its -shm left behind) is reported', () => {
    const d = killed();
    rmSync(join(d, 'radiator.db-wal'));
    const lines: string[] = [];
    const s = make(d, { log: (l) => lines.push(l) });
    expect(s.openReport.walMissing).toBe(true);
    expect(lines.join('\n')).toMatch(/-wal is missing while .*-shm is there/);
    expect(readdirSync(d)).toContain('radiator.db');
  });

  it('an unfinished transaction (a frame header written, its page not) is not damage', () => {
    const d = killed();
    const wal = join(d, 'radiator.db-wal');
    const buf = readFileSync(wal);
    const pageSize = buf.readUInt32BE(8);
    const frames = (buf.length - 32) / (24 + pageSize);
    expect(Number.isInteger(frames)).toBe(true);
    // Cut the last frame (a commit) down to its header: the kill landed between the two writes.
    const w = inspectWal(buf.subarray(0, buf.length - pageSize));
    expect(w).toMatchObject({ headerValid: true, cutShort: false, checksumFailures: 0 });
  });
});
