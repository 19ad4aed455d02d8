// Where a Grafana row's panels go on TV boards: gaps closed as Grafana's grid closes them, screens
// cut only between panels, never more than a board holds, a panel taller than any board scaled to
// fit — and in every case no two panels overlapping.
import { describe, expect, it } from 'vitest';
import { MAX_BOARD_PANELS } from '../../../../src/shared/limits.ts';
import { screensOf, settle, type GridItem } from '../../../../src/main/core/config-code/grafana-layout.ts';

const item = (id: string, x: number, y: number, w: number, h: number): GridItem<string> => ({ item: id, x, y, w, h });

function overlaps(items: ReadonlyArray<GridItem<string>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.item}/${b.item}`);
    }
  }
  return out;
}

describe('grafana layout', () => {
  it("closes a collapsed row's gaps and moves overlapping panels below, as Grafana's grid does", () => {
    const out = settle([item('a', 0, 433, 12, 10), item('b', 12, 433, 12, 10), item('c', 0, 900, 24, 5), item('d', 6, 436, 12, 4)]);
    expect(out.map((p) => [p.item, p.y])).toEqual([['a', 0], ['b', 0], ['d', 10], ['c', 14]]);
    expect(overlaps(out)).toEqual([]);
  });

  it('cuts a tall row into screens between panels, each at most 24 units', () => {
    const panels = Array.from({ length: 10 }, (_, i) => item(`p${i}`, (i % 2) * 12, Math.floor(i / 2) * 10, 12, 10));
    const screens = screensOf(panels);
    expect(screens.map((s) => s.items.map((p) => p.item))).toEqual([['p0', 'p1', 'p2', 'p3'], ['p4', 'p5', 'p6', 'p7'], ['p8', 'p9']]);
    // Two rows of panels fill the screen; one row gets at least half of it.
    expect(screens.map((s) => s.rows)).toEqual([20, 20, 12]);
  });

  it('deals a band of more panels than a board holds out over several boards', () => {
    const tiny = Array.from({ length: 130 }, (_, i) => item(`t${i}`, i % 24, Math.floor(i / 24), 1, 1));
    const screens = screensOf(tiny);
    expect(screens.reduce((n, s) => n + s.items.length, 0)).toBe(130);
    for (const s of screens) {
      expect(s.items.length).toBeLessThanOrEqual(MAX_BOARD_PANELS);
      expect(overlaps(s.items)).toEqual([]);
    }
  });

  it('scales a panel taller than a board to fit 48 rows, never below one row, without overlap', () => {
    const screens = screensOf([item('tall', 0, 0, 12, 100), item('s1', 12, 0, 12, 1), item('s2', 12, 1, 12, 1), item('s3', 12, 2, 12, 97)]);
    expect(screens).toHaveLength(1);
    const s = screens[0]!;
    expect(s.rows).toBeLessThanOrEqual(48);
    for (const p of s.items) {
      expect(p.h).toBeGreaterThanOrEqual(1);
      expect(p.y + p.h).toBeLessThanOrEqual(s.rows);
    }
    expect(overlaps(s.items)).toEqual([]);
  });
});
