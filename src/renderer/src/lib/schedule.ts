// Office hours, night mode and burn-in protection, as functions of the time.

import type { Display } from '../../../shared/boards.ts';

export type Ambience = 'day' | 'dim' | 'blank';

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Whether `d` (the screen's local time) is inside office hours. A span past midnight
 * (from 22:00 to 06:00) belongs to the day it starts on. */
export function inOfficeHours(schedule: Display['schedule'], d: Date): boolean {
  if (!schedule.enabled) return true;
  const from = minutes(schedule.from);
  const to = minutes(schedule.to);
  const t = d.getHours() * 60 + d.getMinutes();
  const day = d.getDay();
  if (from <= to) return schedule.days.includes(day) && t >= from && t < to;
  if (t >= from) return schedule.days.includes(day);
  return t < to && schedule.days.includes((day + 6) % 7);
}

/** Outside office hours the screen dims or blanks, unless an alert is firing. */
export function ambience(schedule: Display['schedule'], d: Date, alertFiring: boolean): Ambience {
  if (alertFiring || inOfficeHours(schedule, d)) return 'day';
  return schedule.night;
}

/** A slow walk round a small circle, one step a minute: a static picture never sits still for
 * long enough to burn in, and the move is too small to notice. */
export function pixelShift(nowMs: number, radiusPx = 4): { x: number; y: number } {
  const stepsPerLoop = 16;
  const k = Math.floor(nowMs / 60_000) % stepsPerLoop;
  const a = (k / stepsPerLoop) * 2 * Math.PI;
  return { x: Math.round(Math.cos(a) * radiusPx), y: Math.round(Math.sin(a) * radiusPx) };
}
