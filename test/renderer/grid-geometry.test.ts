import { describe, expect, it } from 'vitest';
import { applyKey, describeRect, freeSpot, freshId, moveTo, resizeTo } from '../../src/renderer/src/settings/grid-geometry.ts';

const g = { columns: 12, rows: 8 };

describe('the board editor grid', () => {
  it('moves within the grid and stops at its edges', () => {
    expect(moveTo({ x: 0, y: 0, w: 4, h: 2 }, 3, 1, g)).toEqual({ x: 3, y: 1, w: 4, h: 2 });
    expect(moveTo({ x: 0, y: 0, w: 4, h: 2 }, 11, 9, g)).toEqual({ x: 8, y: 6, w: 4, h: 2 });
    expect(moveTo({ x: 2, y: 2, w: 4, h: 2 }, -3, -1, g)).toEqual({ x: 0, y: 0, w: 4, h: 2 });
  });

  it('resizes to at least one cell and not past the edge', () => {
    expect(resizeTo({ x: 10, y: 6, w: 2, h: 2 }, 5, 5, g)).toEqual({ x: 10, y: 6, w: 2, h: 2 });
    expect(resizeTo({ x: 0, y: 0, w: 2, h: 2 }, 0, -1, g)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });

  it('arrow keys move, with Shift they resize; other keys do nothing', () => {
    const r = { x: 1, y: 1, w: 2, h: 2 };
    expect(applyKey(r, 'ArrowRight', false, g)).toEqual({ x: 2, y: 1, w: 2, h: 2 });
    expect(applyKey(r, 'ArrowUp', false, g)).toEqual({ x: 1, y: 0, w: 2, h: 2 });
    expect(applyKey(r, 'ArrowRight', true, g)).toEqual({ x: 1, y: 1, w: 3, h: 2 });
    expect(applyKey(r, 'ArrowUp', true, g)).toEqual({ x: 1, y: 1, w: 2, h: 1 });
    expect(applyKey(r, 'a', false, g)).toBeNull();
  });

  it('puts a new panel in the first free place, smaller when the board is full', () => {
    expect(freeSpot([], g)).toEqual({ x: 0, y: 0, w: 4, h: 2 });
    expect(freeSpot([{ x: 0, y: 0, w: 4, h: 2 }], g)).toEqual({ x: 4, y: 0, w: 4, h: 2 });
    const nearlyFull = [{ x: 0, y: 0, w: 12, h: 7 }, { x: 0, y: 7, w: 11, h: 1 }];
    expect(freeSpot(nearlyFull, g)).toEqual({ x: 11, y: 7, w: 1, h: 1 });
  });

  it('names new ids after what is taken, and says where a panel is in words', () => {
    expect(freshId('panel', [])).toBe('panel');
    expect(freshId('panel', ['panel', 'panel-2'])).toBe('panel-3');
    expect(describeRect({ x: 0, y: 1, w: 4, h: 2 })).toBe('column 1, row 2, 4 wide and 2 high');
  });
});
