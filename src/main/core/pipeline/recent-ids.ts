// A capped set of recently seen ids, least recently seen evicted first: how the pipeline knows a
// build it has just counted when the CI delivers it again, in bounded memory. Not persisted — the
// stored build events answer for ids older than the cap or from before a restart.

export class RecentIds {
  /** A Map iterates in insertion order; re-inserting on a hit makes it an LRU. */
  private readonly ids = new Map<string, true>();
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a positive integer (got ${cap})`);
  }

  /** Whether the id was seen (and mark it seen now). */
  seen(id: string): boolean {
    const had = this.ids.delete(id);
    this.ids.set(id, true);
    if (this.ids.size > this.cap) this.ids.delete(this.ids.keys().next().value!);
    return had;
  }

  get size(): number {
    return this.ids.size;
  }
}
