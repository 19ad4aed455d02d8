// A cctray.xml feed served here, polled by the core: projects' state as series, and transitions
// (started, broke, fixed, still broken) as build events and callbacks; bad feeds show their error.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCcTray, transitionOf } from '../../../../src/main/core/pipeline/cctray.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

let feed = '';
let status = 200;
let server: http.Server;
let port = 0;
let t: TestCore;

const project = (name: string, activity: string, lastBuildStatus: string, label: string, time: string) =>
  `<Project name="${name}" activity="${activity}" lastBuildStatus="${lastBuildStatus}" lastBuildLabel="${label}" lastBuildTime="${time}" webUrl="http://ci.local/job/${name}/"/>`;
const doc = (...p: string[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<Projects>\n  ${p.join('\n  ')}\n</Projects>\n`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer feed-token') return void res.writeHead(401).end();
    res.writeHead(status, { 'Content-Type': 'application/xml' }).end(feed);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  feed = doc(project('api', 'Sleeping', 'Success', '41', '2026-11-26T09:00:00Z'), project('web', 'Sleeping', 'Failure', '88', '2026-11-26T09:01:00Z'));
  t = await startTestCore({
    collector: { flushInterval: 100 },
    pipeline: { cctray: [{ id: 'jenkins', url: `http://127.0.0.1:${port}/cc.xml`, interval: '1h', auth: { type: 'bearer', token: 'feed-token' } }] },
  });
});
afterAll(async () => {
  await t.stop();
  server.close();
});

const poller = () => t.core.cctrayPoller;
const feedStatus = async () => ((await (await fetch(`${t.url}/api/v1/pipeline/cctray`)).json()) as { feeds: Array<{ id: string; lastError: string | null; projects: Array<{ name: string }> }> }).feeds[0]!;
const builds = () => t.core.store.events.query({ kinds: ['build'], from: 0 }).filter((e) => e.tags.includes('cctray:jenkins'));

describe('CCTray', () => {
  it('parses feeds as Jenkins, GoCD and TeamCity write them', () => {
    expect(parseCcTray(doc(project('a', 'Building', 'Success', '1', '2026-01-01T00:00:00.000+0000')))).toMatchObject([{ name: 'a', activity: 'Building', lastBuildStatus: 'Success', lastBuildLabel: '1' }]);
    expect(parseCcTray('<Projects/>')).toEqual([]);
    expect(() => parseCcTray('<html>nope</html>')).toThrow(/no <Projects>/);
    const before = { name: 'a', activity: 'Sleeping', lastBuildStatus: 'Success', lastBuildLabel: '1', lastBuildTime: 1, webUrl: '' };
    expect(transitionOf(before, { ...before, activity: 'Building' })).toBe('started');
    expect(transitionOf(before, { ...before, lastBuildStatus: 'Failure', lastBuildLabel: '2', lastBuildTime: 2 })).toBe('broken');
    expect(transitionOf({ ...before, lastBuildStatus: 'Failure' }, { ...before, lastBuildStatus: 'Exception', lastBuildLabel: '2' })).toBe('still-broken');
    expect(transitionOf({ ...before, lastBuildStatus: 'Failure' }, { ...before, lastBuildLabel: '2' })).toBe('fixed');
    expect(transitionOf(before, before)).toBeNull();
    expect(transitionOf(undefined, before)).toBeNull();
  });

  it('shows each project’s state as series, with no events on the first poll', async () => {
    await waitFor(async () => (await feedStatus()).projects.length === 2);
    await t.core.flush();
    const r = (await (await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent('cctray_project_success')}`)).json()) as { data: { result: Array<{ metric: { project: string }; value: [number, string] }> } };
    expect(Object.fromEntries(r.data.result.map((x) => [x.metric.project, x.value[1]]))).toEqual({ api: '1', web: '0' });
    expect(builds()).toEqual([]);
  });

  it('turns transitions into build events: api broke, web fixed', async () => {
    feed = doc(project('api', 'Sleeping', 'Failure', '42', '2026-11-26T09:10:00Z'), project('web', 'Sleeping', 'Success', '89', '2026-11-26T09:11:00Z'));
    await poller().poll('jenkins');
    expect(builds().map((e) => e.title).sort()).toEqual(['api #42 broke', 'web #89 fixed']);
    expect(builds().find((e) => e.title.startsWith('api'))!.tags).toEqual(expect.arrayContaining(['status:failure', 'transition:broken']));
  });

  it('keeps serving, and says why, when the feed fails', async () => {
    status = 500;
    await poller().poll('jenkins');
    expect((await feedStatus()).lastError).toBe('HTTP 500 Internal Server Error');
    status = 200;
    feed = '<html>login page</html>';
    await poller().poll('jenkins');
    expect((await feedStatus()).lastError).toMatch(/no <Projects> element/);
  });
});
