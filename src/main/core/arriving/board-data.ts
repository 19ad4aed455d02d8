// Which boards have data: a board whose queries select no stored series shows nothing but empty
// panels, so the screens keep a shipped one out of the rotation until it has some, and say which
// names it waits for (in the settings, and on an empty panel in words instead of its PromQL).
// Decided from the series index alone: whether a selector selects anything, not what it answers.

import type { BoardData } from '../../../shared/arriving.ts';
import type { Board } from '../../../shared/boards.ts';
import { substituteVariables } from '../../../shared/board-variables.ts';
import type { LabelMatcher } from '../../../shared/model.ts';
import { parsePromQL, selectorsOf } from '../promql/index.ts';
import type { Store } from '../store/index.ts';

const EMBEDDED = 'embedded';

/** How a selector reads to a person: its metric name, or the names a `__name__=~` regex allows
 * (`http_requests(_total)?` → `http_requests`). */
export function selectorName(matchers: readonly LabelMatcher[]): string {
  const n = matchers.find((m) => m.name === '__name__' && (m.op === '=' || m.op === '=~'));
  if (!n) return matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(',');
  if (n.op === '=') return n.value;
  // The literal head of the pattern, up to its first special character.
  return /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(n.value)?.[0] ?? n.value;
}

/** Per query: the selectors' names and whether each selects a series (cached by query text). */
export class BoardDataReader {
  private readonly store: Pick<Store, 'index'>;
  private readonly parsed = new Map<string, LabelMatcher[][] | null>();

  constructor(store: Pick<Store, 'index'>) {
    this.store = store;
  }

  private selectors(expr: string): LabelMatcher[][] | null {
    let sels = this.parsed.get(expr);
    if (sels === undefined) {
      try {
        sels = selectorsOf(parsePromQL(expr)).map((v) => v.matchers);
      } catch {
        sels = null;
      }
      if (this.parsed.size >= 2_000) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(expr, sels);
    }
    return sels;
  }

  of(board: Board): BoardData {
    let queries = 0;
    let found = false;
    const waiting = new Set<string>();
    const panels: Record<string, string[]> = {};
    for (const p of board.panels) {
      const missing = new Set<string>();
      for (const q of p.queries) {
        queries++;
        // Another source, or a query we cannot read (its panel shows the error): not ours to judge.
        const sels = q.source === EMBEDDED ? this.selectors(substituteVariables(q.expr, board.variables)) : null;
        if (!sels || sels.length === 0) {
          found = true;
          continue;
        }
        for (const m of sels) {
          if (this.store.index.select(m).length > 0) found = true;
          else missing.add(selectorName(m));
        }
      }
      if (missing.size > 0) panels[p.id] = [...missing];
      for (const n of missing) waiting.add(n);
    }
    return { id: board.id, hasData: queries === 0 || found, waitingFor: [...waiting], panels };
  }
}
