// Okabe & Ito's colour-blind-safe palette, in the order series take it, and the state colours.
// Series lines get a dash pattern too beyond the palette's length so no two look the same.

export const SERIES_COLOURS = ['#56B4E9', '#E69F00', '#009E73', '#F0E442', '#CC79A7', '#0072B2', '#D55E00', '#FFFFFF'] as const;
export const SERIES_COLOURS_LIGHT = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#7F7F7F'] as const;

export function seriesColour(i: number, theme: 'dark' | 'light'): string {
  const list = theme === 'dark' ? SERIES_COLOURS : SERIES_COLOURS_LIGHT;
  return list[i % list.length]!;
}

/** Solid, dashed, dotted… for series past the palette's length. */
export function seriesDash(i: number, count: number): number[] | undefined {
  const round = Math.floor(i / count);
  return round === 0 ? undefined : round === 1 ? [10, 6] : [3, 5];
}

export const STATE_COLOURS = { ok: '#009E73', warn: '#E69F00', crit: '#D55E00', info: '#56B4E9', none: '#7F8A96' } as const;
