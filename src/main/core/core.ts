// The core, assembled: receivers → the ingest door → store → feed, on a flush timer. This is the
// one composition root: every receiver is built here and handed the door it writes through.
// Runs under plain Node (`radiator serve`) and inside Electron's main process alike; nothing here
// imports electron.

import type { NewEvent, RadiatorEvent } from '../../shared/model.ts';
import type { Settings } from '../../shared/settings.ts';
import { HostMetrics } from './collector/host-metrics.ts';
import { Ingest } from './collector/ingest.ts';
import type { IngestStats } from './collector/ingest-stats.ts';
import { JsonIngest } from './collector/json.ts';
import type { MetadataRegistry } from './collector/metadata.ts';
import { PushReceiver } from './collector/push.ts';
import type { Receiver } from './collector/receiver.ts';
import { SelfMetrics } from './collector/self-metrics.ts';
import { HeapTrimmer } from './heap-trim.ts';
import { StatsdApplier } from './collector/statsd-apply.ts';
import { InlineStatsdPipeline, WorkerStatsdPipeline, type StatsdPipeline } from './collector/statsd-pipeline.ts';
import { StatsdTcpReceiver } from './collector/statsd-tcp.ts';
import { FeedServer } from './feed/feed-server.ts';
import { apiHandler, pushHandler, type ApiContext } from './http/api.ts';
import { Guard } from './http/guard.ts';
import { HttpListener } from './http/server.ts';
import { FEED_PATH, MAX_REMOTE_WRITE_METADATA_PER_REQUEST, STATSD_STOP_DRAIN_WAIT_MS } from '../../shared/limits.ts';
import { type SampleBatch, Store, StoreDiskFullError, StoreWriteError } from './store/index.ts';
import { AlertEngine, type EngineRule } from './alerts/engine.ts';
import { Notifier, type NotificationKind } from './alerts/notifier.ts';
import type { AlertInstance } from '../../shared/alert-rules.ts';
import { EMBEDDED_SOURCE_ID, EmbeddedSource } from './sources/embedded-source.ts';
import { PrometheusSource } from './sources/prometheus-source.ts';
import { HistoryBlendedSource } from './sources/history-source.ts';
import { SourceError, type DataSource } from './sources/source.ts';
import { SettingsStore } from './settings/settings-store.ts';
import { PipelineService } from './pipeline/pipeline-service.ts';
import { CcTrayPoller } from './pipeline/cctray-poller.ts';
import type { Transition } from './pipeline/cctray.ts';
import { configView } from './http/config-api.ts';
import { TokenStore } from './access/token-store.ts';
import { ConfigDirWatcher } from './config-code/config-dir.ts';
import { queryProblems } from './settings/query-check.ts';
import { SettingsFileWatcher } from './settings/settings-file-watcher.ts';
import { QueryFreshness } from './feed/query-freshness.ts';
import { OWN_ORIGIN_PATHS, TelemetryRoutes } from './http/telemetry-routes.ts';
import { OtlpReceiver } from './collector/otlp/otlp-receiver.ts';
import { OTLP_METRICS_PATH, OtlpRoute } from './http/otlp-route.ts';
import { RemoteWriteRoute } from './http/remote-write-route.ts';
import { RemoteWriteReceiver } from './remote-write/receiver.ts';
import { ScrapeManager } from './collector/scrape/scrape-manager.ts';
import { LogPipeline } from './logs/log-pipeline.ts';
import { SyslogReceiver } from './logs/syslog-receiver.ts';
import { FileTailer } from './logs/file-tailer.ts';
import { ClientIngest } from './client/client-ingest.ts';
import { RadiatorError } from '../../shared/errors.ts';
import { redactingLog } from '../../shared/redact.ts';
import { RemoteWriteSender } from './remote-write/sender.ts';
import { RecordingRules, alertRulesOf, loadRecordingRules, withAlerting } from './rules/index.ts';
import { remoteWriteProblems } from './remote-write/write-filter.ts';
import { SettingsError } from '../../shared/settings.ts';

export interface CoreOptions {
  /** Fixed settings (tests, one-off runs); or pass `settingsStore` for settings that can change
   * while running and are saved. */
  settings?: Settings;
  settingsStore?: SettingsStore;
  dataDir: string;
  /** `--repair`: a damaged database is moved aside and the store starts empty (see store/integrity.ts). */
  repairStore?: boolean;
  /** The built renderer to serve at `/`; null serves none. */
  rendererDir: string | null;
  version: string;
  now?: () => number;
  log?: (line: string) => void;
  /** Browser origins allowed besides `server.corsOrigins` (the desktop app's app://radiator). */
  extraCorsOrigins?: string[];
  /** A CCTray project started, broke, was fixed (the desktop shell notifies). */
  onPipeline?: (e: { feed: string; project: string; transition: Transition }) => void;
  /** Alert notifications (the desktop shell turns them into OS notifications). */
  onNotify?: (kind: NotificationKind, alert: AlertInstance) => void;
  /** Tests only: which peers count as this machine (see Guard); Radiator never sets it. */
  isLoopback?: (addr: string | undefined) => boolean;
}

/** The receivers of telemetry that is not pushed as StatsD or JSON (tests drive them directly). */
export interface TelemetryReceivers {
  readonly otlp: OtlpReceiver;
  readonly scrape: ScrapeManager;
  readonly logs: LogPipeline;
  readonly files: FileTailer;
  readonly client: ClientIngest;
  ports(): { otlp: number | null; syslog: number | null };
}

export interface Core {
  /** The settings as they were at start (live sections: see settingsStore.current). */
  readonly settings: Settings;
  /** Scoped access tokens (read, ingest, admin). */
  readonly tokens: TokenStore;
  /** The watched configuration directory (boards as code), when `configDir` is set. */
  readonly configDir: ConfigDirWatcher | null;
  readonly settingsStore: SettingsStore;
  /** Hand edits of the settings file, loaded while running (null when settings live in memory). */
  readonly settingsFile: SettingsFileWatcher | null;
  readonly store: Store;
  readonly stats: IngestStats;
  readonly metadata: MetadataRegistry;
  readonly feed: FeedServer;
  readonly alerts: AlertEngine;
  readonly notifier: Notifier;
  /** The CCTray feeds (tests poll it directly). */
  readonly cctrayPoller: CcTrayPoller;
  /** OTLP, scrape targets, logs → metrics, browser telemetry. */
  readonly telemetry: TelemetryReceivers;
  /** The one door every receiver writes through. */
  readonly ingest: Ingest;
  /** The data sources: the embedded store and the configured Prometheus-compatible servers. */
  readonly sources: ReadonlyMap<string, DataSource>;
  /** Recording rules (Prometheus rule groups) evaluated on the store. */
  readonly recording: RecordingRules;
  /** Remote write out: one durable queue per configured endpoint. */
  readonly remoteWriteOut: RemoteWriteSender;
  /** Where each listener is, e.g. "api http://127.0.0.1:7070". */
  listeners(): string[];
  /** The bound ports (useful when a setting asked for port 0 in tests). */
  ports(): { http: number; statsdUdp: number | null; statsdTcp: number | null; push: number | null; otlp: number | null };
  addEvent(e: NewEvent): RadiatorEvent;
  /** Run one flush now (tests; the timer does it otherwise). */
  flush(): Promise<void>;
  /** Flush what is pending, close every listener and the store. Idempotent. */
  stop(): Promise<void>;
}

/** A friendlier message for the one start-up error everybody meets. */
function describeListenError(e: unknown, what: string, setting: string): Error {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') return new Error(`${what}: the port is in use by another program; free it or change ${setting}`);
  if (err.code === 'EACCES') return new Error(`${what}: not allowed to bind (ports below 1024 need privileges); change ${setting}`);
  if (err.code === 'EADDRNOTAVAIL') return new Error(`${what}: this machine has no such address; change server.host`);
  return new Error(`${what}: ${err.message}`);
}

export async function startCore(opts: CoreOptions): Promise<Core> {
  const settingsStore = opts.settingsStore ?? (opts.settings ? SettingsStore.fixed(opts.settings) : null);
  if (!settingsStore) throw new Error('startCore needs settings or a settingsStore');
  const settings = settingsStore.current;
  const now = opts.now ?? Date.now;
  // Every line the core logs goes through the redactor: a scrape URL's password or a Slack
  // webhook's key is never written to a terminal or a log file.
  const log = redactingLog(opts.log ?? ((l: string) => console.log(l)));
  const flushMs = settings.collector.flushInterval;
  // Fail fast on what the schema cannot see (RE2 syntax of remote-write rules).
  const rwProblems = remoteWriteProblems(settings);
  if (rwProblems.length > 0) throw new SettingsError(rwProblems);

  const store = new Store({
    dir: opts.dataDir,
    maxSeries: settings.store.maxSeries,
    hotWindowMs: settings.store.hotWindow,
    checkpointIntervalMs: settings.store.checkpointInterval,
    retention: {
      rawMs: settings.store.retention.raw,
      rollup5mMs: settings.store.retention.rollup5m,
      rollup1hMs: settings.store.retention.rollup1h,
      eventsMs: settings.store.retention.events,
    },
    now,
    repair: opts.repairStore,
    log,
  });
  // The one door in: every receiver below writes through it (the aggregator lives inside it).
  const ingest = new Ingest({ store, repeatIntervalMs: settings.collector.repeatInterval });
  // Remote write out: started with the other background work, below.
  const remoteWriteOut = new RemoteWriteSender({ store, now, log, version: opts.version, flushIntervalMs: flushMs });
  const { agg, stats, metadata } = ingest;
  const tokens = new TokenStore(store, now);
  const guard = new Guard({
    bindHost: settings.server.host,
    allowedHosts: settings.server.allowedHosts,
    corsOrigins: [...settings.server.corsOrigins, ...(opts.extraCorsOrigins ?? [])],
    token: settings.server.token,
    ownOriginPaths: OWN_ORIGIN_PATHS,
    tokens,
    isLoopback: opts.isLoopback,
  });
  const limits = { lookbackMs: settings.query.lookbackDelta, maxSamples: settings.query.maxSamples, timeoutMs: settings.query.timeout };
  const embedded = new EmbeddedSource(store, limits, opts.version);
  // History from the engine this Radiator forwards to, live points from the store (query.historySource).
  const historyId = settings.query.historySource;
  const sources: Map<string, DataSource> = new Map();
  sources.set(EMBEDDED_SOURCE_ID, historyId === null ? embedded : new HistoryBlendedSource(embedded, { history: () => sources.get(historyId) ?? null, liveWindowMs: settings.query.liveWindow, now, log }));
  const setSources = (list: Settings['sources']) => {
    for (const id of [...sources.keys()]) if (id !== EMBEDDED_SOURCE_ID) sources.delete(id);
    for (const s of list) sources.set(s.id, new PrometheusSource({ id: s.id, name: s.name, url: s.url, auth: s.auth, timeoutMs: s.timeout }));
  };
  setSources(settings.sources);
  const sourceOf = (id: string): DataSource => {
    const src = sources.get(id);
    if (!src) throw new SourceError(id, 'SOURCE_UNKNOWN', `no data source "${id}"; there are ${[...sources.keys()].join(', ')}`);
    return src;
  };
  const freshness = new QueryFreshness(store, (name) => metadata.get(name)?.type);
  const feed = new FeedServer({
    store,
    guard,
    flushIntervalMs: flushMs,
    now,
    evaluate: (source, query, start, end, step) => sourceOf(source).range(query, start, end, step),
    isRemote: (source) => source !== EMBEDDED_SOURCE_ID,
    dataTs: (source, query) => (source === EMBEDDED_SOURCE_ID ? freshness.of(query) : null),
  });

  let selfMetrics: SelfMetrics;
  const addEvent = (e: NewEvent): RadiatorEvent => {
    const ev = store.events.add(e);
    selfMetrics.events++;
    feed.publishEvent(ev);
    return ev;
  };
  const notifier = new Notifier(settings.alerts.webhooks, { now, externalUrl: `http://${settings.server.host}:${settings.server.httpPort}`, log });
  const alerts = new AlertEngine({
    store,
    sources: sourceOf,
    notifier,
    addEvent: (e) => addEvent(e),
    now,
    log,
    onChange: (list) => feed.publishAlerts(list),
    onNotify: (kind, alert) => opts.onNotify?.(kind, alert),
    onCall: (rotation) => {
      const list = settingsStore.current.oncall;
      const r = rotation ? list.find((x) => x.id === rotation) : list[0];
      try {
        return r ? pipeline.onCall(r).person : null;
      } catch {
        return null;
      }
    },
  });
  alerts.setRules(settings.alerts.rules);
  feed.publishConfig(configView(settingsStore));
  // Boards as code: what files in configDir provide may change only through the files.
  const configDir = settings.configDir ? new ConfigDirWatcher({ dir: settings.configDir, settings: settingsStore, kv: store, log, now }) : null;
  // Recording rules: evaluated on the store, their results written back through the door. The
  // same files' alerting rules run in the alert engine beside the settings' own rules.
  const recording = new RecordingRules({ store, ingest, limits, now, log });
  let fileAlertRules: EngineRule[] = [];
  const loadRules = (s: Settings['recordingRules']) => {
    const r = loadRecordingRules(s);
    for (const p of r.problems) log(`recording rules: ${p}`);
    recording.set(r.groups);
    fileAlertRules = alertRulesOf(r.groups);
    alerts.setRules([...settingsStore.current.alerts.rules, ...fileAlertRules]);
  };
  const ruleGroups = () => withAlerting(recording.status(), recording.loaded(), alerts);
  settingsStore.setCheck((next) => [
    ...queryProblems(next),
    ...remoteWriteProblems(next),
    // Changed rules that do not check are refused with promtool's message (their files read now).
    ...(JSON.stringify(next.recordingRules) === JSON.stringify(settingsStore.current.recordingRules)
      ? []
      : loadRecordingRules(next.recordingRules).problems.map((p) => `recordingRules: ${p}`)),
    ...(configDir?.check(next) ?? []),
  ]);
  // A hand edit of the settings file applies like an edit from the API (through onChange below).
  const settingsFile = settingsStore.location ? new SettingsFileWatcher(settingsStore.location, { store: settingsStore, log, now }) : null;
  // Live sections take effect at once: screens redraw, rules and webhooks swap, sources reconnect.
  const offSettings = settingsStore.onChange((next, section) => {
    if (section === 'alerts') {
      notifier.setTargets(next.alerts.webhooks);
      alerts.setRules([...next.alerts.rules, ...fileAlertRules]);
    }
    if (section === 'sources') setSources(next.sources);
    if (section === 'pipeline') cctray.setFeeds(next.pipeline.cctray);
    if (section === 'scrape') scrape.set(next.scrape);
    if (section === 'logs') {
      logs.setRules(next.logs.rules);
      void files.set(next.logs.files);
      if (next.logs.syslog.port !== settings.logs.syslog.port) log('logs.syslog.port changes at the next start');
    }
    if (section === 'client') telemetryRoutes.setClientOrigins(next.client.allowedOrigins);
    if (section === 'remoteWrite') void remoteWriteOut.set(next.remoteWrite).catch((e: Error) => log(`remote write: ${e.message}`));
    if (section === 'recordingRules') loadRules(next.recordingRules);
    feed.publishConfig(configView(settingsStore));
  });
  const statsdApply = new StatsdApplier(ingest, addEvent, now);
  const statsd: StatsdPipeline = settings.receivers.statsd.worker ? new WorkerStatsdPipeline() : new InlineStatsdPipeline();
  const push = new PushReceiver(ingest, now);
  const json = new JsonIngest(ingest, now);
  // CI webhooks, CCTray feeds, DORA, experiments, on-call.
  const pipeline = new PipelineService({ store, ingest, addEvent, republish: (e) => feed.publishEvent(e), now });
  const cctray = new CcTrayPoller({ apply: (a, source) => void pipeline.apply(a, source), onTransition: (f, project, transition) => opts.onPipeline?.({ feed: f, project, transition }), now });
  cctray.setFeeds(settings.pipeline.cctray);
  const host = settings.receivers.host.enabled ? new HostMetrics([opts.dataDir]) : null;
  // OTLP, scrape targets, logs → metrics (HTTP, syslog, files), browser telemetry.
  const otlp = new OtlpReceiver(ingest, { promoteResourceAttributes: settings.receivers.otlp.promoteResourceAttributes });
  const otlpRoute = new OtlpRoute(otlp, stats);
  const remoteWriteRoute = new RemoteWriteRoute(new RemoteWriteReceiver(ingest, { maxMetadataPerRequest: MAX_REMOTE_WRITE_METADATA_PER_REQUEST }), stats);
  const scrape = new ScrapeManager(settings.scrape, { ingest, now, version: opts.version, log });
  const logs = new LogPipeline(ingest, settings.logs.rules, { now });
  const syslog = settings.logs.syslog.port === false ? null : new SyslogReceiver({ host: settings.server.host, port: settings.logs.syslog.port }, logs, ingest);
  const files = new FileTailer(logs, ingest, store, log);
  const client = new ClientIngest(ingest, logs, now);
  const telemetryRoutes = new TelemetryRoutes({ otlp: otlpRoute, remoteWrite: remoteWriteRoute, scrape, logs, client, stats, clientOrigins: settings.client.allowedOrigins });
  // While the disk is full, a write to any receiver over HTTP is refused whole (503, retried by
  // every sender) and counted against that receiver.
  const writeGate = (receiver: string): RadiatorError | null => {
    const full = store.diskFull;
    if (!full) return null;
    ingest.reject(receiver, 'store_disk_full');
    return full;
  };
  const otlpListener =
    settings.receivers.otlp.port === false
      ? null
      : new HttpListener({
          name: 'otlp',
          host: settings.server.host,
          port: settings.receivers.otlp.port,
          guard,
          writeGate,
          corsOrigins: settings.server.corsOrigins,
          handler: async (req, res, url) => {
            if (url.pathname === OTLP_METRICS_PATH) return otlpRoute.handle(req, res);
            throw new RadiatorError('NOT_FOUND', `no such endpoint ${url.pathname}; OTLP metrics go to ${OTLP_METRICS_PATH}`);
          },
        });
  const telemetry: TelemetryReceivers = {
    otlp,
    scrape,
    logs,
    files,
    client,
    ports: () => ({ otlp: otlpListener ? otlpListener.port : null, syslog: syslog ? syslog.port : null }),
  };

  const receivers: Receiver[] = [];
  const s = settings.receivers.statsd;
  const udp = s.udpPort === false ? null : statsd.udpReceiver({ host: settings.server.host, port: s.udpPort, recvBufferBytes: s.recvBufferBytes });
  const tcp = s.tcpPort === false ? null : new StatsdTcpReceiver({ host: settings.server.host, port: s.tcpPort }, (b) => statsd.ingest(b), (r) => statsd.reject(r));

  const heapTrimmer = new HeapTrimmer({ log });
  selfMetrics = new SelfMetrics({
    stats,
    heapTrim: () => heapTrimmer.stats,
    store: () => store.getStats(),
    feedClients: () => feed.clientCount,
    feedClosedSlow: () => feed.closedSlow,
    feedClosedOverBudget: () => feed.closedOverBudget,
    samples: () => ({ written: ingest.written, refused: ingest.storeRefused }),
    aggregatorEntries: () => agg.size,
    pushGroups: () => push.groupCount,
    statsdRecvBufferBytes: () => udp?.grantedRecvBufferBytes ?? 0,
    statsdCacheEvicted: () => statsdApply.evicted,
    statsdThreadHeap: () => statsd.threadHeap(),
    remoteWrite: () => remoteWriteOut.stats(),
    recordingRules: () => ({ evaluations: recording.evaluations, failures: recording.failures }),
    alertRules: () => ({ evaluations: alerts.evaluations, failures: alerts.failures }),
  });

  const ctx: ApiContext = {
    settings,
    store,
    json,
    push,
    rendererDir: opts.rendererDir,
    version: opts.version,
    startedAt: now(),
    listeners: () => receivers.map((r) => r.description),
    ports: () => ({ http: api.port, statsdUdp: udp?.port ?? false, statsdTcp: tcp?.port ?? false, push: pushListener?.port ?? false, otlp: otlpListener?.port ?? false }),
    selfMetrics: () => selfMetrics.collect(),
    pushedMetrics: () => push.current(),
    addEvent,
    now,
    alerts,
    settingsStore,
    telemetry: telemetryRoutes,
    admin: { settingsStore, running: settings, tokens, guard, configDir, settingsFileProblem: () => settingsFile?.lastProblem ?? null, version: opts.version, embeddedSeries: () => store.index.size, rules: ruleGroups },
    pipeline: { settings: () => settingsStore.current, pipeline, cctray, stats, now },
    sourceOf,
    prom: {
      store,
      ingest,
      metadata,
      version: opts.version,
      limits,
      now,
      // Declared below; called only once requests arrive.
      flush: () => flush(),
      rules: ruleGroups,
    },
  };
  const api = new HttpListener({
    name: 'api',
    host: settings.server.host,
    port: settings.server.httpPort,
    guard,
    writeGate,
    corsOrigins: [...settings.server.corsOrigins, ...(opts.extraCorsOrigins ?? [])],
    handler: apiHandler(ctx),
    onUpgrade: (req, socket, head, url) => {
      if (url.pathname === FEED_PATH) feed.handleUpgrade(req, socket, head, url);
      else socket.destroy();
    },
  });
  const pushListener =
    settings.receivers.push.port === false
      ? null
      : new HttpListener({ name: 'push', host: settings.server.host, port: settings.receivers.push.port, guard, writeGate, corsOrigins: [], handler: pushHandler(ctx) });

  const plan: Array<[Receiver, string, string]> = [[api, `the HTTP API on port ${settings.server.httpPort}`, 'server.httpPort (--http-port)']];
  if (udp) plan.push([udp, `StatsD over UDP on port ${s.udpPort}`, 'receivers.statsd.udpPort (--statsd-port)']);
  if (tcp) plan.push([tcp, `StatsD over TCP on port ${s.tcpPort}`, 'receivers.statsd.tcpPort (--statsd-tcp-port)']);
  if (pushListener) plan.push([pushListener, `the push receiver on port ${settings.receivers.push.port}`, 'receivers.push.port (--push-port)']);
  if (otlpListener) plan.push([otlpListener, `the OTLP receiver on port ${settings.receivers.otlp.port}`, 'receivers.otlp.port (--otlp-port)']);
  if (syslog) plan.push([syslog, `syslog on port ${settings.logs.syslog.port}`, 'logs.syslog.port (--syslog-port)']);
  try {
    for (const [r, what, setting] of plan) {
      try {
        await r.start();
      } catch (e) {
        throw describeListenError(e, what, setting);
      }
      receivers.push(r);
    }
  } catch (e) {
    for (const r of receivers) await r.stop();
    await statsd.stop();
    feed.close();
    selfMetrics.stop();
    store.close();
    throw e;
  }

  // A failing disk is logged when it starts and when it clears, not at every flush.
  let writeFailing: { message: string; held: number } | null = null;
  const reportWriteFailure = (cause: Error) => {
    const held = store.pendingSamples;
    if (writeFailing?.message !== cause.message) {
      log(
        cause instanceof StoreDiskFullError
          ? `store: ${cause.message}. Receivers over HTTP answer 503 STORE_DISK_FULL until it clears; ${held} samples held`
          : `store: a flush could not be written (${cause.message}); ${held} samples held in memory, retried at every flush`,
      );
    }
    writeFailing = { message: cause.message, held };
  };
  let lastFlushTs = 0;
  let stopped = false;
  let flushing: Promise<void> = Promise.resolve();
  const flushOnce = async (waitMs?: number) => {
    const t0 = performance.now();
    try {
      for (const delta of await statsd.collect(waitMs)) statsdApply.apply(delta);
      // Flush times sit on the flush grid; a second flush inside one grid cell (a requested one)
      // takes the next millisecond rather than a time in the future.
      const t = now();
      let ts = Math.floor(t / flushMs) * flushMs;
      if (ts <= lastFlushTs) ts = Math.max(lastFlushTs + 1, Math.min(t, lastFlushTs + flushMs));
      lastFlushTs = ts;
      // Written and refused samples are counted by the door as they pass it.
      ingest.flush(ts);
      let batch: SampleBatch;
      try {
        batch = store.commit();
      } catch (e) {
        if (!(e instanceof StoreWriteError)) throw e;
        // Not durable yet: the samples stay pending for the next flush, and the boards stay live.
        feed.publish(e.batch);
        feed.tick();
        reportWriteFailure(e.cause);
        return;
      }
      feed.publish(batch);
      feed.tick();
      if (writeFailing) {
        log(`store: writing again; ${writeFailing.held} samples held in memory are now on disk`);
        writeFailing = null;
      }
      store.maintain();
    } catch (e) {
      // Never let one bad flush take the collector down; the next one retries.
      log(`flush failed: ${(e as Error).stack ?? e}`);
    }
    selfMetrics.flushSeconds = (performance.now() - t0) / 1000;
  };
  // One flush at a time: a timer flush and a requested one must not interleave.
  // Remote write reads what each flush made durable from the store's log; it is told to look.
  const flush = (waitMs?: number) => (flushing = flushing.then(() => flushOnce(waitMs)).then(() => remoteWriteOut.notify()));

  let flushTimer: NodeJS.Timeout | null = null;
  const scheduleFlush = () => {
    if (stopped) return;
    const t = now();
    // Fire just after each grid boundary so flush timestamps land on the grid.
    const wait = flushMs - (t % flushMs) + 5;
    flushTimer = setTimeout(() => void flush().then(scheduleFlush), wait);
  };
  scheduleFlush();

  const sampleEvery = settings.receivers.host.interval;
  const sampleMachine = () => {
    try {
      if (host) ingest.setCurrent(host.collect());
      ingest.setCurrent(selfMetrics.collect());
    } catch (e) {
      log(`host/self metrics failed: ${(e as Error).message}`);
    }
  };
  sampleMachine();
  const machineTimer = setInterval(sampleMachine, sampleEvery);

  configDir?.start();
  settingsFile?.start();
  void remoteWriteOut.set(settings.remoteWrite).catch((e: Error) => log(`remote write: ${e.message}`));
  loadRules(settings.recordingRules);
  recording.start();
  scrape.start();
  void files.set(settings.logs.files).then(() => files.start());
  alerts.start();
  heapTrimmer.start();
  for (const r of receivers) log(`listening: ${r.description}`);

  return {
    settings,
    tokens,
    configDir,
    settingsStore,
    settingsFile,
    store,
    stats,
    metadata,
    feed,
    sources,
    alerts,
    notifier,
    cctrayPoller: cctray,
    telemetry,
    ingest,
    remoteWriteOut,
    recording,
    listeners: () => receivers.map((r) => r.description),
    ports: () => ({
      http: api.port,
      statsdUdp: udp ? udp.port : null,
      statsdTcp: tcp ? tcp.port : null,
      push: pushListener ? pushListener.port : null,
      otlp: otlpListener ? otlpListener.port : null,
    }),
    addEvent,
    flush: () => flush(),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (flushTimer) clearTimeout(flushTimer);
      clearInterval(machineTimer);
      heapTrimmer.stop();
      alerts.stop();
      recording.stop();
      cctray.stop();
      configDir?.stop();
      settingsFile?.stop();
      offSettings();
      // Stop taking input first, then write out everything that arrived.
      for (const r of [...receivers].reverse()) await r.stop();
      await scrape.stop();
      await files.stop();
      // The StatsD thread's last window is waited for, not given up on.
      await flush(STATSD_STOP_DRAIN_WAIT_MS);
      await statsd.stop();
      feed.close();
      selfMetrics.stop();
      // What is unsent stays in the store's log; the next start sends it.
      await remoteWriteOut.stop();
      store.close();
    },
  };
}
