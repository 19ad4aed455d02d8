// What a CI webhook turns into: events (drawn on every matching graph, read back for DORA),
// incidents resolved, and samples for the Pipeline board. Parsers return these; the core applies
// them. Pure data, so the parsers are pure functions tested with fixtures.

import type { EventKind } from '../../../../shared/model.ts';

export interface EventAction {
  type: 'event';
  kind: EventKind;
  ts: number;
  tsEnd?: number | null;
  title: string;
  text?: string;
  service?: string | null;
  version?: string | null;
  tags: string[];
}

/** Close the open incident carrying this tag (e.g. `incident:org/repo#12`). */
export interface ResolveAction {
  type: 'resolve';
  tag: string;
  at: number;
}

/** A value for the Pipeline board's series: `add` increments a counter, `set` a gauge. */
export interface SampleAction {
  type: 'sample';
  op: 'add' | 'set';
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The build (its `build:` tag) this sample belongs to: dropped with it when the build is a
   * repeat, so a redelivery does not add to `ci_builds` again. */
  build?: string;
}

export type PipelineAction = EventAction | ResolveAction | SampleAction;

export interface ParseResult {
  /** What the sender's event was, for the response and the logs. */
  what: string;
  actions: PipelineAction[];
}

/** The tag that names one build by the CI's own identity, e.g. `build:github:30433642:1` (run id
 * and attempt): the pipeline counts each such build once however often it is delivered. */
export const buildTag = (sender: string, ...id: Array<string | number>): string => `build:${sender}:${id.join(':')}`.slice(0, 200);

/** A build's samples, the same whichever CI sent it; `build` is the build's tag when it has one. */
export function buildSamples(pipeline: string, ok: boolean, durationS: number | null, queueS: number | null, testS: number | null, build?: string): SampleAction[] {
  const l = { pipeline };
  const out: SampleAction[] = [
    { type: 'sample', op: 'add', name: 'ci_builds', labels: { pipeline, status: ok ? 'success' : 'failure' }, value: 1 },
    { type: 'sample', op: 'set', name: 'ci_last_build_success', labels: l, value: ok ? 1 : 0 },
  ];
  if (durationS !== null && Number.isFinite(durationS) && durationS >= 0) out.push({ type: 'sample', op: 'set', name: 'ci_build_duration_seconds', labels: l, value: durationS });
  if (queueS !== null && Number.isFinite(queueS) && queueS >= 0) out.push({ type: 'sample', op: 'set', name: 'ci_queue_seconds', labels: l, value: queueS });
  if (testS !== null && Number.isFinite(testS) && testS >= 0) out.push({ type: 'sample', op: 'set', name: 'ci_test_duration_seconds', labels: l, value: testS });
  return build === undefined ? out : out.map((a) => ({ ...a, build }));
}

/** ISO 8601, and GitLab's "2016-08-12 15:23:28 UTC" / "2021-04-28 21:50:00 +0200". */
export function parseTime(v: unknown): number | null {
  if (typeof v !== 'string' || v.length > 40) return null;
  let s = v.trim();
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) ?(UTC|[+-]\d\d:?\d\d)$/.exec(s);
  if (m) s = `${m[1]}T${m[2]}${m[3] === 'UTC' ? 'Z' : m[3]!.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2')}`;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

export const str = (v: unknown, max = 200): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);
export const firstLine = (v: unknown, max = 120): string => (typeof v === 'string' ? (v.split('\n')[0] ?? '').slice(0, max) : '');
export const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A 40-hex commit id, or null. */
/** The commit an incident names as its cause, Four Keys' way: "root cause: <sha>" (7–40 hex
 * characters) anywhere in the issue's body. Lower case; null when there is none. */
export function rootCause(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const m = /root cause:\s*([0-9a-f]{7,40})\b/i.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

export const sha = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f]{40}$/i.test(v) ? v.toLowerCase() : null);

/** Commits pushed: one `change` event each (at most MAX per push), for lead time. */
export const MAX_COMMITS = 200;

/** A deploy, the same whichever sender reported it. */
export function deployEvent(o: { sender: string; id: string; ts: number; service: string; repo: string | null; env: string; ok: boolean; sha: string | null; shortSha?: string | null; version?: string | null }): EventAction {
  const short = o.shortSha ?? (o.sha ? o.sha.slice(0, 7) : '');
  return {
    type: 'event',
    kind: 'deploy',
    ts: o.ts,
    // The version when the sender names one (a tag), else the short sha; production is implied.
    title: `Deploy ${o.service} ${o.version ?? short}${o.env === 'production' || o.env === 'prod' ? '' : ` to ${o.env}`}${o.ok ? '' : ' failed'}`.replace(/\s+/g, ' '),
    service: o.service,
    version: o.version ?? null,
    tags: [`env:${o.env}`, `status:${o.ok ? 'success' : 'failure'}`, ...(o.repo ? [`repo:${o.repo}`] : []), `deployment:${o.sender}:${o.id}`, ...(o.sha ? [`sha:${o.sha}`] : [])],
  };
}

/** Pushed commits: one `change` event each, at its commit time (for lead time). */
export function commitEvents(commits: unknown[], repo: string, service: string, ref: unknown): EventAction[] {
  const branch = (str(ref) ?? '').replace(/^refs\/heads\//, '');
  const out: EventAction[] = [];
  for (const c of commits.slice(0, MAX_COMMITS)) {
    const co = obj(c);
    const id = sha(co.id);
    const ts = parseTime(co.timestamp);
    if (!id || ts === null) continue;
    out.push({ type: 'event', kind: 'change', ts, title: firstLine(co.title ?? co.message) || id.slice(0, 7), service, tags: [`sha:${id}`, `repo:${repo}`, ...(branch ? [`ref:${branch}`] : [])] });
  }
  return out;
}
