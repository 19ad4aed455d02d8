// A live-feed client for the renderer: connects to /feed, reconnects with capped exponential
// backoff and jitter, re-subscribes after a reconnect, and tells its listener when the
// connection is up, down, or silent for longer than two heartbeats.

import type { AppendMessage, ClientMessage, ScreenConfig, ServerMessage, SnapshotMessage, StatusMessage } from '../../../shared/feed-protocol.ts';
import type { AlertInstance } from '../../../shared/alert-rules.ts';
import type { RadiatorEvent } from '../../../shared/model.ts';

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface FeedListener {
  state(s: ConnectionState, detail: { attempt: number; retryInMs: number | null }): void;
  snapshot(m: SnapshotMessage): void;
  append(m: AppendMessage): void;
  events(id: string, events: RadiatorEvent[]): void;
  event(id: string, event: RadiatorEvent): void;
  error(id: string | undefined, message: string): void;
  serverTime?(ms: number): void;
  status?(m: StatusMessage): void;
  alerts?(id: string, alerts: AlertInstance[]): void;
  config?(id: string, config: ScreenConfig | null): void;
}

export interface FeedClientOptions {
  url: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** For tests: a WebSocket constructor. */
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
}

export class FeedClient {
  private ws: WebSocket | null = null;
  private readonly subs = new Map<string, ClientMessage>();
  private readonly listener: FeedListener;
  private readonly opts: Required<Omit<FeedClientOptions, 'WebSocketImpl'>> & { WebSocketImpl: typeof WebSocket };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;
  private heartbeatMs = 5_000;
  private closed = false;

  constructor(listener: FeedListener, opts: FeedClientOptions) {
    this.listener = listener;
    this.opts = {
      minBackoffMs: 500,
      maxBackoffMs: 15_000,
      random: Math.random,
      WebSocketImpl: opts.WebSocketImpl ?? WebSocket,
      ...opts,
    } as typeof this.opts;
  }

  start(): void {
    this.closed = false;
    this.connect();
    this.watchdog = setInterval(() => this.checkSilence(), 1_000);
  }

  /** Remembered across reconnects. Sending the same id again replaces the subscription. */
  subscribe(msg: ClientMessage): void {
    this.subs.set(msg.id, msg);
    this.send(msg);
  }

  unsubscribe(id: string): void {
    this.subs.delete(id);
    this.send({ type: 'unsubscribe', id });
  }

  stop(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.ws?.close();
    this.ws = null;
  }

  private send(msg: ClientMessage): void {
    if (this.ws && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    if (this.closed) return;
    this.listener.state('connecting', { attempt: this.attempt, retryInMs: null });
    let ws: WebSocket;
    try {
      ws = new this.opts.WebSocketImpl(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastMessageAt = Date.now();
      this.listener.state('open', { attempt: 0, retryInMs: null });
      for (const m of this.subs.values()) this.send(m);
    };
    ws.onmessage = (ev: MessageEvent) => {
      this.lastMessageAt = Date.now();
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      this.dispatch(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry();
    };
    ws.onerror = () => ws.close();
  }

  private dispatch(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
        this.heartbeatMs = msg.heartbeatIntervalMs;
        this.listener.serverTime?.(msg.serverTime);
        break;
      case 'heartbeat':
        this.listener.serverTime?.(msg.serverTime);
        break;
      case 'snapshot':
        this.listener.snapshot(msg);
        break;
      case 'append':
        this.listener.append(msg);
        break;
      case 'events':
        this.listener.events(msg.id, msg.events);
        break;
      case 'event':
        this.listener.event(msg.id, msg.event);
        break;
      case 'error':
        this.listener.error(msg.id, msg.message);
        break;
      case 'status':
        this.listener.status?.(msg);
        break;
      case 'alerts':
        this.listener.alerts?.(msg.id, msg.alerts);
        break;
      case 'config':
        this.listener.config?.(msg.id, msg.config);
        break;
    }
  }

  /** A socket that stays open but carries nothing (a frozen server, a dead NAT) is lost too. */
  private checkSilence(): void {
    if (this.ws && this.ws.readyState === this.ws.OPEN && Date.now() - this.lastMessageAt > this.heartbeatMs * 2.5) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
      this.scheduleRetry();
    }
  }

  /** Exponential backoff with full jitter, capped. */
  static backoff(attempt: number, min: number, max: number, random: () => number): number {
    const cap = Math.min(max, min * 2 ** attempt);
    return Math.round(min / 2 + random() * (cap - min / 2));
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const wait = FeedClient.backoff(this.attempt++, this.opts.minBackoffMs, this.opts.maxBackoffMs, this.opts.random);
    this.listener.state('lost', { attempt: this.attempt, retryInMs: wait });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, wait);
  }
}
