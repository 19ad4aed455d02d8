// Redelivered CI webhooks count once: builds are keyed by the CI's own run id and attempt
// (GitHub's workflow_run id + run_attempt, GitLab's pipeline id + finish time), so the same
// delivery three times is one build, a re-run attempt is one more, and a restart forgets nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../../../src/main/core/pipeline/webhooks/signature.ts';
import { startTestCore, tempDir, type TestCore } from '../../../helpers/core.ts';

const GH_SECRET = 'github-secret-0123456789';
const GL_SECRET = 'gitlab-token-0123456789';
const GEN_SECRET = 'generic-secret-0123456789';
const settings = {
  collector: { flushInterval: 100 },
  pipeline: {
    webhooks: [
      { id: 'shop', type: 'github' as const, secret: GH_SECRET },
      { id: 'payments', type: 'gitlab' as const, secret: GL_SECRET },
      { id: 'jenkins', type: 'generic' as const, secret: GEN_SECRET },
    ],
  },
};
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/webhooks', `${name}.json`), 'utf8');

let dir: string;
let t: TestCore;
beforeAll(async () => {
  dir = tempDir();
  t = await startTestCore(settings, { dir });
});
afterAll(() => t.stop());

// GitHub repeats X-GitHub-Delivery on a redelivery; the run id and attempt are what identify the build.
const github = (event: string, body: string, delivery: string) =>
  fetch(`${t.url}/api/v1/webhooks/github/shop`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': delivery, 'X-Hub-Signature-256': hmacSignature(GH_SECRET, Buffer.from(body)) },
    body,
  }).then(async (r) => ({ status: r.status, ...((await r.json()) as { events: number; duplicates: number }) }));
const gitlab = (body: string) =>
  fetch(`${t.url}/api/v1/webhooks/gitlab/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': GL_SECRET }, body }).then(
    async (r) => ({ status: r.status, ...((await r.json()) as { events: number; duplicates: number }) }),
  );
const generic = (o: unknown) => {
  const body = JSON.stringify(o);
  return fetch(`${t.url}/api/v1/webhooks/generic/jenkins`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hmacSignature(GEN_SECRET, Buffer.from(body)) }, body }).then(
    async (r) => ({ status: r.status, ...((await r.json()) as { events: number; duplicates: number }) }),
  );
};
const builds = (tag: string) => t.core.store.events.query({ kinds: ['build'], from: 0 }).filter((e) => e.tags.includes(tag));
async function ciBuilds(pipeline: string): Promise<Record<string, number>> {
  await t.core.flush();
  const r = (await (await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(`ci_builds{pipeline="${pipeline}"}`)}`)).json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return Object.fromEntries(r.data.result.map((s) => [s.metric.status!, Number(s.value[1])]));
}

/** The published workflow_run example as a re-run: the same run id, the next attempt, finishing later and green. */
function secondAttempt(): string {
  const b = JSON.parse(fixture('github-workflow_run')) as { workflow_run: Record<string, unknown> };
  Object.assign(b.workflow_run, { run_attempt: 2, conclusion: 'success', run_started_at: '2026-11-02T10:00:00Z', updated_at: '2026-11-02T10:05:00Z' });
  return JSON.stringify(b);
}

describe('redelivered builds', () => {
  it('GitHub: one workflow_run delivered three times is one build; its second attempt is one more', async () => {
    const run = fixture('github-workflow_run');
    const delivery = crypto.randomUUID();
    expect(await github('workflow_run', run, delivery)).toMatchObject({ status: 200, events: 1, duplicates: 0 });
    expect(await github('workflow_run', run, delivery)).toMatchObject({ status: 200, events: 0, duplicates: 1 });
    expect(await github('workflow_run', run, delivery)).toMatchObject({ status: 200, events: 0, duplicates: 1 });
    expect(builds('build:github:30433642:1')).toHaveLength(1);
    expect(await ciBuilds('CI')).toEqual({ failure: 1 });

    // "Re-run jobs": a new attempt of the same run is a new build (it ran again, and may pass).
    const rerun = secondAttempt();
    expect(await github('workflow_run', rerun, crypto.randomUUID())).toMatchObject({ events: 1, duplicates: 0 });
    expect(await github('workflow_run', rerun, crypto.randomUUID())).toMatchObject({ events: 0, duplicates: 1 });
    expect(builds('build:github:30433642:2')).toHaveLength(1);
    expect(await ciBuilds('CI')).toEqual({ failure: 1, success: 1 });
  });

  it('GitLab: a redelivered pipeline event adds no build; a retried pipeline (same id, finished again) does', async () => {
    const p = fixture('gitlab-pipeline');
    expect(await gitlab(p)).toMatchObject({ status: 200, events: 1 });
    expect(await gitlab(p)).toMatchObject({ status: 200, events: 0, duplicates: 1 });
    expect(builds('pipeline:acme/payments:main')).toHaveLength(1);
    expect(await ciBuilds('acme/payments:main')).toEqual({ success: 1 });

    const retried = p.replace('"finished_at": "2026-11-03 08:49:30 UTC"', '"finished_at": "2026-11-03 09:30:00 UTC"');
    expect(retried).not.toBe(p);
    expect(await gitlab(retried)).toMatchObject({ events: 1 });
    expect(await ciBuilds('acme/payments:main')).toEqual({ success: 2 });
  });

  it('generic: a build sent twice with the same id counts once', async () => {
    const b = { type: 'build', pipeline: 'nightly', status: 'success', id: 'nightly-812.1', at: '2026-11-04T03:00:00Z' };
    expect(await generic(b)).toMatchObject({ events: 1 });
    expect(await generic(b)).toMatchObject({ events: 0, duplicates: 1 });
    expect(await ciBuilds('nightly')).toEqual({ success: 1 });
  });

  it('a redelivery after a restart is still counted once (the stored build events answer)', async () => {
    await t.stop();
    t = await startTestCore(settings, { dir });
    expect(await github('workflow_run', fixture('github-workflow_run'), crypto.randomUUID())).toMatchObject({ events: 0, duplicates: 1 });
    expect(await gitlab(fixture('gitlab-pipeline'))).toMatchObject({ events: 0, duplicates: 1 });
    expect(builds('build:github:30433642:1')).toHaveLength(1);
  });
});
