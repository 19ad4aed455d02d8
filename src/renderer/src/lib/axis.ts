// Axis ticks that read as round numbers in the panel's unit: a duration axis steps by 1 s, 30 s,
// 5 min, 1 h, never "3.33 min"; a bytes axis by powers of two.

import type { Panel } from '../../../shared/boards.ts';

const decades = (lo: number, hi: number, mults: number[]): number[] => {
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of mults) out.push(m * 10 ** e);
  return out;
};

const SECONDS = [
  ...decades(-6, -1, [1, 2, 5]),
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
];

/** Every other unit steps by 1, 2 or 5 times a power of ten, never uPlot's 2.5: a label then
 * shows its tick exactly with the decimals that tell it from its neighbour (valueAxisLabels), where
 * a 0.00025 step printed at four decimals read 99.9982, 99.9980, 99.9977 … */
const ONE_TWO_FIVE = decades(-16, 20, [1, 2, 5]);

export function axisIncrements(unit: Panel['unit']): number[] {
  switch (unit) {
    case 'seconds':
      return SECONDS;
    case 'ms':
      return SECONDS.map((s) => s * 1000);
    case 'bytes':
    case 'bytes/s':
      return Array.from({ length: 60 }, (_, i) => 2 ** i);
    default:
      return ONE_TWO_FIVE;
  }
}

/** "14:05" for a time within the chart's day, "Tue 14:05" across days, "12 Mar" across weeks. */
export function timeLabel(sec: number, spanSec: number): string {
  const d = new Date(sec * 1000);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  if (spanSec <= 86_400) return hm;
  if (spanSec <= 7 * 86_400) return `${d.toLocaleDateString([], { weekday: 'short' })} ${hm}`;
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

const MINUTES = [60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];
const DAYS = [86_400, 172_800, 604_800, 1_209_600, 2_592_000, 7_776_000, 31_536_000];

/** Steps for a time axis whose labels are timeLabel's: never finer than what a label shows (a
 * minute, or a day across weeks), so no two labels read the same ("09:52, 09:52, 09:53"). */
export function timeIncrements(spanSec: number): number[] {
  return spanSec > 7 * 86_400 ? DAYS : MINUTES;
}

/** Labels for a value axis's ticks in which no two neighbours read the same. The panel's own
 * decimals (or the unit's automatic ones) come first; where two adjacent ticks would then print
 * alike — a series moving in a narrow band, "73.3%" down the whole axis — the fewest decimals
 * that tell every neighbour apart are used instead, up to six. */
export function valueAxisLabels(vals: readonly number[], format: (v: number, decimals: number | null) => string, decimals: number | null): string[] {
  const distinct = (ls: string[]) => ls.every((l, i) => i === 0 || l !== ls[i - 1]);
  const first = vals.map((v) => format(v, decimals));
  if (distinct(first)) return first;
  for (let d = (decimals ?? 0) + (decimals === null ? 0 : 1); d <= 6; d++) {
    const ls = vals.map((v) => format(v, d));
    if (distinct(ls)) return ls;
  }
  return first;
}
