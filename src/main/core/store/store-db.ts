// The store's SQLite side: the statements every part shares, and the one way to write — a
// transaction that names a full disk as such and remembers it until a write succeeds.

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StoreDiskFullError, freeBytes, isDiskFull } from './errors.ts';

export type Statements = Record<
  | 'insertSeries'
  | 'insertChunk'
  | 'insertWal'
  | 'deleteWalUpTo'
  | 'readChunks'
  | 'readChunksOf'
  | 'upsertRollup'
  | 'readRollups'
  | 'setMeta'
  | 'countWal'
  | 'readWal'
  | 'walCounts',
  StatementSync
>;

export class StoreDb {
  readonly db: DatabaseSync;
  /** The database file (`<dir>/radiator.db`). */
  readonly file: string;
  readonly st: Statements;
  /** Set while writes fail for a full disk; cleared by the next transaction that succeeds. */
  full: StoreDiskFullError | null = null;
  private readonly dir: string;

  constructor(db: DatabaseSync, file: string, dir: string) {
    this.db = db;
    this.file = file;
    this.dir = dir;
    this.st = {
      insertSeries: db.prepare('INSERT INTO series (id, key, name, labels, created_ms) VALUES (?, ?, ?, ?, ?)'),
      insertChunk: db.prepare('INSERT OR REPLACE INTO chunks (series_id, t_min, t_max, n, open, data) VALUES (?, ?, ?, ?, ?, ?)'),
      insertWal: db.prepare('INSERT INTO wal (seq, data) VALUES (?, ?)'),
      deleteWalUpTo: db.prepare('DELETE FROM wal WHERE seq <= ?'),
      // Queries read a chunk's bytes as hex text, not as a blob: node:sqlite gives every blob its
      // own malloc'd buffer, and a query over 20,000 series read from disk made tens of thousands
      // of them, which left glibc's heap 45 MB bigger for good (fragmented, never given back). A
      // string lives in V8's heap, which compacts; querier.ts decodes it into one reused buffer.
      readChunks: db.prepare(
        'SELECT t_min, t_max, n, hex(data) AS hex FROM chunks WHERE series_id = ? AND t_max >= ? AND t_min <= ? AND t_min < ? ORDER BY t_min',
      ),
      // The chunks of many series in one statement (their ids as a JSON array): a selection
      // reads the disk once per batch of series, not once per series.
      readChunksOf: db.prepare(
        'SELECT series_id, t_min, t_max, n, hex(data) AS hex FROM chunks WHERE series_id IN (SELECT value FROM json_each(?)) AND t_max >= ? AND t_min <= ? ORDER BY series_id, t_min',
      ),
      upsertRollup: db.prepare(
        'INSERT OR REPLACE INTO rollups (res, series_id, ts, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      readRollups: db.prepare(
        'SELECT ts, min, max, sum, count, last FROM rollups WHERE res = ? AND series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts',
      ),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      countWal: db.prepare('SELECT count(*) AS n FROM wal'),
      readWal: db.prepare('SELECT seq, data FROM wal WHERE seq > ? ORDER BY seq LIMIT ?'),
      walCounts: db.prepare('SELECT substr(data, 1, 10) AS head FROM wal WHERE seq > ? ORDER BY seq'),
    };
  }

  /** Runs `fn` in one transaction. SQLite rolls a transaction back itself when the disk fills
   * (SQLITE_FULL), so ROLLBACK is only sent while one is still open; a full disk is reported as
   * such (StoreDiskFullError) and remembered until a transaction succeeds. */
  transaction(fn: () => void): void {
    this.db.exec('BEGIN');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // The original error says what went wrong.
        }
      }
      if (isDiskFull(e)) {
        const free = freeBytes(this.dir);
        this.full = new StoreDiskFullError(this.file, free === null ? 'SQLite: database or disk is full' : `${free} bytes free`);
        throw this.full;
      }
      throw e;
    }
    this.full = null;
  }
}
