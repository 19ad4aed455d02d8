// The on-call rotation: weekly hand-offs at a local wall-clock time across DST changes in
// Europe/Berlin (last Sundays of March and October: 29 March and 25 October 2026) and
// America/New_York (second Sunday of March, first of November: 8 March and 1 November 2026),
// and overrides on top, overlapping and adjacent. Expected instants are written in UTC with the
// local reading beside them.
import { describe, expect, it } from 'vitest';
import { whoIsOnCall } from '../../../../src/main/core/pipeline/oncall.ts';
import type { Rotation } from '../../../../src/main/core/pipeline/oncall.ts';

const HOUR = 3_600_000;
const utc = (month: number, day: number, hour = 0, minute = 0) => Date.UTC(2026, month - 1, day, hour, minute);

const berlin = (over: Partial<Rotation> = {}): Rotation => ({
  people: ['Ana', 'Ben', 'Cai'],
  handoffWeekday: 1,
  handoffTime: '09:00',
  timeZone: 'Europe/Berlin',
  // Monday 2 March 2026, 09:00 CET.
  start: utc(3, 2, 8),
  overrides: [],
  ...over,
});

describe('weekly rotation', () => {
  it('hands off every Monday 09:00 and cycles through the people', () => {
    // Weeks from 2 March: Ana, Ben, Cai, Ana. Wednesday 11 March is in Ben's week.
    expect(whoIsOnCall(berlin(), utc(3, 11, 12))).toEqual({
      person: 'Ben',
      since: utc(3, 9, 8),
      until: utc(3, 16, 8),
      override: false,
      next: { person: 'Cai', at: utc(3, 16, 8) },
    });
    expect(whoIsOnCall(berlin(), utc(3, 23, 9)).person).toBe('Ana');
  });

  it('changes hands exactly at the hand-off instant', () => {
    expect(whoIsOnCall(berlin(), utc(3, 9, 8) - 1).person).toBe('Ana');
    expect(whoIsOnCall(berlin(), utc(3, 9, 8)).person).toBe('Ben');
  });

  it('keeps counting weeks far ahead and extrapolates before start', () => {
    // 2 March + 52 weeks = Monday 1 March 2027, the 53rd hand-off: 52 mod 3 = 1 → Ben.
    expect(whoIsOnCall(berlin(), Date.UTC(2027, 2, 1, 8) + HOUR).person).toBe('Ben');
    // The week before start belongs to the last person.
    expect(whoIsOnCall(berlin(), utc(2, 25)).person).toBe('Cai');
  });

  it('gives people[0] the time from an off-grid start to the first regular hand-off', () => {
    // Started Wednesday 4 March 15:00 CET: Ana until Monday 9 March 09:00, then Ben.
    const r = berlin({ start: utc(3, 4, 14) });
    expect(whoIsOnCall(r, utc(3, 5))).toMatchObject({ person: 'Ana', since: utc(3, 4, 14), until: utc(3, 9, 8) });
    expect(whoIsOnCall(r, utc(3, 10)).person).toBe('Ben');
  });

  it('reports a one-person rotation hand-off to hand-off', () => {
    const r = berlin({ people: ['Solo'] });
    expect(whoIsOnCall(r, utc(3, 11))).toEqual({
      person: 'Solo',
      since: utc(3, 9, 8),
      until: utc(3, 16, 8),
      override: false,
      next: { person: 'Solo', at: utc(3, 16, 8) },
    });
  });
});

describe('DST: the hand-off stays at 09:00 local', () => {
  it('Europe/Berlin spring forward: the week of 23 March lasts 167 hours', () => {
    // Mon 23 March 09:00 CET = 08:00 UTC; Mon 30 March 09:00 CEST = 07:00 UTC.
    const r = berlin({ people: ['Ana', 'Ben'], start: utc(3, 16, 8) });
    const on = whoIsOnCall(r, utc(3, 29, 12));
    expect(on).toMatchObject({ person: 'Ben', since: utc(3, 23, 8), until: utc(3, 30, 7) });
    expect(on.until - on.since).toBe(167 * HOUR);
    // The next week runs in summer time throughout.
    expect(whoIsOnCall(r, utc(3, 31))).toMatchObject({ person: 'Ana', since: utc(3, 30, 7), until: utc(4, 6, 7) });
  });

  it('Europe/Berlin fall back: the week of 19 October lasts 169 hours', () => {
    // Mon 19 October 09:00 CEST = 07:00 UTC; Mon 26 October 09:00 CET = 08:00 UTC.
    const r = berlin({ people: ['Ana', 'Ben'], start: utc(10, 12, 7) });
    const on = whoIsOnCall(r, utc(10, 25, 12));
    expect(on).toMatchObject({ person: 'Ben', since: utc(10, 19, 7), until: utc(10, 26, 8) });
    expect(on.until - on.since).toBe(169 * HOUR);
  });

  it('America/New_York spring forward: 09:00 EST then 09:00 EDT', () => {
    // Mon 2 March 09:00 EST = 14:00 UTC; Mon 9 March 09:00 EDT = 13:00 UTC.
    const r: Rotation = { ...berlin({ people: ['Ana', 'Ben'] }), timeZone: 'America/New_York', start: utc(2, 23, 14) };
    const on = whoIsOnCall(r, utc(3, 8, 12));
    expect(on).toMatchObject({
      person: 'Ben',
      since: utc(3, 2, 14),
      until: utc(3, 9, 13),
      next: { person: 'Ana', at: utc(3, 9, 13) },
    });
    expect(on.until - on.since).toBe(167 * HOUR);
  });

  it('America/New_York fall back: 09:00 EDT then 09:00 EST', () => {
    // Mon 26 October 09:00 EDT = 13:00 UTC; Mon 2 November 09:00 EST = 14:00 UTC.
    const r: Rotation = { ...berlin({ people: ['Ana', 'Ben'] }), timeZone: 'America/New_York', start: utc(10, 19, 13) };
    const on = whoIsOnCall(r, utc(11, 1, 12));
    expect(on).toMatchObject({ person: 'Ben', since: utc(10, 26, 13), until: utc(11, 2, 14) });
    expect(on.until - on.since).toBe(169 * HOUR);
  });

  it('a Sunday hand-off on the day the clocks change is still at 09:00 local', () => {
    // Sun 22 March 09:00 CET = 08:00 UTC; Sun 29 March 09:00 CEST = 07:00 UTC.
    const r = berlin({ people: ['Ana', 'Ben'], handoffWeekday: 0, start: utc(3, 22, 8) });
    expect(whoIsOnCall(r, utc(3, 29, 7) - 1)).toMatchObject({ person: 'Ana', until: utc(3, 29, 7) });
    expect(whoIsOnCall(r, utc(3, 29, 7)).person).toBe('Ben');
  });

  it('a hand-off time the clocks skip moves forward by the gap; one they repeat is taken the first time', () => {
    // 02:30 does not exist in Berlin on 29 March (02:00 → 03:00): hand-off at 03:30 CEST = 01:30 UTC.
    const night = { people: ['Ana', 'Ben'], handoffWeekday: 0, handoffTime: '02:30' } as const;
    const spring = berlin({ ...night, people: [...night.people], start: utc(3, 22, 1, 30) });
    expect(whoIsOnCall(spring, utc(3, 29)).until).toBe(utc(3, 29, 1, 30));
    // 02:30 happens twice on 25 October (03:00 CEST → 02:00 CET): the first, 02:30 CEST = 00:30 UTC.
    const autumn = berlin({ ...night, people: [...night.people], start: utc(10, 18, 0, 30) });
    expect(whoIsOnCall(autumn, utc(10, 24)).until).toBe(utc(10, 25, 0, 30));
    // And the week after runs 02:30 CET to 02:30 CET (01:30 UTC), 169 hours after the first.
    expect(whoIsOnCall(autumn, utc(10, 26)).until).toBe(utc(11, 1, 1, 30));
  });
});

describe('overrides', () => {
  // Ana's week: Monday 2 March 09:00 CET (08:00 UTC) to Monday 9 March 08:00 UTC.
  it('win for their interval and hand back afterwards', () => {
    const r = berlin({ overrides: [{ person: 'Cai', from: utc(3, 4, 11), to: utc(3, 5, 11) }] });
    expect(whoIsOnCall(r, utc(3, 4, 10))).toEqual({
      person: 'Ana',
      since: utc(3, 2, 8),
      until: utc(3, 4, 11),
      override: false,
      next: { person: 'Cai', at: utc(3, 4, 11) },
    });
    expect(whoIsOnCall(r, utc(3, 4, 12))).toEqual({
      person: 'Cai',
      since: utc(3, 4, 11),
      until: utc(3, 5, 11),
      override: true,
      next: { person: 'Ana', at: utc(3, 5, 11) },
    });
    // Ana is back from the override's end until her week ends.
    expect(whoIsOnCall(r, utc(3, 6))).toMatchObject({
      person: 'Ana',
      since: utc(3, 5, 11),
      until: utc(3, 9, 8),
      override: false,
    });
  });

  it('overlapping: the later override in the list wins where they overlap', () => {
    const r = berlin({
      overrides: [
        { person: 'Ben', from: utc(3, 3), to: utc(3, 6) },
        { person: 'Cai', from: utc(3, 4), to: utc(3, 5) },
      ],
    });
    expect(whoIsOnCall(r, utc(3, 3, 12))).toMatchObject({
      person: 'Ben',
      since: utc(3, 3),
      until: utc(3, 4),
      next: { person: 'Cai' },
    });
    expect(whoIsOnCall(r, utc(3, 4, 12))).toMatchObject({
      person: 'Cai',
      since: utc(3, 4),
      until: utc(3, 5),
      override: true,
    });
    expect(whoIsOnCall(r, utc(3, 5, 12))).toMatchObject({
      person: 'Ben',
      since: utc(3, 5),
      until: utc(3, 6),
      next: { person: 'Ana' },
    });
    // In the other order the longer one covers the shorter entirely.
    const reversed = berlin({ overrides: [...r.overrides].reverse() });
    expect(whoIsOnCall(reversed, utc(3, 4, 12))).toMatchObject({ person: 'Ben', since: utc(3, 3), until: utc(3, 6) });
  });

  it('adjacent overrides for the same person read as one stint; for different people, as a hand-off', () => {
    const same = berlin({
      overrides: [
        { person: 'Ben', from: utc(3, 3), to: utc(3, 4) },
        { person: 'Ben', from: utc(3, 4), to: utc(3, 5) },
      ],
    });
    expect(whoIsOnCall(same, utc(3, 3, 12))).toMatchObject({
      person: 'Ben',
      since: utc(3, 3),
      until: utc(3, 5),
      next: { person: 'Ana', at: utc(3, 5) },
    });
    const different = berlin({
      overrides: [
        { person: 'Ben', from: utc(3, 3), to: utc(3, 4) },
        { person: 'Cai', from: utc(3, 4), to: utc(3, 5) },
      ],
    });
    expect(whoIsOnCall(different, utc(3, 3, 12))).toMatchObject({
      person: 'Ben',
      until: utc(3, 4),
      next: { person: 'Cai', at: utc(3, 4) },
    });
  });

  it('an override that takes the next week early joins that week', () => {
    // Ben covers from Sunday 8 March 18:00 UTC, before his own week starts Monday 08:00 UTC.
    const r = berlin({ overrides: [{ person: 'Ben', from: utc(3, 8, 18), to: utc(3, 9, 8) }] });
    expect(whoIsOnCall(r, utc(3, 8, 20))).toEqual({
      person: 'Ben',
      since: utc(3, 8, 18),
      until: utc(3, 16, 8),
      override: true,
      next: { person: 'Cai', at: utc(3, 16, 8) },
    });
    expect(whoIsOnCall(r, utc(3, 8, 17))).toMatchObject({
      person: 'Ana',
      until: utc(3, 8, 18),
      next: { person: 'Ben' },
    });
  });

  it('ignores empty or inverted overrides', () => {
    const r = berlin({
      overrides: [
        { person: 'Cai', from: utc(3, 5), to: utc(3, 5) },
        { person: 'Cai', from: utc(3, 6), to: utc(3, 4) },
      ],
    });
    expect(whoIsOnCall(r, utc(3, 5))).toMatchObject({
      person: 'Ana',
      override: false,
      since: utc(3, 2, 8),
      until: utc(3, 9, 8),
    });
  });
});

describe('invalid rotations', () => {
  it('throws for an unknown zone, a bad time, a bad weekday or nobody', () => {
    expect(() => whoIsOnCall(berlin({ timeZone: 'Mars/Olympus' }), utc(3, 5))).toThrow(RangeError);
    expect(() => whoIsOnCall(berlin({ handoffTime: '9am' }), utc(3, 5))).toThrow(RangeError);
    expect(() => whoIsOnCall(berlin({ handoffTime: '24:00' }), utc(3, 5))).toThrow(RangeError);
    expect(() => whoIsOnCall({ ...berlin(), handoffWeekday: 7 as never }, utc(3, 5))).toThrow(RangeError);
    expect(() => whoIsOnCall(berlin({ people: [] }), utc(3, 5))).toThrow(RangeError);
  });
});
