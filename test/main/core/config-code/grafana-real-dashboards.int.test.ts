// Public Grafana dashboards as people use them (test/fixtures/grafana, Apache-2.0, licence beside
// them; from rfmoz/grafana-dashboards at 4b1729d, prometheus/): Node Exporter Full (125 panels, the
// most-downloaded Grafana dashboard) and HAProxy (103)
// import whole — several boards and a playlist, every panel on a board or listed as skipped with
// why, no two panels overlapping, no board over the schema's maximum — and their template
// variables become board variables put into the queries a screen subscribes to.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigDocumentSchema } from '../../../../src/shared/config-document.ts';
import { MAX_BOARD_PANELS } from '../../../../src/shared/limits.ts';
import { boardWithVariables } from '../../../../src/shared/board-variables.ts';
import { parsePromQL } from '../../../../src/main/core/promql/index.ts';
import { parseRuleFile } from '../../../../src/main/core/rules/rule-files.ts';
import { convertGrafanaDashboard } from '../../../../src/main/core/config-code/grafana-import.ts';

type Json = Record<string, unknown> & { panels: Array<Record<string, unknown> & { panels?: unknown[] }>; templating: { list: Array<Record<string, unknown>> } };
const load = (f: string) => JSON.parse(readFileSync(`test/fixtures/grafana/${f}`, 'utf8')) as Json;

/** Every Grafana panel that is not a row, nested ones included. */
const grafanaPanels = (d: Json) => d.panels.flatMap((p) => (p.type === 'row' ? ((p.panels ?? []) as Array<Record<string, unknown>>) : [p]));

/** Pairs of panels on one board that share a cell. */
export function overlapsOf(panels: ReadonlyArray<{ id: string; x: number; y: number; w: number; h: number }>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const a = panels[i]!;
      const b = panels[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push([a.id, b.id]);
    }
  }
  return out;
}

describe.each([
  ['node-exporter-full.json', 125],
  ['haproxy.json', 103],
])('%s', (file, panelCount) => {
  const dash = load(file);
  const r = convertGrafanaDashboard(dash);
  const doc = ConfigDocumentSchema.parse({ boards: r.boards, playlists: r.playlist ? [r.playlist] : [] });

  it('becomes several valid boards and a playlist of them, in order', () => {
    expect(grafanaPanels(dash)).toHaveLength(panelCount);
    expect(doc.boards.length).toBeGreaterThan(1);
    expect(doc.playlists).toEqual([{ id: r.playlist!.id, name: dash.title, boards: doc.boards.map((b) => b.id), dwell: {} }]);
  });

  it('puts every panel on a board or lists it as skipped with a reason: nothing cut', () => {
    const placed = doc.boards.reduce((n, b) => n + b.panels.length, 0);
    expect(placed + r.skipped.length).toBe(panelCount);
    for (const s of r.skipped) expect(s.reason).not.toBe('');
    expect(r.caveats.join('\n')).not.toMatch(/only the first|were read|cut/);
  });

  it('lays each board out without overlap, at most the schema maximum of panels, none below one grid cell', () => {
    for (const b of doc.boards) {
      expect(overlapsOf(b.panels), b.id).toEqual([]);
      expect(b.panels.length).toBeLessThanOrEqual(MAX_BOARD_PANELS);
      for (const p of b.panels) {
        expect(p.w).toBeGreaterThanOrEqual(1);
        expect(p.h).toBeGreaterThanOrEqual(1);
        expect(p.x + p.w).toBeLessThanOrEqual(b.columns);
        expect(p.y + p.h).toBeLessThanOrEqual(b.rows);
      }
    }
  });

  it("keeps Grafana's widths and heights: nothing squeezed to fit one screen (a short row is drawn twice as tall)", () => {
    const skipped = new Set(r.skipped.map((s) => s.title));
    const theirs = grafanaPanels(dash).filter((p) => !skipped.has(p.title as string));
    expect(doc.boards.flatMap((b) => b.panels.map((p) => `${p.title} ${p.w}`)).sort()).toEqual(theirs.map((p) => `${p.title as string} ${(p.gridPos as { w: number }).w}`).sort());
    // Titles may repeat (HAProxy's), with their own heights.
    const heights = new Map<string, number[]>();
    for (const p of theirs) heights.set(p.title as string, [...(heights.get(p.title as string) ?? []), (p.gridPos as { h: number }).h]);
    for (const b of doc.boards) {
      // One factor per board: 1, or 2 for a short row.
      const fits = (f: number) => b.panels.every((p) => heights.get(p.title)!.some((h) => h * f === p.h));
      expect(fits(1) || fits(2), b.id).toBe(true);
    }
  });

  it('declares the variables on every board, and every query parses once they are put in', () => {
    const names = dash.templating.list.filter((v) => v.type !== 'datasource').map((v) => v.name);
    for (const b of doc.boards) {
      expect(b.variables.map((v) => v.name)).toEqual(names);
      for (const p of boardWithVariables(b).panels) for (const q of p.queries) expect(() => parsePromQL(q.expr), q.expr).not.toThrow();
    }
  });
});

describe('Node Exporter Full: template variables', () => {
  it('keeps instance="$node" and the screen subscribes to the saved value', () => {
    const dash = load('node-exporter-full.json');
    // As exported from a Grafana where someone had picked a node.
    for (const v of dash.templating.list) {
      if (v.name === 'node') v.current = { text: 'host-1:9100', value: 'host-1:9100' };
      if (v.name === 'job') v.current = { text: 'node', value: 'node' };
    }
    const r = convertGrafanaDashboard(dash);
    const board = r.boards.find((b) => b.panels.some((p) => p.title === 'CPU Busy'))!;
    const raw = board.panels.find((p) => p.title === 'CPU Busy')!.queries![0]!.expr;
    expect(raw).toContain('instance="$node"');
    const shown = boardWithVariables(ConfigDocumentSchema.parse({ boards: [board] }).boards[0]!).panels.find((p) => p.title === 'CPU Busy')!.queries[0]!.expr;
    expect(shown).toContain('instance="host-1:9100"');
    expect(shown).toContain('job="node"');
    // $nodename was saved with no value: all of them, as a regex matcher.
    expect(board.variables.find((v) => v.name === 'nodename')!.value).toBe('.*');
  });
});

describe('Node Exporter Full: stat colours', () => {
  it('keeps no thresholds on a stat Grafana draws without colour (RAM Total is not "critical" at 24 GiB)', () => {
    const r = convertGrafanaDashboard(load('node-exporter-full.json'));
    const panel = (title: string) => r.boards.flatMap((b) => b.panels).find((p) => p.title === title)!;
    for (const t of ['RAM Total', 'RootFS Total', 'Uptime', 'CPU Cores']) expect(panel(t).thresholds ?? [], t).toEqual([]);
    // A gauge keeps its thresholds.
    expect((panel('RAM Used').thresholds ?? []).length).toBeGreaterThan(0);
  });
});

describe('recording rules a dashboard reads', () => {
  // The node-mixin's USE dashboards read series its rules record.
  const dash = {
    title: 'Node Exporter / USE Method / Node',
    templating: { list: [{ name: 'instance', type: 'query', current: { value: 'h:9100' } }] },
    panels: [
      { type: 'timeseries', title: 'CPU Utilisation', gridPos: { x: 0, y: 0, w: 12, h: 7 }, targets: [{ expr: 'instance:node_cpu_utilisation:rate5m{job="node", instance="$instance"} != 0' }] },
      { type: 'timeseries', title: 'Memory Saturation', gridPos: { x: 12, y: 0, w: 12, h: 7 }, targets: [{ expr: 'instance:node_vmstat_pgmajfault:rate5m{instance="$instance"}' }, { expr: 'node_load1' }] },
    ],
  };

  it('names the ones Radiator does not record, and says where they come from', () => {
    const r = convertGrafanaDashboard(dash);
    expect(r.caveats).toContain(
      'it reads recording rules Radiator does not have: instance:node_cpu_utilisation:rate5m, instance:node_vmstat_pgmajfault:rate5m. Load the rules they come from (for a mixin, its rules.yaml) with recordingRules.files, or their panels stay empty',
    );
  });

  it('says nothing once the node-mixin rules are loaded', () => {
    const rules = parseRuleFile(readFileSync('test/fixtures/rules/node-exporter-rules.yaml', 'utf8'), 'node-exporter-rules.yaml', 60_000);
    const recorded = new Set(rules.groups.flatMap((g) => g.rules.filter((x) => x.kind === 'record').map((x) => x.name)));
    expect(recorded.has('instance:node_cpu_utilisation:rate5m')).toBe(true);
    expect(convertGrafanaDashboard(dash, { recorded }).caveats.filter((c) => c.includes('recording rules'))).toEqual([]);
  });
});
