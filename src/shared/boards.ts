// Boards, panels, playlists and the display as data — the settings schema the renderer draws
// from and the settings UI edits. Boards are data, not code.

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';
import { FEED_MAX_QUERY_STEPS, MAX_BOARD_PANELS, MAX_BOARD_VARIABLES, MAX_PANEL_QUERIES, MAX_VARIABLE_VALUES } from './limits.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' });

export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'statusgrid', 'table', 'events', 'text', 'clock', 'alerts', 'experiment', 'dora', 'oncall'] as const;
export type PanelType = (typeof PANEL_TYPES)[number];

/** Units the renderer formats: numbers get the right prefix and suffix. */
export const UNITS = ['none', 'percent', 'percentunit', 'seconds', 'ms', 'bytes', 'bytes/s', 'reqps', 'ops', 'eur', 'usd', 'count', 'celsius'] as const;

export const ThresholdSchema = z
  .object({
    value: z.number(),
    /** ok / warn / crit pick the colour-blind-safe palette colours (and shapes). */
    state: z.enum(['ok', 'warn', 'crit', 'info']),
  })
  .strict();

export const QuerySchema = z
  .object({
    expr: z.string().min(1).max(10_000),
    /** `{{label}}` templates; empty shows the labels. */
    legend: z.string().max(200).default(''),
    source: z.string().default('embedded'),
  })
  .strict();

export const PanelSchema = z
  .object({
    id,
    type: z.enum(PANEL_TYPES),
    title: z.string().max(120).default(''),
    /** Grid position and size, in cells of the board's grid. */
    x: z.number().int().min(0).max(47),
    y: z.number().int().min(0).max(47),
    w: z.number().int().min(1).max(48),
    h: z.number().int().min(1).max(48),
    queries: z.array(QuerySchema).max(MAX_PANEL_QUERIES).default([]),
    /** How much history a chart shows, and (for stat) the period the change is measured against. */
    range: durationSchema(60_000, 90 * 86_400_000).default(3_600_000),
    /** The query step; by default about 720 points across the range. */
    step: durationSchema(1_000, 86_400_000).nullable().default(null),
    unit: z.enum(UNITS).default('none'),
    decimals: z.number().int().min(0).max(6).nullable().default(null),
    /** Ascending: the highest threshold a value reaches decides its state. */
    thresholds: z.array(ThresholdSchema).max(10).default([]),
    /** Data older than this is shown as stale; default: a few steps of the panel's query. */
    maxAge: durationSchema(1_000, 7 * 86_400_000).nullable().default(null),
    /** Events drawn on a time series (deploys as markers, incidents as shaded regions, alerts of
     * this board's rules where they started firing). */
    events: z
      .object({ kinds: z.array(z.enum(['deploy', 'change', 'incident', 'build', 'note', 'alert', 'check'])).default(['deploy', 'incident', 'alert']), tags: z.array(z.string()).default([]) })
      .strict()
      .nullable()
      .default({ kinds: ['deploy', 'incident', 'alert'], tags: [] }),
    /** An expected band: mean ± k·σ of the trailing range. */
    band: z.object({ k: z.number().min(0.5).max(10).default(3) }).strict().nullable().default(null),
    /** Time series: mark the points the anomaly detectors call anomalous, and draw the band they
     * expected (the seasonal expectation where they found a period). */
    anomalies: z.boolean().default(false),
    legend: z.boolean().default(true),
    /** Markdown for text panels. */
    text: z.string().max(20_000).default(''),
    /** Status grid: which label names a cell; table: how many rows. */
    labelKey: z.string().max(100).default(''),
    limit: z.number().int().min(1).max(100).default(10),
    /** For experiment cards, on-call and DORA panels: which one. */
    ref: z.string().max(100).default(''),
    /** For stat panels: show the sparkline. */
    sparkline: z.boolean().default(true),
    max: z.number().nullable().default(null),
    min: z.number().nullable().default(null),
  })
  .strict();

export type Panel = z.output<typeof PanelSchema>;

const variableValue = z.string().max(1_000);

export const VariableSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: 'must be a name like node or job_name' }),
    /** One value, or several (they match as a|b|c in =~ matchers). `.*` means all. */
    value: z.union([variableValue, z.array(variableValue).max(MAX_VARIABLE_VALUES)]),
    /** The values offered when it is edited (a Grafana custom variable's list). */
    options: z.array(variableValue).max(MAX_VARIABLE_VALUES).default([]),
  })
  .strict();

export type BoardVariable = z.output<typeof VariableSchema>;
export type PanelInput = z.input<typeof PanelSchema>;

export const BoardSchema = z
  .object({
    id,
    title: z.string().min(1).max(80),
    enabled: z.boolean().default(true),
    /** How long the board stays on screen in a rotation. */
    dwell: durationSchema(5_000, 3_600_000).default(30_000),
    /** The grid: panels are placed in cells of columns × rows. */
    columns: z.number().int().min(1).max(48).default(12),
    rows: z.number().int().min(1).max(48).default(8),
    panels: z.array(PanelSchema).max(MAX_BOARD_PANELS).default([]),
    /** Template variables: `$name`, `${name}`, `${name:format}` and `[[name]]` in the panels'
     * queries are replaced by the value when a screen subscribes (src/shared/board-variables.ts). */
    variables: z.array(VariableSchema).max(MAX_BOARD_VARIABLES).default([]),
    /** Set when a board comes from a watched directory (files win over the UI). */
    managedBy: z.string().nullable().default(null),
  })
  .strict()
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    b.variables.forEach((v, i) => {
      if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'name'], input: v.name, message: 'variable names must be unique on a board' });
      names.add(v.name);
    });
    const ids = new Set<string>();
    b.panels.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['panels', i, 'id'], input: p.id, message: 'panel ids must be unique on a board' });
      ids.add(p.id);
      if (p.x + p.w > b.columns) ctx.addIssue({ code: 'custom', path: ['panels', i, 'w'], input: p.w, message: `the panel does not fit: x + w must be at most ${b.columns} columns` });
      // A stat reads twice its range (it compares with the period before).
      const span = p.type === 'stat' ? 2 * p.range : p.range;
      if (p.step !== null && span / p.step > FEED_MAX_QUERY_STEPS) {
        ctx.addIssue({ code: 'custom', path: ['panels', i, 'step'], input: p.step, message: `this range at this step is ${Math.ceil(span / p.step)} points; at most ${FEED_MAX_QUERY_STEPS}` });
      }
      if (p.y + p.h > b.rows) ctx.addIssue({ code: 'custom', path: ['panels', i, 'h'], input: p.h, message: `the panel does not fit: y + h must be at most ${b.rows} rows` });
    });
  });

export type Board = z.output<typeof BoardSchema>;
export type BoardInput = z.input<typeof BoardSchema>;

export const PlaylistSchema = z
  .object({
    id,
    name: z.string().min(1).max(80),
    boards: z.array(id).min(1),
    /** Per-board dwell overrides (board id → duration). */
    dwell: z.record(id, durationSchema(5_000, 3_600_000)).default({}),
  })
  .strict();

export type Playlist = z.output<typeof PlaylistSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 08:30' });

export const DisplaySchema = z
  .object({
    theme: z.enum(['dark', 'light']).default('dark'),
    /** When an alert fires, its board comes to the front and rotation holds it while it fires. */
    priority: z.boolean().default(true),
    /** Office hours (in the screen's local time); outside them the night mode applies. */
    schedule: z
      .object({
        enabled: z.boolean().default(false),
        days: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
        from: hhmm.default('08:00'),
        to: hhmm.default('18:00'),
        night: z.enum(['dim', 'blank']).default('dim'),
      })
      .strict()
      .prefault({}),
    /** A slow shift of the whole picture by a few pixels, against burn-in on TVs. */
    pixelShift: z.boolean().default(true),
    /** Screens (a TV each) and the playlist each shows; `?screen=<name>` picks one. */
    screens: z.record(z.string().regex(/^[a-z0-9_-]{1,32}$/), z.string()).default({}),
    defaultPlaylist: z.string().default('default'),
  })
  .strict();

export type Display = z.output<typeof DisplaySchema>;
