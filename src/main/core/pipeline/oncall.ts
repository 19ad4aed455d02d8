// Who is on call: a weekly rotation that hands off at a wall-clock time in the rotation's own time
// zone (09:00 stays 09:00 local across DST changes, so a week can be 167 or 169 hours), with
// overrides on top. Offsets come from Intl.DateTimeFormat; semantics in docs/pipeline-stats.md.

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface Override {
  person: string;
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

export interface Rotation {
  people: string[];
  /** 0 = Sunday. */
  handoffWeekday: Weekday;
  /** Local wall-clock "HH:MM", 24-hour. */
  handoffTime: string;
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** A hand-off instant at which people[0] started. */
  start: number;
  /** Where overrides overlap, the later one in this list wins. */
  overrides: Override[];
}

export interface OnCall {
  person: string;
  /** When this person's current stint began (adjacent stints of the same person are one). */
  since: number;
  /** When it ends: the instant someone else takes over. */
  until: number;
  /** Whether t itself is covered by an override. */
  override: boolean;
  next: { person: string; at: number };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

interface Segment {
  start: number;
  end: number;
  person: string;
  override: boolean;
}

/** Local calendar date as a UTC-midnight day number (ms), so calendar arithmetic is plain addition. */
type LocalDay = number;

class Zone {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    // Throws RangeError for an unknown zone, which is what a caller should see.
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The wall-clock reading at instant t, as if it were UTC. */
  private wall(t: number): number {
    const f: Record<string, number> = {};
    for (const part of this.format.formatToParts(t)) if (part.type !== 'literal') f[part.type] = Number(part.value);
    return Date.UTC(f['year']!, f['month']! - 1, f['day']!, f['hour']!, f['minute']!, f['second']!);
  }

  /** Local time minus UTC at instant t, in ms. */
  offset(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    return this.wall(whole) - whole;
  }

  localDay(t: number): LocalDay {
    return Math.floor((t + this.offset(t)) / DAY) * DAY;
  }

  /**
   * The instant the zone's clocks read `minutes` past midnight on `day`. Like Temporal's
   * 'compatible' disambiguation: a time skipped by a spring-forward gap moves forward by the gap
   * (02:30 → 03:30), a time repeated by a fall-back is its first occurrence.
   */
  instant(day: LocalDay, minutes: number): number {
    const wall = day + minutes * MINUTE;
    // Zones change offset at most once in any two days, so the offsets a day either side are the
    // only candidates.
    const before = this.offset(wall - DAY);
    const after = this.offset(wall + DAY);
    const candidates = [wall - before, wall - after].filter((t) => t + this.offset(t) === wall);
    if (candidates.length > 0) return Math.min(...candidates);
    return wall - before;
  }
}

function parseHandoffTime(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RangeError(`handoffTime must be "HH:MM", got "${s}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Who is on call at instant t, since when, until when, and who is next. */
export function whoIsOnCall(r: Rotation, t: number): OnCall {
  if (r.people.length === 0) throw new RangeError('a rotation needs at least one person');
  if (!Number.isInteger(r.handoffWeekday) || r.handoffWeekday < 0 || r.handoffWeekday > 6) {
    throw new RangeError(`handoffWeekday must be 0–6, got ${r.handoffWeekday}`);
  }
  if (!Number.isFinite(r.start) || !Number.isFinite(t)) throw new RangeError('start and t must be finite instants');
  const minutes = parseHandoffTime(r.handoffTime);
  const zone = new Zone(r.timeZone);
  const n = r.people.length;

  // Hand-off k ≥ 1 is at the wall-clock time on the local date firstDay + 7(k − 1), where firstDay
  // carries the first hand-off after start; hand-off 0 is start itself (so a rotation started off
  // the grid still gives people[0] the time up to the first regular hand-off).
  const startDay = zone.localDay(r.start);
  let firstDay = startDay + ((r.handoffWeekday - new Date(startDay).getUTCDay() + 7) % 7) * DAY;
  if (zone.instant(firstDay, minutes) <= r.start) firstDay += WEEK;
  const handoff = (k: number) => (k === 0 ? r.start : zone.instant(firstDay + (k - 1) * WEEK, minutes));
  const personOf = (k: number) => r.people[((k % n) + n) % n]!;

  const rotationIndex = (x: number): number => {
    const first = handoff(1);
    let k = x >= first ? 1 + Math.floor((x - first) / WEEK) : x >= r.start ? 0 : -Math.ceil((r.start - x) / WEEK);
    // The estimate is off by at most one where DST makes a week an hour short or long.
    while (handoff(k) > x) k--;
    while (handoff(k + 1) <= x) k++;
    return k;
  };

  const overrides = r.overrides.filter((o) => o.to > o.from);
  const boundaries = overrides.flatMap((o) => [o.from, o.to]);

  // The longest interval around x in which neither a hand-off nor an override edge falls.
  const segmentAt = (x: number): Segment => {
    const k = rotationIndex(x);
    let start = handoff(k);
    let end = handoff(k + 1);
    for (const b of boundaries) {
      if (b <= x && b > start) start = b;
      if (b > x && b < end) end = b;
    }
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i]!;
      if (o.from <= x && x < o.to) return { start, end, person: o.person, override: true };
    }
    return { start, end, person: personOf(k), override: false };
  };

  const here = segmentAt(t);
  // Walk over adjacent segments of the same person. Only a rotation that never changes hands
  // (one person, or overrides that keep it with one) runs out of steps; then the stint is reported
  // hand-off to hand-off.
  const limit = 2 * (n + overrides.length) + 4;
  let until = here.end;
  let next = segmentAt(until);
  for (let step = 0; next.person === here.person; step++) {
    if (step === limit) {
      until = here.end;
      next = segmentAt(until);
      break;
    }
    until = next.end;
    next = segmentAt(until);
  }
  let since = here.start;
  for (let step = 0; step < limit; step++) {
    const previous = segmentAt(since - 1);
    if (previous.person !== here.person) break;
    since = previous.start;
  }
  if (since < here.start && segmentAt(since - 1).person === here.person) since = here.start;

  return { person: here.person, since, until, override: here.override, next: { person: next.person, at: until } };
}
