// The playlist's clock, driven by made-up times: order, per-board dwell, keys, pause, edits, and
// the priority hold while an alert fires.
import { describe, expect, it } from 'vitest';
import { ARRIVING, Rotation, planOf, priorityBoards, screenPlan, unlistedBoards, type PlanItem } from '../../src/renderer/src/lib/rotation.ts';
import { parseSettings } from '../../src/shared/settings.ts';
import type { AlertInstance } from '../../src/shared/alert-rules.ts';

const plan: PlanItem[] = [
  { id: 'a', dwellMs: 10_000 },
  { id: 'b', dwellMs: 30_000 },
  { id: 'c', dwellMs: 5_000 },
];

function run(r: Rotation, from: number, to: number, step = 100): Array<[number, string]> {
  const seen: Array<[number, string]> = [[from, r.current()!.id]];
  for (let t = from; t <= to; t += step) if (r.tick(t)) seen.push([t, r.current()!.id]);
  return seen;
}

const alert = (over: Partial<AlertInstance>): AlertInstance => ({
  fingerprint: 'f' + Math.random(),
  ruleId: 'r',
  ruleName: 'R',
  state: 'firing',
  severity: 'critical',
  labels: {},
  summary: '',
  runbookUrl: '',
  annotations: {},
  value: 1,
  since: 0,
  activeAt: 0,
  firedAt: 0,
  silencedBy: [],
  ack: null,
  board: 'b',
  panel: null,
  reason: '',
  onCall: null,
  ...over,
});

describe('rotation', () => {
  it('shows each board for its own dwell, in order, and wraps', () => {
    const r = new Rotation(plan, 0);
    expect(run(r, 0, 50_000)).toEqual([
      [0, 'a'],
      [10_000, 'b'],
      [40_000, 'c'],
      [45_000, 'a'],
    ]);
    expect(r.upcoming()!.id).toBe('b');
  });

  it('knows the next board before it is due, and the progress through this one', () => {
    const r = new Rotation(plan, 0);
    expect(r.upcoming()!.id).toBe('b');
    expect(r.progress(2_500)).toBeCloseTo(0.25);
    expect(r.dueIn(2_500)).toBe(7_500);
  });

  it('steps with the arrow keys and restarts the dwell', () => {
    const r = new Rotation(plan, 0);
    r.step(-1, 3_000);
    expect(r.current()!.id).toBe('c');
    expect(r.dueIn(3_000)).toBe(5_000);
    r.step(1, 4_000);
    r.step(1, 4_000);
    expect(r.current()!.id).toBe('b');
  });

  it('pauses with space and resumes with the rest of the dwell', () => {
    const r = new Rotation(plan, 0);
    r.togglePause(4_000);
    expect(r.dueIn(4_000)).toBeNull();
    expect(r.tick(60_000)).toBe(false);
    expect(r.progress(60_000)).toBeCloseTo(0.4);
    r.togglePause(60_000);
    expect(r.dueIn(60_000)).toBe(6_000);
    expect(r.tick(66_000)).toBe(true);
    expect(r.current()!.id).toBe('b');
  });

  it('keeps the board showing when the playlist is edited', () => {
    const r = new Rotation(plan, 0);
    r.tick(10_000);
    expect(r.current()!.id).toBe('b');
    r.setPlan([{ id: 'x', dwellMs: 5_000 }, { id: 'b', dwellMs: 20_000 }], 12_000);
    expect(r.current()!.id).toBe('b');
    expect(r.dueIn(12_000)).toBe(18_000); // the new dwell, from when b came on
    r.setPlan([{ id: 'y', dwellMs: 5_000 }], 13_000);
    expect(r.current()!.id).toBe('y');
    expect(r.moving).toBe(false);
  });

  it('brings an alert’s board forward at once, holds it while it fires, then resumes', () => {
    const r = new Rotation(plan, 0, (id) => plan.find((p) => p.id === id)?.dwellMs ?? 30_000);
    r.tick(10_000); // b
    r.tick(40_000); // c
    r.setPriority(['a'], 41_000);
    expect(r.mode).toBe('alert');
    expect(r.current()!.id).toBe('a');
    expect(r.dueIn(41_000)).toBeNull(); // held: one board
    expect(r.tick(500_000)).toBe(false);
    // A second alert's board comes to the front; the two then alternate.
    r.setPriority(['a', 'b'], 500_000);
    expect(r.current()!.id).toBe('b');
    expect(r.tick(530_000)).toBe(true);
    expect(r.current()!.id).toBe('a');
    // Resolved: back to the rotation where it was (c), with a fresh dwell.
    r.setPriority([], 600_000);
    expect(r.mode).toBe('rotate');
    expect(r.current()!.id).toBe('c');
    expect(r.dueIn(600_000)).toBe(5_000);
  });

  it('plans enabled boards that exist, with per-playlist dwell overrides', () => {
    const s = parseSettings({
      boards: [
        { id: 'one', title: 'One', dwell: '20s' },
        { id: 'two', title: 'Two', enabled: false },
        { id: 'three', title: 'Three' },
      ],
      playlists: [{ id: 'tv', name: 'TV', boards: ['three', 'two', 'one'], dwell: { three: '7s' } }],
      display: { defaultPlaylist: 'tv' },
    });
    expect(planOf(s.playlists[0], s.boards)).toEqual([
      { id: 'three', dwellMs: 7_000 },
      { id: 'one', dwellMs: 20_000 },
    ]);
  });

  it('a board saved "In rotation" is on the TV: the default playlist shows boards no playlist lists, after its own', () => {
    const s = parseSettings({
      boards: [
        { id: 'one', title: 'One' },
        { id: 'mine', title: 'Mine' },
        { id: 'off', title: 'Off', enabled: false },
        { id: 'lobby-only', title: 'Lobby' },
      ],
      playlists: [
        { id: 'tv', name: 'TV', boards: ['one'] },
        { id: 'lobby', name: 'Lobby', boards: ['lobby-only'] },
      ],
      display: { defaultPlaylist: 'tv' },
    });
    expect(unlistedBoards(s.boards, s.playlists)).toEqual(['mine']);
    expect(planOf(s.playlists[0], s.boards, s.playlists).map((p) => p.id)).toEqual(['one', 'mine']);
    // Other playlists show exactly what they list.
    expect(planOf(s.playlists[1], s.boards).map((p) => p.id)).toEqual(['lobby-only']);
  });

  it('the shipped boards, as shipped: the Collector board is out of rotation, so the TV plan is the six listed', () => {
    const s = parseSettings({});
    expect(planOf(s.playlists[0], s.boards, s.playlists).map((p) => p.id)).toEqual(['overview', 'business', 'application', 'infrastructure', 'client', 'pipeline']);
  });

  describe('once data arrives (screenPlan)', () => {
    const shipped = new Set(['overview', 'business', 'infrastructure']);
    const tv: PlanItem[] = ['overview', 'business', 'infrastructure', 'mine'].map((id) => ({ id, dwellMs: 30_000 }));

    it('keeps shipped boards with no data out, leads with "What\'s arriving", and keeps the boards a person made', () => {
      const hasData = new Map([
        ['overview', false],
        ['business', false],
        ['infrastructure', true],
        ['mine', false],
      ]);
      const r = screenPlan(tv, hasData, shipped, 20_000);
      expect(r.skipped).toEqual(['overview', 'business']);
      expect(r.plan.map((p) => p.id)).toEqual([ARRIVING, 'infrastructure', 'mine']);
      expect(r.plan[0]!.dwellMs).toBe(20_000);
    });

    it('a shipped board joins as soon as one of its queries has data; with nothing skipped there is no arriving board', () => {
      const all = new Map(tv.map((p) => [p.id, true]));
      expect(screenPlan(tv, all, shipped, 20_000)).toEqual({ plan: tv, skipped: [] });
    });

    it('shows "What\'s arriving" alone when every board is skipped', () => {
      const none = new Map(tv.map((p) => [p.id, false]));
      expect(screenPlan(tv.slice(0, 2), none, shipped, 20_000).plan.map((p) => p.id)).toEqual([ARRIVING]);
    });

    it('does not guess before it knows: unknown data leaves the plan as it is', () => {
      expect(screenPlan(tv, null, shipped, 20_000)).toEqual({ plan: tv, skipped: [] });
    });
  });

  it('brings forward only firing, unsilenced, unacknowledged alerts whose board exists, worst first', () => {
    const boards = parseSettings({ boards: [{ id: 'b', title: 'B' }, { id: 'c', title: 'C' }], playlists: [{ id: 'default', name: 'D', boards: ['b'] }] }).boards;
    expect(
      priorityBoards(
        [
          alert({ board: 'b', severity: 'warning', firedAt: 1 }),
          alert({ board: 'c', severity: 'critical', firedAt: 5 }),
          alert({ board: 'nope' }),
          alert({ board: 'b', state: 'pending' }),
          alert({ board: 'c', silencedBy: ['s1'] }),
          alert({ board: null }),
        ],
        boards,
      ),
    ).toEqual(['c', 'b']);
    expect(priorityBoards([alert({ board: 'b', ack: { by: 'ana', at: 1, comment: '' } })], boards)).toEqual([]);
    // keep_firing_for: a recovering alert still fires.
    expect(priorityBoards([alert({ board: 'b', state: 'recovering' })], boards)).toEqual(['b']);
  });
});
