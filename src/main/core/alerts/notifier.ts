// Outgoing notifications: webhooks with a generic Alertmanager-style JSON body or a Slack
// incoming-webhook body, rate-limited (per alert and state, and per target per minute) and retried
// with backoff on network errors, 429 and 5xx. Delivery never blocks evaluation.

import type { AlertInstance, Severity, Webhook } from '../../../shared/alert-rules.ts';

export type NotificationKind = 'firing' | 'resolved' | 'nodata' | 'error';

export interface Notification {
  kind: NotificationKind;
  alert: AlertInstance;
  at: number;
}

export interface NotifierOptions {
  now?: () => number;
  /** Delays before each retry, ms. */
  retryDelaysMs?: readonly number[];
  /** The URL of the boards, for links in messages. */
  externalUrl?: string;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
}

export interface TargetStats {
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
  lastError: string | null;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const COLOURS: Record<NotificationKind, string> = { firing: '#d55e00', resolved: '#009e73', nodata: '#e69f00', error: '#cc79a7' };
const SYMBOL: Record<NotificationKind, string> = { firing: '▲', resolved: '●', nodata: '◌', error: '✖' };

export function jsonBody(n: Notification, receiver: string, externalUrl: string): unknown {
  const a = n.alert;
  const status = n.kind === 'resolved' ? 'resolved' : 'firing';
  const iso = (t: number | null) => (t === null ? '0001-01-01T00:00:00Z' : new Date(t).toISOString());
  return {
    version: '4',
    status,
    receiver,
    groupKey: a.fingerprint,
    externalURL: externalUrl,
    commonLabels: a.labels,
    commonAnnotations: a.annotations,
    alerts: [
      {
        status,
        labels: a.labels,
        annotations: { ...a.annotations, reason: a.reason },
        startsAt: iso(a.firedAt ?? a.since),
        endsAt: status === 'resolved' ? iso(n.at) : iso(null),
        generatorURL: a.board ? `${externalUrl}/#/board/${encodeURIComponent(a.board)}` : externalUrl,
        fingerprint: a.fingerprint,
      },
    ],
    radiator: { kind: n.kind, state: a.state, severity: a.severity, value: a.value, rule: a.ruleId, board: a.board, panel: a.panel },
  };
}

export function slackBody(n: Notification, externalUrl: string): unknown {
  const a = n.alert;
  const head = `${SYMBOL[n.kind]} [${n.kind.toUpperCase()}] ${a.ruleName}`;
  const runbook = a.runbookUrl ? ` · <${a.runbookUrl}|runbook>` : '';
  return {
    text: `${head}: ${a.summary}`,
    attachments: [
      {
        color: COLOURS[n.kind],
        title: head,
        title_link: externalUrl,
        text: `${a.summary}${a.reason ? `\n_${a.reason}_` : ''}${runbook}`,
        fields: [
          { title: 'Severity', value: a.severity, short: true },
          { title: 'Value', value: a.value === null ? '–' : String(Number(a.value.toPrecision(5))), short: true },
          ...Object.entries(a.labels)
            .filter(([k]) => k !== 'alertname')
            .slice(0, 8)
            .map(([k, v]) => ({ title: k, value: v, short: true })),
        ],
        ts: Math.floor(n.at / 1000),
      },
    ],
  };
}

export class Notifier {
  private targets: Webhook[];
  private readonly opts: Required<Omit<NotifierOptions, 'fetchImpl'>> & { fetchImpl: typeof fetch };
  private readonly lastSent = new Map<string, number>();
  private readonly minuteWindow = new Map<string, number[]>();
  private inFlight = new Set<Promise<void>>();
  readonly stats = new Map<string, TargetStats>();

  constructor(targets: Webhook[], opts: NotifierOptions = {}) {
    this.targets = targets;
    this.opts = {
      now: opts.now ?? Date.now,
      retryDelaysMs: opts.retryDelaysMs ?? [1_000, 5_000, 25_000],
      externalUrl: opts.externalUrl ?? 'http://127.0.0.1:7070',
      fetchImpl: opts.fetchImpl ?? fetch,
      log: opts.log ?? ((l) => console.error(l)),
    };
  }

  setTargets(targets: Webhook[]): void {
    this.targets = targets;
  }

  private stat(id: string): TargetStats {
    let s = this.stats.get(id);
    if (!s) this.stats.set(id, (s = { sent: 0, failed: 0, retried: 0, dropped: 0, lastError: null }));
    return s;
  }

  /** Queue a notification for every target that wants it. */
  send(n: Notification): void {
    for (const t of this.targets) {
      if (RANK[n.alert.severity] < RANK[t.minSeverity]) continue;
      const now = this.opts.now();
      // The same alert in the same state is not repeated within repeatInterval.
      const key = `${t.id}|${n.alert.fingerprint}|${n.kind}`;
      const last = this.lastSent.get(key);
      if (last !== undefined && now - last < t.repeatInterval) {
        this.stat(t.id).dropped++;
        continue;
      }
      // …and no target gets more than maxPerMinute messages a minute.
      const win = (this.minuteWindow.get(t.id) ?? []).filter((x) => now - x < 60_000);
      if (win.length >= t.maxPerMinute) {
        this.minuteWindow.set(t.id, win);
        this.stat(t.id).dropped++;
        continue;
      }
      win.push(now);
      this.minuteWindow.set(t.id, win);
      this.lastSent.set(key, now);
      const body = t.format === 'slack' ? slackBody(n, this.opts.externalUrl) : jsonBody(n, t.id, this.opts.externalUrl);
      const p = this.deliver(t, body).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(t: Webhook, body: unknown): Promise<void> {
    const st = this.stat(t.id);
    const delays = this.opts.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      let retryAfter: number | null = null;
      try {
        const r = await this.opts.fetchImpl(t.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'Radiator', ...t.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        if (r.ok) {
          st.sent++;
          return;
        }
        st.lastError = `HTTP ${r.status}`;
        if (r.status !== 429 && r.status < 500) {
          st.failed++;
          this.opts.log(`webhook ${t.id}: ${t.url} refused the message (HTTP ${r.status}); not retried`);
          return;
        }
        const ra = Number(r.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra >= 0 && ra <= 60) retryAfter = ra * 1000;
      } catch (e) {
        st.lastError = (e as Error).message;
      }
      if (attempt >= delays.length) {
        st.failed++;
        this.opts.log(`webhook ${t.id}: giving up after ${attempt + 1} attempts (${st.lastError})`);
        return;
      }
      st.retried++;
      await new Promise((r) => setTimeout(r, retryAfter ?? delays[attempt]!));
    }
  }

  /** Resolves when every queued delivery (with its retries) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
