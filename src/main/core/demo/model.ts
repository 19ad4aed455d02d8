// The simulated company's shape, shared by its live simulation and its backfilled history:
// traffic through the day, routes and pages, the deploy cycle (some deploys regress
// checkout until a rollback), and CI builds.

/** An event as the demo posts it to `/api/v1/events`. */
export interface NewEventInput {
  kind: string;
  title: string;
  ts: number;
  tsEnd?: number;
  service?: string;
  version?: string;
  tags: string[];
}

/** mulberry32: small, seedable, good enough for a simulation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Route {
  route: string;
  method: string;
  share: number;
  latencyMs: number;
  errorRate: number;
}

export const ROUTES: readonly Route[] = [
  { route: '/', method: 'GET', share: 0.3, latencyMs: 45, errorRate: 0.002 },
  { route: '/product/:id', method: 'GET', share: 0.3, latencyMs: 70, errorRate: 0.003 },
  { route: '/api/search', method: 'GET', share: 0.18, latencyMs: 110, errorRate: 0.005 },
  { route: '/cart', method: 'POST', share: 0.12, latencyMs: 90, errorRate: 0.004 },
  { route: '/checkout', method: 'POST', share: 0.1, latencyMs: 120, errorRate: 0.01 },
];
export const PAGES = ['/', '/product', '/search', '/cart', '/checkout'];
export const SERVICES = ['web', 'api', 'payments', 'search', 'worker'];
export const PIPELINES = ['web', 'api', 'payments'];
export const DEPLOY_EVERY_MS = 12 * 60_000;
export const BUILD_EVERY_MS = 3 * 60_000;

/** Requests per second across the shop at time t: a daily rhythm with a lunchtime bump. */
export function trafficAt(t: number): number {
  const hour = (t / 3_600_000) % 24;
  const day = 0.55 + 0.45 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const lunch = Math.exp(-((hour - 12.5) ** 2) / 2) * 0.25;
  return 40 * (day + lunch);
}

/** Whether deploy n regresses checkout: about one in seven (every hour and a half or so), never
 * within two deploys of the last, and at no fixed rhythm — a regression every third deploy was a
 * pattern the seasonal detector learned, and a quarter of the time spent in incidents taught every
 * detector that a tripled latency is normal. */
export function isBadDeploy(n: number): boolean {
  const candidate = (k: number) => rng(k * 7919 + 104_729)() < 0.3;
  return candidate(n) && !candidate(n - 1) && !candidate(n - 2);
}

/** The deploy cycle: every DEPLOY_EVERY_MS a version ships; a bad one (isBadDeploy) regresses
 * checkout latency until a rollback six minutes later. */
export function deployState(t: number): { n: number; version: string; bad: boolean; sinceMs: number } {
  const n = Math.floor(t / DEPLOY_EVERY_MS);
  const since = t - n * DEPLOY_EVERY_MS;
  const bad = isBadDeploy(n) && since < 6 * 60_000;
  return { n, version: `1.${Math.floor(n / 10) % 100}.${n % 10}`, bad, sinceMs: since };
}

export interface Build {
  n: number;
  pipeline: string;
  ok: boolean;
  durationS: number;
  testsS: number;
  queueS: number;
}

/** Build number n (one every BUILD_EVERY_MS, pipelines in turn), the same whenever asked. */
export function buildAt(n: number): Build {
  const r = rng(n * 7919 + 1);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const pipeline = PIPELINES[n % PIPELINES.length]!;
  const durationS = 240 + g() * 40 + (pipeline === 'api' ? 120 : 0);
  return { n, pipeline, ok: r() > 0.15, durationS, testsS: durationS * 0.55, queueS: Math.max(2, 20 + g() * 15) };
}

/** The last build of each pipeline at or before build n. */
export function lastBuilds(n: number): Build[] {
  return PIPELINES.map((_, i) => buildAt(n - ((((n - i) % PIPELINES.length) + PIPELINES.length) % PIPELINES.length)));
}

/** A pipeline's state as the Prometheus text a CI job pushes. */
export function buildExposition(b: Build, t: number): string {
  return (
    `# TYPE ci_build_duration_seconds gauge\nci_build_duration_seconds{status="${b.ok ? 'success' : 'failure'}"} ${b.durationS.toFixed(1)}\n` +
    `# TYPE ci_test_duration_seconds gauge\nci_test_duration_seconds ${b.testsS.toFixed(1)}\n` +
    `# TYPE ci_queue_seconds gauge\nci_queue_seconds ${b.queueS.toFixed(1)}\n` +
    `# TYPE ci_last_build_success gauge\nci_last_build_success ${b.ok ? 1 : 0}\n` +
    `# TYPE ci_last_build_timestamp_seconds gauge\nci_last_build_timestamp_seconds ${Math.floor(t / 1000)}\n`
  );
}

