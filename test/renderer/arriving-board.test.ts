// The "What's arriving" board, a single panel filling its board, and an empty panel's words.
import { describe, expect, it } from 'vitest';
import { ARRIVING_MAX_TILES, arrivingBoard, gridFor, tileTitle } from '../../src/renderer/src/lib/arriving-board.ts';
import { layoutForScreen } from '../../src/renderer/src/lib/board-layout.ts';
import { emptyParts, emptyWords, nameList } from '../../src/renderer/src/lib/empty-words.ts';
import type { Arrival } from '../../src/shared/arriving.ts';
import { BoardSchema } from '../../src/shared/boards.ts';

const arrival = (name: string, over: Partial<Arrival> = {}): Arrival => ({ name, receiver: 'statsd', type: 'gauge', series: 1, value: 1, lastInputAt: 0, firstSeenAt: 0, query: name, what: '', ...over });

describe("What's arriving", () => {
  it('one metric fills the board: one stat panel, its number and sparkline, named with where it came from', () => {
    const b = arrivingBoard({ metrics: [arrival('e2e_temperature')], total: 1, boards: [] }, '__arriving');
    expect(b).toMatchObject({ id: '__arriving', title: "What's arriving", columns: 1, rows: 1 });
    expect(b.panels).toHaveLength(1);
    expect(b.panels[0]).toMatchObject({ type: 'stat', title: 'e2e_temperature · statsd', x: 0, y: 0, w: 1, h: 1, sparkline: true, queries: [{ expr: 'e2e_temperature', legend: '', source: 'embedded' }] });
  });

  it('grids as square as it can: 2 → 2×1, 4 → 2×2, 5 → 3×2, 9 → 3×3', () => {
    expect([2, 4, 5, 9].map(gridFor)).toEqual([
      { columns: 2, rows: 1 },
      { columns: 2, rows: 2 },
      { columns: 3, rows: 2 },
      { columns: 3, rows: 3 },
    ]);
  });

  it('past what fits, the last tile says "+N more"', () => {
    const metrics = Array.from({ length: 14 }, (_, i) => arrival(`m${i}`));
    const b = arrivingBoard({ metrics, total: 20, boards: [] }, '__arriving');
    expect(b.panels).toHaveLength(ARRIVING_MAX_TILES);
    expect(b.panels.filter((p) => p.type === 'stat')).toHaveLength(ARRIVING_MAX_TILES - 1);
    const more = b.panels[ARRIVING_MAX_TILES - 1]!;
    expect(more.type).toBe('text');
    expect(more.text).toMatch(/^# \+12 more\n\nm8, m9, m10, m11, …$/);
    // Exactly as many as fit: no "+N more" tile.
    expect(arrivingBoard({ metrics: metrics.slice(0, 9), total: 9, boards: [] }, 'x').panels.every((p) => p.type === 'stat')).toBe(true);
  });

  it('keeps panel ids apart and valid for names that differ only in case or punctuation', () => {
    const b = arrivingBoard({ metrics: [arrival('Foo'), arrival('foo'), arrival('__proto__')], total: 3, boards: [] }, 'x');
    expect(new Set(b.panels.map((p) => p.id)).size).toBe(3);
    for (const p of b.panels) expect(p.id).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
  });

  it('titles say what the number is when it is not the one series', () => {
    expect(tileTitle(arrival('checkout_latency', { what: 'median', receiver: 'json' }))).toBe('checkout_latency · median · json');
    expect(tileTitle(arrival('x', { receiver: null }))).toBe('x');
  });
});

describe('a single-panel board', () => {
  it('shows its panel across the whole board, not in a twelfth of it', () => {
    const b = BoardSchema.parse({ id: 'mine', title: 'Mine', panels: [{ id: 'p', type: 'stat', x: 0, y: 0, w: 3, h: 2, queries: [{ expr: 'x' }] }] });
    const l = layoutForScreen(b);
    expect(l).toMatchObject({ columns: 1, rows: 1 });
    expect(l.panels[0]).toMatchObject({ x: 0, y: 0, w: 1, h: 1 });
  });

  it('leaves boards of several panels as they are when they reach the bottom', () => {
    const b = BoardSchema.parse({ id: 'two', title: 'Two', rows: 2, panels: [{ id: 'a', type: 'text', x: 0, y: 0, w: 1, h: 2 }, { id: 'b', type: 'text', x: 1, y: 0, w: 1, h: 1 }] });
    expect(layoutForScreen(b)).toBe(b);
  });

  it('draws no rows below the lowest panel, so the panels fill the screen', () => {
    const b = BoardSchema.parse({ id: 'short', title: 'Short', columns: 24, rows: 24, panels: [{ id: 'a', type: 'text', x: 0, y: 0, w: 12, h: 8 }, { id: 'b', type: 'text', x: 12, y: 4, w: 12, h: 12 }] });
    const l = layoutForScreen(b);
    expect(l.rows).toBe(16);
    expect(l.panels).toEqual(b.panels);
  });
});

describe('empty panel words in two parts', () => {
  it('a short headline, and the names it waits for apart (set small, they break anywhere)', () => {
    expect(emptyParts('stat', ['node_pressure_cpu_waiting_seconds_total', 'node_load1'])).toEqual({ headline: 'Nothing received yet', detail: 'for node_pressure_cpu_waiting_seconds_total and node_load1' });
    expect(emptyParts('table', [])).toEqual({ headline: 'None right now', detail: null });
  });
});

describe('an empty panel, in words', () => {
  it('names what it waits for, never its PromQL', () => {
    expect(emptyWords('stat', ['shop_orders'])).toBe('Nothing received yet for shop_orders');
    expect(emptyWords('timeseries', ['checkout_completed', 'checkout_started'])).toBe('Nothing received yet for checkout_completed and checkout_started');
    expect(emptyWords('table', [])).toBe('None right now');
    expect(emptyWords('stat', undefined)).toBe('Nothing to show yet');
  });

  it('lists names the way a person would', () => {
    expect(nameList(['a'])).toBe('a');
    expect(nameList(['a', 'b', 'c'])).toBe('a, b and c');
    expect(nameList(['a', 'b', 'c', 'd', 'e'])).toBe('a, b and 3 more');
  });
});
