// The built-in "What's arriving" board: one stat panel (number and sparkline) per metric name the
// store has from apps, newest first, on a grid that fits their number — so the first metric anyone
// sends fills the screen, and a dozen still read from across the room. Past what fits, the last
// tile says "+N more". Made of the ordinary panels, so it sizes and behaves like any board.

import type { Arrival, ArrivingReport } from '../../../shared/arriving.ts';
import { BoardSchema, type Board, type PanelInput } from '../../../shared/boards.ts';

/** Tiles on the board at most (a 3 × 3 grid): more would not read across a room. */
export const ARRIVING_MAX_TILES = 9;
export const ARRIVING_TITLE = "What's arriving";

/** A panel id for a metric name, stable while the list changes around it. */
function panelId(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 56) || 'metric';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  taken.add(id);
  return id;
}

/** Columns × rows for n tiles: as square as the screen allows, wider than tall. */
export function gridFor(n: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { columns, rows: Math.max(1, Math.ceil(n / columns)) };
}

/** "e2e_temperature · statsd", "checkout_latency · median · json". */
export function tileTitle(a: Arrival): string {
  return [a.name, a.what, a.receiver].filter((x) => x).join(' · ');
}

export function arrivingBoard(report: ArrivingReport, id: string): Board {
  const all = report.metrics;
  // All of them when they fit; otherwise one tile fewer, and that tile says how many more.
  const shown = all.slice(0, report.total <= ARRIVING_MAX_TILES ? ARRIVING_MAX_TILES : ARRIVING_MAX_TILES - 1);
  const rest = report.total - shown.length;
  const n = shown.length + (rest > 0 ? 1 : 0);
  const { columns, rows } = gridFor(Math.max(1, n));
  const taken = new Set<string>();
  const at = (i: number) => ({ x: i % columns, y: Math.floor(i / columns), w: 1, h: 1 });
  const panels: PanelInput[] = shown.map((a, i) => ({
    id: panelId(a.name, taken),
    type: 'stat',
    title: tileTitle(a),
    ...at(i),
    queries: [{ expr: a.query, legend: '' }],
    // StatsD and JSON timers are stored in seconds (statsd_exporter's mapping).
    unit: a.type === 'summary' && (a.receiver === 'statsd' || a.receiver === 'json') ? 'seconds' : 'none',
    range: '15m',
    // A sender that goes quiet for a while is still worth showing here; the stat says how old.
    maxAge: '10m',
  }));
  if (rest > 0) {
    const names = all.slice(shown.length, shown.length + 4).map((a) => a.name);
    panels.push({ id: panelId('more', taken), type: 'text', ...at(shown.length), text: `# +${rest} more\n\n${names.join(', ')}${rest > names.length ? ', …' : ''}` });
  }
  const board = BoardSchema.parse({ id: 'arriving', title: ARRIVING_TITLE, dwell: '30s', columns, rows, panels });
  return { ...board, id };
}
