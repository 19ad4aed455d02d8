// A Grafana dashboard (its JSON model, as "Export → Save to file" or the HTTP API give it) as a
// Radiator board. Pure. What converts: time series (and the old graph), stat (and singlestat),
// gauge, bar gauge, table and text panels with Prometheus queries, on Grafana's 24-column grid
// mapped to our 12 columns; units where they correspond; thresholds by colour family. What does
// not is listed with the reason, and every approximation (template variables, $__interval) is
// listed as a caveat — nothing is dropped silently.

import type { BoardInput, PanelInput } from '../../../shared/boards.ts';
import { UNITS } from '../../../shared/boards.ts';
import { MAX_GRAFANA_PANELS } from '../../../shared/limits.ts';
import { parsePromQL } from '../promql/index.ts';

export interface GrafanaConversion {
  board: BoardInput & { id: string };
  /** Panels that could not be converted: their title and why. */
  skipped: Array<{ title: string; reason: string }>;
  /** What was approximated. */
  caveats: string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const TYPE_MAP: Record<string, PanelInput['type']> = {
  timeseries: 'timeseries',
  graph: 'timeseries',
  stat: 'stat',
  singlestat: 'stat',
  gauge: 'gauge',
  bargauge: 'bargauge',
  table: 'table',
  'table-old': 'table',
  text: 'text',
};

/** Grafana unit ids that mean what one of ours means. */
const UNIT_MAP: Record<string, (typeof UNITS)[number]> = {
  none: 'none',
  short: 'none',
  percent: 'percent',
  percentunit: 'percentunit',
  s: 'seconds',
  ms: 'ms',
  bytes: 'bytes',
  decbytes: 'bytes',
  Bps: 'bytes/s',
  binBps: 'bytes/s',
  reqps: 'reqps',
  ops: 'ops',
  currencyEUR: 'eur',
  currencyUSD: 'usd',
  celsius: 'celsius',
};

/** Grafana's colour names by family; hex colours by hue. */
export function stateOfColour(colour: string): 'ok' | 'warn' | 'crit' | 'info' | null {
  const c = colour.trim().toLowerCase();
  if (c === 'transparent' || c === '') return null;
  if (/red/.test(c)) return 'crit';
  if (/orange|yellow/.test(c)) return 'warn';
  if (/green/.test(c)) return 'ok';
  if (/blue|purple|text/.test(c)) return 'info';
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/.exec(c)?.[1];
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
  let r: number, g: number, b: number;
  if (hex) {
    const h = hex.length === 3 ? hex.replace(/./g, (x) => x + x) : hex;
    [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  } else if (rgb) [r, g, b] = [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  else return 'info';
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 30) return 'info'; // grey
  let hue: number;
  if (max === r) hue = (60 * ((g - b) / (max - min)) + 360) % 360;
  else if (max === g) hue = 60 * ((b - r) / (max - min)) + 120;
  else hue = 60 * ((r - g) / (max - min)) + 240;
  if (hue < 20 || hue >= 330) return 'crit';
  if (hue < 65) return 'warn';
  if (hue < 170) return 'ok';
  return 'info';
}

/** "now-6h" → 6 h in ms; undefined for anything else. */
function relativeRange(from: unknown): number | undefined {
  const m = /^now-(\d+)([smhdwy])$/.exec(str(from) ?? '');
  if (!m) return undefined;
  const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, y: 3.1536e10 }[m[2] as 's']!;
  return Number(m[1]) * unit;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'grafana';

export interface GrafanaOptions {
  /** The board's id; by default from the dashboard's uid or title. */
  id?: string;
}

/** Rewrites Grafana's macros and template variables into plain PromQL; returns the query and what
 * was approximated, or the reason it cannot be. */
export function rewriteExpr(expr: string, rangeMs: number): { expr: string; notes: string[] } | { error: string } {
  const notes: string[] = [];
  let q = expr;
  const macros: Array<[RegExp, string, string]> = [
    [/\$__rate_interval\b|\$\{__rate_interval\}/g, '5m', '$__rate_interval became 5m'],
    [/\$__interval\b|\$\{__interval\}/g, '1m', '$__interval became 1m'],
    [/\$__range\b|\$\{__range\}/g, `${Math.max(1, Math.round(rangeMs / 60_000))}m`, '$__range became the panel\'s range'],
  ];
  for (const [re, to, note] of macros) {
    if (re.test(q)) {
      q = q.replace(re, to);
      notes.push(note);
    }
  }
  const varRef = /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]/g;
  // Label matchers whose value uses a variable: the whole value → drop the matcher; part of it → `.+`.
  q = q.replace(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g, (all, label: string, op: string, value: string) => {
    const vars = [...value.matchAll(varRef)].map((m) => m[1] ?? m[2] ?? m[3]);
    if (vars.length === 0) return all;
    if (value.replace(varRef, '').trim() === '') {
      notes.push(`the matcher ${label}${op}"${value}" (template variable $${vars[0]}) was removed: the panel shows every ${label}`);
      return '\u0000';
    }
    const regexOp = op === '=' || op === '=~' ? '=~' : '!~';
    notes.push(`template variable $${vars[0]} in ${label}${op}"${value}" became .+`);
    return `${label}${regexOp}"${value.replace(varRef, '.+')}"`;
  });
  // Tidy the commas and braces removed matchers leave behind.
  q = q.replace(/\{\s*\u0000\s*,?\s*/g, '{').replace(/,\s*\u0000/g, '').replace(/\u0000\s*,?/g, '').replace(/\{\s*,/g, '{').replace(/,\s*\}/g, '}').replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{\s*\}/g, '$1');
  const left = [...q.matchAll(varRef)].map((m) => m[1] ?? m[2] ?? m[3]);
  if (left.length > 0) return { error: `uses the template variable $${left[0]} outside a label matcher` };
  try {
    parsePromQL(q);
  } catch (e) {
    return { error: `the query "${q}" does not parse: ${(e as Error).message}` };
  }
  return { expr: q, notes };
}

interface Placed {
  panel: PanelInput;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Flattens rows (collapsed ones keep their panels inside) into one list, in order. */
function flatten(panels: unknown[]): Json[] {
  const out: Json[] = [];
  for (const p of panels.map(obj)) {
    out.push(p);
    if (p.type === 'row') out.push(...arr(p.panels).map(obj));
  }
  return out;
}

/** Grafana's time series has thresholds by default (green, red at 80) but draws them only when
 * asked to (custom.thresholdsStyle); ours always draws them, so only drawn ones come across. */
function drawsThresholds(p: Json, ours: PanelInput['type']): boolean {
  if (ours !== 'timeseries' || p.type === 'graph') return true;
  const mode = str(obj(obj(obj(obj(p.fieldConfig).defaults).custom).thresholdsStyle).mode) ?? 'off';
  return mode !== 'off';
}

function thresholdsOf(p: Json, min: number | undefined, max: number | undefined, caveats: string[], title: string): PanelInput['thresholds'] {
  const defaults = obj(obj(p.fieldConfig).defaults);
  const t = obj(defaults.thresholds);
  const out: NonNullable<PanelInput['thresholds']> = [];
  const steps = arr(t.steps).map(obj);
  if (steps.length > 0) {
    const percent = t.mode === 'percentage';
    if (percent && (min === undefined || max === undefined)) {
      caveats.push(`"${title}": percentage thresholds need min and max; left out`);
      return [];
    }
    for (const s of steps) {
      const state = stateOfColour(str(s.color) ?? '');
      if (!state) continue;
      // Grafana's base step (value null) colours everything below the first threshold.
      let value = s.value === null || s.value === undefined ? (min ?? 0) : num(s.value);
      if (value === undefined) continue;
      if (percent) value = min! + ((max! - min!) * value) / 100;
      out.push({ value, state });
    }
  } else if (Array.isArray(p.thresholds)) {
    // The old graph panel: [{value, colorMode: ok|warning|critical, op: gt|lt}].
    for (const s of arr(p.thresholds).map(obj)) {
      const v = num(s.value);
      const state = s.colorMode === 'critical' ? 'crit' : s.colorMode === 'warning' ? 'warn' : s.colorMode === 'ok' ? 'ok' : null;
      if (v === undefined || !state) continue;
      if (s.op === 'lt') caveats.push(`"${title}": a "below ${v}" threshold became "from ${v} up"`);
      out.push({ value: v, state });
    }
  } else if (typeof p.thresholds === 'string' && p.thresholds.trim() !== '') {
    // singlestat: "80,90" → warning from 80, critical from 90.
    const vs = p.thresholds.split(',').map((x) => Number(x.trim()));
    if (vs.every(Number.isFinite)) {
      if (vs[0] !== undefined) out.push({ value: vs[0], state: 'warn' });
      if (vs[1] !== undefined) out.push({ value: vs[1], state: 'crit' });
    }
  }
  // Ours: ascending, the highest reached wins; at most 10.
  out.sort((a, b) => a.value - b.value);
  return out.slice(0, 10);
}

export function convertGrafanaDashboard(input: unknown, opts: GrafanaOptions = {}): GrafanaConversion {
  const top = obj(input);
  // The HTTP API wraps it: {dashboard: {...}, meta: {...}}.
  const dash = 'dashboard' in top && typeof top.dashboard === 'object' ? obj(top.dashboard) : top;
  if (!Array.isArray(dash.panels) && !Array.isArray(dash.rows)) throw new Error('this is not a Grafana dashboard: it has no "panels"');
  const skipped: GrafanaConversion['skipped'] = [];
  const caveats: string[] = [];
  if (Array.isArray(dash.rows) && !Array.isArray(dash.panels)) {
    throw new Error('this dashboard is in the pre-5.0 "rows" format; open and save it in a current Grafana first');
  }
  const title = (str(dash.title) ?? 'Grafana dashboard').slice(0, 80) || 'Grafana dashboard';
  const id = opts.id ?? slug(title);
  const dashRange = relativeRange(obj(dash.time).from) ?? 6 * 3_600_000;
  const rangeMs = Math.min(90 * 86_400_000, Math.max(60_000, dashRange));
  const vars = arr(obj(dash.templating).list).map((v) => str(obj(v).name)).filter((x): x is string => !!x);
  if (vars.length > 0) caveats.push(`template variables (${vars.map((v) => '$' + v).join(', ')}) do not exist on a radiator: matchers using them were removed or widened to .+`);

  const all = flatten(arr(dash.panels));
  if (all.length > MAX_GRAFANA_PANELS) caveats.push(`only the first ${MAX_GRAFANA_PANELS} of ${all.length} panels were read`);
  const placed: Placed[] = [];
  const usedIds = new Set<string>();
  for (const p of all.slice(0, MAX_GRAFANA_PANELS)) {
    const type = str(p.type) ?? '';
    const ptitle = (str(p.title) ?? '').slice(0, 120);
    const name = ptitle || `${type} panel`;
    if (type === 'row') continue;
    const ours = TYPE_MAP[type];
    if (!ours) {
      skipped.push({ title: name, reason: `"${type}" panels have no Radiator equivalent` });
      continue;
    }
    const ds = p.datasource;
    const dsType = typeof ds === 'object' && ds !== null ? str(obj(ds).type) : undefined;
    if (ours !== 'text' && dsType && dsType !== 'prometheus' && dsType !== 'datasource' && !dsType.startsWith('$')) {
      skipped.push({ title: name, reason: `it reads a "${dsType}" data source, not Prometheus` });
      continue;
    }
    const defaults = obj(obj(p.fieldConfig).defaults);
    const ownRange = relativeRange(str(p.timeFrom) ? `now-${str(p.timeFrom)}` : undefined);
    const range = ownRange ? Math.min(90 * 86_400_000, Math.max(60_000, ownRange)) : rangeMs;
    const queries: NonNullable<PanelInput['queries']> = [];
    const problems: string[] = [];
    for (const t of arr(p.targets).map(obj)) {
      if (t.hide === true) continue;
      const tds = typeof t.datasource === 'object' && t.datasource !== null ? str(obj(t.datasource).type) : undefined;
      if (tds && tds !== 'prometheus' && !tds.startsWith('$') && tds !== 'datasource') {
        problems.push(`a query reads "${tds}"`);
        continue;
      }
      const expr = str(t.expr);
      if (!expr || expr.trim() === '') continue;
      const r = rewriteExpr(expr, range);
      if ('error' in r) {
        problems.push(r.error);
        continue;
      }
      for (const n of r.notes) caveats.push(`"${name}": ${n}`);
      const legendRaw = str(t.legendFormat) ?? '';
      queries.push({ expr: r.expr, legend: legendRaw === '__auto' ? '' : legendRaw.slice(0, 200) });
    }
    if (ours !== 'text' && queries.length === 0) {
      skipped.push({ title: name, reason: problems.length > 0 ? problems.join('; ') : 'it has no Prometheus query' });
      continue;
    }
    for (const pr of problems) caveats.push(`"${name}": a query was left out: ${pr}`);
    if (queries.length > 10) {
      caveats.push(`"${name}": only the first 10 of ${queries.length} queries were kept`);
      queries.length = 10;
    }
    // The old graph panel keeps its unit on the left y axis.
    const unitRaw = str(defaults.unit) ?? str(obj(arr(p.yaxes)[0]).format) ?? str(p.format) ?? 'none';
    const unit = UNIT_MAP[unitRaw];
    if (!unit) caveats.push(`"${name}": the unit "${unitRaw}" has no equivalent; shown without one`);
    const min = num(defaults.min);
    const max = num(defaults.max);
    const decimals = num(defaults.decimals) ?? num(p.decimals);
    const panelId = (() => {
      const base = slug(ptitle || `panel-${num(p.id) ?? placed.length + 1}`);
      let candidate = base;
      for (let i = 2; usedIds.has(candidate); i++) candidate = `${base.slice(0, 60)}-${i}`;
      usedIds.add(candidate);
      return candidate;
    })();
    const options = obj(p.options);
    const legend = obj(options.legend);
    const panel: PanelInput = {
      id: panelId,
      type: ours,
      title: ptitle,
      x: 0,
      y: 0,
      w: 1,
      h: 1,
      queries,
      range,
      unit: unit ?? 'none',
      decimals: decimals === undefined ? null : Math.max(0, Math.min(6, Math.round(decimals))),
      thresholds: drawsThresholds(p, ours) ? thresholdsOf(p, min, max, caveats, name) : [],
      legend: legend.showLegend === false || obj(p.legend).show === false ? false : true,
      min: min ?? null,
      max: max ?? null,
    };
    if (ours === 'text') {
      const content = str(options.content) ?? str(p.content) ?? '';
      if ((str(options.mode) ?? str(p.mode)) === 'html') caveats.push(`"${name}": HTML text is shown as Markdown (raw HTML is removed on screen)`);
      panel.text = content.slice(0, 20_000);
    }
    if (ours === 'stat' && (options.graphMode === 'none' || obj(p.sparkline).show === false)) panel.sparkline = false;
    const g = obj(p.gridPos);
    placed.push({ panel, x: num(g.x) ?? 0, y: num(g.y) ?? 0, w: num(g.w) ?? 12, h: num(g.h) ?? 8 });
  }
  const grid = layout(placed, caveats);
  return { board: { id, title, columns: 12, rows: grid.rows, panels: grid.panels }, skipped, caveats: [...new Set(caveats)] };
}

/** Grafana units (24 columns, rows of ~30 px) → our 12 columns and as few rows as keep the
 * proportions, at most 48. Edges are rounded, so panels that touched still touch and none overlap. */
function layout(placed: Placed[], caveats: string[]): { panels: PanelInput[]; rows: number } {
  // Collapsed rows keep their panels' positions as if open; push anything overlapping down.
  const done: Placed[] = [];
  for (const p of [...placed].sort((a, b) => a.y - b.y || a.x - b.x)) {
    p.x = Math.max(0, Math.min(23, p.x));
    p.w = Math.max(1, Math.min(24 - p.x, p.w));
    p.h = Math.max(1, p.h);
    while (done.some((q) => p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h)) p.y++;
    done.push(p);
  }
  const bottom = Math.max(1, ...done.map((p) => p.y + p.h));
  // About four Grafana units per row of ours (a default 8-high panel is 2 rows), fewer if tall.
  const k = Math.max(4, bottom / 48);
  const ry = (v: number) => Math.round(v / k);
  const rx = (v: number) => Math.round(v / 2);
  const out: PanelInput[] = [];
  let rows = 1;
  for (const p of done) {
    const x = Math.min(11, rx(p.x));
    const x2 = Math.min(12, Math.max(x + 1, rx(p.x + p.w)));
    const y = Math.min(47, ry(p.y));
    const y2 = Math.min(48, Math.max(y + 1, ry(p.y + p.h)));
    rows = Math.max(rows, y2);
    out.push({ ...p.panel, x, y, w: x2 - x, h: y2 - y });
  }
  if (k > 4) caveats.push('the dashboard is tall: it was scaled to fit 48 rows on one screen');
  return { panels: out, rows: out.length === 0 ? 8 : rows };
}
