// Deploy markers on a chart: clustered where their labels would collide, the newest always
// labelled, none dropped.
import { describe, expect, it } from 'vitest';
import { clusterMarkers, isolatedIndices } from '../../src/renderer/src/lib/chart-overlays.ts';

const all = (cs: ReturnType<typeof clusterMarkers>) => cs.flatMap((c) => c.members).sort((a, b) => a - b);

describe('clusterMarkers', () => {
  it('leaves markers far apart alone, newest first, each labelled right of its line', () => {
    const cs = clusterMarkers([{ x: 100, width: 50 }, { x: 300, width: 50 }], 0, 1000, 3, 8);
    expect(cs).toEqual([
      { members: [1], x: 300, from: 300, labelX: 303 },
      { members: [0], x: 100, from: 100, labelX: 103 },
    ]);
  });

  it('groups markers whose labels would collide into one marker, drawn at the newest', () => {
    const cs = clusterMarkers([{ x: 100, width: 80 }, { x: 130, width: 80 }, { x: 150, width: 80 }], 0, 1000, 3, 8);
    expect(cs).toHaveLength(1);
    expect(cs[0]).toMatchObject({ members: [2, 1, 0], x: 150, from: 100 });
  });

  it('always labels the newest, even at the right edge (its label moves left, inside the plot)', () => {
    const cs = clusterMarkers([{ x: 500, width: 80 }, { x: 990, width: 80 }], 0, 1000, 3, 8);
    expect(cs[0]).toMatchObject({ members: [1], x: 990, labelX: 920 });
    // An older marker whose label would run into the moved label joins it.
    const cs2 = clusterMarkers([{ x: 900, width: 80 }, { x: 990, width: 80 }], 0, 1000, 3, 8);
    expect(cs2).toHaveLength(1);
    expect(cs2[0]!.members[0]).toBe(1);
  });

  it('turns a fence of forty deploys into a few labelled clusters, losing none', () => {
    const markers = Array.from({ length: 40 }, (_, i) => ({ x: 50 + i * 22, width: 90 }));
    const cs = clusterMarkers(markers, 40, 960, 3, 10);
    expect(cs.length).toBeLessThanOrEqual(10);
    expect(all(cs)).toEqual(markers.map((_, i) => i));
    // No two labels overlap.
    const boxes = cs.map((c) => [c.labelX, c.labelX + markers[c.members[0]!]!.width] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]).toBeGreaterThanOrEqual(boxes[i - 1]![1]);
    expect(cs[0]!.members[0]).toBe(39);
  });

  it('keeps equal times in input order (the later one is the newer)', () => {
    const cs = clusterMarkers([{ x: 200, width: 40 }, { x: 200, width: 40 }], 0, 1000, 3, 8);
    expect(cs[0]!.members).toEqual([1, 0]);
  });

  it('has nothing to draw for no markers', () => {
    expect(clusterMarkers([], 0, 100, 3, 8)).toEqual([]);
  });
});

describe('isolatedIndices', () => {
  it('finds the samples a line cannot join, at the edges too', () => {
    expect(isolatedIndices([null, 5, null, null, 1, 2, null, 0])).toEqual([1, 7]);
    expect(isolatedIndices([3, null, 4, 5])).toEqual([0]);
    expect(isolatedIndices([null, NaN, 7, undefined])).toEqual([2]);
  });

  it('is null when every sample has a neighbour, or there are none', () => {
    expect(isolatedIndices([1, 2, null, 3, 4])).toBeNull();
    expect(isolatedIndices([])).toBeNull();
    expect(isolatedIndices([null, null])).toBeNull();
  });
});
