// Template variables in board queries: Grafana's three spellings and its formats, several values
// and "All" turning a label matcher into a regex matcher, and undeclared names left as written.
import { describe, expect, it } from 'vitest';
import { parsePromQL } from '../../src/main/core/promql/index.ts';
import { BoardSchema, type BoardVariable } from '../../src/shared/boards.ts';
import { boardWithVariables, substituteVariables } from '../../src/shared/board-variables.ts';

const v = (name: string, value: string | string[]): BoardVariable => ({ name, value, options: [] });
const vars = [v('node', 'host-1:9100'), v('job', 'node'), v('all', '.*'), v('codes', ['2xx', '5xx']), v('iv', '30s'), v('dot', ['a.b'])];

describe('substituteVariables', () => {
  it.each([
    ['up{instance="$node"}', 'up{instance="host-1:9100"}'],
    ['up{instance=~"$node"}', 'up{instance=~"host-1:9100"}'],
    ['up{instance="${node}", job="[[job]]"}', 'up{instance="host-1:9100", job="node"}'],
    ['up{instance="$all"}', 'up{instance=~".*"}'],
    ['up{instance!="$all"}', 'up{instance!~".*"}'],
    ['up{code=~"$codes"}', 'up{code=~"(2xx|5xx)"}'],
    ['up{code="$codes"}', 'up{code=~"(2xx|5xx)"}'],
    ['up{code=~"${codes:pipe}"}', 'up{code=~"2xx|5xx"}'],
    ['up{x=~"${dot:regex}"}', 'up{x=~"a\\\\.b"}'],
    ['rate(x{job="$job"}[$iv])', 'rate(x{job="node"}[30s])'],
    ['rate(x[${iv}])', 'rate(x[30s])'],
    ['up{a="$unknown"}', 'up{a="$unknown"}'],
    ['label_replace(up, "a", "$1", "instance", "(.*)")', 'label_replace(up, "a", "$1", "instance", "(.*)")'],
    ['up{job="$jobs"}', 'up{job="$jobs"}'],
  ])('%s → %s', (input, out) => {
    expect(substituteVariables(input, vars)).toBe(out);
    expect(() => parsePromQL(out.replace(/\$\w+/g, 'x'))).not.toThrow();
  });

  it('leaves a query without variables alone', () => {
    expect(substituteVariables('up{a="$node"}', [])).toBe('up{a="$node"}');
  });
});

describe('board variables', () => {
  it('are part of the board schema, unique by name, and applied to every query', () => {
    const board = BoardSchema.parse({
      id: 'b',
      title: 'B',
      variables: [{ name: 'node', value: 'h:9100' }],
      panels: [{ id: 'p', type: 'timeseries', x: 0, y: 0, w: 1, h: 1, queries: [{ expr: 'up{instance=~"$node"}' }] }],
    });
    expect(boardWithVariables(board).panels[0]!.queries[0]!.expr).toBe('up{instance=~"h:9100"}');
    expect(BoardSchema.safeParse({ id: 'b', title: 'B', variables: [{ name: 'a', value: 'x' }, { name: 'a', value: 'y' }] }).success).toBe(false);
    expect(BoardSchema.safeParse({ id: 'b', title: 'B', variables: [{ name: '1a', value: 'x' }] }).success).toBe(false);
  });
});
