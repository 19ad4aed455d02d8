// The scrape targets in force: started from the settings, and changed live when `scrape` is
// edited — a target whose settings are unchanged keeps scraping on its own schedule, a changed
// one restarts, a removed one stops (its series keep their history and simply end).

import type { ScrapeContext } from './scrape-target.ts';
import { ScrapeTarget } from './scrape-target.ts';
import type { ScrapeSettings, TargetStatus } from './scrape-types.ts';
import { redactText } from '../../../../shared/redact.ts';

export class ScrapeManager {
  private readonly ctx: ScrapeContext;
  private readonly targets = new Map<string, { key: string; target: ScrapeTarget }>();
  private settings: ScrapeSettings;
  private started = false;

  constructor(settings: ScrapeSettings, ctx: Omit<ScrapeContext, 'limits'>) {
    this.settings = settings;
    this.ctx = { ...ctx, limits: () => ({ maxBodyBytes: this.settings.maxBodyBytes, maxSamplesPerScrape: this.settings.maxSamplesPerScrape }) };
  }

  start(): void {
    this.started = true;
    this.apply();
  }

  set(settings: ScrapeSettings): void {
    this.settings = settings;
    if (this.started) this.apply();
  }

  private apply(): void {
    const want = new Map(this.settings.targets.map((t) => [t.id, t]));
    for (const [id, cur] of this.targets) {
      const next = want.get(id);
      if (!next || JSON.stringify(next) !== cur.key) {
        void cur.target.stop();
        this.targets.delete(id);
      }
    }
    for (const [id, cfg] of want) {
      if (this.targets.has(id)) continue;
      const target = new ScrapeTarget(cfg, this.ctx);
      this.targets.set(id, { key: JSON.stringify(cfg), target });
      target.start();
      this.ctx.log(`scraping ${cfg.url} every ${cfg.interval / 1000}s (target "${id}")`);
    }
  }

  /** Scrape one target now (tests); false when there is no such target. */
  async scrapeNow(id: string): Promise<boolean> {
    const t = this.targets.get(id);
    if (!t) return false;
    await t.target.scrape();
    return true;
  }

  /** The targets as the API shows them: a URL's credentials (or a token in its query) and an
   * error message quoting it never leave the process (read tokens on TV screens see this). */
  statuses(): TargetStatus[] {
    return [...this.targets.values()].map((t) => {
      const s = t.target.status();
      return { ...s, scrapeUrl: redactText(s.scrapeUrl), globalUrl: redactText(s.globalUrl), lastError: redactText(s.lastError) };
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.targets.values()].map((t) => t.target.stop()));
    this.targets.clear();
  }
}
