// Small durable state beside the samples: JSON values by namespace and key (silences,
// acknowledgements), in the store's database.

import type { DatabaseSync } from 'node:sqlite';

export class KeyValueStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  list<T>(ns: string): Array<[string, T]> {
    return (this.db.prepare('SELECT key, value FROM kv WHERE ns = ? ORDER BY key').all(ns) as Array<{ key: string; value: string }>).map((r) => [r.key, JSON.parse(r.value) as T]);
  }

  set(ns: string, key: string, value: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?, ?, ?)').run(ns, key, JSON.stringify(value));
  }

  delete(ns: string, key: string): void {
    this.db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?').run(ns, key);
  }
}
