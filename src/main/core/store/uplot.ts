// Columns in uPlot's own shape: [timestamps, ...one array per series], `null` where a series has
// no sample at a timestamp. Timestamps are ms (panels set uPlot's `ms: 1`).

export type UplotColumns = [number[], ...Array<Array<number | null>>];

export interface Column {
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** Align several series on the union of their timestamps. NaN samples become gaps (null). */
export function toUplotColumns(series: readonly Column[]): UplotColumns {
  const all = new Set<number>();
  for (const s of series) for (let i = 0; i < s.ts.length; i++) all.add(s.ts[i]!);
  const xs = [...all].sort((a, b) => a - b);
  const pos = new Map<number, number>();
  xs.forEach((t, i) => pos.set(t, i));
  const out: UplotColumns = [xs];
  for (const s of series) {
    const col: Array<number | null> = new Array(xs.length).fill(null);
    for (let i = 0; i < s.ts.length; i++) {
      const v = s.values[i]!;
      col[pos.get(s.ts[i]!)!] = Number.isNaN(v) ? null : v;
    }
    out.push(col);
  }
  return out;
}
