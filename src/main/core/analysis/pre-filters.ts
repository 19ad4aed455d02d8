// The checks that decide a point should not be judged at all: too little history to know what
// normal is, a gap long enough that the history no longer describes the present (or, asked with
// no point, data that has stopped arriving), and a series that never changes.

import { SortedWindow } from './sorted-window.ts';
import type { Point, SkipReason } from './types.ts';

export interface PreFilterOptions {
  /** Points needed before anything is judged. */
  minHistory: number;
  /** The expected sampling interval in ms; null learns it as the median of recent gaps. */
  expectedIntervalMs: number | null;
  /** A gap longer than this many intervals makes the series stale. */
  staleFactor: number;
}

export const PRE_FILTER_DEFAULTS: PreFilterOptions = { minHistory: 30, expectedIntervalMs: null, staleFactor: 10 };

export class PreFilters {
  private readonly opts: PreFilterOptions;
  private readonly gaps = new SortedWindow(31);
  private count = 0;
  private lastT = NaN;

  constructor(opts: Partial<PreFilterOptions> = {}) {
    this.opts = { ...PRE_FILTER_DEFAULTS, ...opts };
  }

  /** The sampling interval in ms: the configured one, else the median recent gap; NaN before there are 3 gaps. */
  interval(): number {
    if (this.opts.expectedIntervalMs !== null) return this.opts.expectedIntervalMs;
    return this.gaps.length >= 3 ? this.gaps.median() : NaN;
  }

  /** True when, at time now, no point has arrived for longer than the stale limit. */
  staleAt(now: number): boolean {
    const limit = this.opts.staleFactor * this.interval();
    return Number.isFinite(limit) && Number.isFinite(this.lastT) && now - this.lastT > limit;
  }

  /**
   * Feeds the point (recent: the values judged flat or not, the point included) and says why it
   * should not be judged, if it should not. Stale comes first (the history is out of date), then
   * too short, then flat.
   */
  check(p: Point, recent: SortedWindow): SkipReason | undefined {
    const stale = this.staleAt(p.t);
    if (Number.isFinite(this.lastT) && p.t > this.lastT) this.gaps.push(p.t - this.lastT);
    this.lastT = p.t;
    this.count++;
    if (stale) return 'stale';
    if (this.count < this.opts.minHistory) return 'too_short';
    if (recent.min() === recent.max()) return 'flat';
    return undefined;
  }

  get points(): number {
    return this.count;
  }
}
