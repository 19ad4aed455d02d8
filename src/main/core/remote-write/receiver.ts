// Remote write in: a decoded request's series handed to the one door (`Ingest.write`) as
// timestamped samples, its metadata to the metadata registry. What a sample cannot be stored as —
// a staleness marker, a native histogram, a series without a name or with a label twice — is
// refused here by reason; the door refuses the rest (names, labels, order, age, the series cap
// folds), and every sample is counted for `remote_write`: received = applied + refused. No HTTP
// here: the route (http/remote-write-route.ts) reads, decompresses and decodes the body.

import type { Ingest, IngestSample } from '../collector/ingest.ts';
import { isValidMetricName } from '../labels.ts';
import type { MetricMetadata, WriteRequest } from './protocol.ts';

export const REMOTE_WRITE_RECEIVER = 'remote_write';

/** Refusals that are not the sender's fault and get no 400: the sample means "nothing here". */
const NOT_AN_ERROR: ReadonlySet<string> = new Set(['stale_marker']);
/** Refusals that pass (the store's disk fills past what it holds in memory): the sender is to
 * retry the request (503), not drop it. */
const RETRYABLE: ReadonlySet<string> = new Set(['store_disk_full']);

export interface RemoteWriteOutcome {
  received: number;
  applied: number;
  folded: number;
  /** Samples not stored, by reason (stale markers included). */
  refused: Map<string, number>;
  /** Of `refused`, those the sender should hear about (400): all but stale markers. */
  errors: number;
  /** Of `errors`, those worth a retry (503): the store could not take them just now. */
  retryable: number;
}

export interface RemoteWriteReceiverOptions {
  maxMetadataPerRequest: number;
}

const bump = (m: Map<string, number>, k: string, n = 1) => {
  if (n > 0) m.set(k, (m.get(k) ?? 0) + n);
};

/** Series whose samples are cumulative: past the series cap their samples at one time add up in
 * the overflow series (a gauge's last one wins). */
const CUMULATIVE_SUFFIX = /(_total|_count|_sum|_bucket)$/;

export class RemoteWriteReceiver {
  private readonly ingest: Ingest;
  private readonly opts: RemoteWriteReceiverOptions;

  constructor(ingest: Ingest, opts: RemoteWriteReceiverOptions) {
    this.ingest = ingest;
    this.opts = opts;
  }

  apply(req: WriteRequest): RemoteWriteOutcome {
    this.describe(req.metadata);
    const refused = new Map<string, number>();
    const samples: IngestSample[] = [];
    let received = 0;
    for (const ts of req.timeseries) {
      const histograms = ts.histograms ?? 0;
      received += ts.samples.length + histograms;
      // Native histograms: the store holds floats only.
      bump(refused, 'native_histogram', histograms);
      let name: string | null = null;
      const labels: Array<readonly [string, string]> = [];
      let problem: string | null = null;
      const all = ts.labels;
      // A handful of labels: comparing pairs is cheaper than a Set per series; many: a Set.
      const seen = all.length > 16 ? new Set<string>() : null;
      for (let i = 0; i < all.length; i++) {
        const pair = all[i]!;
        if (seen) {
          if (seen.has(pair[0])) problem ??= 'label_name_duplicate';
          seen.add(pair[0]);
        } else for (let j = 0; j < i; j++) if (all[j]![0] === pair[0]) problem ??= 'label_name_duplicate';
        if (pair[0] === '__name__') name = pair[1];
        else labels.push(pair);
      }
      if (name === null) problem ??= 'name_missing';
      if (problem !== null) {
        bump(refused, problem, ts.samples.length);
        continue;
      }
      const fold = this.cumulative(name!) ? 'sum' : 'last';
      for (const s of ts.samples) {
        // A staleness marker ends the series in Prometheus; it is no value to store.
        if (s.stale) bump(refused, 'stale_marker');
        else samples.push({ name: name!, labels, value: s.value, tsMs: s.timestampMs, fold });
      }
    }
    for (const [why, n] of refused) this.ingest.reject(REMOTE_WRITE_RECEIVER, why, n);
    const res = this.ingest.write(REMOTE_WRITE_RECEIVER, samples, Date.now());
    for (const [why, n] of res.refused) bump(refused, why, n);
    let errors = 0;
    let retryable = 0;
    for (const [why, n] of refused) {
      if (!NOT_AN_ERROR.has(why)) errors += n;
      if (RETRYABLE.has(why)) retryable += n;
    }
    return { received, applied: res.applied, folded: res.folded, refused, errors, retryable };
  }

  private cumulative(name: string): boolean {
    const t = this.ingest.metadata.get(name)?.type;
    if (t === 'counter') return true;
    if (t === 'gauge') return false;
    return CUMULATIVE_SUFFIX.test(name);
  }

  /** The senders' descriptions, as Prometheus sends them (a family's name, type, help, unit). */
  private describe(list: readonly MetricMetadata[]): void {
    const n = Math.min(list.length, this.opts.maxMetadataPerRequest);
    for (let i = 0; i < n; i++) {
      const m = list[i]!;
      if (!isValidMetricName(m.family)) continue;
      this.ingest.describe(m.family, { type: m.type, help: m.help, unit: m.unit });
    }
  }
}

/** A message naming what was refused, by reason, and what was written. */
export function refusalMessage(o: RemoteWriteOutcome): string {
  const reasons = [...o.refused].filter(([why]) => !NOT_AN_ERROR.has(why)).map(([why, n]) => `${why} ${n}`);
  return `${o.errors} of ${o.received} samples refused (${reasons.join(', ')}); ${o.applied} written`;
}
