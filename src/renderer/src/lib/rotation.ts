// The playlist as a clock-driven state machine, with no timers of its own so it can be tested
// with made-up times: which board is on, for how long, which one is next (so it can be rendered
// before it is shown), and the priority hold while an alert fires.

import type { AlertInstance } from '../../../shared/alert-rules.ts';
import type { Board, Playlist } from '../../../shared/boards.ts';

export interface PlanItem {
  id: string;
  dwellMs: number;
}

/** The boards a playlist shows, in order: enabled ones that exist, each with its dwell. Given
 * `playlists` (for the default playlist), boards in rotation that none of them lists follow, in
 * board order: "In rotation" puts a board on the TV without a trip to the playlists page. */
export function planOf(playlist: Playlist | undefined, boards: readonly Board[], playlists?: readonly Playlist[]): PlanItem[] {
  const byId = new Map(boards.map((b) => [b.id, b]));
  const ids = playlist ? [...playlist.boards] : boards.map((b) => b.id);
  if (playlist && playlists) ids.push(...unlistedBoards(boards, playlists));
  const out: PlanItem[] = [];
  for (const id of ids) {
    const b = byId.get(id);
    if (!b || !b.enabled) continue;
    out.push({ id, dwellMs: playlist?.dwell[id] ?? b.dwell });
  }
  return out;
}

/** Boards in rotation that no playlist lists: the default playlist shows them after its own. */
export function unlistedBoards(boards: readonly Board[], playlists: readonly Playlist[]): string[] {
  const listed = new Set(playlists.flatMap((p) => p.boards));
  return boards.filter((b) => b.enabled && !listed.has(b.id)).map((b) => b.id);
}

/** The built-in "What's arriving" board's place in a plan. */
export const ARRIVING = '__arriving';

/** What a screen with app data shows: the plan without the shipped boards none of whose queries
 * has data yet (a wall of empty panels helps no one), led by "What's arriving" whenever one was
 * left out or nothing is left — so the first metric anyone sends is on the TV at once. Boards a
 * person made stay in: they asked for them. Unknown data (not loaded yet): the plan as it is. */
export function screenPlan(plan: readonly PlanItem[], hasData: ReadonlyMap<string, boolean> | null, shipped: ReadonlySet<string>, arrivingDwellMs: number): { plan: PlanItem[]; skipped: string[] } {
  if (!hasData) return { plan: [...plan], skipped: [] };
  const skipped = plan.filter((p) => shipped.has(p.id) && hasData.get(p.id) === false).map((p) => p.id);
  const kept = plan.filter((p) => !skipped.includes(p.id));
  if (skipped.length === 0 && kept.length > 0) return { plan: kept, skipped };
  return { plan: [{ id: ARRIVING, dwellMs: arrivingDwellMs }, ...kept], skipped };
}

/** Boards to bring forward: those of firing alerts (recovering ones still fire) that nobody has silenced or acknowledged,
 * most severe first, each once. */
export function priorityBoards(alerts: readonly AlertInstance[], boards: readonly Board[]): string[] {
  const exists = new Set(boards.map((b) => b.id));
  const rank = { critical: 0, warning: 1, info: 2 } as Record<string, number>;
  const firing = alerts
    .filter((a) => (a.state === 'firing' || a.state === 'recovering') && a.board && exists.has(a.board) && a.silencedBy.length === 0 && !a.ack)
    .sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || (a.firedAt ?? a.since) - (b.firedAt ?? b.since));
  return [...new Set(firing.map((a) => a.board!))];
}

export type RotationMode = 'rotate' | 'alert';

export class Rotation {
  private plan: PlanItem[];
  private index = 0;
  private shownAt: number;
  private pausedAt: number | null = null;
  private priority: PlanItem[] = [];
  private pIndex = 0;
  private readonly dwellOf: (id: string) => number;

  constructor(plan: PlanItem[], now: number, dwellOf: (id: string) => number = (id) => plan.find((p) => p.id === id)?.dwellMs ?? 30_000) {
    this.plan = plan;
    this.shownAt = now;
    this.dwellOf = dwellOf;
  }

  get mode(): RotationMode {
    return this.priority.length > 0 ? 'alert' : 'rotate';
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  private get list(): PlanItem[] {
    return this.priority.length > 0 ? this.priority : this.plan;
  }

  private get at(): number {
    return this.priority.length > 0 ? this.pIndex : this.index;
  }

  private set at(i: number) {
    if (this.priority.length > 0) this.pIndex = i;
    else this.index = i;
  }

  current(): PlanItem | null {
    const l = this.list;
    return l.length === 0 ? null : l[this.at % l.length]!;
  }

  /** The board after this one (null when there is nothing else to show). */
  upcoming(): PlanItem | null {
    const l = this.list;
    if (l.length < 2) return null;
    return l[(this.at + 1) % l.length]!;
  }

  /** Whether the board changes by itself: not when paused, or held on a single board. */
  get moving(): boolean {
    return this.pausedAt === null && this.list.length > 1;
  }

  /** ms until the next change, or null when nothing will change by itself. */
  dueIn(now: number): number | null {
    const c = this.current();
    if (!c || !this.moving) return null;
    return Math.max(0, this.shownAt + c.dwellMs - now);
  }

  /** How far through its dwell the current board is, 0…1. */
  progress(now: number): number {
    const c = this.current();
    if (!c) return 0;
    const t = (this.pausedAt ?? now) - this.shownAt;
    return Math.min(1, Math.max(0, t / c.dwellMs));
  }

  /** Move on when the dwell has passed. Returns whether the board changed. */
  tick(now: number): boolean {
    const due = this.dueIn(now);
    if (due === null || due > 0) return false;
    this.at = (this.at + 1) % this.list.length;
    this.shownAt = now;
    return true;
  }

  /** ← and →: step and restart the dwell. */
  step(dir: 1 | -1, now: number): void {
    const l = this.list;
    if (l.length === 0) return;
    this.at = (this.at + dir + l.length) % l.length;
    this.shownAt = now;
    if (this.pausedAt !== null) this.pausedAt = now;
  }

  /** Space: pause, or resume with the rest of the dwell. */
  togglePause(now: number): void {
    if (this.pausedAt === null) this.pausedAt = now;
    else {
      this.shownAt += now - this.pausedAt;
      this.pausedAt = null;
    }
  }

  /** A new plan (the playlist was edited): stay on the board showing if it is still there. */
  setPlan(plan: PlanItem[], now: number): void {
    const cur = this.priority.length === 0 ? this.current()?.id : this.plan[this.index % Math.max(1, this.plan.length)]?.id;
    this.plan = plan;
    const i = plan.findIndex((p) => p.id === cur);
    if (i >= 0) this.index = i;
    else {
      this.index = 0;
      if (this.priority.length === 0) this.shownAt = now;
    }
  }

  /** The boards of firing alerts. A new one comes to the front at once; when none is left the
   * rotation resumes where it was. */
  setPriority(ids: readonly string[], now: number): void {
    const before = this.priority.map((p) => p.id);
    if (before.length === ids.length && before.every((id, i) => id === ids[i])) return;
    const showing = this.current()?.id;
    const fresh = ids.filter((id) => !before.includes(id));
    this.priority = ids.map((id) => ({ id, dwellMs: this.dwellOf(id) }));
    if (this.priority.length === 0) {
      this.shownAt = now;
      return;
    }
    if (fresh.length > 0) {
      // The newest alert's board now.
      this.pIndex = ids.indexOf(fresh[0]!);
      this.shownAt = now;
    } else {
      const i = ids.indexOf(showing ?? '');
      this.pIndex = i >= 0 ? i : 0;
      if (i < 0) this.shownAt = now;
    }
  }
}
