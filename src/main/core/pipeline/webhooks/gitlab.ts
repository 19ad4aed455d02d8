// GitLab webhook events (https://docs.gitlab.com/user/project/integrations/webhook_events/), by
// `object_kind`: push (commits), pipeline (builds: status, duration, queue, test stage time),
// deployment (deploys), issue (incidents: type "incident" or labelled "incident").

import { arr, buildSamples, buildTag, commitEvents, deployEvent, firstLine, obj, parseTime, rootCause, sha, str, type ParseResult, type PipelineAction } from './actions.ts';

export function parseGitLab(body: unknown, environments: readonly string[] = []): ParseResult {
  const b = obj(body);
  const project = obj(b.project);
  const repo = str(project.path_with_namespace) ?? str(project.name) ?? 'unknown';
  const service = str(project.name) ?? repo;
  const actions: PipelineAction[] = [];
  switch (b.object_kind) {
    case 'push':
      actions.push(...commitEvents(arr(b.commits), repo, service, b.ref));
      return { what: `push of ${actions.length} commit(s)`, actions };
    case 'pipeline': {
      const a = obj(b.object_attributes);
      const status = str(a.status) ?? '';
      if (status !== 'success' && status !== 'failed') return { what: `pipeline ${status}`, actions };
      const ok = status === 'success';
      const name = `${repo}:${str(a.ref) ?? 'pipeline'}`;
      const finished = parseTime(a.finished_at) ?? Date.now();
      const id = sha(a.sha);
      // The pipeline's id names the build, with its finish time: GitLab has no attempt number,
      // and retrying a job re-runs the same pipeline id, which then finishes again at a new time
      // (a new build); a redelivery repeats both and is counted once.
      const pid = typeof a.id === 'number' || typeof a.id === 'string' ? String(a.id) : null;
      const build = pid ? buildTag('gitlab', String(project.id ?? repo), pid, str(a.finished_at, 40) ?? status) : undefined;
      // The test stage's time: the longest job in it (jobs of a stage run in parallel).
      let testS: number | null = null;
      for (const j of arr(b.builds)) {
        const job = obj(j);
        if (String(job.stage ?? '') === 'test' && typeof job.duration === 'number') testS = Math.max(testS ?? 0, job.duration);
      }
      actions.push({
        type: 'event',
        kind: 'build',
        ts: finished,
        title: `${name} #${String(a.iid ?? a.id ?? '?')} ${ok ? 'passed' : 'failed'}`,
        service,
        tags: [`pipeline:${name}`, `status:${ok ? 'success' : 'failure'}`, `repo:${repo}`, ...(id ? [`sha:${id}`] : []), ...(build ? [build] : [])],
      });
      actions.push(...buildSamples(name, ok, typeof a.duration === 'number' ? a.duration : null, typeof a.queued_duration === 'number' ? a.queued_duration : null, testS, build));
      return { what: `pipeline ${status}`, actions };
    }
    case 'deployment': {
      const status = str(b.status) ?? '';
      if (status !== 'success' && status !== 'failed') return { what: `deployment ${status}`, actions };
      const env = str(b.environment) ?? 'unknown';
      if (environments.length > 0 && !environments.includes(env)) return { what: `deployment to ${env} (not a DORA environment)`, actions };
      const ts = parseTime(b.status_changed_at) ?? Date.now();
      actions.push(
        deployEvent({ sender: 'gitlab', id: String(b.deployment_id ?? ts), ts, service, repo, env, ok: status === 'success', sha: sha(String(b.commit_url ?? '').split('/').pop()), shortSha: str(b.short_sha), version: str(b.ref) }),
      );
      return { what: `deployment ${status}`, actions };
    }
    case 'issue': {
      const a = obj(b.object_attributes);
      const labels = [...arr(b.labels), ...arr(a.labels)].map((l) => String(obj(l).title ?? '').toLowerCase());
      const incident = String(a.issue_type ?? a.type ?? '').toLowerCase() === 'incident' || labels.includes('incident');
      if (!incident) return { what: 'issue (not an incident)', actions };
      const key = `incident:${repo}#${String(a.iid ?? a.id ?? '?')}`;
      const action = str(a.action);
      if (action === 'open' || action === 'reopen') {
        const cause = rootCause(a.description);
        actions.push({ type: 'event', kind: 'incident', ts: parseTime(a.created_at) ?? Date.now(), tsEnd: null, title: firstLine(a.title) || key, service, tags: [key, `repo:${repo}`, ...(cause ? [`sha:${cause}`] : [])] });
      } else if (action === 'close' || a.state === 'closed') {
        actions.push({ type: 'resolve', tag: key, at: parseTime(a.closed_at) ?? parseTime(a.updated_at) ?? Date.now() });
      }
      return { what: `incident ${action}`, actions };
    }
    default:
      return { what: `${String(b.object_kind)} (not used)`, actions };
  }
}
