// What an empty panel says on the TV: in words, naming what it waits for ("Nothing received yet
// for shop_orders"), never its PromQL — the query stays on the settings page, where someone can
// act on it.

const LIST_TYPES = new Set(['table', 'bargauge', 'statusgrid']);

/** "a", "a and b", "a, b and c", "a, b and 3 more". */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, max - 1).join(', ')} and ${names.length - (max - 1)} more`;
}

/** What an empty panel says, as a headline of short words (set large, wrapped between words) and
 * the names it waits for (set at the smallest TV size: metric names are long and break anywhere).
 * `waiting`: the names the panel's queries read that nothing has sent yet (undefined: unknown). */
export function emptyParts(panelType: string, waiting: readonly string[] | undefined): { headline: string; detail: string | null } {
  if (waiting && waiting.length > 0) return { headline: 'Nothing received yet', detail: `for ${nameList(waiting)}` };
  // A list with nothing in it is an answer (no check failing, no route erroring).
  if (LIST_TYPES.has(panelType)) return { headline: 'None right now', detail: null };
  return { headline: 'Nothing to show yet', detail: null };
}

/** The same, as one sentence. */
export function emptyWords(panelType: string, waiting: readonly string[] | undefined): string {
  const p = emptyParts(panelType, waiting);
  return p.detail ? `${p.headline} ${p.detail}` : p.headline;
}
