// The Grafana converter, on a dashboard in the shape Grafana 10 exports (schemaVersion 39): rows,
// a collapsed row with nested panels, a heatmap and a Loki logs panel that cannot be converted,
// template variables. Each row becomes a board; the boards make a playlist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BoardSchema } from '../../../../src/shared/boards.ts';
import { parsePromQL } from '../../../../src/main/core/promql/index.ts';
import { convertGrafanaDashboard, rewriteExpr, stateOfColour } from '../../../../src/main/core/config-code/grafana-import.ts';
import { boardWithVariables, substituteVariables } from '../../../../src/shared/board-variables.ts';

const fixture = JSON.parse(readFileSync('test/fixtures/grafana/service-overview.json', 'utf8')) as Record<string, unknown>;

describe('Grafana dashboard → board', () => {
  const r = convertGrafanaDashboard(fixture);
  const boards = r.boards.map((b) => BoardSchema.parse(b));
  const byTitle = new Map(boards.flatMap((b) => b.panels.map((p) => [p.title, p] as const)));

  it('makes a valid board per row, named after the dashboard and the row, and a playlist of them; every query parsing with the variables in place', () => {
    expect(boards.map((b) => [b.id, b.title, b.columns])).toEqual([
      ['service-overview-overview', 'Service overview · Overview', 24],
      ['service-overview-traffic', 'Service overview · Traffic', 24],
      ['service-overview-process', 'Service overview · Process', 24],
    ]);
    expect(r.playlist).toEqual({ id: 'service-overview', name: 'Service overview', boards: boards.map((b) => b.id) });
    for (const b of boards) for (const p of b.panels) for (const q of p.queries) expect(() => parsePromQL(substituteVariables(q.expr, b.variables))).not.toThrow();
  });

  it('converts each panel type it knows, including the old graph and those inside a collapsed row', () => {
    expect([...byTitle].map(([t, p]) => [t, p.type])).toEqual([
      ['Error ratio', 'stat'],
      ['CPU busy', 'gauge'],
      ['Busiest routes', 'bargauge'],
      ['Requests by status', 'timeseries'],
      ['Latency p95 (old graph)', 'timeseries'],
      ['Memory by instance', 'table'],
      ['Notes', 'text'],
      ['Uptime', 'timeseries'],
      ['Revenue last hour', 'stat'],
    ]);
    expect(byTitle.get('Notes')!.text).toContain('**#payments-oncall**');
  });

  it('lists what it could not convert, with the reason', () => {
    expect(r.skipped).toEqual([
      { title: 'Latency heatmap', reason: '"heatmap" panels have no Radiator equivalent' },
      { title: 'Error logs', reason: '"logs" panels have no Radiator equivalent' },
    ]);
  });

  it("keeps Grafana's 24 columns and heights (doubled for a short row), each row from the top of its board, without overlaps", () => {
    // The row of stats above the first row is short: drawn twice as tall, on half a screen.
    expect(byTitle.get('Error ratio')).toMatchObject({ x: 0, y: 0, w: 6, h: 12 });
    expect(boards[0]!.rows).toBe(12);
    expect(byTitle.get('CPU busy')).toMatchObject({ x: 6, w: 6 });
    expect(byTitle.get('Busiest routes')).toMatchObject({ x: 12, w: 12 });
    expect(byTitle.get('Latency p95 (old graph)')).toMatchObject({ x: 12, y: 0, w: 12, h: 8 });
    // The heatmap's place stays empty; the collapsed row's panels start their own board.
    expect(byTitle.get('Memory by instance')).toMatchObject({ x: 8, y: 8 });
    expect(byTitle.get('Uptime')).toMatchObject({ x: 0, y: 0 });
    for (const b of boards) {
      const cells = new Set<string>();
      for (const p of b.panels) {
        expect(p.x + p.w).toBeLessThanOrEqual(24);
        expect(p.y + p.h).toBeLessThanOrEqual(b.rows);
        for (let x = p.x; x < p.x + p.w; x++) for (let y = p.y; y < p.y + p.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('maps units, decimals, min/max and thresholds by colour family', () => {
    expect(byTitle.get('Error ratio')).toMatchObject({
      unit: 'percentunit',
      decimals: 2,
      thresholds: [
        { value: 0, state: 'ok' },
        { value: 0.01, state: 'warn' },
        { value: 0.05, state: 'crit' },
      ],
    });
    expect(byTitle.get('CPU busy')).toMatchObject({ unit: 'percent', min: 0, max: 100, thresholds: [{ value: 0, state: 'ok' }, { value: 70, state: 'warn' }, { value: 90, state: 'crit' }] });
    expect(byTitle.get('Memory by instance')).toMatchObject({ unit: 'bytes', decimals: 1 });
    expect(byTitle.get('Uptime')!.unit).toBe('seconds');
    expect(byTitle.get('Revenue last hour')!.unit).toBe('eur');
    expect(byTitle.get('Busiest routes')!.unit).toBe('reqps');
    // The old graph: its y-axis unit and its critical threshold.
    expect(byTitle.get('Latency p95 (old graph)')).toMatchObject({ unit: 'seconds', thresholds: [{ value: 0.5, state: 'crit' }], legend: false });
    // A time series' default thresholds are not drawn in Grafana, so they do not come across.
    expect(byTitle.get('Requests by status')!.thresholds).toEqual([]);
  });

  it('replaces $__rate_interval, keeps template variables as board variables, keeps legends, drops hidden queries', () => {
    expect(byTitle.get('Error ratio')!.queries).toEqual([{ expr: 'sum(rate(http_requests_total{job="$job", code=~"5.."}[5m])) / sum(rate(http_requests_total{job="$job"}[5m]))', legend: '', source: 'embedded' }]);
    expect(byTitle.get('Requests by status')!.queries).toEqual([{ expr: 'sum by (code) (rate(http_requests_total{job=~"$job"}[5m]))', legend: '{{code}}', source: 'embedded' }]);
    expect(byTitle.get('Latency p95 (old graph)')!.queries[0]!.expr).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="$job", env="$env-eu"}[5m])))');
    // $job (multi, All, nothing saved) is all; $env (custom) its saved value, with its list.
    expect(boards[0]!.variables).toEqual([
      { name: 'job', value: '.*', options: [] },
      { name: 'instance', value: '.*', options: [] },
      { name: 'env', value: 'prod', options: ['prod', 'staging'] },
    ]);
    expect(boardWithVariables(boards[1]!).panels[1]!.queries[0]!.expr).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job=~".*", env="prod-eu"}[5m])))');
    expect(r.caveats).toContain('the variable $job has no saved value: the boards show every job (.*); set one on the board');
    expect(r.caveats.filter((c) => c.includes('"Error ratio"'))).toHaveLength(1); // listed once
  });

  it('takes the dashboard range, and the API wrapper {dashboard, meta}', () => {
    expect(byTitle.get('Error ratio')!.range).toBe(6 * 3_600_000);
    const wrapped = convertGrafanaDashboard({ dashboard: fixture, meta: { slug: 'x' } }, { id: 'svc' });
    expect(wrapped.playlist!.id).toBe('svc');
    expect(wrapped.boards.map((b) => b.id)).toEqual(['svc-overview', 'svc-traffic', 'svc-process']);
    expect(wrapped.boards.flatMap((b) => b.panels)).toHaveLength(9);
  });

  it('refuses what is not a dashboard', () => {
    expect(() => convertGrafanaDashboard({ hello: 1 })).toThrow(/not a Grafana dashboard/);
  });
});

describe('template variables → board variables', () => {
  const list = [
    { name: 'ds', type: 'datasource', query: 'prometheus' },
    { name: 'cluster', type: 'query', current: { text: '', value: '' } }, // filled in by Grafana on load
    { name: 'pods', type: 'query', multi: true, current: { value: ['a', 'b'] } },
    { name: 'ns', type: 'query', includeAll: true, allValue: 'prod-.*', current: { value: ['$__all'] } },
    { name: 'res', type: 'interval', query: '1m,5m', current: { value: '5m' } },
    { name: 'lim', type: 'constant', query: '10' },
    { name: 'f', type: 'adhoc' },
  ];
  const dash = { title: 'V', templating: { list }, panels: [{ type: 'stat', title: 'S', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ expr: 'topk($lim, sum by (pod) (rate(x{cluster="$cluster", pod=~"$pods", ns=~"$ns"}[$res])))' }] }] };
  const r = convertGrafanaDashboard(dash);
  const board = BoardSchema.parse(r.boards[0]);

  it('keeps saved values (several for multi-value), All as its all value, empty as all; leaves out data source and ad hoc ones', () => {
    expect(board.variables).toEqual([
      { name: 'cluster', value: '.*', options: [] },
      { name: 'pods', value: ['a', 'b'], options: [] },
      { name: 'ns', value: 'prod-.*', options: [] },
      { name: 'res', value: '5m', options: ['1m', '5m'] },
      { name: 'lim', value: '10', options: [] },
    ]);
    expect(r.caveats).toContain('the ad hoc filter $f has no Radiator equivalent: queries are not filtered by it');
    expect(r.playlist).toBeNull(); // one section: one board, under the dashboard's own id
    expect(board.id).toBe('v');
  });

  it('puts them into the query the screen subscribes to', () => {
    expect(boardWithVariables(board).panels[0]!.queries[0]!.expr).toBe('topk(10, sum by (pod) (rate(x{cluster=~".*", pod=~"(a|b)", ns=~"prod-.*"}[5m])))');
  });
});

describe('rewriteExpr', () => {
  it.each([
    ['up{job="$job"}', 'up'],
    ['up{job="$job", env="prod"}', 'up{env="prod"}'],
    ['up{env="prod", job=~"${job}"}', 'up{env="prod"}'],
    ['rate(x[$__interval])', 'rate(x[1m])'],
    ['up{job!="$job"}', 'up'],
    ['up{job=~"$job|other"}', 'up{job=~".+|other"}'],
    ['up{job!="[[job]]-canary"}', 'up{job!~".+-canary"}'],
  ])('%s → %s', (input, out) => {
    const r = rewriteExpr(input, 3_600_000);
    expect('expr' in r && r.expr).toBe(out);
  });

  it("keeps the dashboard's own variables for the board, checking the query with their values", () => {
    const node = [{ name: 'node', value: 'h:9100', options: [] }, { name: 'n', value: '5', options: [] }];
    expect(rewriteExpr('up{instance="$node", job="$job"}', 3_600_000, node)).toMatchObject({ expr: 'up{instance="$node"}' });
    expect(rewriteExpr('topk($n, up{instance=~"${node}"})', 3_600_000, node)).toMatchObject({ expr: 'topk($n, up{instance=~"${node}"})' });
  });

  it('refuses a variable outside a matcher, and what does not parse', () => {
    expect(rewriteExpr('topk($n, up)', 3_600_000)).toEqual({ error: 'uses the template variable $n outside a label matcher, and the dashboard does not declare it' });
    expect('error' in rewriteExpr('sum(rate(x[5m])', 3_600_000)).toBe(true);
  });
});

describe('colour families', () => {
  it.each([
    ['red', 'crit'],
    ['dark-red', 'crit'],
    ['semi-dark-orange', 'warn'],
    ['#EAB839', 'warn'],
    ['yellow', 'warn'],
    ['green', 'ok'],
    ['#73BF69', 'ok'],
    ['rgba(245, 54, 54, 0.9)', 'crit'],
    ['blue', 'info'],
    ['#808080', 'info'],
    ['transparent', null],
  ])('%s is %s', (c, state) => expect(stateOfColour(c)).toBe(state));
});
