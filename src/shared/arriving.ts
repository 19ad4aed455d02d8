// What the store has, for the screens: the metric names that arrived (newest first, with where
// they came from and their current value) and which boards' queries have data — so a first
// metric shows at once, and a shipped board with nothing to show stays off the TV until it has.
// `GET /api/v1/arriving` answers with an ArrivingReport.

export interface Arrival {
  /** The metric name as stored (StatsD's `a.b` is `a_b`). */
  name: string;
  /** The receiver that last wrote it (`statsd`, `json`, `otlp`, `push`, `scrape`, …), or null. */
  receiver: string | null;
  /** As its sender declared it (`counter`, `gauge`, `summary`, …), or `unknown`. */
  type: string;
  series: number;
  /** The newest series' current value, and when input for the name last arrived (ms). */
  value: number;
  lastInputAt: number;
  /** When its first sample is from: the list is newest first by this, so it does not reshuffle. */
  firstSeenAt: number;
  /** A query that shows the name as one number (a sum over its series, a summary's median). */
  query: string;
  /** What that number is, when not the name's one series ("sum of 3 series", "median"). */
  what: string;
}

export interface BoardData {
  id: string;
  /** Whether any of its queries selects a stored series (or reads another source, or it has no
   * queries at all: nothing to wait for). */
  hasData: boolean;
  /** The names its queries wait for that nothing has sent yet, for the settings page. */
  waitingFor: string[];
  /** Per panel: the names its queries read that nothing has sent yet. */
  panels: Record<string, string[]>;
}

export interface ArrivingReport {
  /** Names from apps (not this machine's or Radiator's own), newest first, at most `limit`. */
  metrics: Arrival[];
  /** How many such names there are in all (the screen says "+N more"). */
  total: number;
  boards: BoardData[];
}
