// The interface every receiver has: start, an idempotent stop, and a description for the log.

export interface Receiver {
  /** e.g. "statsd udp 127.0.0.1:8125" — printed at start. */
  readonly description: string;
  start(): Promise<void>;
  /** Safe to call twice, or before start. */
  stop(): Promise<void>;
}
