// Opening the database so that damage is noticed, never started over silently: before SQLite sees
// the files, a 0-byte or foreign `radiator.db` and a `-wal` whose checksums fail are found (SQLite
// itself would start empty, or quietly ignore the bad WAL tail); after, `PRAGMA quick_check`.
// A damaged database is refused (STORE_DAMAGED, with its path and the remedy) unless `repair` is
// given, which moves the files aside and starts fresh. It does not try to salvage rows.

import { copyFileSync, existsSync, openSync, readSync, closeSync, renameSync, statSync, readFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_QUICK_CHECK_PROBLEMS } from '../../../shared/limits.ts';
import { openDatabase } from './schema.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;

/** What a `-wal` file holds, by SQLite's own rules for which frames it will replay. */
export interface WalInspection {
  bytes: number;
  /** The header's magic and checksum are sound (otherwise SQLite ignores the whole file). */
  headerValid: boolean;
  /** Frames SQLite will replay (up to and including the last good commit frame). */
  replayedFrames: number;
  /** Frames of this WAL generation (same salts) that SQLite will not replay because a frame at or
   * before them fails its checksum or is cut short; stale frames of older generations, and an
   * unfinished last transaction that is intact, are not counted. */
  droppedFrames: number;
  /** Of those, frames that ended a transaction: committed transactions lost. */
  droppedCommits: number;
  droppedBytes: number;
  /** Whole frames of this generation whose checksum failed (a flipped bit, an overwrite). */
  checksumFailures: number;
  /** The file ends inside a frame, and not where a process killed mid-write leaves it (after a
   * frame's 24-byte header, before its page): the file was cut short. */
  cutShort: boolean;
}

/** Inspect a WAL image (pure). `dbPageSize` is used when the header is unreadable. */
export function inspectWal(buf: Uint8Array, dbPageSize = 4096): WalInspection {
  const bytes = buf.length;
  const out: WalInspection = { bytes, headerValid: false, replayedFrames: 0, droppedFrames: 0, droppedCommits: 0, droppedBytes: 0, checksumFailures: 0, cutShort: false };
  if (bytes === 0) return { ...out, headerValid: true };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = bytes >= WAL_HEADER_BYTES ? dv.getUint32(0) : 0;
  const pageSize = bytes >= WAL_HEADER_BYTES ? dv.getUint32(8) : 0;
  const validPage = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0;
  if ((magic & 0xfffffffe) !== 0x377f0682 || !validPage) {
    return badHeader(out, bytes, dbPageSize);
  }
  const bigEndian = (magic & 1) === 1;
  let [s0, s1] = checksum(dv, 0, 24, bigEndian, 0, 0);
  if (s0 !== dv.getUint32(24) || s1 !== dv.getUint32(28)) return badHeader(out, bytes, pageSize);
  out.headerValid = true;
  const salt1 = dv.getUint32(16);
  const salt2 = dv.getUint32(20);
  const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
  let broken = false;
  let sinceCommit = 0;
  for (let off = WAL_HEADER_BYTES; off < bytes; off += frameBytes) {
    if (off + 16 > bytes) {
      // Too short to hold even the salts: cut short, whatever generation it was.
      if (!broken) out.cutShort = true;
      break;
    }
    const sameGeneration = dv.getUint32(off + 8) === salt1 && dv.getUint32(off + 12) === salt2;
    const commit = dv.getUint32(off + 4) !== 0;
    if (!broken) {
      const whole = off + frameBytes <= bytes;
      if (whole && sameGeneration) {
        [s0, s1] = checksum(dv, off, 8, bigEndian, s0, s1);
        [s0, s1] = checksum(dv, off + WAL_FRAME_HEADER_BYTES, pageSize, bigEndian, s0, s1);
      }
      if (whole && sameGeneration && s0 === dv.getUint32(off + 16) && s1 === dv.getUint32(off + 20)) {
        sinceCommit++;
        if (commit) {
          out.replayedFrames += sinceCommit;
          sinceCommit = 0;
        }
        continue;
      }
      broken = true;
      if (whole && sameGeneration) out.checksumFailures++;
      if (!whole && bytes - off !== WAL_FRAME_HEADER_BYTES) out.cutShort = true;
      // A stale frame from before the last checkpoint ends the log normally; anything else of this
      // generation that fails is damage.
      if (!sameGeneration && whole) break;
    }
    if (sameGeneration) {
      out.droppedFrames++;
      if (commit) out.droppedCommits++;
      out.droppedBytes += Math.min(frameBytes, bytes - off);
    }
  }
  // Intact frames of a transaction that never committed are a kill mid-write, not damage —
  // unless frames of this generation are lost after them.
  if (out.droppedFrames > 0) {
    out.droppedFrames += sinceCommit;
    out.droppedBytes += sinceCommit * frameBytes;
  }
  return out;
}

/** Whether SQLite will silently lose committed data from this WAL. */
export function walIsDamaged(w: WalInspection): boolean {
  return !w.headerValid || w.checksumFailures > 0 || w.droppedCommits > 0 || w.cutShort;
}

function badHeader(out: WalInspection, bytes: number, pageSize: number): WalInspection {
  const frames = Math.max(0, Math.ceil((bytes - WAL_HEADER_BYTES) / (WAL_FRAME_HEADER_BYTES + pageSize)));
  return { ...out, headerValid: false, droppedFrames: frames, droppedCommits: 0, droppedBytes: bytes };
}

/** SQLite's WAL checksum: pairs of 32-bit words, Fibonacci-weighted, in the byte order of the magic. */
function checksum(dv: DataView, off: number, len: number, bigEndian: boolean, a: number, b: number): [number, number] {
  let s0 = a;
  let s1 = b;
  for (let i = off; i < off + len; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** The database could not be opened as it is; `path` is the damaged file. */
export class StoreDamagedError extends RadiatorError {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(
      'STORE_DAMAGED',
      `the store ${path} is damaged: ${problem}. Restore it from a backup, or start with --repair to move the damaged files aside (kept, timestamped, next to it) and start with an empty store`,
      { extra: { path } },
    );
    this.path = path;
  }
}

export interface OpenReport {
  /** Set when the WAL could not be replayed whole; a copy of it is kept at `walCopy`. */
  wal: (WalInspection & { walCopy: string }) | null;
  /** The WAL file was gone while its index (`-shm`) was left: transactions not yet checkpointed are lost. */
  walMissing: boolean;
  /** Files moved aside by `repair`. */
  movedAside: string[];
  /** Why they were moved. */
  repairedProblem: string | null;
}

const stamp = (now: number) => new Date(now).toISOString().replace(/[:.]/g, '-');

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/** What is wrong with the files before SQLite opens them (null: nothing seen). */
function checkBeforeOpen(file: string): string | null {
  const size = sizeOf(file);
  if (size === null) {
    if (existsSync(file + '-wal') || existsSync(file + '-shm')) return 'the database file is missing but its -wal/-shm files are there (was it deleted?)';
    return null; // a new store
  }
  if (size === 0) return 'the database file is empty (0 bytes); a store that was ever opened is never empty';
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < head.length || head.toString('latin1') !== SQLITE_MAGIC) return 'the file does not start with the SQLite header (overwritten, or not a database)';
  } finally {
    closeSync(fd);
  }
  return null;
}

function dbPageSize(file: string): number {
  try {
    const fd = openSync(file, 'r');
    try {
      const b = Buffer.alloc(2);
      readSync(fd, b, 0, 2, 16);
      const v = b.readUInt16BE(0);
      return v === 1 ? 65536 : v >= 512 ? v : 4096;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 4096;
  }
}

function quickCheck(db: DatabaseSync): string | null {
  const rows = db.prepare(`PRAGMA quick_check(${MAX_QUICK_CHECK_PROBLEMS})`).all() as Array<Record<string, unknown>>;
  const lines = rows.map((r) => String(Object.values(r)[0]));
  if (lines.length === 1 && lines[0] === 'ok') return null;
  return `PRAGMA quick_check found: ${lines.join('; ')}`;
}

function tryOpen(file: string): { db: DatabaseSync } | { problem: string } {
  const before = checkBeforeOpen(file);
  if (before) return { problem: before };
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(file, (d) => {
      const problem = quickCheck(d);
      if (problem) throw new Damage(problem);
    });
    return { db };
  } catch (e) {
    if (e instanceof Damage) return { problem: e.message };
    const err = e as Error & { errcode?: number; code?: string };
    // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), possibly extended.
    const primary = typeof err.errcode === 'number' ? err.errcode & 0xff : -1;
    if (primary === 11 || primary === 26) return { problem: `SQLite says "${err.message}"` };
    throw e;
  }
}

class Damage extends Error {}

/**
 * Open `file` (the store's `radiator.db`), refusing a damaged one with StoreDamagedError unless
 * `repair`, which moves the damaged files aside as `<name>.damaged-<time>` and starts empty.
 */
export function openChecked(file: string, opts: { repair?: boolean; now?: () => number } = {}): { db: DatabaseSync; report: OpenReport } {
  const now = opts.now ?? Date.now;
  const report: OpenReport = { wal: null, walMissing: false, movedAside: [], repairedProblem: null };
  // Read the WAL before SQLite does: once opened, the frames it ignores are overwritten.
  const walFile = file + '-wal';
  const walSize = sizeOf(walFile);
  const dbSize = sizeOf(file);
  if (walSize !== null && walSize > 0 && dbSize !== null && dbSize > 0) {
    const inspection = inspectWal(readFileSync(walFile), dbPageSize(file));
    if (walIsDamaged(inspection)) {
      const walCopy = `${walFile}.damaged-${stamp(now())}`;
      copyFileSync(walFile, walCopy);
      report.wal = { ...inspection, walCopy };
    }
  } else if (walSize === null && dbSize !== null && dbSize > 0 && existsSync(file + '-shm')) {
    report.walMissing = true;
  }
  const first = tryOpen(file);
  if ('db' in first) return { db: first.db, report };
  if (!opts.repair) throw new StoreDamagedError(file, first.problem);
  const suffix = `.damaged-${stamp(now())}`;
  for (const f of [file, walFile, file + '-shm']) {
    if (!existsSync(f)) continue;
    renameSync(f, f + suffix);
    report.movedAside.push(f + suffix);
  }
  report.repairedProblem = first.problem;
  const second = tryOpen(file);
  if ('db' in second) return { db: second.db, report };
  throw new StoreDamagedError(file, `still after --repair: ${second.problem}`);
}

/** The lines to log about what `openChecked` found (empty when all was well). */
export function describeOpenReport(file: string, r: OpenReport): string[] {
  const lines: string[] = [];
  if (r.movedAside.length > 0) {
    lines.push(`store: ${file} was damaged (${r.repairedProblem}); --repair moved ${r.movedAside.join(', ')} aside and started with an empty store`);
  }
  if (r.wal) {
    const w = r.wal;
    const what = w.headerValid
      ? `${w.droppedFrames} WAL frame(s) (${w.droppedBytes} bytes, ${w.droppedCommits} committed transaction(s)) ${w.cutShort ? 'were cut short' : 'failed their checksums'} and were not replayed`
      : `its header is invalid, so SQLite ignored the whole WAL (${w.bytes} bytes)`;
    lines.push(`warning: store: the write-ahead log ${file}-wal is damaged: ${what}; the data in them is lost. A copy is kept at ${w.walCopy}`);
  }
  if (r.walMissing) {
    lines.push(`warning: store: ${file}-wal is missing while ${file}-shm is there: transactions not yet checkpointed into ${file} were lost`);
  }
  return lines;
}
