// Every limit and default the core enforces, in one place, with its unit in its name.
// Settings may override the ones marked "default"; the rest are hard bounds that keep a
// misbehaving client from taking the collector down.

// ── ports and addresses (defaults) ─────────────────────────────────────────────────────
export const DEFAULT_BIND_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 7070;
export const DEFAULT_STATSD_PORT = 8125;
export const DEFAULT_PUSH_PORT = 9091;

// ── collector timing (defaults) ────────────────────────────────────────────────────────
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
/** A current value (a StatsD gauge, a pushed group) is written again at least this often, so
 * PromQL's 5 min lookback keeps seeing it, the way a Prometheus scrape would. */
export const DEFAULT_REPEAT_INTERVAL_MS = 15_000;
export const DEFAULT_HOST_METRICS_INTERVAL_MS = 5_000;
export const MIN_FLUSH_INTERVAL_MS = 100;
export const MAX_FLUSH_INTERVAL_MS = 60_000;

// ── StatsD ─────────────────────────────────────────────────────────────────────────────
/** What we ask the kernel for; it may grant less (reported at start and on /metrics). */
export const DEFAULT_STATSD_RECV_BUFFER_BYTES = 8 * 1024 * 1024;
export const MAX_STATSD_DATAGRAM_BYTES = 65_535;
export const MAX_STATSD_LINE_BYTES = 8_192;
export const MAX_STATSD_TCP_CONNECTIONS = 256;
/** Packed DogStatsD values (`name:1:2:3|d`) beyond this count are dropped. */
export const MAX_STATSD_PACKED_VALUES = 1_024;
/** Observations one summary keeps per age bucket before it starts sampling. */
export const SUMMARY_RESERVOIR_SIZE = 512;
/** Distinct members one StatsD set counts per flush interval; more are ignored. */
export const MAX_SET_MEMBERS = 100_000;
/** How far the StatsD parsing thread may fall behind before datagrams are dropped (`overload`). */
export const MAX_STATSD_INFLIGHT_BYTES = 64 * 1024 * 1024;
/** Raw StatsD keys remembered for the fast path; past it the cache starts over. */
export const MAX_STATSD_KEY_CACHE = 250_000;
/** A summary's quantiles cover this trailing window (statsd_exporter's default MaxAge). */
export const SUMMARY_MAX_AGE_MS = 10 * 60_000;
export const SUMMARY_AGE_BUCKETS = 5;
export const SUMMARY_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];

// ── names and labels ───────────────────────────────────────────────────────────────────
export const MAX_METRIC_NAME_BYTES = 256;
export const MAX_LABEL_NAME_BYTES = 128;
export const MAX_LABEL_VALUE_BYTES = 1_024;
export const MAX_LABELS_PER_SERIES = 32;

// ── HTTP receivers ─────────────────────────────────────────────────────────────────────
/** Applies to the body after gunzip, too. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_JSON_BATCH_SAMPLES = 10_000;
export const MAX_EVENT_TITLE_BYTES = 512;
export const MAX_EVENT_TEXT_BYTES = 16_384;
export const MAX_EVENT_TAGS = 32;
export const MAX_EVENTS_PER_QUERY = 5_000;
export const MAX_PUSH_GROUPS = 10_000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;

// ── store (defaults unless noted) ──────────────────────────────────────────────────────
export const DEFAULT_MAX_SERIES = 100_000;
/** Overflow series (one per metric name, label `radiator_overflow="true"`) may exceed the cap
 * by this many, so a cardinality explosion keeps its totals instead of losing them. */
export const MAX_OVERFLOW_SERIES = 1_000;
/** Boards read from memory within this window; older data comes from SQLite. */
export const DEFAULT_HOT_WINDOW_MS = 2 * 3_600_000;
export const DEFAULT_RAW_RETENTION_MS = 3 * 86_400_000;
export const DEFAULT_ROLLUP_5M_RETENTION_MS = 35 * 86_400_000;
export const DEFAULT_ROLLUP_1H_RETENTION_MS = 400 * 86_400_000;
export const DEFAULT_EVENT_RETENTION_MS = 400 * 86_400_000;
export const ROLLUP_RESOLUTIONS_MS: readonly number[] = [5 * 60_000, 3_600_000];
/** Samples a closed chunk holds (Prometheus uses the same number). */
export const CHUNK_MAX_SAMPLES = 120;
/** Open chunks are written out at least this often, so the write-ahead log stays short. */
export const CHECKPOINT_INTERVAL_MS = 5 * 60_000;
/** Series written per flush tick during a checkpoint, so no tick blocks for long. */
export const CHECKPOINT_SERIES_PER_TICK = 5_000;
/** Rows removed per tick by retention, for the same reason. */
export const RETENTION_DELETE_BATCH_ROWS = 5_000;
/** Samples older than this (relative to now) are refused: they could never be read from memory
 * and would be rolled up late. */
export const MAX_SAMPLE_AGE_MS = 7 * 86_400_000;
/** Samples more than this far in the future are refused. */
export const MAX_SAMPLE_FUTURE_MS = 10 * 60_000;
export const MAX_SELECT_SERIES = 10_000;
export const MAX_SELECT_POINTS = 11_000_000;

// ── feed ───────────────────────────────────────────────────────────────────────────────
export const FEED_PATH = '/feed';
export const FEED_MAX_PAYLOAD_BYTES = 64 * 1024;
export const FEED_HEARTBEAT_INTERVAL_MS = 5_000;
export const FEED_MAX_CLIENTS = 256;
export const FEED_MAX_SUBSCRIPTIONS_PER_CLIENT = 128;
export const FEED_MAX_RANGE_MS = 24 * 3_600_000;
/** Above this many unsent bytes a client is "slow": its updates are coalesced. */
export const FEED_HIGH_WATER_BYTES = 1024 * 1024;
/** A slow client whose coalesced backlog passes this many points is closed with 1013. */
export const FEED_MAX_QUEUED_POINTS = 200_000;
/** …and so is one that stays behind for longer than this. */
export const FEED_MAX_BACKLOG_MS = 30_000;
export const FEED_MAX_SNAPSHOT_POINTS = 2_000_000;
/** The finest step a PromQL subscription may ask for. */
export const FEED_MIN_STEP_MS = 1_000;
/** PromQL subscriptions: the longest span (a board's 90-day panel) and the most steps per
 * snapshot (Prometheus's own query_range bound). */
export const FEED_MAX_QUERY_RANGE_MS = 90 * 86_400_000;
export const FEED_MAX_QUERY_STEPS = 11_000;
/** A remote source is asked again no more often than this, whatever the step. */
export const FEED_REMOTE_MIN_INTERVAL_MS = 5_000;
