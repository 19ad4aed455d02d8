// What importing a document changes: each board, playlist and rule is added (new id), replaces
// the one with its id, or is already the same. Pure: the settings as they are and the document in,
// the report and the new sections out; the caller applies them in one all-or-nothing update.

import type { ConfigDocument, ConfigKind, ImportReport } from '../../../shared/config-document.ts';
import type { Settings } from '../../../shared/settings.ts';

export interface ImportPlan {
  report: ImportReport;
  /** The sections to write (only those that change). */
  changes: { boards?: unknown; playlists?: unknown; alerts?: unknown };
  /** Ids the document would change that a file in the watched directory owns. */
  managed: Array<{ kind: ConfigKind; id: string; managedBy: string }>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function upsert<T extends { id: string }>(current: readonly T[], incoming: readonly T[], kind: ConfigKind, report: ImportReport, normalise: (x: T) => unknown = (x) => x): T[] {
  const out = [...current];
  for (const item of incoming) {
    const i = out.findIndex((x) => x.id === item.id);
    if (i < 0) {
      out.push(item);
      report.added[kind].push(item.id);
    } else if (same(normalise(out[i]!), normalise(item))) {
      report.unchanged[kind].push(item.id);
    } else {
      out[i] = item;
      report.replaced[kind].push(item.id);
    }
  }
  return out;
}

/** `managedBy(kind, id)`: the file that owns an item, or null. */
export function planImport(s: Settings, doc: ConfigDocument, managedBy: (kind: ConfigKind, id: string) => string | null, dryRun: boolean): ImportPlan {
  const empty = () => ({ boards: [] as string[], playlists: [] as string[], rules: [] as string[] });
  const report: ImportReport = { dryRun, added: empty(), replaced: empty(), unchanged: empty() };
  // An imported board is the UI's from now on, wherever it came from.
  const boards = upsert(s.boards, doc.boards.map((b) => ({ ...b, managedBy: null })), 'boards', report, (b) => ({ ...b, managedBy: null }));
  const playlists = upsert(s.playlists, doc.playlists, 'playlists', report);
  const rules = upsert(s.alerts.rules, doc.rules, 'rules', report);
  const managed: ImportPlan['managed'] = [];
  for (const kind of ['boards', 'playlists', 'rules'] as const) {
    for (const id of [...report.added[kind], ...report.replaced[kind]]) {
      const by = managedBy(kind, id);
      if (by) managed.push({ kind, id, managedBy: by });
    }
  }
  const changes: ImportPlan['changes'] = {};
  if (report.added.boards.length + report.replaced.boards.length > 0) changes.boards = boards;
  if (report.added.playlists.length + report.replaced.playlists.length > 0) changes.playlists = playlists;
  if (report.added.rules.length + report.replaced.rules.length > 0) changes.alerts = { ...s.alerts, rules };
  return { report, changes, managed };
}
