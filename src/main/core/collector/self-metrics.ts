// The collector watching itself: what each receiver took and refused (by reason), the store's
// size, flush and commit times, feed clients, event-loop lag and memory. Written to the store
// like any metric (the self-monitoring board reads them) and exposed on /metrics.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StoreStats } from '../store/index.ts';
import type { MetricSample } from './host-metrics.ts';
import type { IngestStats } from './ingest-stats.ts';
import type { QueueStats as RemoteWriteQueueStats } from '../remote-write/queue.ts';
import type { HeapTrimStats } from '../heap-trim.ts';

export interface SelfMetricsSources {
  stats: IngestStats;
  store: () => StoreStats;
  /** Samples the store took and refused (by reason), as counted at the ingest door. */
  samples: () => { written: number; refused: ReadonlyMap<string, number> };
  feedClients: () => number;
  feedClosedSlow: () => number;
  feedClosedOverBudget: () => number;
  aggregatorEntries: () => number;
  pushGroups: () => number;
  statsdRecvBufferBytes: () => number;
  /** Entries the StatsD thread's caches dropped, by cache (`raw` spellings, `keys`). */
  statsdCacheEvicted: () => { raw: number; keys: number };
  /** The StatsD thread's V8 heap (null when StatsD runs on the main thread). */
  statsdThreadHeap?: () => { used: number; committed: number; trims: number } | null;
  /** Remote write out, per endpoint (see remote-write/queue.ts). */
  remoteWrite?: () => ReadonlyArray<RemoteWriteQueueStats>;
  /** Recording rules: evaluations, and those that failed. */
  recordingRules?: () => { evaluations: number; failures: number };
  alertRules?: () => { evaluations: number; failures: number };
  /** The memory trimmer's collections (see core/heap-trim.ts). */
  heapTrim?: () => HeapTrimStats;
}

export class SelfMetrics {
  private readonly src: SelfMetricsSources;
  private readonly loop: ReturnType<typeof monitorEventLoopDelay>;
  private readonly started = Date.now();
  flushSeconds = 0;
  events = 0;

  constructor(src: SelfMetricsSources) {
    this.src = src;
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  collect(): MetricSample[] {
    const out: MetricSample[] = [];
    const g = (name: string, value: number, help: string, labels: Array<[string, string]> = []) =>
      out.push({ name, labels, value, type: 'gauge', help });
    const c = (name: string, value: number, help: string, labels: Array<[string, string]> = []) =>
      out.push({ name, labels, value, type: 'counter', help });
    const { stats } = this.src;
    for (const [receiver, n] of stats.received) {
      c('radiator_received_total', n, 'Samples, lines and events that reached a receiver (refused ones included).', [['receiver', receiver]]);
    }
    for (const [receiver, n] of stats.applied) {
      c('radiator_applied_total', n, 'Input a receiver took: stored, held as a current value, or folded into an overflow series. Per receiver, received = applied + rejected.', [['receiver', receiver]]);
    }
    for (const [receiver, reasons] of stats.rejected) {
      for (const [reason, n] of reasons) {
        c('radiator_rejected_total', n, 'Input refused, by receiver and reason.', [['reason', reason], ['receiver', receiver]]);
      }
    }
    const st = this.src.store();
    g('radiator_series', st.series, 'Series in the store.');
    c('radiator_series_refused_total', st.refusedSeries, 'New series refused at the series cap (their samples went to an overflow series).');
    g('radiator_overflow_series', st.overflowSeries, 'Overflow series (label radiator_overflow="true") created at the cap.');
    g('radiator_store_memory_samples', st.samplesInMemory, 'Samples held in the hot tier.');
    g('radiator_store_memory_bytes', st.bytesInMemory, 'Compressed bytes held in the hot tier.');
    g('radiator_store_disk_bytes', st.diskBytes, 'Size of the SQLite files on disk.');
    g('radiator_store_wal_records', st.walRecords, 'Flush records in the write-ahead log: not yet checkpointed, or kept for a remote-write endpoint that has not had them.');
    g('radiator_store_wal_frames_dropped_at_start', st.walFramesDroppedAtStart, 'WAL frames SQLite dropped at start because their checksums failed (a damaged write-ahead log; a copy was kept).');
    g('radiator_commit_duration_seconds', st.lastCommitMs / 1000, 'How long the last commit to SQLite took.');
    g('radiator_flush_duration_seconds', this.flushSeconds, 'How long the last whole flush took.');
    const samples = this.src.samples();
    c('radiator_samples_written_total', samples.written, 'Samples written to the store.');
    for (const [reason, n] of samples.refused) {
      c('radiator_samples_refused_total', n, 'Samples the store refused, by reason.', [['reason', reason]]);
    }
    c('radiator_events_total', this.events, 'Events stored.');
    g('radiator_feed_clients', this.src.feedClients(), 'Connected feed (WebSocket) clients.');
    c('radiator_feed_slow_closed_total', this.src.feedClosedSlow(), 'Feed clients closed for falling too far behind.');
    c('radiator_feed_over_budget_closed_total', this.src.feedClosedOverBudget(), 'Feed clients closed (4001) for holding more unsent bytes than their budget.');
    g('radiator_current_values', this.src.aggregatorEntries(), 'Current values the collector keeps writing (StatsD, pushed, JSON).');
    g('radiator_push_groups', this.src.pushGroups(), 'Pushgateway groups held.');
    const buf = this.src.statsdRecvBufferBytes();
    if (buf > 0) g('radiator_statsd_receive_buffer_bytes', buf, 'The UDP receive buffer the kernel granted.');
    const evicted = this.src.statsdCacheEvicted();
    for (const cache of ['raw', 'keys'] as const) {
      c('radiator_statsd_cache_evicted_total', evicted[cache], 'Entries the StatsD thread dropped from a bounded cache (raw spellings, keys); they are resolved again when next seen.', [['cache', cache]]);
    }
    const th = this.src.statsdThreadHeap?.();
    if (th) {
      g('radiator_statsd_thread_heap_bytes', th.used, "The StatsD thread's V8 heap, in use (state=\"used\") and committed (state=\"committed\"); process_resident_memory_bytes counts both threads.", [['state', 'used']]);
      g('radiator_statsd_thread_heap_bytes', th.committed, "The StatsD thread's V8 heap, in use (state=\"used\") and committed (state=\"committed\"); process_resident_memory_bytes counts both threads.", [['state', 'committed']]);
      c('radiator_statsd_thread_memory_trims_total', th.trims, "Memory-reducing collections the StatsD thread ran on its own heap after a flood of new keys (core/heap-trim.ts).");
    }
    for (const q of this.src.remoteWrite?.() ?? []) {
      const ep: [string, string] = ['endpoint', q.endpoint];
      g('radiator_remote_write_pending_samples', q.pending, 'Samples stored but not yet sent to a remote-write endpoint (kept in the store\'s log).', [ep]);
      c('radiator_remote_write_sent_samples_total', q.sent, 'Samples a remote-write endpoint accepted (2xx).', [ep]);
      for (const [reason, n] of q.failed) {
        c('radiator_remote_write_failed_samples_total', n, 'Samples in remote-write requests that failed, by reason (http_5xx, http_429, network and timeout are retried; http_4xx and redirect are dropped).', [ep, ['reason', reason]]);
      }
      let dropped = 0;
      for (const n of q.dropped.values()) dropped += n;
      c('radiator_remote_write_dropped_samples_total', dropped, 'Samples given up on: refused by the endpoint (4xx) or older than its maxBacklog.', [ep]);
      g('radiator_remote_write_lag_seconds', q.lagSeconds, 'How old the newest sample a remote-write endpoint has is, while samples wait to be sent (0 when caught up).', [ep]);
    }
    const rules = this.src.recordingRules?.();
    if (rules) {
      c('radiator_rule_evaluations_total', rules.evaluations, 'Recording rule evaluations.');
      c('radiator_rule_evaluation_failures_total', rules.failures, 'Recording rule evaluations that failed (see GET /api/v1/rules for the error).');
    }
    const alerting = this.src.alertRules?.();
    if (alerting) {
      c('radiator_alert_rule_evaluations_total', alerting.evaluations, "Alert rule evaluations (the settings' rules and rule files' alerting rules).");
      c('radiator_alert_rule_evaluation_failures_total', alerting.failures, 'Alert rule evaluations that failed (the rule is in the error state; GET /api/v1/rules has the message).');
    }
    g('radiator_event_loop_lag_seconds', this.loop.mean / 1e9, 'Mean event-loop delay since the last sample.');
    g('radiator_event_loop_lag_p99_seconds', this.loop.percentile(99) / 1e9, '99th percentile event-loop delay since the last sample.');
    this.loop.reset();
    const mem = process.memoryUsage();
    g('process_resident_memory_bytes', mem.rss, 'Resident memory size in bytes.');
    g('nodejs_heap_used_bytes', mem.heapUsed, 'V8 heap in use.');
    g('nodejs_heap_size_total_bytes', mem.heapTotal, 'V8 heap committed (in use or not).');
    g('nodejs_external_memory_bytes', mem.external, 'Memory outside V8\'s heap held by JavaScript objects (typed arrays\' and Buffers\' backing stores, in malloc\'s heap).');
    const trim = this.src.heapTrim?.();
    if (trim) {
      c('radiator_memory_trims_total', trim.trims, 'Memory-reducing collections run after a burst left the process holding pages it no longer uses (core/heap-trim.ts).');
      g('radiator_memory_trim_pause_seconds', trim.lastPauseSeconds, 'How long the last memory trim held the event loop.');
      g('radiator_memory_trim_freed_bytes', trim.lastFreedBytes, 'Resident bytes the last memory trim gave back.');
    }
    g('process_start_time_seconds', this.started / 1000, 'Start time of the process since unix epoch in seconds.');
    return out;
  }

  stop(): void {
    this.loop.disable();
  }
}

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeValue = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Prometheus text exposition 0.0.4 of a list of samples, grouped by name. */
export function renderExposition(samples: readonly MetricSample[]): string {
  const byName = new Map<string, MetricSample[]>();
  for (const s of samples) {
    let list = byName.get(s.name);
    if (!list) byName.set(s.name, (list = []));
    list.push(s);
  }
  let out = '';
  for (const [name, list] of byName) {
    out += `# HELP ${name} ${escapeHelp(list[0]!.help)}\n# TYPE ${name} ${list[0]!.type}\n`;
    for (const s of list) {
      const labels = s.labels.length ? '{' + s.labels.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',') + '}' : '';
      const v = Number.isNaN(s.value) ? 'NaN' : s.value === Infinity ? '+Inf' : s.value === -Infinity ? '-Inf' : String(s.value);
      out += `${name}${labels} ${v}\n`;
    }
  }
  return out;
}
