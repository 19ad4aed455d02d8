// The pipeline and the experiment, live: applies what CI webhooks and CCTray feeds report (events
// and the Pipeline board's series), and answers the questions the boards ask — DORA's four keys
// from the stored deploys, commits and incidents; each A/B experiment's analysis from its
// counters; who is on call. The series the actions set go through the door, counted for the
// receiver `pipeline`.

import type { NewEvent, RadiatorEvent } from '../../../shared/model.ts';
import type { Experiment, OnCallRotationSettings } from '../../../shared/pipeline-settings.ts';
import type { Ingest } from '../collector/ingest.ts';
import type { Store } from '../store/index.ts';
import { parsePromQL } from '../promql/index.ts';
import { analyseExperiment, computeDora, whoIsOnCall, type DoraResult, type ExperimentAnalysis, type OnCall } from './index.ts';
import type { PipelineAction } from './webhooks/actions.ts';
import { MAX_RECENT_BUILD_IDS } from '../../../shared/limits.ts';
import { RecentIds } from './recent-ids.ts';

export interface PipelineServiceOptions {
  store: Store;
  ingest: Ingest;
  /** Stores an event and sends it to screens. */
  addEvent: (e: NewEvent) => RadiatorEvent;
  /** An event changed (an incident resolved): send it to screens again. */
  republish: (e: RadiatorEvent) => void;
  now: () => number;
}

export const PIPELINE_RECEIVER = 'pipeline';

const tagValue = (tags: readonly string[], key: string): string | null => {
  const t = tags.find((x) => x.startsWith(`${key}:`));
  return t ? t.slice(key.length + 1) : null;
};

export interface ExperimentCard {
  experiment: Experiment;
  counts: Array<{ name: string; exposures: number; conversions: number }>;
  analysis: ExperimentAnalysis | null;
  error: string | null;
}

export class PipelineService {
  private readonly o: PipelineServiceOptions;
  /** Per experiment and variant, the sequential p-value at the last look (always-valid p-values
   * are the running minimum; kept in the store so a restart does not forget them). */
  private readonly seqP = new Map<string, Record<string, number>>();
  /** Builds lately counted, by their `build:` tag (the CI's run id and attempt). */
  private readonly recentBuilds = new RecentIds(MAX_RECENT_BUILD_IDS);

  constructor(o: PipelineServiceOptions) {
    this.o = o;
    for (const [id, v] of o.store.kvList<Record<string, number>>('experiment-seq-p')) this.seqP.set(id, v);
  }

  /** Apply a webhook's or a feed's actions; returns how many events were added. Repeated
   * deliveries (the same deployment status, the same commit, the same build run and attempt) are
   * stored once, and a repeated build's samples are not applied again. */
  apply(actions: readonly PipelineAction[], source: string): { events: number; duplicates: number } {
    let events = 0;
    let duplicates = 0;
    const repeatedBuilds = new Set<string>();
    for (const a of actions) {
      if (a.type === 'event' && a.kind === 'build') {
        const build = a.tags.find((t) => t.startsWith('build:'));
        if (build !== undefined && this.isRepeatedBuild(build, a.ts)) {
          repeatedBuilds.add(build);
          duplicates++;
          continue;
        }
      }
      if (a.type === 'sample' && a.build !== undefined && repeatedBuilds.has(a.build)) continue;
      if (a.type === 'event') {
        const dedupe = a.kind === 'change' ? a.tags.find((t) => t.startsWith('sha:')) : a.kind === 'deploy' ? a.tags.find((t) => t.startsWith('deployment:')) : undefined;
        if (dedupe && this.o.store.events.query({ kinds: [a.kind], tags: a.kind === 'deploy' ? [dedupe, a.tags.find((t) => t.startsWith('status:'))!] : [dedupe], limit: 1 }).length > 0) {
          duplicates++;
          continue;
        }
        this.o.addEvent({ ts: a.ts, tsEnd: a.tsEnd ?? null, kind: a.kind, title: a.title, text: a.text ?? '', tags: a.tags, service: a.service ?? null, version: a.version ?? null, source });
        events++;
      } else if (a.type === 'resolve') {
        for (const e of this.o.store.events.resolve(a.tag, a.at)) this.o.republish(e);
      } else {
        const series = { kind: a.op === 'add' ? ('counter' as const) : ('value' as const), name: a.name, labels: Object.entries(a.labels) };
        this.o.ingest.apply(PIPELINE_RECEIVER, series, a.op === 'add' ? { op: 'inc', value: a.value } : { op: 'set', value: a.value });
      }
    }
    return { events, duplicates };
  }

  /** Whether this build was counted already: remembered lately, or (after a restart, or once
   * forgotten) stored — a redelivery repeats the payload, so its event has the same time. */
  private isRepeatedBuild(build: string, ts: number): boolean {
    if (this.recentBuilds.seen(build)) return true;
    return this.o.store.events.query({ kinds: ['build'], from: ts, to: ts, tags: [build], limit: 1 }).length > 0;
  }

  /** DORA's four keys over [now − windowMs, now), from the stored events: successful and failed
   * deploys (with `sha:` tags), commits (`change` events with `sha:`), incidents (`sha:` names
   * the deploy that caused one, when known). */
  dora(windowMs: number): DoraResult {
    const now = this.o.now();
    const from = now - windowMs;
    // Commits may predate the window: a change deployed inside it counts from its commit.
    const ev = this.o.store.events.query({ from: from - 90 * 86_400_000, to: now, kinds: ['deploy', 'change', 'incident'], limit: 100_000 });
    const changes = ev.filter((e) => e.kind === 'change').flatMap((e) => {
      const s = tagValue(e.tags, 'sha');
      return s ? [{ sha: s, committedAt: e.ts }] : [];
    });
    const deployments = ev
      .filter((e) => e.kind === 'deploy' && e.ts >= from)
      .map((e) => ({
        id: tagValue(e.tags, 'deployment') ?? `event:${e.id}`,
        sha: tagValue(e.tags, 'sha') ?? '',
        finishedAt: e.ts,
        success: !e.tags.includes('status:failure'),
      }));
    const incidents = ev
      .filter((e) => e.kind === 'incident' && (e.tsEnd ?? now) >= from)
      .map((e) => ({ id: tagValue(e.tags, 'incident') ?? `event:${e.id}`, openedAt: e.ts, resolvedAt: e.tsEnd, deploymentSha: tagValue(e.tags, 'sha') ?? undefined }));
    return computeDora({ changes, deployments, incidents, windowStart: from, windowEnd: now });
  }

  /** The experiment's counts since it started, per variant, and their analysis. */
  experiment(x: Experiment): ExperimentCard {
    const now = this.o.now();
    const started = Date.parse(x.startedAt);
    const by = x.variantLabel;
    try {
      const [exp, conv] = [this.countSince(x.exposures, by, started, now), this.countSince(x.conversions, by, started, now)];
      const names = [...new Set([...exp.keys(), ...conv.keys()])].filter((n) => n !== '').sort((a, b) => (a === x.control ? -1 : b === x.control ? 1 : a.localeCompare(b)));
      const counts = names.map((name) => ({ name, exposures: exp.get(name) ?? 0, conversions: Math.min(conv.get(name) ?? 0, exp.get(name) ?? 0) }));
      if (!counts.some((c) => c.name === x.control)) return { experiment: x, counts, analysis: null, error: counts.length === 0 ? null : `no exposures for the control variant "${x.control}" yet` };
      const analysis = analyseExperiment(counts, {
        control: x.control,
        minimumEffect: x.minimumEffect,
        alpha: x.alpha,
        power: x.power,
        horizonMs: x.horizon,
        startedAt: started,
        ...(x.baselineRate !== null ? { baselineRate: x.baselineRate } : {}),
        ...(x.expectedSplit !== null ? { expectedSplit: x.expectedSplit } : {}),
        previousSequentialPValues: this.seqP.get(x.id) ?? {},
      }, now);
      const seq: Record<string, number> = {};
      for (const v of analysis.variants) if (v.sequential) seq[v.name] = v.sequential.pValue;
      this.seqP.set(x.id, seq);
      this.o.store.kvSet('experiment-seq-p', x.id, seq);
      return { experiment: x, counts, analysis, error: null };
    } catch (e) {
      return { experiment: x, counts: [], analysis: null, error: (e as Error).message };
    }
  }

  /** How much each variant's counters grew since `from`, exactly: the sum of the increases
   * between stored samples, a drop counting as a reset (an app or collector restart), starting
   * from the last value before `from` (or from 0 for a counter that began later). PromQL's
   * increase() extrapolates to the window's edges, which is right for rates and wrong for counts. */
  private countSince(selector: string, by: string, from: number, to: number): Map<string, number> {
    const e = parsePromQL(selector);
    if (e.type !== 'vector') throw new Error(`"${selector}" must be a series selector like name{label="value"}`);
    const out = new Map<string, number>();
    for (const s of this.o.store.select(e.matchers, from - 7 * 86_400_000, to)) {
      let prev: number | null = null;
      let total = 0;
      for (let i = 0; i < s.ts.length; i++) {
        const v = s.values[i]!;
        if (Number.isNaN(v)) continue;
        if (s.ts[i]! <= from) {
          prev = v;
          continue;
        }
        total += prev === null ? v : v >= prev ? v - prev : v;
        prev = v;
      }
      const variant = s.series.labels.find(([k]) => k === by)?.[1] ?? '';
      out.set(variant, (out.get(variant) ?? 0) + total);
    }
    return out;
  }

  onCall(r: OnCallRotationSettings, at = this.o.now()): OnCall {
    return whoIsOnCall(
      {
        people: r.people,
        handoffWeekday: r.handoffWeekday as 0 | 1 | 2 | 3 | 4 | 5 | 6,
        handoffTime: r.handoffTime,
        timeZone: r.timeZone,
        start: Date.parse(r.start),
        overrides: r.overrides.map((o) => ({ person: o.person, from: Date.parse(o.from), to: Date.parse(o.to) })),
      },
      at,
    );
  }
}
