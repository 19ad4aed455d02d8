// What the store's failures are called: a full disk, a commit that could not be made durable,
// a read past a limit, and how SQLite's errors map onto them.

import { statfsSync } from 'node:fs';
import { RadiatorError } from '../../../shared/errors.ts';
import type { SampleBatch } from './wal-codec.ts';

/** SQLite's result code for a full disk (or database size limit): SQLITE_FULL. */
const SQLITE_FULL = 13;
/** SQLite's result code for a failed read or write (what a full disk gives at open). */
const SQLITE_IOERR = 10;
/** At start, an I/O error with less free space than this is taken for a full disk. */
const START_MIN_FREE_BYTES = 1 << 20;

/** Nothing new can be made durable: the disk holding the store is full. `held`: samples taken
 * and kept in memory, written when space frees. */
export class StoreDiskFullError extends RadiatorError {
  readonly path: string;
  constructor(path: string, detail: string, atStart = false) {
    const then = atStart ? 'free space on it and start again' : 'free space on it: samples already taken are held in memory and written when space frees';
    super('STORE_DISK_FULL', `the disk holding the store ${path} is full (${detail}); ${then}`, {
      extra: { path, retryAfterSeconds: 30 },
    });
    this.path = path;
  }
}

/** Bytes free for this process on the file system holding `path` (null when unknown). */
export function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Whether an error from SQLite means the disk is full. */
export function isDiskFull(e: unknown): boolean {
  const err = e as { errcode?: number; message?: string } | null;
  return ((err?.errcode ?? 0) & 0xff) === SQLITE_FULL || /database or disk is full|SQLITE_FULL|ENOSPC/i.test(err?.message ?? '');
}

/** A commit that could not be made durable. The samples stay pending (retried at the next
 * commit); `batch` is what was appended since the feed was last given a batch, so the boards stay
 * live from memory. */
export class StoreWriteError extends Error {
  readonly batch: SampleBatch;
  override readonly cause: Error;
  constructor(cause: Error, batch: SampleBatch) {
    super(cause.message);
    this.name = 'StoreWriteError';
    this.cause = cause;
    this.batch = batch;
  }
}

/** A limit was hit while reading; the message says which. */
export class SelectLimitError extends Error {
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.name = 'SelectLimitError';
    this.limit = limit;
  }
}

/** What opening the store failed for: a full disk named as such (SQLite says "disk I/O error"
 * when it cannot grow the WAL or its index on a full disk), anything else as it was. */
export function startFailure(e: unknown, file: string, dir: string): unknown {
  if (e instanceof RadiatorError) return e;
  const free = freeBytes(dir);
  // Extended codes keep the primary one in the low byte (4874 is SQLITE_IOERR_SHMSIZE).
  const ioError = (((e as { errcode?: number } | null)?.errcode ?? 0) & 0xff) === SQLITE_IOERR;
  if (isDiskFull(e) || (ioError && free !== null && free < START_MIN_FREE_BYTES)) {
    return new StoreDiskFullError(file, free === null ? 'SQLite: database or disk is full' : `${free} bytes free`, true);
  }
  return e;
}
