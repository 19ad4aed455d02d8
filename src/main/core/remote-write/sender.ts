// Remote write out: one durable queue per configured endpoint (queue.ts), kept in step with the
// `remoteWrite` settings while running, woken after every flush, and counted for the self-metrics.
// A removed or disabled endpoint forgets its cursor and stops holding the store's log; a changed
// one is restarted from its cursor (the same URL) or from the newest record (another URL).

import type { RemoteWriteSettings } from '../../../shared/remote-write-settings.ts';
import { CURSOR_NS, RemoteWriteQueue, type QueueDeps, type QueueStats } from './queue.ts';

export class RemoteWriteSender {
  private readonly deps: QueueDeps;
  private readonly queues = new Map<string, { cfg: string; queue: RemoteWriteQueue }>();
  /** Changes apply one after another: a queue is stopped before its successor reads the cursor. */
  private applying: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(deps: QueueDeps) {
    this.deps = deps;
  }

  /** Apply the endpoint list. Throws (before changing anything) for a relabel regex RE2 refuses. */
  set(list: readonly RemoteWriteSettings[]): Promise<void> {
    const wanted = list.filter((e) => e.enabled);
    // Build first, so a bad pattern changes nothing.
    const fresh = new Map<string, { cfg: string; make: () => RemoteWriteQueue }>();
    for (const e of wanted) {
      const cfg = JSON.stringify(e);
      if (this.queues.get(e.id)?.cfg === cfg) continue;
      const q = new RemoteWriteQueue(e, this.deps);
      fresh.set(e.id, { cfg, make: () => q });
    }
    const keep = new Set(wanted.map((e) => e.id));
    this.applying = this.applying.then(async () => {
      if (this.stopped) return;
      for (const [id, { queue }] of [...this.queues]) {
        if (keep.has(id) && !fresh.has(id)) continue;
        this.queues.delete(id);
        await queue.stop(!keep.has(id));
      }
      for (const [id, { cfg, make }] of fresh) {
        const queue = make();
        queue.start();
        this.queues.set(id, { cfg, queue });
      }
      // Cursors of endpoints removed while Radiator was not running.
      for (const [id] of this.deps.store.kvList(CURSOR_NS)) if (!keep.has(id)) this.deps.store.kvDelete(CURSOR_NS, id);
    });
    return this.applying;
  }

  /** After every flush that committed. */
  notify(): void {
    for (const { queue } of this.queues.values()) queue.notify();
  }

  stats(): QueueStats[] {
    return [...this.queues.values()].map(({ queue }) => queue.stats());
  }

  /** The queue of one endpoint (tests). */
  queue(id: string): RemoteWriteQueue | undefined {
    return this.queues.get(id)?.queue;
  }

  /** Stop every queue (what is unsent stays in the store for the next start). Idempotent. */
  async stop(): Promise<void> {
    await this.applying;
    this.stopped = true;
    await Promise.all([...this.queues.values()].map(({ queue }) => queue.stop()));
    this.queues.clear();
  }
}
