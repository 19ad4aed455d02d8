// Polls each configured cctray.xml feed on its interval (bounded body, timeout), applies what
// changed, and keeps each feed's last state and error for the API and the tray.

import type { PipelineSettings } from '../../../shared/pipeline-settings.ts';
import { ccTrayActions, parseCcTray, type CcProject, type Transition } from './cctray.ts';
import type { PipelineAction } from './webhooks/actions.ts';

const MAX_FEED_BYTES = 4 * 1024 * 1024;

type Feed = PipelineSettings['cctray'][number];

export interface FeedStatus {
  id: string;
  url: string;
  lastPoll: number | null;
  lastError: string | null;
  projects: CcProject[];
}

export interface PollerOptions {
  apply: (actions: PipelineAction[], source: string) => void;
  onTransition?: (feed: string, project: string, t: Transition) => void;
  now?: () => number;
  fetchImpl?: typeof fetch;
}

export class CcTrayPoller {
  private readonly opts: Required<Omit<PollerOptions, 'onTransition'>> & Pick<PollerOptions, 'onTransition'>;
  private readonly feeds = new Map<string, { feed: Feed; timer: NodeJS.Timeout | null; status: FeedStatus; projects: Map<string, CcProject>; busy: boolean }>();

  constructor(o: PollerOptions) {
    this.opts = { now: Date.now, fetchImpl: fetch, ...o } as typeof this.opts;
  }

  setFeeds(list: readonly Feed[]): void {
    const want = new Map(list.map((f) => [f.id, f]));
    for (const [id, f] of this.feeds) {
      if (JSON.stringify(want.get(id)) === JSON.stringify(f.feed)) continue;
      if (f.timer) clearInterval(f.timer);
      this.feeds.delete(id);
    }
    for (const [id, feed] of want) {
      if (this.feeds.has(id)) continue;
      const entry = { feed, timer: null as NodeJS.Timeout | null, status: { id, url: feed.url, lastPoll: null, lastError: null, projects: [] } as FeedStatus, projects: new Map<string, CcProject>(), busy: false };
      this.feeds.set(id, entry);
      void this.poll(id);
      entry.timer = setInterval(() => void this.poll(id), feed.interval);
      entry.timer.unref();
    }
  }

  /** Poll one feed now (the timer does it otherwise). */
  async poll(id: string): Promise<void> {
    const f = this.feeds.get(id);
    if (!f || f.busy) return;
    f.busy = true;
    const { feed } = f;
    try {
      const headers: Record<string, string> = { Accept: 'application/xml, text/xml' };
      if (feed.auth?.type === 'bearer') headers.Authorization = `Bearer ${feed.auth.token}`;
      if (feed.auth?.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${feed.auth.username}:${feed.auth.password}`).toString('base64')}`;
      const res = await this.opts.fetchImpl(feed.url, { headers, signal: AbortSignal.timeout(feed.timeout), redirect: 'follow' });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > MAX_FEED_BYTES) throw new Error(`the feed is ${len} bytes; the limit is ${MAX_FEED_BYTES}`);
      const text = await readBounded(res, MAX_FEED_BYTES);
      const projects = parseCcTray(text);
      const { actions, transitions } = ccTrayActions(id, f.projects, projects, this.opts.now());
      if (this.feeds.get(id) !== f) return; // reconfigured meanwhile
      this.opts.apply(actions, `cctray:${id}`);
      for (const t of transitions) this.opts.onTransition?.(id, t.project, t.transition);
      f.projects = new Map(projects.map((p) => [p.name, p]));
      f.status = { ...f.status, lastPoll: this.opts.now(), lastError: null, projects };
    } catch (e) {
      const err = e as Error;
      f.status = { ...f.status, lastPoll: this.opts.now(), lastError: err.name === 'TimeoutError' ? `no answer within ${feed.timeout} ms` : err.message };
    } finally {
      f.busy = false;
    }
  }

  status(): FeedStatus[] {
    return [...this.feeds.values()].map((f) => f.status);
  }

  stop(): void {
    for (const f of this.feeds.values()) if (f.timer) clearInterval(f.timer);
    this.feeds.clear();
  }
}

async function readBounded(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel();
      throw new Error(`the feed is over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
