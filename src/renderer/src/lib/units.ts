// Values with their units, short enough for a TV: three significant figures, SI prefixes for
// counts and rates, binary prefixes for bytes, durations in the unit that reads best.

import type { Panel } from '../../../shared/boards.ts';

type Unit = Panel['unit'];

export interface Formatted {
  /** The number, e.g. "12.4". */
  value: string;
  /** The unit after it, e.g. "ms", "%", "req/s" (empty for none). */
  suffix: string;
  /** A unit before it, e.g. "€". */
  prefix: string;
}

const SI: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];
const IEC: Array<[number, string]> = [
  [2 ** 50, 'Pi'],
  [2 ** 40, 'Ti'],
  [2 ** 30, 'Gi'],
  [2 ** 20, 'Mi'],
  [2 ** 10, 'Ki'],
];

/** Three significant figures, or `decimals` when the panel fixes them; no trailing zeros. */
export function num(v: number, decimals: number | null = null): string {
  if (v === 0) return '0';
  if (decimals !== null) return v.toFixed(decimals);
  const a = Math.abs(v);
  if (a < 0.001) return v.toExponential(1);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function scaled(v: number, table: Array<[number, string]>, decimals: number | null): [string, string] {
  const a = Math.abs(v);
  for (const [n, p] of table) if (a >= n) return [num(v / n, decimals), p];
  return [num(v, decimals), ''];
}

function duration(seconds: number, decimals: number | null): [string, string] {
  const a = Math.abs(seconds);
  if (a === 0) return ['0', 's'];
  if (a < 1e-3) return [num(seconds * 1e6, decimals), 'µs'];
  if (a < 1) return [num(seconds * 1e3, decimals), 'ms'];
  if (a < 120) return [num(seconds, decimals), 's'];
  if (a < 7_200) return [num(seconds / 60, decimals), 'min'];
  if (a < 172_800) return [num(seconds / 3_600, decimals), 'h'];
  return [num(seconds / 86_400, decimals), 'd'];
}

export function formatUnit(v: number | null | undefined, unit: Unit = 'none', decimals: number | null = null): Formatted {
  if (v === null || v === undefined || Number.isNaN(v)) return { value: '–', suffix: '', prefix: '' };
  if (!Number.isFinite(v)) return { value: v > 0 ? '∞' : '−∞', suffix: '', prefix: '' };
  const minus = (s: string) => s.replace(/^-/, '−');
  switch (unit) {
    case 'percent':
      return { value: minus(num(v, decimals)), suffix: '%', prefix: '' };
    case 'percentunit':
      return { value: minus(num(v * 100, decimals)), suffix: '%', prefix: '' };
    case 'seconds': {
      const [n, u] = duration(v, decimals);
      return { value: minus(n), suffix: u, prefix: '' };
    }
    case 'ms': {
      const [n, u] = duration(v / 1000, decimals);
      return { value: minus(n), suffix: u, prefix: '' };
    }
    case 'bytes':
    case 'bytes/s': {
      const [n, p] = scaled(v, IEC, decimals);
      return { value: minus(n), suffix: `${p}B${unit === 'bytes/s' ? '/s' : ''}`, prefix: '' };
    }
    case 'eur':
    case 'usd': {
      const [n, p] = scaled(v, SI, decimals);
      return { value: minus(n) + p, suffix: '', prefix: unit === 'eur' ? '€' : '$' };
    }
    case 'celsius':
      return { value: minus(num(v, decimals)), suffix: '°C', prefix: '' };
    case 'reqps':
    case 'ops': {
      const [n, p] = scaled(v, SI, decimals);
      return { value: minus(n), suffix: `${p}${unit === 'reqps' ? 'req/s' : 'ops/s'}`.trim(), prefix: '' };
    }
    default: {
      const [n, p] = scaled(v, SI, decimals);
      return { value: minus(n) + p, suffix: '', prefix: '' };
    }
  }
}

export const formatText = (v: number | null | undefined, unit: Unit = 'none', decimals: number | null = null): string => {
  const f = formatUnit(v, unit, decimals);
  const sep = f.suffix && /^[a-zµ]/i.test(f.suffix) && !['%', '°C'].includes(f.suffix) ? ' ' : '';
  return `${f.prefix}${f.value}${sep}${f.suffix}`;
};

/** "4 min", "2 h", for "no data for …" and "… ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d`;
}

/** A wall clock for a TV: 24-hour, hours and minutes ("09:05"), in the screen's time zone. */
export function clockText(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** A probability as a percentage that never reads as a certainty: 99.8 % is not "100 %". */
export function chanceText(p: number): string {
  if (p > 0.999) return '> 99.9 %';
  if (p < 0.001) return '< 0.1 %';
  return `${(p * 100).toFixed(p > 0.99 || p < 0.01 ? 1 : 0)} %`;
}
