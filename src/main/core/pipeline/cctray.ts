// CCTray feeds (cctray.xml: Jenkins, GoCD, TeamCity, Buildkite, CircleCI …): the projects'
// status, and what changed since the last poll — a build started, broke, was fixed, or is still
// broken — as the events and samples a CI webhook would give.

import { XMLParser } from 'fast-xml-parser';
import { buildSamples, parseTime, type PipelineAction } from './webhooks/actions.ts';

export interface CcProject {
  name: string;
  activity: 'Sleeping' | 'Building' | 'CheckingModifications' | string;
  lastBuildStatus: 'Success' | 'Failure' | 'Exception' | 'Unknown' | string;
  lastBuildLabel: string;
  lastBuildTime: number | null;
  webUrl: string;
}

const MAX_PROJECTS = 1_000;

export class CcTrayError extends Error {}

/** The projects of a cctray.xml document. */
export function parseCcTray(xml: string): CcProject[] {
  let doc: unknown;
  try {
    // Attributes only; no entity expansion beyond XML's own (a feed is not trusted input).
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: false, allowBooleanAttributes: true }).parse(xml);
  } catch (e) {
    throw new CcTrayError(`not XML: ${(e as Error).message}`);
  }
  const root = (doc as { Projects?: unknown }).Projects;
  if (root === undefined) throw new CcTrayError('not a cctray feed: no <Projects> element');
  // An empty <Projects/> parses as "".
  const project = typeof root === 'object' && root !== null ? (root as { Project?: unknown }).Project : undefined;
  const list = Array.isArray(project) ? project : project === undefined ? [] : [project];
  return (list as Array<Record<string, unknown>>).slice(0, MAX_PROJECTS).flatMap((p) => {
    const name = typeof p.name === 'string' ? p.name.slice(0, 200) : null;
    if (!name) return [];
    return [
      {
        name,
        activity: String(p.activity ?? 'Unknown'),
        lastBuildStatus: String(p.lastBuildStatus ?? 'Unknown'),
        lastBuildLabel: String(p.lastBuildLabel ?? '').slice(0, 60),
        lastBuildTime: parseTime(p.lastBuildTime),
        webUrl: String(p.webUrl ?? ''),
      },
    ];
  });
}

export type Transition = 'started' | 'broken' | 'fixed' | 'still-broken' | 'passed';

const failed = (s: string) => s === 'Failure' || s === 'Exception';

/** What happened to a project between two polls (null: nothing worth saying). */
export function transitionOf(before: CcProject | undefined, now: CcProject): Transition | null {
  if (!before) return null; // first sight: state only, no event
  if (before.activity !== 'Building' && now.activity === 'Building') return 'started';
  const newBuild = now.lastBuildLabel !== before.lastBuildLabel || (now.lastBuildTime ?? 0) > (before.lastBuildTime ?? 0);
  if (!newBuild) return null;
  if (failed(now.lastBuildStatus)) return failed(before.lastBuildStatus) ? 'still-broken' : 'broken';
  if (now.lastBuildStatus === 'Success') return failed(before.lastBuildStatus) ? 'fixed' : 'passed';
  return null;
}

/** Events and samples for one poll of one feed. */
export function ccTrayActions(feed: string, before: ReadonlyMap<string, CcProject>, projects: readonly CcProject[], now: number): { actions: PipelineAction[]; transitions: Array<{ project: string; transition: Transition }> } {
  const actions: PipelineAction[] = [];
  const transitions: Array<{ project: string; transition: Transition }> = [];
  for (const p of projects) {
    const labels = { feed, project: p.name };
    actions.push({ type: 'sample', op: 'set', name: 'cctray_project_success', labels, value: p.lastBuildStatus === 'Success' ? 1 : failed(p.lastBuildStatus) ? 0 : NaN });
    actions.push({ type: 'sample', op: 'set', name: 'cctray_project_building', labels, value: p.activity === 'Building' ? 1 : 0 });
    const t = transitionOf(before.get(p.name), p);
    if (!t) continue;
    transitions.push({ project: p.name, transition: t });
    if (t === 'started') continue;
    const ok = p.lastBuildStatus === 'Success';
    const word = { broken: 'broke', fixed: 'fixed', 'still-broken': 'still broken', passed: 'passed' }[t];
    actions.push({
      type: 'event',
      kind: 'build',
      ts: p.lastBuildTime ?? now,
      title: `${p.name}${p.lastBuildLabel ? ` #${p.lastBuildLabel}` : ''} ${word}`,
      text: p.webUrl,
      tags: [`pipeline:${p.name}`, `status:${ok ? 'success' : 'failure'}`, `cctray:${feed}`, `transition:${t}`],
    });
    actions.push(...buildSamples(p.name, ok, null, null, null));
  }
  return { actions, transitions };
}
