// A Grafana dashboard (its JSON model, as "Export → Save to file" or the HTTP API give it) as
// Radiator boards. Pure. What converts: time series (and the old graph), stat (and singlestat),
// gauge, bar gauge, table and text panels with Prometheus queries; units where they correspond;
// thresholds by colour family; template variables as board variables (their saved value, `.*`
// for All). A dashboard becomes as many boards as it needs — one per Grafana row, or per
// screenful of a tall row (grafana-layout.ts) — and a playlist of them; nothing is cut for its
// size. What does not convert is listed with the reason, every approximation as a caveat, and
// recording rules the dashboard reads that Radiator does not record are named.

import type { BoardInput, BoardVariable, PanelInput } from '../../../shared/boards.ts';
import { UNITS } from '../../../shared/boards.ts';
import { ALL_VALUE, substituteVariables } from '../../../shared/board-variables.ts';
import { MAX_BOARD_VARIABLES, MAX_GRAFANA_BOARDS, MAX_GRAFANA_PANELS, MAX_PANEL_QUERIES, MAX_VARIABLE_VALUES } from '../../../shared/limits.ts';
import { parsePromQL, selectorsOf } from '../promql/index.ts';
import { GRAFANA_COLUMNS, screensOf, type GridItem } from './grafana-layout.ts';

export interface GrafanaConversion {
  /** One board per Grafana row or screenful, in the dashboard's order. */
  boards: Array<BoardInput & { id: string; title: string; panels: PanelInput[]; variables: BoardVariable[] }>;
  /** Holds the boards in order when there are several. */
  playlist: { id: string; name: string; boards: string[] } | null;
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
  /** The board's id (and the playlist's, and the start of each board's when there are several);
   * by default from the dashboard's title. */
  id?: string;
  /** Metric names Radiator's recording rules produce. */
  recorded?: ReadonlySet<string>;
}

/** Rewrites Grafana's macros into plain PromQL. References to the dashboard's variables
 * (`declared`) stay for the board to substitute; a matcher using any other variable is removed
 * (the whole value) or widened to `.+` (part of it). Returns the query and what was approximated,
 * or the reason it cannot be. */
export function rewriteExpr(expr: string, rangeMs: number, declared: readonly BoardVariable[] = []): { expr: string; notes: string[] } | { error: string } {
  const notes: string[] = [];
  const known = new Set(declared.map((v) => v.name));
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
  const unknownRef = (m: RegExpMatchArray) => {
    const name = (m[1] ?? m[2] ?? m[3])!;
    return known.has(name) ? null : name;
  };
  // Label matchers whose value uses an undeclared variable: the whole value → drop the matcher;
  // part of it → `.+`.
  q = q.replace(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g, (all, label: string, op: string, value: string) => {
    const vars = [...value.matchAll(varRef)].map(unknownRef).filter((x): x is string => x !== null);
    if (vars.length === 0) return all;
    const rest = value.replace(varRef, (ref, a?: string, b?: string, c?: string) => (known.has((a ?? b ?? c)!) ? ref : ''));
    if (rest.trim() === '') {
      notes.push(`the matcher ${label}${op}"${value}" (template variable $${vars[0]}, which the dashboard does not declare) was removed: the panel shows every ${label}`);
      return '\u0000';
    }
    const regexOp = op === '=' || op === '=~' ? '=~' : '!~';
    notes.push(`template variable $${vars[0]} (not declared by the dashboard) in ${label}${op}"${value}" became .+`);
    return `${label}${regexOp}"${value.replace(varRef, (ref, a?: string, b?: string, c?: string) => (known.has((a ?? b ?? c)!) ? ref : '.+'))}"`;
  });
  // Tidy the commas and braces removed matchers leave behind.
  q = q.replace(/\{\s*\u0000\s*,?\s*/g, '{').replace(/,\s*\u0000/g, '').replace(/\u0000\s*,?/g, '').replace(/\{\s*,/g, '{').replace(/,\s*\}/g, '}').replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{\s*\}/g, '$1');
  const left = [...q.matchAll(varRef)].map(unknownRef).filter((x): x is string => x !== null);
  if (left.length > 0) return { error: `uses the template variable $${left[0]} outside a label matcher, and the dashboard does not declare it` };
  const shown = substituteVariables(q, declared);
  try {
    parsePromQL(shown);
  } catch (e) {
    return { error: `the query "${shown}" does not parse: ${(e as Error).message}` };
  }
  return { expr: q, notes };
}

/** Recording-rule outputs a query reads: metric names of the form level:metric:operations. */
export function recordedNamesOf(expr: string): string[] {
  try {
    return [...new Set(selectorsOf(parsePromQL(expr)).map((s) => s.name ?? s.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value ?? '').filter((n) => n.includes(':')))];
  } catch {
    return [];
  }
}

/** The dashboard's template variables as board variables: the saved value (several for a
 * multi-value one), `.*` for All (or the variable's own all value), else the first option. */
export function variablesOf(dash: Json, caveats: string[]): BoardVariable[] {
  const out: BoardVariable[] = [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
  for (const v of arr(obj(dash.templating).list).map(obj)) {
    const name = str(v.name) ?? '';
    const type = str(v.type) ?? 'query';
    if (type === 'datasource') continue; // which Prometheus: the board's source says that
    if (type === 'adhoc') {
      caveats.push(`the ad hoc filter $${name} has no Radiator equivalent: queries are not filtered by it`);
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      caveats.push(`the variable "${name}" has a name Radiator cannot use; matchers using it were removed`);
      continue;
    }
    if (out.length >= MAX_BOARD_VARIABLES) {
      caveats.push(`only the first ${MAX_BOARD_VARIABLES} variables were kept; $${name} and any after it were not`);
      break;
    }
    // A query variable saved empty is one Grafana fills in on load (its first value): not saved.
    const current = list(obj(v.current).value)
      .filter((x) => !(type === 'query' && x === ''))
      .slice(0, MAX_VARIABLE_VALUES);
    const options = arr(v.options).map((o) => str(obj(o).value)).filter((x): x is string => x !== undefined && x !== '$__all');
    const queryText = typeof v.query === 'string' ? v.query : '';
    // A custom or interval variable lists its values in `query` (`options` holds only the saved one).
    const fromQuery = type === 'custom' || type === 'interval' ? queryText.split(',').map((x) => x.trim()).filter(Boolean) : [];
    const listed = fromQuery.length > 0 ? fromQuery : options;
    const all = str(v.allValue) || ALL_VALUE;
    let value: string | string[];
    if (current.includes('$__all')) value = all;
    else if (current.length > 0) value = v.multi === true && current.length !== 1 ? current : current[0]!;
    else if (type === 'constant' || type === 'textbox') value = queryText;
    else if (listed.length > 0) value = listed[0]!;
    else {
      value = all;
      caveats.push(`the variable $${name} has no saved value: the boards show every ${name} (${all}); set one on the board`);
    }
    if (type === 'query' && current.length > 0 && !current.includes('$__all')) {
      caveats.push(`$${name} is ${JSON.stringify(value)} as saved in the dashboard; Radiator does not list its values from a query`);
    }
    out.push({ name, value, options: listed.slice(0, MAX_VARIABLE_VALUES) });
  }
  return out;
}

interface Placed {
  panel: PanelInput;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The dashboard's sections in order: the panels above the first row, then each row with its
 * panels (a collapsed row holds them inside; an open one is followed by them). */
function sectionsOf(panels: unknown[]): Array<{ title: string | null; panels: Json[] }> {
  const out: Array<{ title: string | null; panels: Json[] }> = [{ title: null, panels: [] }];
  const top = panels.map(obj).sort((a, b) => (num(obj(a.gridPos).y) ?? 0) - (num(obj(b.gridPos).y) ?? 0) || (num(obj(a.gridPos).x) ?? 0) - (num(obj(b.gridPos).x) ?? 0));
  for (const p of top) {
    if (p.type === 'row') out.push({ title: str(p.title) ?? '', panels: arr(p.panels).map(obj) });
    else out[out.length - 1]!.panels.push(p);
  }
  return out.filter((s) => s.panels.length > 0);
}

/** Grafana's time series has thresholds by default (green, red at 80) but draws them only when
 * asked to (custom.thresholdsStyle); ours always draws them, so only drawn ones come across. */
function drawsThresholds(p: Json, ours: PanelInput['type']): boolean {
  // A stat whose colour mode is "none" (or a fixed colour) shows no state: its default thresholds
  // (green, red at 80) would make "RAM Total 24 GiB" critical on the TV.
  if (ours === 'stat') {
    const fixed = str(obj(obj(obj(p.fieldConfig).defaults).color).mode) === 'fixed';
    return str(obj(p.options).colorMode) !== 'none' && !fixed;
  }
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

/** One Grafana panel as ours (placed on Grafana's grid), or null when it is skipped (and why is
 * in `skipped`). `usedIds` keeps panel ids unique across the whole dashboard. */
function convertPanel(p: Json, rangeMs: number, variables: readonly BoardVariable[], usedIds: Set<string>, skipped: GrafanaConversion['skipped'], caveats: string[]): Placed | null {
  const type = str(p.type) ?? '';
  const ptitle = (str(p.title) ?? '').slice(0, 120);
  const name = ptitle || `${type} panel`;
  const ours = TYPE_MAP[type];
  if (!ours) {
    skipped.push({ title: name, reason: `"${type}" panels have no Radiator equivalent` });
    return null;
  }
  const ds = p.datasource;
  const dsType = typeof ds === 'object' && ds !== null ? str(obj(ds).type) : undefined;
  if (ours !== 'text' && dsType && dsType !== 'prometheus' && dsType !== 'datasource' && !dsType.startsWith('$')) {
    skipped.push({ title: name, reason: `it reads a "${dsType}" data source, not Prometheus` });
    return null;
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
    const r = rewriteExpr(expr, range, variables);
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
    return null;
  }
  for (const pr of problems) caveats.push(`"${name}": a query was left out: ${pr}`);
  if (queries.length > MAX_PANEL_QUERIES) {
    caveats.push(`"${name}": only the first ${MAX_PANEL_QUERIES} of ${queries.length} queries were kept`);
    queries.length = MAX_PANEL_QUERIES;
  }
  // The old graph panel keeps its unit on the left y axis.
  const unitRaw = str(defaults.unit) ?? str(obj(arr(p.yaxes)[0]).format) ?? str(p.format) ?? 'none';
  const unit = UNIT_MAP[unitRaw];
  if (!unit) caveats.push(`"${name}": the unit "${unitRaw}" has no equivalent; shown without one`);
  const min = num(defaults.min);
  const max = num(defaults.max);
  const decimals = num(defaults.decimals) ?? num(p.decimals);
  const panelId = (() => {
    const base = slug(ptitle || `panel-${num(p.id) ?? usedIds.size + 1}`);
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
  return { panel, x: num(g.x) ?? 0, y: num(g.y) ?? 0, w: num(g.w) ?? 12, h: num(g.h) ?? 8 };
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
  const variables = variablesOf(dash, caveats);

  const sections = sectionsOf(arr(dash.panels));
  const total = sections.reduce((n, s) => n + s.panels.length, 0);
  if (total > MAX_GRAFANA_PANELS) throw new Error(`the dashboard has ${total} panels; at most ${MAX_GRAFANA_PANELS} are read`);
  const usedIds = new Set<string>();
  const usedBoardIds = new Set<string>();
  const boards: GrafanaConversion['boards'] = [];
  const many = sections.length > 1;
  for (const section of sections) {
    const placed = section.panels.map((p) => convertPanel(p, rangeMs, variables, usedIds, skipped, caveats)).filter((x): x is Placed => x !== null);
    const screens = screensOf<PanelInput>(placed.map((p): GridItem<PanelInput> => ({ item: p.panel, x: p.x, y: p.y, w: p.w, h: p.h })));
    screens.forEach((screen, i) => {
      const part = screens.length > 1 ? ` (${i + 1}/${screens.length})` : '';
      const name = section.title ?? (many ? 'Overview' : '');
      const boardTitle = (name ? `${title} · ${name}` : title).slice(0, 80 - part.length) + part;
      const base = `${id.slice(0, 40)}-${slug(name || 'overview').slice(0, 18)}`;
      let boardId = screens.length > 1 ? `${base}-${i + 1}` : base;
      for (let n = 2; usedBoardIds.has(boardId); n++) boardId = `${base}-${i + 1}-${n}`;
      usedBoardIds.add(boardId);
      boards.push({
        id: boardId,
        title: boardTitle,
        columns: GRAFANA_COLUMNS,
        rows: screen.rows,
        variables,
        panels: screen.items.map((it) => ({ ...it.item, x: it.x, y: it.y, w: it.w, h: it.h })),
      });
    });
  }
  if (boards.length > MAX_GRAFANA_BOARDS) throw new Error(`the dashboard would make ${boards.length} boards; at most ${MAX_GRAFANA_BOARDS}`);
  // One board keeps the dashboard's id and title; several are named after their rows.
  if (boards.length === 1) Object.assign(boards[0]!, { id, title });

  // Recording rules the dashboard reads (level:metric:operations names) that nothing records here.
  const recorded = opts.recorded ?? new Set<string>();
  const missing = new Set<string>();
  for (const b of boards) for (const p of b.panels) for (const q of p.queries ?? []) for (const n of recordedNamesOf(substituteVariables(q.expr, variables))) if (!recorded.has(n)) missing.add(n);
  if (missing.size > 0) {
    caveats.push(`it reads recording rules Radiator does not have: ${[...missing].sort().join(', ')}. Load the rules they come from (for a mixin, its rules.yaml) with recordingRules.files, or their panels stay empty`);
  }
  const playlist = boards.length > 1 ? { id, name: title, boards: boards.map((b) => b.id) } : null;
  return { boards, playlist, skipped, caveats: [...new Set(caveats)] };
}
