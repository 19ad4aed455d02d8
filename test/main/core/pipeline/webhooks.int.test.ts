// CI events in through the real HTTP API: each sender's documented payloads (fixtures), with
// valid and invalid signatures; events and Pipeline-board series come out; repeated deliveries
// count once; an incident closes; DORA's keys come back over the API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../../../src/main/core/pipeline/webhooks/signature.ts';
import { startTestCore, type TestCore } from '../../../helpers/core.ts';

const GH_SECRET = 'github-secret-0123456789';
const GL_SECRET = 'gitlab-token-0123456789';
const GEN_SECRET = 'generic-secret-0123456789';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/webhooks', `${name}.json`));

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore({
    collector: { flushInterval: 100 },
    pipeline: {
      webhooks: [
        { id: 'shop', type: 'github', secret: GH_SECRET, environments: ['production'] },
        { id: 'payments', type: 'gitlab', secret: GL_SECRET },
        { id: 'jenkins', type: 'generic', secret: GEN_SECRET },
      ],
    },
  });
});
afterAll(() => t.stop());

async function github(event: string, body: Buffer, secret = GH_SECRET): Promise<Response> {
  return fetch(`${t.url}/api/v1/webhooks/github/shop`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': crypto.randomUUID(), 'X-Hub-Signature-256': hmacSignature(secret, body) },
    body,
  });
}
const gitlab = (event: string, body: Buffer, token = GL_SECRET) =>
  fetch(`${t.url}/api/v1/webhooks/gitlab/payments`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': event, 'X-Gitlab-Token': token }, body });
const generic = (obj: unknown, secret = GEN_SECRET) => {
  const body = Buffer.from(JSON.stringify(obj));
  return fetch(`${t.url}/api/v1/webhooks/generic/jenkins`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hmacSignature(secret, body) }, body });
};
const events = (kind: string) => t.core.store.events.query({ kinds: [kind as never], from: 0 });
const query = async (q: string) => ((await (await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;

describe('webhooks', () => {
  it('refuse a bad or missing signature, count it, and apply nothing', async () => {
    const before = events('change').length;
    expect((await github('push', fixture('github-push'), 'not-the-secret-at-all')).status).toBe(401);
    const noSig = await fetch(`${t.url}/api/v1/webhooks/github/shop`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' }, body: fixture('github-push') });
    expect(noSig.status).toBe(401);
    expect(((await noSig.json()) as { code: string }).code).toBe('WEBHOOK_SIGNATURE');
    expect((await gitlab('Push Hook', fixture('gitlab-push'), 'wrong-token')).status).toBe(401);
    // A body changed after signing fails too.
    const body = fixture('github-push');
    const sig = hmacSignature(GH_SECRET, body);
    const tampered = Buffer.from(body.toString().replace('ana', 'eve'));
    const r = await fetch(`${t.url}/api/v1/webhooks/github/shop`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sig }, body: tampered });
    expect(r.status).toBe(401);
    expect(events('change').length).toBe(before);
    expect(t.core.stats.rejected.get('webhook')?.get('bad_signature')).toBe(4);
    expect((await fetch(`${t.url}/api/v1/webhooks/github/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('GitHub push: one change event per commit, with its sha and commit time; a redelivery adds nothing', async () => {
    const r = await github('push', fixture('github-push'));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ accepted: 'push of 2 commit(s)', events: 2 });
    const c = events('change').find((e) => e.tags.includes('sha:7fd1a60b01f91b314f59955a4e4d4e80d8edf11d'))!;
    expect(c).toMatchObject({ ts: Date.parse('2026-11-02T08:12:00Z'), title: 'Add one-click checkout behind a flag', service: 'shop', source: 'github:shop' });
    expect(await (await github('push', fixture('github-push'))).json()).toMatchObject({ events: 0, duplicates: 2 });
  });

  it('GitHub workflow_run and workflow_job: a build event and the Pipeline board series', async () => {
    expect((await github('workflow_run', fixture('github-workflow_run'))).status).toBe(200);
    expect((await github('workflow_job', fixture('github-workflow_job'))).status).toBe(200);
    await t.core.flush();
    const b = events('build').find((e) => e.tags.includes('pipeline:CI'))!;
    expect(b).toMatchObject({ title: 'CI #562 failed', ts: Date.parse('2026-11-02T09:36:40Z') });
    expect(b.tags).toEqual(expect.arrayContaining(['status:failure', 'sha:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c']));
    expect(await query('ci_build_duration_seconds{pipeline="CI"}')).toMatchObject([{ value: [expect.any(Number), '375'] }]);
    expect(await query('ci_queue_seconds{pipeline="CI"}')).toMatchObject([{ value: [expect.any(Number), '15'] }]);
    expect(await query('ci_last_build_success{pipeline="CI"}')).toMatchObject([{ value: [expect.any(Number), '0'] }]);
    expect(await query('ci_builds{pipeline="CI",status="failure"}')).toMatchObject([{ value: [expect.any(Number), '1'] }]);
    expect(await query('ci_test_duration_seconds{pipeline="CI"}')).toMatchObject([{ value: [expect.any(Number), '210'] }]);
  });

  it('GitHub deployment_status, incident issues and a merged PR: deploy, incident (then closed) and change events', async () => {
    expect(await (await github('deployment_status', fixture('github-deployment_status'))).json()).toMatchObject({ accepted: 'deployment success', events: 1 });
    const d = events('deploy').find((e) => e.source === 'github:shop')!;
    expect(d.tags).toEqual(expect.arrayContaining(['env:production', 'status:success', 'sha:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', 'deployment:github:145988746']));
    // A staging deployment is not a production deploy here (environments: ['production']).
    const staging = Buffer.from(fixture('github-deployment_status').toString().replaceAll('"production"', '"staging"'));
    expect(await (await github('deployment_status', staging)).json()).toMatchObject({ events: 0 });

    await github('issues', fixture('github-issues-opened'));
    const open = events('incident').find((e) => e.tags.includes('incident:acme/shop#41'))!;
    expect(open).toMatchObject({ tsEnd: null, title: 'Checkout latency high after 1.4.2' });
    await github('issues', fixture('github-issues-closed'));
    expect(events('incident').find((e) => e.id === open.id)!.tsEnd).toBe(Date.parse('2026-11-02T12:05:00Z'));

    await github('pull_request', fixture('github-pull_request'));
    expect(events('change').find((e) => e.tags.includes('pr:acme/shop#57'))!.title).toBe('PR #57 merged: Roll back one-click checkout');
    expect(await (await github('ping', Buffer.from('{"zen":"Keep it logically awesome."}'))).json()).toMatchObject({ accepted: 'ping', events: 0 });
  });

  it('GitLab push, pipeline, deployment and incident issue', async () => {
    for (const [ev, f] of [['Push Hook', 'gitlab-push'], ['Pipeline Hook', 'gitlab-pipeline'], ['Deployment Hook', 'gitlab-deployment'], ['Issue Hook', 'gitlab-issue']] as const) {
      expect((await gitlab(ev, fixture(f))).status, f).toBe(200);
    }
    await t.core.flush();
    expect(events('change').some((e) => e.tags.includes('sha:b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327') && e.ts === Date.parse('2026-11-03T08:05:00Z'))).toBe(true);
    expect(events('build').find((e) => e.tags.includes('pipeline:acme/payments:main'))!.title).toBe('acme/payments:main #3 passed');
    expect(await query('ci_build_duration_seconds{pipeline="acme/payments:main"}')).toMatchObject([{ value: [expect.any(Number), '480'] }]);
    // The test stage's two jobs ran side by side: its time is the longer one.
    expect(await query('ci_test_duration_seconds{pipeline="acme/payments:main"}')).toMatchObject([{ value: [expect.any(Number), '240'] }]);
    const dep = events('deploy').find((e) => e.source === 'gitlab:payments')!;
    expect(dep).toMatchObject({ ts: Date.parse('2026-11-03T08:50:00Z') });
    expect(dep.tags).toContain('sha:da1560886d4f094c3e6c9ef40349f7d38b5d27d7');
    expect(events('incident').some((e) => e.tags.includes('incident:acme/payments#23'))).toBe(true);
  });

  it('generic events, validated field by field', async () => {
    const sha = 'a'.repeat(40);
    expect((await generic({ type: 'commit', sha, at: '2026-11-04T09:00:00Z', title: 'Tune the cache' })).status).toBe(200);
    expect((await generic({ type: 'deploy', service: 'search', status: 'success', sha, version: '2.0.1', at: '2026-11-04T10:00:00Z' })).status).toBe(200);
    expect((await generic({ type: 'build', pipeline: 'nightly', status: 'success', durationSeconds: 1200 })).status).toBe(200);
    const bad = await generic({ type: 'deploy', service: 'search', status: 'maybe' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/status/);
    expect((await generic({ type: 'commit', sha, at: '2026-11-04T09:00:00Z' }, 'wrong-secret-0000000000')).status).toBe(401);
  });
});

describe('incidents linked to the deploy that caused them (Four Keys: "root cause: <sha>" in the issue)', () => {
  it('counts a GitHub incident naming a deploy\'s commit as that deploy\'s failure, by a short sha too', async () => {
    const c = await startTestCore({ pipeline: { webhooks: [{ id: 'shop', type: 'github', secret: GH_SECRET, environments: ['production'] }] } });
    try {
      const send = (event: string, body: Buffer) =>
        fetch(`${c.url}/api/v1/webhooks/github/shop`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': crypto.randomUUID(), 'X-Hub-Signature-256': hmacSignature(GH_SECRET, body) },
          body,
        });
      const dora = async () => ((await (await fetch(`${c.url}/api/v1/pipeline/dora?window=90d`)).json()) as { changeFailureRate: { failures: number; deployments: number } }).changeFailureRate;
      expect((await send('deployment_status', fixture('github-deployment_status'))).status).toBe(200);
      // An incident that names no commit blames no deploy.
      expect((await send('issues', fixture('github-issues-opened'))).status).toBe(200);
      expect(await dora()).toMatchObject({ failures: 0, deployments: 1 });
      // One that says which commit caused it (short sha, as people write it) does.
      const named = JSON.parse(fixture('github-issues-opened').toString()) as { issue: { number: number; body: string } };
      named.issue.number = 42;
      named.issue.body += '\n\nroot cause: 0d1a26e';
      expect((await send('issues', Buffer.from(JSON.stringify(named)))).status).toBe(200);
      const incident = c.core.store.events.query({ kinds: ['incident'], from: 0 }).find((e) => e.tags.includes('incident:acme/shop#42'))!;
      expect(incident.tags).toContain('sha:0d1a26e');
      expect(await dora()).toMatchObject({ failures: 1, deployments: 1 });
    } finally {
      await c.stop();
    }
  });

  it('reads the root cause from a GitLab incident\'s description', async () => {
    const body = JSON.parse(fixture('gitlab-issue').toString()) as { object_attributes: { description: string; iid: number } };
    body.object_attributes.description += ' Root cause: DA1560886D4F094C3E6C9EF40349F7D38B5D27D7';
    body.object_attributes.iid = 99;
    expect((await gitlab('Issue Hook', Buffer.from(JSON.stringify(body)))).status).toBe(200);
    const e = events('incident').find((x) => x.tags.includes('incident:acme/payments#99'))!;
    expect(e.tags).toContain('sha:da1560886d4f094c3e6c9ef40349f7d38b5d27d7');
  });
});

describe('DORA over the API', () => {
  it('computes the four keys from the stored deploys, commits and incidents', async () => {
    // A known history in a fresh core: three successful deploys a day apart and one failed; each
    // deploy ships a commit made two hours before it; one incident traced to a deploy, restored
    // in 30 minutes.
    const c = await startTestCore({ pipeline: { webhooks: [{ id: 'ci', type: 'generic', secret: GEN_SECRET }] } });
    try {
      const now = Date.now();
      const day = 86_400_000;
      const post = (o: unknown) => {
        const body = Buffer.from(JSON.stringify(o));
        return fetch(`${c.url}/api/v1/webhooks/generic/ci`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hmacSignature(GEN_SECRET, body) }, body });
      };
      const iso = (t: number) => new Date(t).toISOString();
      for (let i = 0; i < 4; i++) {
        const sha = String(i).repeat(40);
        const at = now - (4 - i) * day;
        await post({ type: 'commit', sha, at: iso(at - 2 * 3_600_000) });
        await post({ type: 'deploy', service: 'web', status: i === 2 ? 'failure' : 'success', sha, id: `d${i}`, at: iso(at) });
      }
      await post({ type: 'incident', id: 'INC-1', status: 'open', at: iso(now - day), sha: '3'.repeat(40) });
      await post({ type: 'incident', id: 'INC-1', status: 'resolved', at: iso(now - day + 30 * 60_000) });
      const r = (await (await fetch(`${c.url}/api/v1/pipeline/dora?window=7d`)).json()) as Record<string, Record<string, unknown>>;
      expect(r.deploymentFrequency).toMatchObject({ deployments: 3 });
      expect(r.leadTimeForChanges).toMatchObject({ medianMs: 2 * 3_600_000, band: 'elite' });
      // 4 attempts: 1 failed deploy + 1 deploy an incident was traced to.
      expect(r.changeFailureRate).toMatchObject({ failures: 2, deployments: 4, rate: 0.5 });
      expect(r.timeToRestore).toMatchObject({ medianMs: 30 * 60_000, band: 'elite', restored: 1, open: 0 });
      expect((await fetch(`${c.url}/api/v1/pipeline/dora?window=1h`)).status).toBe(400);
    } finally {
      await c.stop();
    }
  });
});
