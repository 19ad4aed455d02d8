// A sparkline as SVG paths in a w×h box: the line and the area under it.

export function sparkPath(points: ReadonlyArray<[number, number]>, w: number, h: number): { line: string; area: string } | null {
  if (points.length < 2) return null;
  const t0 = points[0]![0];
  const t1 = points[points.length - 1]![0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of points) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const pad = 1.5;
  const x = (t: number) => ((t - t0) / (t1 - t0 || 1)) * w;
  const y = (v: number) => pad + (1 - (v - lo) / (hi - lo)) * (h - 2 * pad);
  // At most one point per horizontal unit: a 1,440-point day draws as 100 segments.
  const step = Math.max(1, Math.floor(points.length / (w * 2)));
  let line = '';
  for (let i = 0; i < points.length; i += step) line += `${i === 0 ? 'M' : 'L'}${x(points[i]![0]).toFixed(2)},${y(points[i]![1]).toFixed(2)}`;
  const [tl, vl] = points[points.length - 1]!;
  line += `L${x(tl).toFixed(2)},${y(vl).toFixed(2)}`;
  return { line, area: `${line}L${w},${h}L0,${h}Z` };
}
