// Counts of what each receiver received, applied and refused, by reason. They feed the
// self-monitoring series (`radiator_received_total`, `radiator_applied_total`,
// `radiator_rejected_total`) and `/metrics`. The door (ingest.ts) keeps them so that, per
// receiver, received = applied + refused.

export class IngestStats {
  readonly received = new Map<string, number>();
  /** Taken: stored, held as a current value, or folded into an overflow series. */
  readonly applied = new Map<string, number>();
  readonly rejected = new Map<string, Map<string, number>>();

  receive(receiver: string, n = 1): void {
    if (n > 0) this.received.set(receiver, (this.received.get(receiver) ?? 0) + n);
  }

  accept(receiver: string, n = 1): void {
    if (n > 0) this.applied.set(receiver, (this.applied.get(receiver) ?? 0) + n);
  }

  reject(receiver: string, reason: string, n = 1): void {
    if (n <= 0) return;
    let m = this.rejected.get(receiver);
    if (!m) this.rejected.set(receiver, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + n);
  }

  rejectedCount(receiver: string, reason?: string): number {
    const m = this.rejected.get(receiver);
    if (!m) return 0;
    if (reason !== undefined) return m.get(reason) ?? 0;
    let n = 0;
    for (const v of m.values()) n += v;
    return n;
  }
}
