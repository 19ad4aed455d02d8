// GitHub webhook events (https://docs.github.com/webhooks/webhook-events-and-payloads), by the
// `X-GitHub-Event` header: push (commits, for lead time), workflow_run and workflow_job (builds:
// status, duration, queue and test time), deployment_status (deploys, for DORA and every graph),
// issues labelled "incident" (opened and closed: change failure rate, time to restore), and
// pull_request (merges).

import { arr, buildSamples, buildTag, commitEvents, deployEvent, firstLine, obj, parseTime, rootCause, sha, str, type ParseResult, type PipelineAction } from './actions.ts';

const isIncident = (issue: Record<string, unknown>) => arr(issue.labels).some((l) => /^incident$/i.test(String(obj(l).name ?? '')));

export function parseGitHub(event: string, body: unknown, environments: readonly string[] = []): ParseResult {
  const b = obj(body);
  const repo = str(obj(b.repository).full_name) ?? 'unknown';
  const service = str(obj(b.repository).name) ?? repo;
  const actions: PipelineAction[] = [];
  switch (event) {
    case 'ping':
      return { what: 'ping', actions };
    case 'push':
      actions.push(...commitEvents(arr(b.commits), repo, service, b.ref));
      return { what: `push of ${actions.length} commit(s)`, actions };
    case 'workflow_run': {
      const run = obj(b.workflow_run);
      if (b.action !== 'completed') return { what: `workflow_run ${String(b.action)}`, actions };
      const name = str(run.name) ?? str(obj(b.workflow).name) ?? 'workflow';
      const conclusion = str(run.conclusion) ?? 'unknown';
      if (conclusion === 'cancelled' || conclusion === 'skipped') return { what: `workflow_run ${conclusion}`, actions };
      const ok = conclusion === 'success';
      const created = parseTime(run.created_at);
      const started = parseTime(run.run_started_at) ?? created;
      const done = parseTime(run.updated_at) ?? Date.now();
      const id = sha(run.head_sha);
      // The run's id and attempt name the build: a redelivery repeats both and is counted once; a
      // re-run ("Re-run jobs") keeps the id with the next run_attempt and is a new build.
      const runId = typeof run.id === 'number' || typeof run.id === 'string' ? String(run.id) : null;
      const build = runId ? buildTag('github', runId, typeof run.run_attempt === 'number' ? run.run_attempt : 1) : undefined;
      actions.push({
        type: 'event',
        kind: 'build',
        ts: done,
        title: `${name} #${String(run.run_number ?? '?')} ${ok ? 'passed' : 'failed'}`,
        service,
        tags: [`pipeline:${name}`, `status:${ok ? 'success' : 'failure'}`, `repo:${repo}`, ...(id ? [`sha:${id}`] : []), ...(build ? [build] : [])],
      });
      actions.push(...buildSamples(name, ok, started !== null ? (done - started) / 1000 : null, created !== null && started !== null ? (started - created) / 1000 : null, null, build));
      return { what: `workflow_run ${conclusion}`, actions };
    }
    case 'workflow_job': {
      const job = obj(b.workflow_job);
      if (b.action !== 'completed') return { what: `workflow_job ${String(b.action)}`, actions };
      const pipeline = str(job.workflow_name) ?? 'workflow';
      const jobName = str(job.name) ?? 'job';
      const started = parseTime(job.started_at);
      const done = parseTime(job.completed_at);
      const created = parseTime(job.created_at);
      if (started !== null && done !== null) {
        actions.push({ type: 'sample', op: 'set', name: 'ci_job_duration_seconds', labels: { pipeline, job: jobName }, value: (done - started) / 1000 });
        // Jobs named for tests are the pipeline's test time.
        if (/test/i.test(jobName)) actions.push({ type: 'sample', op: 'set', name: 'ci_test_duration_seconds', labels: { pipeline }, value: (done - started) / 1000 });
      }
      if (created !== null && started !== null) actions.push({ type: 'sample', op: 'set', name: 'ci_job_queue_seconds', labels: { pipeline, job: jobName }, value: (started - created) / 1000 });
      return { what: `workflow_job ${str(job.conclusion) ?? 'completed'}`, actions };
    }
    case 'deployment_status': {
      const st = obj(b.deployment_status);
      const dep = obj(b.deployment);
      const state = str(st.state) ?? '';
      if (!['success', 'failure', 'error'].includes(state)) return { what: `deployment_status ${state}`, actions };
      const env = str(dep.environment) ?? str(st.environment) ?? 'unknown';
      if (environments.length > 0 && !environments.includes(env)) return { what: `deployment to ${env} (not a DORA environment)`, actions };
      const ts = parseTime(st.updated_at) ?? parseTime(st.created_at) ?? Date.now();
      actions.push(deployEvent({ sender: 'github', id: String(dep.id ?? ts), ts, service, repo, env, ok: state === 'success', sha: sha(dep.sha), version: str(dep.ref) }));
      return { what: `deployment ${state}`, actions };
    }
    case 'issues': {
      const issue = obj(b.issue);
      const key = `incident:${repo}#${String(issue.number ?? '?')}`;
      const action = str(b.action);
      const labelledNow = action === 'labeled' && /^incident$/i.test(String(obj(b.label).name ?? ''));
      if (!isIncident(issue)) return { what: `issue ${action} (not an incident)`, actions };
      if (action === 'opened' || labelledNow || action === 'reopened') {
        // "root cause: <sha>" in the body ties it to the deploy that shipped that commit (Four Keys).
        const cause = rootCause(issue.body);
        actions.push({ type: 'event', kind: 'incident', ts: parseTime(issue.created_at) ?? Date.now(), tsEnd: null, title: firstLine(issue.title) || key, service, tags: [key, `repo:${repo}`, ...(cause ? [`sha:${cause}`] : [])] });
      } else if (action === 'closed') {
        actions.push({ type: 'resolve', tag: key, at: parseTime(issue.closed_at) ?? Date.now() });
      }
      return { what: `incident ${action}`, actions };
    }
    case 'pull_request': {
      const pr = obj(b.pull_request);
      if (b.action !== 'closed' || pr.merged !== true) return { what: `pull_request ${String(b.action)}`, actions };
      const id = sha(pr.merge_commit_sha);
      const ts = parseTime(pr.merged_at) ?? Date.now();
      actions.push({ type: 'event', kind: 'change', ts, title: `PR #${String(pr.number)} merged: ${firstLine(pr.title)}`, service, tags: [`pr:${repo}#${String(pr.number)}`, `repo:${repo}`, ...(id ? [`sha:${id}`] : [])] });
      return { what: 'pull_request merged', actions };
    }
    default:
      return { what: `${event} (not used)`, actions };
  }
}
