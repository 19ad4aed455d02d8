// One scrape target, Prometheus-style: every `interval` fetch its exposition (text 0.0.4 or
// OpenMetrics), label every sample with the target's `job` and `instance` (and its own labels;
// exposed labels that clash become `exported_<name>` unless `honorLabels`), and write them at
// the scrape's start time (or the sample's own timestamp). Then `up`, `scrape_duration_seconds`,
// `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling` and `scrape_series_added`.
// A failed scrape — refused connection, timeout, an HTTP error, a body over the size limit, more
// samples than the limit, a body that does not parse — stores nothing from the body, writes
// `up 0`, and keeps its reason as the target's last error.
//
// Samples go through the ingest door's `write`, not the aggregator: a scraped value exists at the
// scrape's time only, as in Prometheus (the aggregator would write it again every repeat interval
// even after the target went away). The door checks names, folds series past the cap into
// overflow series and counts every sample received, applied or refused.

import { ExpositionError, parseExposition, type MetricFamily } from '../exposition-parser.ts';
import type { Ingest, IngestSample } from '../ingest.ts';
import type { MetricType } from '../metadata.ts';
import { fetchExposition, ScrapeError } from './scrape-fetch.ts';
import type { ScrapeTargetSettings, TargetHealth, TargetStatus } from './scrape-types.ts';
import { formatDuration } from '../../../../shared/settings.ts';

export const SCRAPE_RECEIVER = 'scrape';

export interface ScrapeContext {
  ingest: Ingest;
  now: () => number;
  version: string;
  limits: () => { maxBodyBytes: number; maxSamplesPerScrape: number };
  log: (line: string) => void;
}

const META_TYPES: ReadonlyMap<string, MetricType> = new Map([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['gaugehistogram', 'gaugehistogram'],
  ['summary', 'summary'],
  ['info', 'info'],
  ['stateset', 'stateset'],
]);

const SYNTHETIC: ReadonlyArray<[string, string]> = [
  ['up', 'Whether the last scrape of the target succeeded (1) or not (0).'],
  ['scrape_duration_seconds', 'How long the last scrape of the target took.'],
  ['scrape_samples_scraped', 'Samples the target exposed in the last scrape.'],
  ['scrape_samples_post_metric_relabeling', 'Samples kept from the last scrape (Radiator does no relabelling: the same as scraped).'],
  ['scrape_series_added', 'Series the last scrape exposed that the one before did not.'],
];

/** A stable fraction in [0, 1) from the target id, to spread first scrapes as Prometheus does. */
function spread(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

export class ScrapeTarget {
  readonly cfg: ScrapeTargetSettings;
  private readonly ctx: ScrapeContext;
  /** job, instance and the configured labels, in the order Prometheus lists them. */
  readonly targetLabels: Map<string, string>;
  private readonly url: URL;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private health: TargetHealth = 'unknown';
  private lastError = '';
  private lastErrorReason = '';
  private lastScrapeTs = 0;
  private lastDurationS = 0;
  private lastSamples = 0;
  /** Series keys of the last successful scrape, for scrape_series_added. */
  private lastKeys = new Set<string>();

  constructor(cfg: ScrapeTargetSettings, ctx: ScrapeContext) {
    this.cfg = cfg;
    this.ctx = ctx;
    this.url = new URL(cfg.url);
    this.targetLabels = new Map([
      ['job', cfg.job ?? cfg.id],
      ['instance', this.url.host],
    ]);
    for (const [k, v] of Object.entries(cfg.labels)) this.targetLabels.set(k, v);
  }

  start(): void {
    const first = Math.floor(spread(this.cfg.id) * Math.min(this.cfg.interval, 1_000));
    const t0 = Date.now() + first;
    let n = 0;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.scrape().finally(() => (this.running = null));
      n++;
      // On a fixed grid from the first scrape, so a slow scrape does not push the next ones back.
      this.timer = setTimeout(tick, Math.max(0, t0 + n * this.cfg.interval - Date.now()));
    };
    this.timer = setTimeout(tick, first);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One scrape now (the timer calls it; tests may too). Never throws. */
  async scrape(): Promise<void> {
    const ts = this.ctx.now();
    const t0 = performance.now();
    const { maxBodyBytes, maxSamplesPerScrape } = this.ctx.limits();
    let scraped = 0;
    let added = 0;
    try {
      const body = await fetchExposition(this.cfg, maxBodyBytes, this.ctx.version);
      if (this.stopped) return;
      let families: MetricFamily[];
      try {
        families = parseExposition(body.text, { openMetrics: body.contentType.toLowerCase().startsWith('application/openmetrics-text') });
      } catch (e) {
        if (e instanceof ExpositionError) throw new ScrapeError('parse_error', `error parsing the exposition: ${e.message}`);
        throw e;
      }
      for (const f of families) scraped += f.samples.length;
      if (scraped > maxSamplesPerScrape) throw new ScrapeError('sample_limit', `sample limit exceeded: ${scraped} samples, the limit is ${maxSamplesPerScrape}`);
      added = this.write(families, ts);
      this.health = 'up';
      this.lastError = '';
      this.lastErrorReason = '';
    } catch (e) {
      const err = e instanceof ScrapeError ? e : new ScrapeError('internal', (e as Error).message);
      this.health = 'down';
      this.lastError = err.message;
      this.lastErrorReason = err.reason;
      // One scrape that stored nothing: received once, refused once, by its reason.
      this.ctx.ingest.receive(SCRAPE_RECEIVER);
      this.ctx.ingest.refuse(SCRAPE_RECEIVER, err.reason);
      scraped = 0;
    }
    this.lastScrapeTs = ts;
    this.lastDurationS = (performance.now() - t0) / 1000;
    this.lastSamples = scraped;
    if (this.stopped) return;
    const up = this.health === 'up' ? 1 : 0;
    this.synthetic([up, this.lastDurationS, scraped, scraped, added], ts);
  }

  /** Writes the samples through the door; returns how many series are new since the last scrape. */
  private write(families: MetricFamily[], ts: number): number {
    const { ingest } = this.ctx;
    const batch: IngestSample[] = [];
    for (const fam of families) {
      ingest.describe(fam.name, { type: META_TYPES.get(fam.type) ?? 'unknown', help: fam.help, unit: fam.unit });
      const cumulative = fam.type === 'counter' || fam.type === 'histogram' || fam.type === 'summary';
      for (const s of fam.samples) {
        const labels = this.mergeLabels(s.labels);
        // A summary's quantiles are not cumulative; its _sum and _count and a histogram's buckets are.
        const fold = cumulative && !s.labels.some(([k]) => k === 'quantile') ? 'sum' : 'last';
        batch.push({ name: s.name, labels, value: s.value, tsMs: s.tsMs, fold });
      }
    }
    const keys = ingest.write(SCRAPE_RECEIVER, batch, ts).seriesKeys;
    let added = 0;
    for (const k of keys) if (!this.lastKeys.has(k)) added++;
    this.lastKeys = keys;
    return added;
  }

  private mergeLabels(exposed: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
    const out = new Map<string, string>();
    for (const [k, v] of exposed) if (v !== '') out.set(k, v);
    for (const [k, v] of this.targetLabels) {
      if (this.cfg.honorLabels) {
        if (!out.has(k)) out.set(k, v);
        continue;
      }
      const clash = out.get(k);
      if (clash !== undefined) {
        let name = `exported_${k}`;
        while (out.has(name)) name = `exported_${name}`;
        out.set(name, clash);
      }
      out.set(k, v);
    }
    return [...out];
  }

  /** Radiator's own series about the scrape (`up`, …): through the door, counted for no receiver. */
  private synthetic(values: number[], ts: number): void {
    const { ingest } = this.ctx;
    const batch: IngestSample[] = SYNTHETIC.map(([name, help], i) => {
      ingest.describe(name, { type: 'gauge', help }, true);
      return { name, labels: this.targetLabels, value: values[i]!, tsMs: ts };
    });
    ingest.write(null, batch, ts);
  }

  status(): TargetStatus {
    const labels = Object.fromEntries(this.targetLabels);
    return {
      id: this.cfg.id,
      discoveredLabels: {
        __address__: this.url.host,
        __metrics_path__: this.url.pathname,
        __scheme__: this.url.protocol.replace(':', ''),
        __scrape_interval__: formatDuration(this.cfg.interval),
        __scrape_timeout__: formatDuration(this.cfg.timeout),
        job: this.cfg.job ?? this.cfg.id,
      },
      labels,
      scrapePool: this.cfg.job ?? this.cfg.id,
      scrapeUrl: this.cfg.url,
      globalUrl: this.cfg.url,
      lastError: this.lastError,
      lastErrorReason: this.lastErrorReason,
      lastScrape: this.lastScrapeTs ? new Date(this.lastScrapeTs).toISOString() : '0001-01-01T00:00:00Z',
      lastScrapeDuration: this.lastDurationS,
      lastSamples: this.lastSamples,
      health: this.health,
      scrapeInterval: formatDuration(this.cfg.interval),
      scrapeTimeout: formatDuration(this.cfg.timeout),
    };
  }
}
