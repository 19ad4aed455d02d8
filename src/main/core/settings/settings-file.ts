// Reading a settings file: JSON, migrated to this version, validated with the flags on top. The
// command line refuses to start on a bad file (it names each problem); the desktop app starts on
// the defaults instead, keeps the bad file beside the real one, and says so — never a silent reset.

import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { SETTINGS_VERSION, SettingsError } from '../../../shared/settings.ts';
import { migrate, MigrationError } from './migrations.ts';
import { SettingsStore, type SettingsPersistence } from './settings-store.ts';

export type ParsedFile = { ok: true; file: Record<string, unknown>; migratedFrom: number | null } | { ok: false; problems: string[] };

/** Pure: the text of a settings file (null when there is none) → its settings, or what is wrong. */
export function parseSettingsFile(text: string | null): ParsedFile {
  if (text === null || text.trim() === '') return { ok: true, file: {}, migratedFrom: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`not valid JSON: ${(e as Error).message}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problems: ['must hold a JSON object'] };
  try {
    const m = migrate(json as Record<string, unknown>);
    return { ok: true, file: m.file, migratedFrom: m.from < SETTINGS_VERSION ? m.from : null };
  } catch (e) {
    if (e instanceof MigrationError) return { ok: false, problems: [e.message] };
    throw e;
  }
}

export interface OpenedSettings {
  store: SettingsStore;
  /** Set when the file was unusable: what was wrong and where the bad file was kept. */
  fallback: { problems: string[]; keptAs: string } | null;
  migratedFrom: number | null;
}

/** For the desktop app: open the file, or fall back to the defaults keeping the bad file as
 * `<file>.invalid-<time>`. Flags that are themselves invalid still throw (that is a bug in the
 * caller, not the user's file). */
export function openSettingsOrDefaults(path: string, flags: Record<string, unknown>, persistence: SettingsPersistence, now = new Date()): OpenedSettings {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : null;
  const parsed = parseSettingsFile(text);
  let problems: string[] | null = parsed.ok ? null : parsed.problems;
  if (parsed.ok) {
    try {
      return { store: new SettingsStore(parsed.file, flags, persistence), fallback: null, migratedFrom: parsed.migratedFrom };
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      problems = e.problems;
    }
  }
  const keptAs = `${path}.invalid-${now.toISOString().replace(/[:.]/g, '-')}`;
  copyFileSync(path, keptAs);
  return { store: new SettingsStore({}, flags, persistence), fallback: { problems: problems!, keptAs }, migratedFrom: null };
}
