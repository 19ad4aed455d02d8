// Queries in edited settings are parsed before they are accepted, so a typo in a rule or a panel
// is refused with the parser's message and the field's path instead of showing up later as a
// broken panel. Only queries for the embedded source are checked: a remote Prometheus may speak
// PromQL this parser does not (it answers for itself).

import type { Settings } from '../../../shared/settings.ts';
import { substituteVariables } from '../../../shared/board-variables.ts';
import { EMBEDDED_SOURCE_ID } from '../sources/embedded-source.ts';
import { parsePromQL } from '../promql/index.ts';

function problem(path: string, expr: string): string | null {
  try {
    parsePromQL(expr);
    return null;
  } catch (e) {
    return `${path} = ${JSON.stringify(expr)}: ${(e as Error).message}`;
  }
}

export function queryProblems(s: Settings): string[] {
  const out: string[] = [];
  s.alerts.rules.forEach((r, i) => {
    if (r.source !== EMBEDDED_SOURCE_ID) return;
    const p = problem(`alerts.rules.${i}.expr`, r.expr);
    if (p) out.push(p);
  });
  s.boards.forEach((b, i) =>
    b.panels.forEach((panel, j) =>
      panel.queries.forEach((q, k) => {
        if (q.source !== EMBEDDED_SOURCE_ID) return;
        // As the screen will run it: with the board's variables in place.
        const p = problem(`boards.${i}.panels.${j}.queries.${k}.expr`, substituteVariables(q.expr, b.variables));
        if (p) out.push(p);
      }),
    ),
  );
  s.experiments.forEach((x, i) => {
    for (const field of ['exposures', 'conversions'] as const) {
      try {
        if (parsePromQL(x[field]).type !== 'vector') out.push(`experiments.${i}.${field} = ${JSON.stringify(x[field])}: must be a series selector like name{label="value"}`);
      } catch (e) {
        out.push(`experiments.${i}.${field} = ${JSON.stringify(x[field])}: ${(e as Error).message}`);
      }
    }
  });
  return out;
}
