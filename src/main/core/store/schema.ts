// The SQLite schema of the durable tier, and how the database is opened.
// WAL journal with synchronous=NORMAL: a committed transaction survives the process being
// killed at any moment (not a power cut, which would need FULL and costs a sync per flush).

import { DatabaseSync } from 'node:sqlite';

export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS series (
  id         INTEGER PRIMARY KEY,
  key        TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  labels     TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);

-- Compressed samples. open = 1 marks a checkpoint of a chunk still being appended to; it is
-- replaced by the closed chunk (same series_id, t_min) when that closes.
CREATE TABLE IF NOT EXISTS chunks (
  series_id INTEGER NOT NULL,
  t_min     INTEGER NOT NULL,
  t_max     INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  open      INTEGER NOT NULL,
  data      BLOB NOT NULL,
  PRIMARY KEY (series_id, t_min)
);
CREATE INDEX IF NOT EXISTS chunks_t_max ON chunks (t_max);
CREATE INDEX IF NOT EXISTS chunks_open ON chunks (open) WHERE open = 1;

-- One record per flush with every sample appended in it; trimmed after each checkpoint.
CREATE TABLE IF NOT EXISTS wal (
  seq  INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);

-- Roll-ups per resolution (ms): one row per series and bucket (ts = bucket start).
-- NaN samples are left out of min/max/sum/count; last keeps the last sample as is.
CREATE TABLE IF NOT EXISTS rollups (
  res       INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  min       REAL,
  max       REAL,
  sum       REAL,
  count     INTEGER NOT NULL,
  last      REAL,
  PRIMARY KEY (res, series_id, ts)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rollups_ts ON rollups (res, ts);

-- Small durable state that is not time series: silences, acknowledgements, …
CREATE TABLE IF NOT EXISTS kv (
  ns    TEXT NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (ns, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  ts      INTEGER NOT NULL,
  ts_end  INTEGER,
  kind    TEXT NOT NULL,
  title   TEXT NOT NULL,
  text    TEXT NOT NULL,
  tags    TEXT NOT NULL,
  service TEXT,
  version TEXT,
  source  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
`;

/** `check` runs on the opened database before anything is written to it (see integrity.ts). */
export function openDatabase(file: string, check?: (db: DatabaseSync) => void): DatabaseSync {
  const db = new DatabaseSync(file);
  if (check) {
    try {
      check(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = OFF');
  db.exec(DDL);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  if (!row) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  else if (Number(row.value) > SCHEMA_VERSION) {
    db.close();
    throw new Error(`the data in ${file} was written by a newer Radiator (schema ${row.value}, this one reads ${SCHEMA_VERSION})`);
  }
  return db;
}
