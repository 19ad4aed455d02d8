// The TV type rule and the layouts that follow from it: the smallest text from the screen's
// height, text fitted to its box, rows that fill a panel, and lists, tiles and legends that count
// what they cannot show instead of dropping it.
import { describe, expect, it } from 'vitest';
import { DESKTOP_SCALE, fitFont, legendFit, legendPick, listLayout, tileLayout, typeScale } from '../../src/renderer/src/lib/tv-type.ts';

describe('typeScale', () => {
  it('is 2 % and 3 % of the screen height, rounded up, so the rule holds after rounding', () => {
    expect(typeScale(1080)).toEqual({ min: 21.6, key: 32.4, screenPx: 1080, tv: true });
    expect(typeScale(2160)).toMatchObject({ min: 43.2, key: 64.8 });
    const s = typeScale(1081);
    expect(s.min).toBeGreaterThanOrEqual(1081 * 0.02);
    expect(s.key).toBeGreaterThanOrEqual(1081 * 0.03);
  });

  it('never goes below a desktop size on a small window, and survives a nonsense height', () => {
    expect(typeScale(300)).toMatchObject({ min: 12, key: 15 });
    expect(typeScale(Number.NaN)).toMatchObject({ min: 21.6, screenPx: 1080 });
    expect(DESKTOP_SCALE.tv).toBe(false);
  });
});

describe('fitFont', () => {
  it('is as large as fits: limited by width for a wide text, by height for a short one', () => {
    expect(fitFont(4, 1, 400, 300, 10, 1000)).toBe(100);
    expect(fitFont(1, 1, 400, 80, 10, 1000)).toBe(80);
  });

  it('stays within [min, max], and returns min for an empty box or text', () => {
    expect(fitFont(4, 1, 20, 300, 12, 1000)).toBe(12);
    expect(fitFont(1, 1, 400, 300, 12, 50)).toBe(50);
    expect(fitFont(0, 1, 400, 300, 12, 50)).toBe(12);
    expect(fitFont(2, 1, 0, 300, 12, 50)).toBe(12);
    // A max below min (a tiny panel) is min.
    expect(fitFont(1, 1, 400, 300, 12, 5)).toBe(12);
  });
});

describe('listLayout', () => {
  it('grows rows to fill the box', () => {
    const l = listLayout(5, 500, { min: 20, max: 60, rowEm: 2 });
    expect(l).toEqual({ shown: 5, more: 0, fontPx: 50, rowPx: 100 });
  });

  it('caps the text at max, and lays a short list out as at least `atLeast` rows', () => {
    expect(listLayout(5, 500, { min: 20, max: 30, rowEm: 2 }).fontPx).toBe(30);
    const two = listLayout(2, 500, { min: 20, max: 100, rowEm: 2, atLeast: 5 });
    expect(two).toMatchObject({ shown: 2, more: 0, fontPx: 50, rowPx: 100 });
  });

  it('counts what does not fit at the smallest text, the "+N more" line taking a row', () => {
    // 200 px holds five 40 px rows: four rows and the "+6 more" line.
    const l = listLayout(10, 200, { min: 20, max: 60, rowEm: 2 });
    expect(l).toEqual({ shown: 4, more: 6, fontPx: 20, rowPx: 40 });
    expect(l.shown + l.more).toBe(10);
  });

  it('never shows a negative count, and everything is shown or counted in a box too small for a row', () => {
    const l = listLayout(3, 10, { min: 20, max: 60, rowEm: 2 });
    expect(l.shown + l.more).toBe(3);
    expect(l.shown).toBe(0);
    expect(listLayout(0, 100, { min: 20, max: 60, rowEm: 2 })).toMatchObject({ shown: 0, more: 0 });
  });
});

describe('tileLayout', () => {
  const opts = { min: 20, max: 64, longestEm: 6, tileEm: 2, gap: 0, padPx: 0 };
  it('picks the column count that lets the text be largest', () => {
    // Four tiles in a wide box: one row of four beats a column of four.
    const l = tileLayout(4, 1200, 100, opts);
    expect(l).toMatchObject({ cols: 4, rows: 1, shown: 4, more: 0, fontPx: 50 });
  });

  it('when not all fit at the smallest text, the last cell counts the rest', () => {
    // 240×80: at 20 px a tile is 120×40, so two columns by two rows; three tiles and "+47 more".
    const l = tileLayout(50, 240, 80, opts);
    expect(l).toMatchObject({ cols: 2, rows: 2, shown: 3, more: 47, fontPx: 20 });
  });
});

describe('legendFit', () => {
  const more = () => 60;
  it('shows everything that fits', () => {
    expect(legendFit([100, 100, 100], 400, 1, 10, more)).toEqual({ shown: 3, more: 0 });
  });

  it('wraps onto the lines it has', () => {
    expect(legendFit([100, 100, 100, 100], 250, 2, 10, more)).toEqual({ shown: 4, more: 0 });
  });

  it('leaves room for "+N more" and counts the rest: shown + more is every series', () => {
    // Five on one 400 px line: three would fit alone, but "+2 more" needs room, so two and "+3 more".
    const r = legendFit([120, 120, 120, 120, 120], 400, 1, 10, more);
    expect(r).toEqual({ shown: 2, more: 3 });
    for (const rows of [1, 2, 3]) {
      const x = legendFit([300, 80, 150, 90, 400, 20], 420, rows, 12, (n) => 40 + n);
      expect(x.shown + x.more).toBe(6);
    }
  });

  it('counts everything when there is no room at all', () => {
    expect(legendFit([100], 0, 1, 10, more)).toEqual({ shown: 0, more: 1 });
    expect(legendFit([100, 100], 400, 0, 10, more)).toEqual({ shown: 0, more: 2 });
  });
});

describe('legendPick', () => {
  const more = () => 60;
  it('shows everything, in order, when everything fits', () => {
    expect(legendPick([100, 100], [1, 2], 400, 1, 10, more)).toEqual({ shown: [0, 1], more: 0 });
  });

  it('when not all fit, names the largest series (the one the Application board used to drop) and keeps the chart order', () => {
    // Five routes, room for two and "+3 more": the two largest, /product/:id among them.
    const names = ['/', '/api/search', '/cart', '/checkout', '/product/:id'];
    const values = [7.0, 4.2, 2.8, 2.4, 7.3];
    const r = legendPick([120, 120, 120, 120, 120], values, 400, 1, 10, more);
    expect(r).toEqual({ shown: [0, 4], more: 3 });
    expect(r.shown.map((i) => names[i])).toEqual(['/', '/product/:id']);
  });

  it('counts a series with no value last, and everything is shown or counted', () => {
    const r = legendPick([100, 100, 100, 100], [null, 1, null, 2], 230, 1, 10, more);
    expect(r.shown).toEqual([3]);
    expect(r.shown.length + r.more).toBe(4);
  });
});
