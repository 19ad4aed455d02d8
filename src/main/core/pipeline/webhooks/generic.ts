// A generic pipeline event for any CI that can POST JSON (signed like GitHub's):
//   {"type":"build","pipeline":"api","status":"success","durationSeconds":312,"queueSeconds":14,"testSeconds":120,"sha":"…","id":"api-1234.1"}
//   (a build with an `id` is counted once however often it is sent: put the attempt in the id)
//   {"type":"deploy","service":"web","environment":"production","status":"success","sha":"…","version":"1.4.2"}
//   {"type":"commit","sha":"…","at":"2026-11-26T09:12:00Z","title":"…"}
//   {"type":"incident","id":"INC-12","title":"…","status":"open"|"resolved","at":"…"}

import { z } from 'zod';
import { buildSamples, buildTag, deployEvent, type ParseResult } from './actions.ts';

const shaField = z.string().regex(/^[0-9a-f]{40}$/i).transform((s) => s.toLowerCase());
const time = z.string().refine((s) => Number.isFinite(Date.parse(s)), { error: 'must be an ISO 8601 time' }).transform((s) => Date.parse(s));
const name = z.string().min(1).max(120);

export const GenericEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('build'), pipeline: name, status: z.enum(['success', 'failure']), durationSeconds: z.number().min(0).optional(), queueSeconds: z.number().min(0).optional(), testSeconds: z.number().min(0).optional(), sha: shaField.optional(), at: time.optional(), label: z.string().max(60).optional(), id: z.string().min(1).max(100).optional() }).strict(),
  z.object({ type: z.literal('deploy'), service: name, environment: z.string().max(100).default('production'), status: z.enum(['success', 'failure']), sha: shaField.optional(), version: z.string().max(100).optional(), id: z.string().max(100).optional(), at: time.optional() }).strict(),
  z.object({ type: z.literal('commit'), sha: shaField, at: time, title: z.string().max(200).default(''), repo: z.string().max(200).optional() }).strict(),
  z.object({ type: z.literal('incident'), id: z.string().min(1).max(100), title: z.string().max(200).default(''), status: z.enum(['open', 'resolved']), at: time.optional(), sha: shaField.optional() }).strict(),
]);

export function parseGeneric(body: unknown, now: number, environments: readonly string[] = []): ParseResult {
  const e = GenericEventSchema.parse(body);
  switch (e.type) {
    case 'build': {
      const ok = e.status === 'success';
      const build = e.id !== undefined ? buildTag('generic', e.pipeline, e.id) : undefined;
      return {
        what: `build ${e.status}`,
        actions: [
          { type: 'event', kind: 'build', ts: e.at ?? now, title: `${e.pipeline}${e.label ? ` #${e.label}` : ''} ${ok ? 'passed' : 'failed'}`, tags: [`pipeline:${e.pipeline}`, `status:${e.status}`, ...(e.sha ? [`sha:${e.sha}`] : []), ...(build ? [build] : [])] },
          ...buildSamples(e.pipeline, ok, e.durationSeconds ?? null, e.queueSeconds ?? null, e.testSeconds ?? null, build),
        ],
      };
    }
    case 'deploy': {
      if (environments.length > 0 && !environments.includes(e.environment)) return { what: `deploy to ${e.environment} (not a DORA environment)`, actions: [] };
      const ts = e.at ?? now;
      return { what: `deploy ${e.status}`, actions: [deployEvent({ sender: 'generic', id: e.id ?? `${e.service}@${ts}`, ts, service: e.service, repo: null, env: e.environment, ok: e.status === 'success', sha: e.sha ?? null, shortSha: e.version ?? null, version: e.version ?? null })] };
    }
    case 'commit':
      return { what: 'commit', actions: [{ type: 'event', kind: 'change', ts: e.at, title: e.title || e.sha.slice(0, 7), tags: [`sha:${e.sha}`, ...(e.repo ? [`repo:${e.repo}`] : [])] }] };
    case 'incident': {
      const tag = `incident:${e.id}`;
      return e.status === 'open'
        ? { what: 'incident opened', actions: [{ type: 'event', kind: 'incident', ts: e.at ?? now, tsEnd: null, title: e.title || e.id, tags: [tag, ...(e.sha ? [`sha:${e.sha}`] : [])] }] }
        : { what: 'incident resolved', actions: [{ type: 'resolve', tag, at: e.at ?? now }] };
    }
  }
}
