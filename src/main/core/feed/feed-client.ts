// One WebSocket client of the live feed: what it subscribed to (one subscription per id, whatever
// its kind), the subscribe requests and updates it is owed while its socket is backed up, and the
// one door every message leaves by, which closes the client rather than let its unsent bytes pass
// a budget. What to send, and when, is the server's business (feed-server.ts).

import type { WebSocket } from 'ws';
import { FEED_CLOSE, type ClientMessage, type FeedSeries, type ServerMessage } from '../../../shared/feed-protocol.ts';
import type { CompiledMatcher } from '../store/index.ts';

/** What a subscription knows of each series id a flush brought: not yet looked at, does not
 * match, matches, matches and its labels were sent. */
export const SidState = { Unknown: 0, NoMatch: 1, Match: 2, Announced: 3 } as const;
export type SidState = (typeof SidState)[keyof typeof SidState];

const PAGE_BITS = 12;
const PAGE_MASK = (1 << PAGE_BITS) - 1;

/** A byte per series id, in pages of 4,096 ids made as ids appear. A subscription learns about
 * every series a flush writes, matching or not, so this costs 1 byte per series instead of two
 * hash entries (about 76 bytes), for each subscription: at 100,000 series a board of 20
 * subscriptions held 150 MB of them. */
export class SidStates {
  private readonly pages: Array<Uint8Array | undefined> = [];

  get(sid: number): SidState {
    const page = this.pages[sid >>> PAGE_BITS];
    return page === undefined ? SidState.Unknown : (page[sid & PAGE_MASK]! as SidState);
  }

  set(sid: number, state: SidState): void {
    const p = sid >>> PAGE_BITS;
    const page = (this.pages[p] ??= new Uint8Array(1 << PAGE_BITS));
    page[sid & PAGE_MASK] = state;
  }
}

export interface SeriesSub {
  id: string;
  matchers: CompiledMatcher[];
  sids: SidStates;
  /** Points at or before these times were in the snapshot. */
  snapshotLast: Map<number, number>;
}

/** A PromQL subscription: evaluated at aligned steps; each flush adds the steps that came due. */
export interface QuerySub {
  id: string;
  query: string;
  source: string;
  stepMs: number;
  /** The last step evaluated and sent. */
  lastStep: number;
  /** labels → sid, stable for the subscription's life */
  sids: Map<string, number>;
  nextSid: number;
  busy: boolean;
  lastRemoteAt: number;
  failing: boolean;
}

export interface EventSub {
  id: string;
  kinds: Set<string> | null;
}

/** A request that creates a subscription (and so a snapshot); it waits while the client is behind. */
export type SubscribeRequest = Exclude<ClientMessage, { type: 'unsubscribe' }>;

export class FeedClient {
  readonly ws: WebSocket;
  readonly subs = new Map<string, SeriesSub>();
  readonly querySubs = new Map<string, QuerySub>();
  readonly eventSubs = new Map<string, EventSub>();
  readonly alertSubs = new Set<string>();
  readonly configSubs = new Set<string>();
  /** Subscribe requests that arrived while the socket was above high water, answered in order once
   * it drains. One per id: a newer request for an id replaces the waiting one. */
  readonly pending = new Map<string, SubscribeRequest>();
  /** Coalesced backlog while the socket is above the high-water mark: sub id → sid → point. */
  backlog: Map<string, Map<number, [number, number | null]>> | null = null;
  backlogPoints = 0;
  /** The newest `dataTs` per subscription while coalescing. */
  readonly backlogDataTs = new Map<string, number | null>();
  /** New-series announcements made while backlogged; they cannot be coalesced away. */
  pendingSeries: FeedSeries[] = [];
  /** When the client fell behind (a backlog or waiting requests); meaningful while `catchUpTimer` runs. */
  behindSince = 0;
  catchUpTimer: NodeJS.Timeout | null = null;
  alive = true;
  closing = false;
  private readonly budgetBytes: number;
  private readonly onOverBudget: () => void;

  constructor(ws: WebSocket, budgetBytes: number, onOverBudget: () => void) {
    this.ws = ws;
    this.budgetBytes = budgetBytes;
    this.onOverBudget = onOverBudget;
  }

  /** Whether `id` names an active subscription of any kind. */
  has(id: string): boolean {
    return this.subs.has(id) || this.querySubs.has(id) || this.eventSubs.has(id) || this.alertSubs.has(id) || this.configSubs.has(id);
  }

  /** Ids in use, active or waiting: what the per-connection cap counts. */
  get subscriptionCount(): number {
    let n = this.subs.size + this.querySubs.size + this.eventSubs.size + this.alertSubs.size + this.configSubs.size;
    for (const id of this.pending.keys()) if (!this.has(id)) n++;
    return n;
  }

  /** Drop the active subscription `id` names, whatever its kind, so re-subscribing replaces it. */
  forget(id: string): void {
    this.subs.delete(id);
    this.querySubs.delete(id);
    this.eventSubs.delete(id);
    this.alertSubs.delete(id);
    this.configSubs.delete(id);
  }

  send(msg: ServerMessage): boolean {
    return this.sendText(JSON.stringify(msg));
  }

  /** Send unless the client would then hold more unsent bytes than its budget; then close it
   * (4001) instead. False when nothing was sent. */
  sendText(text: string): boolean {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return false;
    const unsent = this.ws.bufferedAmount + Buffer.byteLength(text);
    if (unsent > this.budgetBytes) {
      this.onOverBudget();
      this.close(FEED_CLOSE.OVER_BUDGET, `over byte budget: ${unsent} bytes unsent, limit ${this.budgetBytes}`);
      return false;
    }
    this.ws.send(text);
    return true;
  }

  /** Close with a code and reason, dropping everything owed. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.stopCatchingUp();
    this.backlog = null;
    this.backlogPoints = 0;
    this.pendingSeries = [];
    this.pending.clear();
    this.ws.close(code, reason);
    // A client that stopped reading never completes the closing handshake.
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  stopCatchingUp(): void {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    this.catchUpTimer = null;
  }
}
