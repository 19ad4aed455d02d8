// The live feed's messages (`ws://host:7070/feed`, JSON text frames).
// A client subscribes to series selectors and gets a snapshot, then the points appended at each
// flush; it may also subscribe to events. Heartbeats come every few seconds so a screen can tell
// a quiet collector from a lost one. Timestamps are ms; NaN values travel as null.

import type { AlertInstance } from './alert-rules.ts';
import type { Board, Display, Playlist } from './boards.ts';
import type { LabelObject, RadiatorEvent } from './model.ts';

export const FEED_PROTOCOL_VERSION = 1;

// ── client → server ───────────────────────────────────────────────────────────────────
export interface SubscribeMessage {
  type: 'subscribe';
  /** Chosen by the client; echoed on every message for this subscription. */
  id: string;
  /** With `stepMs`: a PromQL expression, evaluated at every multiple of the step on `source`.
   * Without: a series selector (`name{label="value",…}`) streamed sample by sample. */
  query: string;
  /** How much history the snapshot holds, ms (bounded by FEED_MAX_RANGE_MS). */
  rangeMs: number;
  /** The evaluation step, ms (at least FEED_MIN_STEP_MS). */
  stepMs?: number;
  /** A data source id; the embedded store when absent. */
  source?: string;
}

export interface SubscribeEventsMessage {
  type: 'subscribeEvents';
  id: string;
  rangeMs: number;
  kinds?: string[];
}

export interface SubscribeAlertsMessage {
  type: 'subscribeAlerts';
  id: string;
}

/** Boards, playlists and display settings: sent on subscribe and on every change. */
export interface SubscribeConfigMessage {
  type: 'subscribeConfig';
  id: string;
}

export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id: string;
}

export type ClientMessage = SubscribeMessage | SubscribeEventsMessage | SubscribeAlertsMessage | SubscribeConfigMessage | UnsubscribeMessage;

// ── server → client ───────────────────────────────────────────────────────────────────
export interface HelloMessage {
  type: 'hello';
  protocol: number;
  serverTime: number;
  flushIntervalMs: number;
  heartbeatIntervalMs: number;
}

export interface FeedSeries {
  /** Stable for the life of the series; `append` refers to it. */
  sid: number;
  labels: LabelObject;
}

export interface SnapshotMessage {
  type: 'snapshot';
  id: string;
  from: number;
  to: number;
  /** Selector subscriptions: `lastInputTs` is when input last arrived for the series (held values
   * repeated by the collector do not count); null when never. */
  series: Array<FeedSeries & { ts: number[]; values: Array<number | null>; lastChangeTs: number; lastInputTs?: number | null }>;
  /** PromQL subscriptions: when input last arrived for any series the query reads; null when
   * unknown (a remote source) — the screen then goes by the newest value's time. */
  dataTs?: number | null;
}

export interface AppendMessage {
  type: 'append';
  id: string;
  /** Series seen for the first time in this subscription. */
  series: FeedSeries[];
  /** [sid, ts, value] */
  points: Array<[number, number, number | null]>;
  /** True when the client fell behind and only the latest point per series was kept. */
  coalesced: boolean;
  /** As in the snapshot (PromQL subscriptions). */
  dataTs?: number | null;
}

export interface EventsSnapshotMessage {
  type: 'events';
  id: string;
  events: RadiatorEvent[];
}

export interface EventMessage {
  type: 'event';
  id: string;
  event: RadiatorEvent;
}

/** A PromQL subscription's health: its source failed (the screen shows an error state, never an
 * empty chart), or answers again. */
export interface StatusMessage {
  type: 'status';
  id: string;
  state: 'ok' | 'error';
  code?: string;
  message?: string;
}

/** Every current (not normal) alert, sent on subscribe and whenever anything changes. */
export interface AlertsMessage {
  type: 'alerts';
  id: string;
  alerts: AlertInstance[];
}

/** What a screen draws from. */
export interface ScreenConfig {
  boards: Board[];
  playlists: Playlist[];
  display: Display;
  /** The data sources a panel may name (the embedded one first). */
  sources: Array<{ id: string; name: string }>;
}

export interface ConfigMessage {
  type: 'config';
  id: string;
  /** Null only before the core has published its first configuration. */
  config: ScreenConfig | null;
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  serverTime: number;
}

export interface ErrorMessage {
  type: 'error';
  id?: string;
  code: string;
  message: string;
}

export type ServerMessage =
  | HelloMessage
  | SnapshotMessage
  | AppendMessage
  | EventsSnapshotMessage
  | EventMessage
  | StatusMessage
  | AlertsMessage
  | ConfigMessage
  | HeartbeatMessage
  | ErrorMessage;

/** WebSocket close codes the server uses. */
export const FEED_CLOSE = {
  /** The client fell too far behind (RFC 6455 "Try Again Later"). */
  TOO_SLOW: 1013,
  /** The server is stopping. */
  GOING_AWAY: 1001,
  /** A message broke the protocol. */
  POLICY: 1008,
  /** The client stopped reading while the server had more to send than its byte budget
   * (FEED_CLIENT_BUDGET_BYTES); reconnect and read. 4000–4999 are for applications (RFC 6455 7.4.2). */
  OVER_BUDGET: 4001,
} as const;
