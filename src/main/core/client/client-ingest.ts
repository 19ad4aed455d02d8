// Browser telemetry from /client.js, as metrics: `client_js_errors{page, release}` (a counter),
// `client_page_load` and `client_ttfb` (summaries in seconds), `client_lcp` and `client_inp`
// (summaries in ms) and `client_cls` (a summary), by page, with p75 among their quantiles
// (web.dev judges Core Web Vitals at p75). Each error also goes to the log pipeline as a line
// from source `client` (message cut, file without its query), so the recent-lines API can list
// the last ones. Every value is checked: the page is not trusted.

import { RadiatorError } from '../../../shared/errors.ts';
import { CLIENT_SUMMARY_QUANTILES, MAX_CLIENT_ITEMS_PER_BEACON, MAX_CLIENT_RELEASE_CHARS } from '../../../shared/limits.ts';
import type { Ingest } from '../collector/ingest.ts';
import type { LogPipeline } from '../logs/log-pipeline.ts';
import { pagePath } from './page-path.ts';

export const CLIENT_RECEIVER = 'client';
/** The error lines made from beacons go through the log pipeline counted for this receiver: the
 * items they come from were counted for `client` already. */
export const CLIENT_LOG_RECEIVER = 'client_log';

/** name, unit divisor (ms → s), upper bound of a plausible value (in what the page sends). */
const MEASURES: ReadonlyMap<string, { name: string; scale: number; max: number; help: string }> = new Map([
  ['load', { name: 'client_page_load', scale: 1 / 1000, max: 600_000, help: 'Page load time (navigation start to the end of the load event), seconds.' }],
  ['ttfb', { name: 'client_ttfb', scale: 1 / 1000, max: 600_000, help: 'Time to first byte of the page, seconds.' }],
  ['lcp', { name: 'client_lcp', scale: 1, max: 600_000, help: 'Largest Contentful Paint, ms.' }],
  ['inp', { name: 'client_inp', scale: 1, max: 60_000, help: 'Interaction to Next Paint, ms.' }],
  ['cls', { name: 'client_cls', scale: 1, max: 100, help: 'Cumulative Layout Shift.' }],
]);

const RELEASE = /^[\w.+-]{1,64}$/;
const MAX_MESSAGE_CHARS = 200;

export interface ClientResult {
  accepted: number;
  rejected: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);
/** A script URL without its query or fragment. */
const scriptFile = (s: string) => clip(s.split(/[?#]/)[0]!, 300);

export class ClientIngest {
  private readonly door: Ingest;
  private readonly logs: LogPipeline;
  private readonly now: () => number;

  constructor(ingest: Ingest, logs: LogPipeline, now: () => number = Date.now) {
    this.door = ingest;
    this.logs = logs;
    this.now = now;
    ingest.describe('client_js_errors', { type: 'counter', help: 'JavaScript errors and unhandled rejections in browsers, by page and release.' });
    for (const m of MEASURES.values()) ingest.describe(m.name, { type: 'summary', help: m.help });
  }

  /** One beacon: `{release?, items: [{t, p, …}]}`. Throws 400 when it is not one. */
  ingest(body: unknown): ClientResult {
    if (!isObj(body) || !Array.isArray(body.items)) throw new RadiatorError('MALFORMED_BODY', 'a beacon is {release?, items: [...]}');
    const release = typeof body.release === 'string' && RELEASE.test(body.release) ? body.release.slice(0, MAX_CLIENT_RELEASE_CHARS) : 'unknown';
    const res: ClientResult = { accepted: 0, rejected: 0 };
    const items = body.items;
    if (items.length > MAX_CLIENT_ITEMS_PER_BEACON) {
      res.rejected += items.length - MAX_CLIENT_ITEMS_PER_BEACON;
      this.door.reject(CLIENT_RECEIVER, 'too_many_items', items.length - MAX_CLIENT_ITEMS_PER_BEACON);
    }
    const errorLines: Array<{ line: string; source: string; level: 'ERROR' }> = [];
    for (const it of items.slice(0, MAX_CLIENT_ITEMS_PER_BEACON)) {
      const problem = this.one(it, release, errorLines);
      if (problem) res.rejected++;
      else res.accepted++;
    }
    if (errorLines.length > 0) {
      if (this.logs.hasRoom()) this.logs.ingest(errorLines, CLIENT_LOG_RECEIVER);
      else this.door.reject(CLIENT_LOG_RECEIVER, 'overload', errorLines.length);
    }
    return res;
  }

  /** One item, counted: refused here when it is not one, otherwise handed to the door. Returns
   * why it was refused, or null. */
  private one(it: unknown, release: string, errorLines: Array<{ line: string; source: string; level: 'ERROR' }>): string | null {
    const r = this.item(it, release, errorLines);
    if (r === null || r.counted) return r?.reason ?? null;
    this.door.reject(CLIENT_RECEIVER, r.reason);
    return r.reason;
  }

  /** null once the door applied it; otherwise why not, and whether the door counted that. */
  private item(it: unknown, release: string, errorLines: Array<{ line: string; source: string; level: 'ERROR' }>): { reason: string; counted: boolean } | null {
    const bad = (reason: string) => ({ reason, counted: false });
    if (!isObj(it) || typeof it.t !== 'string') return bad('malformed_item');
    if (typeof it.p !== 'string' || it.p.length > 2_048) return bad('malformed_page');
    const page = pagePath(it.p);
    if (it.t === 'error') {
      const n = it.n === undefined ? 1 : it.n;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10_000) return bad('malformed_value');
      const e = this.door.apply(CLIENT_RECEIVER, { kind: 'counter', name: 'client_js_errors', labels: [['page', page], ['release', release]] }, { op: 'inc', value: n });
      if (typeof e === 'string') return { reason: e, counted: true };
      const msg = typeof it.msg === 'string' ? clip(it.msg.replace(/\s+/g, ' '), MAX_MESSAGE_CHARS) : '(no message)';
      const where = typeof it.src === 'string' && it.src ? ` at ${scriptFile(it.src)}${typeof it.line === 'number' ? `:${it.line}` : ''}${typeof it.col === 'number' ? `:${it.col}` : ''}` : '';
      const kind = it.kind === 'rejection' ? 'Unhandled rejection' : 'Error';
      errorLines.push({ line: `${kind}: ${msg}${where} (page ${page}, release ${release}${n > 1 ? `, ${n} times` : ''})`, source: 'client', level: 'ERROR' });
      return null;
    }
    const m = MEASURES.get(it.t);
    if (!m) return bad('unknown_item');
    const v = it.v;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > m.max) return bad('malformed_value');
    const e = this.door.apply(CLIENT_RECEIVER, { kind: 'summary', name: m.name, labels: [['page', page]], quantiles: CLIENT_SUMMARY_QUANTILES }, { op: 'observe', value: v * m.scale, atMs: this.now() });
    return typeof e === 'string' ? { reason: e, counted: true } : null;
  }
}
