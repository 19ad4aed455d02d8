// Reading and writing boards-as-code documents: YAML or JSON text in (bounded, aliases capped),
// a validated ConfigDocument out, or the problems by path; and the other way, the settings' boards,
// playlists and rules as a document a team can keep in git (durations written as "30s", "1h").

import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigDocumentSchema, CONFIG_DOCUMENT_VERSION, type ConfigDocument, type ConfigKind } from '../../../shared/config-document.ts';
import { formatDuration } from '../../../shared/duration-schema.ts';
import { MAX_YAML_ALIASES } from '../../../shared/limits.ts';
import { issuesToProblems } from '../../../shared/problems.ts';
import type { Settings } from '../../../shared/settings.ts';

export type DocumentFormat = 'yaml' | 'json';

export type ParsedDocument = { ok: true; doc: ConfigDocument } | { ok: false; problems: string[] };

/** Text → a plain value. JSON is parsed as JSON (its errors are clearer); anything else as YAML
 * 1.2 (which JSON also is). Throws with a message that says where. */
export function parseText(text: string, format: DocumentFormat): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES, uniqueKeys: true, prettyErrors: true, strict: true });
  } catch (e) {
    throw new Error(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The format a request body or file is in: by media type, or by file extension. */
export function formatOf(mediaTypeOrName: string): DocumentFormat {
  const t = mediaTypeOrName.toLowerCase();
  return t === 'application/json' || t.endsWith('.json') ? 'json' : 'yaml';
}

export function validateDocument(value: unknown): ParsedDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: ['(document): must be an object like {version: 1, boards: [...], playlists: [...], rules: [...]}'] };
  }
  const r = ConfigDocumentSchema.safeParse(value, { reportInput: true });
  return r.success ? { ok: true, doc: r.data } : { ok: false, problems: issuesToProblems(r.error.issues) };
}

export function readDocument(text: string, format: DocumentFormat): ParsedDocument {
  let value: unknown;
  try {
    value = parseText(text, format);
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  }
  return validateDocument(value);
}

/** Which ids of each kind to export: undefined for all of that kind. */
export type Selection = Partial<Record<ConfigKind, string[] | '*'>>;

const dur = (ms: number) => formatDuration(ms);

/** A board as it reads best in a file: durations in words, no `managedBy` (that is where the file
 * is, which the file itself does not need to say). */
function boardOut(b: Settings['boards'][number]): Record<string, unknown> {
  const { managedBy: _m, ...rest } = b;
  return {
    ...rest,
    dwell: dur(b.dwell),
    panels: b.panels.map((p) => ({ ...p, range: dur(p.range), step: p.step === null ? null : dur(p.step), maxAge: p.maxAge === null ? null : dur(p.maxAge) })),
  };
}

function ruleOut(r: Settings['alerts']['rules'][number]): Record<string, unknown> {
  const c = r.condition;
  const condition = c.type === 'sigma' ? { ...c, window: dur(c.window) } : c.type === 'anomaly' ? { ...c, warmup: dur(c.warmup) } : c;
  return { ...r, condition, for: dur(r.for), keepFiringFor: dur(r.keepFiringFor), interval: dur(r.interval) };
}

function playlistOut(p: Settings['playlists'][number]): Record<string, unknown> {
  return { ...p, dwell: Object.fromEntries(Object.entries(p.dwell).map(([k, v]) => [k, dur(v)])) };
}

/** Unknown ids in a selection, by kind (the export refuses them rather than leaving them out). */
export function unknownIds(s: Settings, sel: Selection): string[] {
  const have: Record<ConfigKind, Set<string>> = {
    boards: new Set(s.boards.map((b) => b.id)),
    playlists: new Set(s.playlists.map((p) => p.id)),
    rules: new Set(s.alerts.rules.map((r) => r.id)),
  };
  const out: string[] = [];
  for (const kind of ['boards', 'playlists', 'rules'] as const) {
    const want = sel[kind];
    if (Array.isArray(want)) for (const id of want) if (!have[kind].has(id)) out.push(`${kind}: no "${id}"`);
  }
  return out;
}

/** The document for a selection. With an empty selection, everything; otherwise only the kinds
 * named (each by ids, or '*' for all of that kind). */
export function exportDocument(s: Settings, sel: Selection = {}): Record<string, unknown> {
  const any = Object.keys(sel).length > 0;
  const pick = <T extends { id: string }>(kind: ConfigKind, list: readonly T[]): T[] => {
    const want = sel[kind];
    if (!any || want === '*') return [...list];
    if (!want) return [];
    const set = new Set(want);
    return list.filter((x) => set.has(x.id));
  };
  return {
    version: CONFIG_DOCUMENT_VERSION,
    boards: pick('boards', s.boards).map(boardOut),
    playlists: pick('playlists', s.playlists).map(playlistOut),
    rules: pick('rules', s.alerts.rules).map(ruleOut),
  };
}

export function stringifyDocument(doc: unknown, format: DocumentFormat): string {
  if (format === 'json') return JSON.stringify(doc, null, 2) + '\n';
  return stringifyYaml(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
