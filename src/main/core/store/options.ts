// The store's options: where it lives, how many series it holds, how long it keeps what.

export interface RetentionOptions {
  rawMs: number;
  rollup5mMs: number;
  rollup1hMs: number;
  eventsMs: number;
}

export interface StoreOptions {
  /** Directory for `radiator.db`; created if missing. */
  dir: string;
  maxSeries: number;
  hotWindowMs: number;
  retention: RetentionOptions;
  checkpointIntervalMs?: number;
  now?: () => number;
  /** A damaged database is moved aside (`<file>.damaged-<time>`) and the store starts empty,
   * instead of StoreDamagedError being thrown. */
  repair?: boolean;
  /** Where what the open found (a damaged WAL, files moved aside) is reported. */
  log?: (line: string) => void;
}
