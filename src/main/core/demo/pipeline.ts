// The demo's pipeline, as its CI would report it: GitHub `push` and `deployment_status` webhooks
// for every deploy (each shipping one to three commits made a while before), a rollback after a
// bad one, and the incident it caused through the generic webhook — signed, through the real
// webhook endpoints, so DORA's four keys, the deploy markers and the incident spans come from the
// same path a team's CI would use. Also the demo's experiment and on-call rotation.

import { randomBytes } from 'node:crypto';
import type { Experiment, OnCallRotationSettings } from '../../../shared/pipeline-settings.ts';
import { hmacSignature } from '../pipeline/webhooks/signature.ts';
import { deployState, isBadDeploy, rng, DEPLOY_EVERY_MS } from './model.ts';

export interface DemoWebhooks {
  github: { id: string; secret: string };
  ci: { id: string; secret: string };
}

export function demoWebhooks(): DemoWebhooks {
  return { github: { id: 'demo-github', secret: randomBytes(24).toString('hex') }, ci: { id: 'demo-ci', secret: randomBytes(24).toString('hex') } };
}

/** What --demo adds to the settings while it runs (as flags: not saved). */
export function demoSettings(h: DemoWebhooks, startedAt: number): Record<string, unknown> {
  const experiment: Omit<Experiment, 'horizon' | 'alpha' | 'power' | 'expectedSplit' | 'variantLabel'> & { horizon: string } = {
    id: 'one-click-checkout',
    name: 'One-click checkout',
    believe: 'a one-click checkout for returning customers',
    willResultIn: 'more completed checkouts',
    proceedWhen: 'visit → order conversion rises by 10 % within two weeks',
    exposures: 'experiment_exposures{experiment="one_click_checkout"}',
    conversions: 'experiment_conversions{experiment="one_click_checkout"}',
    control: 'control',
    minimumEffect: 0.1,
    horizon: '14d',
    startedAt: new Date(startedAt).toISOString(),
    baselineRate: 0.1,
  };
  const rotation: Omit<OnCallRotationSettings, 'overrides'> = {
    id: 'shop',
    name: 'Shop on call',
    people: ['Ana', 'Ben', 'Chloé', 'Dev'],
    handoffWeekday: 1,
    handoffTime: '09:00',
    timeZone: 'Europe/Berlin',
    start: '2026-01-05T08:00:00Z',
  };
  return {
    pipeline: { webhooks: [{ id: h.github.id, type: 'github', secret: h.github.secret }, { id: h.ci.id, type: 'generic', secret: h.ci.secret }] },
    experiments: [experiment],
    oncall: [rotation],
  };
}

export interface Delivery {
  at: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const hex40 = (seed: number) => {
  const r = rng(seed);
  let s = '';
  while (s.length < 40) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, 40);
};
/** Deploy n's commits (one to three), newest last; the last one is what deploy n ships. */
export function commitsOf(n: number, t: number): Array<{ sha: string; at: number; title: string }> {
  const k = 1 + (n % 3);
  const titles = ['Tidy the basket page', 'Speed up product search', 'One-click checkout behind a flag', 'Fix rounding in totals', 'Retry card authorisation once', 'Log the acquirer error code'];
  return Array.from({ length: k }, (_, i) => ({ sha: hex40(n * 17 + i + 1), at: t - (k - i) * 25 * 60_000 - (n % 5) * 7 * 60_000, title: titles[(n + i) % titles.length]! }));
}

const REPO = { id: 186853002, name: 'shop', full_name: 'acme/shop' };

function github(h: DemoWebhooks, event: string, at: number, payload: unknown): Delivery {
  const body = JSON.stringify(payload);
  return { at, path: `/api/v1/webhooks/github/${h.github.id}`, headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-Hub-Signature-256': hmacSignature(h.github.secret, Buffer.from(body)) }, body };
}
function generic(h: DemoWebhooks, at: number, payload: unknown): Delivery {
  const body = JSON.stringify(payload);
  return { at, path: `/api/v1/webhooks/generic/${h.ci.id}`, headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hmacSignature(h.ci.secret, Buffer.from(body)) }, body };
}

const deployment = (h: DemoWebhooks, id: number, sha: string, ref: string, at: number) =>
  github(h, 'deployment_status', at, {
    action: 'created',
    deployment_status: { id: id * 7, state: 'success', environment: 'production', created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString() },
    deployment: { id, sha, ref, environment: 'production', task: 'deploy', created_at: new Date(at - 60_000).toISOString() },
    repository: REPO,
  });

/** Everything the pipeline reports around deploy n at time t (some deliveries lie after t: the
 * bad deploy's incident two minutes on, the rollback and resolution six). */
export function deployDeliveries(h: DemoWebhooks, n: number, t: number): Delivery[] {
  const dep = deployState(t);
  const commits = commitsOf(n, t);
  const out: Delivery[] = [
    github(h, 'push', commits[0]!.at, {
      ref: 'refs/heads/main',
      repository: REPO,
      commits: commits.map((c) => ({ id: c.sha, message: c.title, timestamp: new Date(c.at).toISOString(), author: { name: 'Ana' } })),
    }),
    deployment(h, n * 10, commits[commits.length - 1]!.sha, dep.version, t),
  ];
  if (isBadDeploy(n)) {
    // The regression: an incident traced to this deploy, a rollback to the previous one, resolved.
    const bad = commits[commits.length - 1]!.sha;
    const prevN = n - 1;
    const prev = commitsOf(prevN, t - DEPLOY_EVERY_MS);
    out.push(generic(h, t + 2 * 60_000, { type: 'incident', id: `INC-${n}`, title: 'Checkout latency high', status: 'open', at: new Date(t + 2 * 60_000).toISOString(), sha: bad }));
    out.push(deployment(h, n * 10 + 1, prev[prev.length - 1]!.sha, deployState(t - DEPLOY_EVERY_MS).version, t + 6 * 60_000));
    out.push(generic(h, t + 6 * 60_000, { type: 'incident', id: `INC-${n}`, status: 'resolved', at: new Date(t + 6 * 60_000).toISOString() }));
  }
  return out;
}
