// A JSON endpoint read on an interval, as Svelte state (DORA, experiments, on-call: numbers that
// change by the minute, not by the flush).

import type { Connection } from './connection.svelte.ts';

export class Polled<T> {
  data = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly conn: Connection;
  private readonly path: string | (() => string);
  private readonly everyMs: number;

  /** `path` may be a function, for a query whose window moves with the clock. */
  constructor(conn: Connection, path: string | (() => string), everyMs: number) {
    this.conn = conn;
    this.path = path;
    this.everyMs = everyMs;
  }

  start(): this {
    void this.load();
    this.timer = setInterval(() => void this.load(), this.everyMs);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async load(): Promise<void> {
    try {
      const r = await this.conn.fetch(typeof this.path === 'function' ? this.path() : this.path);
      const body = (await r.json()) as T & { message?: string };
      if (!r.ok) {
        this.error = body.message ?? `HTTP ${r.status}`;
        return;
      }
      this.data = body;
      this.error = null;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }
}
