// Boards as code: the document Radiator exports and imports, and reads from a watched directory —
// `{version: 1, boards: [...], playlists: [...], rules: [...]}` in YAML or JSON. Each entry is
// validated with the same schema as the settings; ids must be unique within a document.

import { z } from 'zod';
import { RuleSchema } from './alert-rules.ts';
import { BoardSchema, PlaylistSchema } from './boards.ts';

export const CONFIG_DOCUMENT_VERSION = 1;

const unique = <T extends { id: string }>(what: string) => (list: T[], ctx: z.core.$RefinementCtx<T[]>) => {
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(x.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], input: x.id, message: `another ${what} in this document has this id` });
    seen.add(x.id);
  });
};

export const ConfigDocumentSchema = z
  .object({
    /** Missing means 1, so a hand-written file may leave it out. */
    version: z.literal(CONFIG_DOCUMENT_VERSION, { error: `must be ${CONFIG_DOCUMENT_VERSION} (the only version of this format)` }).default(CONFIG_DOCUMENT_VERSION),
    boards: z.array(BoardSchema).max(100).default([]).superRefine(unique('board')),
    playlists: z.array(PlaylistSchema).max(50).default([]).superRefine(unique('playlist')),
    rules: z.array(RuleSchema).max(500).default([]).superRefine(unique('rule')),
  })
  .strict();

export type ConfigDocument = z.output<typeof ConfigDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof ConfigDocumentSchema>;

export const CONFIG_KINDS = ['boards', 'playlists', 'rules'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

/** What an import did, or would do (dry run), by kind: ids added, replaced, already the same. */
export interface ImportReport {
  dryRun: boolean;
  added: Record<ConfigKind, string[]>;
  replaced: Record<ConfigKind, string[]>;
  unchanged: Record<ConfigKind, string[]>;
}
