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
/** StatsD series the parsing thread remembers (twice the default series cap); past it, a drain
 * forgets the least recently seen (`radiator_statsd_cache_evicted_total{cache="keys"}`). */
export const MAX_STATSD_KEYS = 200_000;
/** How long a flush waits for the StatsD thread's window; a later reply is applied at the next
 * flush, never dropped. */
export const STATSD_DRAIN_WAIT_MS = 2_000;
/** At shutdown the last flush waits this long for the StatsD thread's last window. */
export const STATSD_STOP_DRAIN_WAIT_MS = 30_000;
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
/** How deep a JSON body may nest (a sample needs 3: batch, sample, labels). */
export const MAX_JSON_DEPTH = 64;
/** Values and keys in one JSON body; a full batch of samples with 32 labels each is ~700 000. */
export const MAX_JSON_NODES = 1_000_000;
export const MAX_EVENT_TITLE_BYTES = 512;
export const MAX_EVENT_TEXT_BYTES = 16_384;
export const MAX_EVENT_TAGS = 32;
/** An event's tags given as an object `{key: value}`: each key and each value (as text), in
 * characters. Together with the ':' they stay within the 200 characters a "key:value" tag may have. */
export const MAX_EVENT_TAG_KEY_CHARS = 64;
export const MAX_EVENT_TAG_VALUE_CHARS = 128;
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
/** The memory trimmer (core/heap-trim.ts): how often it reads resident memory; how far above where
 * the last trim left it, how still since the previous reading, and how idle the event loop, before
 * a memory-reducing collection is worth its pause (about 4–10 ms per MB of live heap here: 171 ms
 * for 45 MB); and the least time between two. One a minute at most: at 100,000 series a trim
 * that fired while a board's queries paused held the next off for two minutes, and RSS stayed at
 * 507 MB a minute after the queries instead of the 228 MB one more trim leaves. 32 MB of growth
 * rather than 64: in the next run the queries after a trim grew it by about 60 MB (to 319 MB), and
 * it stayed there. */
export const HEAP_TRIM_CHECK_INTERVAL_MS = 15_000;
export const HEAP_TRIM_MIN_GROWTH_BYTES = 32 * 1024 * 1024;
export const HEAP_TRIM_QUIET_BYTES = 16 * 1024 * 1024;
export const HEAP_TRIM_MAX_UTILIZATION = 0.5;
export const HEAP_TRIM_MIN_INTERVAL_MS = 60_000;
/** When trims keep finding the process back where the last one did (steady work regrows what they
 * give back), the least interval doubles up to this many times the one above (16 minutes). */
export const HEAP_TRIM_MAX_BACKOFF = 16;
/** The StatsD thread trims its own heap (collector/statsd-worker.ts), which idles at about 12 MB
 * committed: a quarter of the main thread's growth and stillness. */
export const STATSD_THREAD_TRIM_MIN_GROWTH_BYTES = 8 * 1024 * 1024;
export const STATSD_THREAD_TRIM_QUIET_BYTES = 4 * 1024 * 1024;
/** Samples a closed chunk holds (Prometheus uses the same number). */
export const CHUNK_MAX_SAMPLES = 120;
/** Open chunks are written out at least this often, so the write-ahead log stays short. */
export const CHECKPOINT_INTERVAL_MS = 5 * 60_000;
/** Problems `PRAGMA quick_check` reports at start before it stops looking (one is enough to
 * refuse the store; a few tell where the damage is). */
export const MAX_QUICK_CHECK_PROBLEMS = 10;
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
/** Compiled `=~`/`!~` patterns kept for reuse; past it the cache starts over. */
export const REGEX_CACHE_ENTRIES = 1_000;

// ── feed ───────────────────────────────────────────────────────────────────────────────
export const FEED_PATH = '/feed';
export const FEED_MAX_PAYLOAD_BYTES = 64 * 1024;
export const FEED_HEARTBEAT_INTERVAL_MS = 5_000;
export const FEED_MAX_CLIENTS = 256;
/** A board's most panels, and each panel's most queries (the board schema's bounds). */
export const MAX_BOARD_PANELS = 60;
export const MAX_PANEL_QUERIES = 10;
/** A board's template variables, and the values one may list. */
export const MAX_BOARD_VARIABLES = 20;
export const MAX_VARIABLE_VALUES = 100;
/** Boards a screen holds subscriptions for at once: the one shown, the next (mounted ahead so it
 * appears with data), and the one just left (its queries are let go a moment later, so the same
 * query on the next board is not re-subscribed). */
export const FEED_SCREEN_BOARDS_HELD = 3;
/** A screen's subscriptions besides its panels' queries: configuration, alerts, events. */
export const FEED_SCREEN_OTHER_SUBSCRIPTIONS = 3;
/** Derived from the board schema, so whatever a valid board holds its screen can subscribe to:
 * 3 × 60 × 10 + 3 = 1,803. */
export const FEED_MAX_SUBSCRIPTIONS_PER_CLIENT = FEED_SCREEN_BOARDS_HELD * MAX_BOARD_PANELS * MAX_PANEL_QUERIES + FEED_SCREEN_OTHER_SUBSCRIPTIONS;
/** A subscribe request's most characters (a board's query is at most 10,000): requests wait, as
 * sent, while a client is behind, so this × the cap bounds what one client's waiting requests
 * hold (~29 MB; with the 64 KiB message limit alone it was 113 MB at 1,803). */
export const FEED_MAX_SUBSCRIBE_MESSAGE_CHARS = 16 * 1024;
export const FEED_MAX_RANGE_MS = 24 * 3_600_000;
/** Above this many unsent bytes a client is "slow": its updates are coalesced, and its subscribe
 * requests wait (one per id) to be answered in order once it drains. */
export const FEED_HIGH_WATER_BYTES = 1024 * 1024;
/** One flush's points for a subscription go out in append messages of at most this many points,
 * each built and sent before the next: a flush that writes 100,000 matching series otherwise
 * built one message of them all (its label objects, point tuples and ~8 MB of JSON at once), and
 * V8 and glibc kept the pages that burst took long after. */
export const FEED_APPEND_MAX_POINTS = 4_096;
/** A slow client whose coalesced backlog passes this many points is closed with 1013. */
export const FEED_MAX_QUEUED_POINTS = 200_000;
/** …and so is one that stays behind for longer than this. */
export const FEED_MAX_BACKLOG_MS = 30_000;
export const FEED_MAX_SNAPSHOT_POINTS = 2_000_000;
/** A snapshot (selector or PromQL) larger than this as JSON is refused: narrow the selector or
 * the range. Snapshots are only built while the client's socket is below FEED_HIGH_WATER_BYTES. */
export const FEED_MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024;
/** Unsent bytes one client may hold in the server (ws `bufferedAmount` plus the message about to
 * be sent); past it the client is closed with 4001. At least high water + one largest snapshot. */
export const FEED_CLIENT_BUDGET_BYTES = 48 * 1024 * 1024;
/** The finest step a PromQL subscription may ask for. */
export const FEED_MIN_STEP_MS = 1_000;
/** PromQL subscriptions: the longest span (a board's 90-day panel) and the most steps per
 * snapshot (Prometheus's own query_range bound). */
export const FEED_MAX_QUERY_RANGE_MS = 90 * 86_400_000;
export const FEED_MAX_QUERY_STEPS = 11_000;
/** A remote source is asked again no more often than this, whatever the step. */
export const FEED_REMOTE_MIN_INTERVAL_MS = 5_000;
/** `GET /api/v1/arriving`: names listed by default and at most (the total is always counted). */
export const ARRIVING_DEFAULT_LIMIT = 50;
export const ARRIVING_MAX_LIMIT = 500;
/** How often a screen asks what has arrived (the "What's arriving" board, the rotation's skip rule). */
export const ARRIVING_POLL_MS = 3_000;

// ── OpenTelemetry (OTLP/HTTP) ──────────────────────────────────────────────────────────
/** Every OpenTelemetry SDK's default OTLP/HTTP port. */
export const DEFAULT_OTLP_PORT = 4318;
/** After gunzip. The OpenTelemetry Collector allows 20 MiB; SDK batches are far smaller. */
export const MAX_OTLP_BODY_BYTES = 8 * 1024 * 1024;
/** Requests decoded at once; one more gets 429 with Retry-After. */
export const MAX_OTLP_INFLIGHT_REQUESTS = 16;
/** Data points per second across all senders before 429 (a token bucket, this deep). */
export const MAX_OTLP_POINTS_PER_SECOND = 500_000;
/** Nesting of attribute values (kvlist in array in kvlist…) before a body is refused. */
export const MAX_OTLP_ATTRIBUTE_DEPTH = 8;
/** Classic buckets an exponential histogram becomes, at most (merged pairwise past it). */
export const MAX_OTLP_EXPONENTIAL_BUCKETS = 64;

// ── Prometheus remote write in (`POST /api/v1/write`) ────────────────────────────────────
/** A request as sent (snappy-compressed). Prometheus sends 500-2,000 samples a request, tens of
 * KiB; vmagent and Alloy batch more. */
export const MAX_REMOTE_WRITE_BODY_BYTES = 8 * 1024 * 1024;
/** Once decompressed: checked against the snappy block's own length header before decompressing. */
export const MAX_REMOTE_WRITE_DECOMPRESSED_BYTES = 32 * 1024 * 1024;
/** Series in one request; past it the request is refused whole (413). */
export const MAX_REMOTE_WRITE_SERIES_PER_REQUEST = 100_000;
/** Labels of one series the decoder reads before refusing the request (a series with more than
 * MAX_LABELS_PER_SERIES but fewer than this is refused alone, as `too_many_labels`). */
export const MAX_REMOTE_WRITE_LABELS_PER_SERIES = 128;
/** Label pairs and samples in one request, all series together: each is an object once decoded,
 * so this bounds what one request costs in memory (some 100-200 MB at worst). A Prometheus request
 * holds 10-20 thousand; past it the request is refused whole (413). */
export const MAX_REMOTE_WRITE_ENTRIES_PER_REQUEST = 2_000_000;
/** Metric descriptions (type, help, unit) taken from one request; more are ignored. */
export const MAX_REMOTE_WRITE_METADATA_PER_REQUEST = 10_000;
/** Requests being read and decoded at once; one more gets 503 with Retry-After (every remote
 * write sender retries a 5xx; a 429 only if configured to). */
export const MAX_REMOTE_WRITE_INFLIGHT_REQUESTS = 64;
/** Samples per second across all senders before 503 with Retry-After (a token bucket, this deep). */
export const MAX_REMOTE_WRITE_SAMPLES_PER_SECOND = 1_000_000;

// ── scraping ───────────────────────────────────────────────────────────────────────────
export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
/** Defaults for `scrape.maxBodyBytes` / `scrape.maxSamplesPerScrape`. */
export const DEFAULT_SCRAPE_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SCRAPE_MAX_SAMPLES = 50_000;
export const MAX_SCRAPE_TARGETS = 256;

// ── logs ───────────────────────────────────────────────────────────────────────────────
/** A longer line is cut here before levels and rules look at it (bounds regex work per line). */
export const MAX_LOG_LINE_BYTES = 8_192;
export const MAX_LOG_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_LOG_LINES_PER_REQUEST = 10_000;
/** Lines per second across the HTTP, syslog and file intakes before they are refused (`overload`). */
export const MAX_LOG_LINES_PER_SECOND = 200_000;
export const MAX_LOG_RULES = 200;
/** A rule's regex source, at most. */
export const MAX_LOG_REGEX_CHARS = 1_024;
/** Lines kept per rule, and per level from WARN up, for GET /api/v1/logs/recent. */
export const LOG_RECENT_LINES_PER_RING = 200;
/** A kept line is cut to this many characters. */
export const LOG_RECENT_LINE_CHARS = 2_048;
export const MAX_LOG_SOURCE_CHARS = 128;
/** Files tailed, and how often each is checked for new lines, rotation and truncation. */
export const MAX_LOG_FILES = 64;
export const LOG_FILE_POLL_MS = 1_000;
/** Bytes read from one file per poll, so one busy file cannot stall the others. */
export const LOG_FILE_READ_BYTES_PER_POLL = 4 * 1024 * 1024;
/** Syslog: one message at most (RFC 5425 asks receivers for 2 KiB at least), TCP connections. */
export const MAX_SYSLOG_MESSAGE_BYTES = 8_192;
export const MAX_SYSLOG_TCP_CONNECTIONS = 128;

// ── browser client telemetry ───────────────────────────────────────────────────────────
export const MAX_CLIENT_BEACON_BYTES = 64 * 1024;
/** Measurements and errors one beacon may carry; the rest are dropped and counted. */
export const MAX_CLIENT_ITEMS_PER_BEACON = 100;
export const MAX_CLIENT_BEACONS_PER_SECOND = 2_000;
export const MAX_CLIENT_PAGE_CHARS = 200;
export const MAX_CLIENT_RELEASE_CHARS = 64;
/** Web Vitals are judged at p75 (web.dev), so client summaries carry 0.75 besides the usual ones. */
export const CLIENT_SUMMARY_QUANTILES: readonly number[] = [0.5, 0.75, 0.9, 0.95, 0.99];

// ── pipeline (CI webhooks) ─────────────────────────────────────────────────────────────
/** Build ids (CI run id + attempt) remembered to count a redelivered build once: ~100 bytes
 * each; older ones are found among the stored build events. */
export const MAX_RECENT_BUILD_IDS = 10_000;

// ── settings UI, boards as code, access tokens ─────────────────────────────────────────
/** An export/import document or a Grafana dashboard, as sent to the API. */
export const MAX_CONFIG_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** YAML aliases one document may use (a guard against "billion laughs" expansion). */
export const MAX_YAML_ALIASES = 100;
/** Panels read from one Grafana dashboard (rows' nested panels included): it becomes as many
 * boards as it needs (Node Exporter Full has 125), so this only bounds a hostile document. */
export const MAX_GRAFANA_PANELS = 2_000;
/** How tall one TV board of an imported dashboard is, in Grafana height units (~30 px each in
 * Grafana): two rows of Grafana's usual 10-high panels, so a chart reads across a room. A
 * board's grid has this many rows; a taller Grafana row is cut into several boards. */
export const GRAFANA_SCREEN_UNITS = 24;
/** Boards one Grafana dashboard may become (a playlist holds them). */
export const MAX_GRAFANA_BOARDS = 100;
/** The watched configuration directory: files read, the size of each. */
export const MAX_CONFIG_DIR_FILES = 100;
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** Changes in the directory settle for this long before it is read again (editors write twice). */
export const CONFIG_DIR_DEBOUNCE_MS = 300;
/** …and it is also polled this often, for file systems where fs.watch says nothing (NFS, some containers). */
export const CONFIG_DIR_POLL_MS = 5_000;
/** The settings file is watched for hand edits: a change settles this long before it is read
 * (editors write in several steps), and the file is also polled this often (see CONFIG_DIR_POLL_MS). */
export const SETTINGS_FILE_DEBOUNCE_MS = 300;
export const SETTINGS_FILE_POLL_MS = 2_000;
/** Scoped access tokens (read, ingest, admin) kept at once. */
export const MAX_ACCESS_TOKENS = 100;
/** A token's "last used" time is written at most this often (not on every request). */
export const ACCESS_TOKEN_LAST_USED_WRITE_MS = 60_000;
/** The settings UI's "Test" of a data source gives up after this long, whatever the source's own timeout. */
export const SOURCE_TEST_TIMEOUT_MS = 10_000;

/** Alert rules: evaluations of an anomaly incident kept from the detectors before a level that
 * stays is learned as the series' normal (alerts/anomaly-episode.ts). */
export const ANOMALY_MAX_WITHHELD_POINTS = 240;

/** While the disk holding the store is full, samples taken wait in memory (about 24 bytes each)
 * to be written when space frees; past this many, new samples are refused as `store_disk_full`.
 * Two million is about 50 MB: over three minutes of 100,000 series at a 10 s flush. */
export const MAX_PENDING_SAMPLES_WHILE_FULL = 2_000_000;

// ── remote write out (defaults per endpoint, and hard bounds) ────────────────────────────
/** Parallel senders per endpoint; a series always goes through the same one (in order). */
export const DEFAULT_REMOTE_WRITE_SHARDS = 4;
export const MAX_REMOTE_WRITE_SHARDS = 64;
/** Samples per request (Prometheus's max_samples_per_send is 500 in 2.42, 2000 later). */
export const DEFAULT_REMOTE_WRITE_MAX_SAMPLES_PER_SEND = 2_000;
export const MAX_REMOTE_WRITE_SAMPLES_PER_SEND = 100_000;
/** A request smaller than max samples per send waits at most this long for more (as Prometheus's batch_send_deadline). */
export const DEFAULT_REMOTE_WRITE_BATCH_DEADLINE_MS = 5_000;
/** Retry waits double from the minimum to the maximum (as Prometheus's min/max_backoff). */
export const DEFAULT_REMOTE_WRITE_MIN_BACKOFF_MS = 30;
export const DEFAULT_REMOTE_WRITE_MAX_BACKOFF_MS = 5_000;
/** A Retry-After longer than this is waited for only this long. */
export const MAX_REMOTE_WRITE_RETRY_AFTER_MS = 5 * 60_000;
/** How far behind an endpoint may fall (about: counted in flushes) before the oldest unsent
 * samples are dropped and counted: the write-ahead log is kept for it until then. */
export const DEFAULT_REMOTE_WRITE_MAX_BACKLOG_MS = 2 * 3_600_000;
export const MAX_REMOTE_WRITE_BACKLOG_MS = 24 * 3_600_000;
export const DEFAULT_REMOTE_WRITE_TIMEOUT_MS = 30_000;
export const MAX_REMOTE_WRITE_ENDPOINTS = 16;
/** Write-ahead records read into memory at once per endpoint (a segment): the samples of whole
 * records up to this many, sent before the next segment is read. */
export const REMOTE_WRITE_SEGMENT_SAMPLES = 50_000;
/** Request bodies kept from a refusal (4xx) for the log line. */
export const REMOTE_WRITE_ERROR_BODY_CHARS = 512;
