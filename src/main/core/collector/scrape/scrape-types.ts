// The scrape settings as the scraper sees them (resolved by the settings schema).
import type { Settings } from '../../../../shared/settings.ts';

export type ScrapeSettings = Settings['scrape'];
export type ScrapeTargetSettings = ScrapeSettings['targets'][number];

export type TargetHealth = 'up' | 'down' | 'unknown';

/** One target's state, shaped like an entry of Prometheus's /api/v1/targets activeTargets. */
export interface TargetStatus {
  id: string;
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  /** Radiator's addition: the short reason of the last failure (`connection_refused`, `sample_limit`…). */
  lastErrorReason: string;
  /** RFC 3339, or Go's zero time before the first scrape (as Prometheus shows it). */
  lastScrape: string;
  lastScrapeDuration: number;
  lastSamples: number;
  health: TargetHealth;
  scrapeInterval: string;
  scrapeTimeout: string;
}
