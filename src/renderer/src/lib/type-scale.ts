// The panel side of the TV type rule (tv-type.ts): the board's type scale, or desktop sizes
// outside a board, and text measured the way the canvas draws it. Kept apart from tv-type.ts so
// the rule itself stays pure and tested without a DOM.

import { getContext } from 'svelte';
import { DESKTOP_SCALE, TYPE_SCALE, type TypeScale } from './tv-type.ts';

/** Call during a component's setup. */
export function useTypeScale(): { readonly current: TypeScale } {
  return getContext<{ readonly current: TypeScale } | undefined>(TYPE_SCALE) ?? { current: DESKTOP_SCALE };
}

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, 'DejaVu Sans', sans-serif";

let ctx: CanvasRenderingContext2D | null = null;
const cache = new Map<string, number>();

/** A text's width in ems of a font (`weight`, the board's family), measured once at 100 px. */
export function widthEm(text: string, weight = 400): number {
  const key = `${weight}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  ctx ??= document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * 0.6;
  ctx.font = `${weight} 100px ${FONT_FAMILY}`;
  const w = ctx.measureText(text).width / 100;
  if (cache.size > 2_000) cache.clear();
  cache.set(key, w);
  return w;
}
