// The live settings: what the settings file says, with command-line flags on top, validated as
// a whole. Sections that can change while running (boards, playlists, display, alert rules and
// webhooks, data sources) are updated here — validated, written back to the file (flags are not
// written), and announced to whoever listens (the feed, the alert engine). A hand edit of the
// file is loaded through `reload` (settings-file-watcher.ts watches the file), and every save asks
// the watcher first, so a save never writes over an edit it has not seen.

import { RadiatorError } from '../../../shared/errors.ts';
import { parseSettings, SettingsError, type Settings } from '../../../shared/settings.ts';

export const LIVE_SECTIONS = ['boards', 'playlists', 'display', 'alerts', 'sources', 'shell', 'pipeline', 'experiments', 'oncall', 'scrape', 'logs', 'client', 'remoteWrite', 'recordingRules'] as const;
export type LiveSection = (typeof LIVE_SECTIONS)[number];
/** Sections the settings UI may change that only take effect when Radiator restarts (listeners,
 * the store, the watched directory): saved and validated like the rest, applied at the next start. */
export const RESTART_SECTIONS = ['server', 'receivers', 'store', 'configDir'] as const;
export type RestartSection = (typeof RESTART_SECTIONS)[number];
export type EditableSection = LiveSection | RestartSection;

export interface SettingsPersistence {
  /** Where the settings live, for messages. */
  readonly location: string;
  save(fileSettings: Record<string, unknown>): void;
}

/** What a save asks of whoever watches the file (settings-file-watcher.ts). */
export interface FileSync {
  /** Loads a hand edit made since the last load, if any (through `reload`), and names the
   * top-level keys it changed; an empty set when the file is as the store last had it. */
  beforeSave(): ReadonlySet<string>;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export class SettingsStore {
  private file: Record<string, unknown>;
  private readonly flags: Record<string, unknown>;
  private readonly persistence: SettingsPersistence | null;
  private settings: Settings;
  private readonly listeners = new Set<(s: Settings, changed: LiveSection) => void>();
  private check: ((s: Settings) => string[]) | null = null;
  private fileSync: FileSync | null = null;

  /** Throws SettingsError when file + flags do not validate. */
  constructor(file: Record<string, unknown>, flags: Record<string, unknown> = {}, persistence: SettingsPersistence | null = null) {
    this.file = file;
    this.flags = flags;
    this.persistence = persistence;
    this.settings = parseSettings(merge(file, flags));
  }

  /** Settings that live only in memory (tests, `--config`-less one-off runs): edits apply but
   * are not saved anywhere. */
  static fixed(settings: Settings): SettingsStore {
    return new SettingsStore(JSON.parse(JSON.stringify(settings)) as Record<string, unknown>);
  }

  get current(): Settings {
    return this.settings;
  }

  /** The settings file, or null when the settings are saved nowhere. */
  get location(): string | null {
    return this.persistence?.location ?? null;
  }

  /** The settings as the file holds them (flags not applied), as last loaded or saved. */
  get fileContent(): Readonly<Record<string, unknown>> {
    return this.file;
  }

  /** Called before every save (see FileSync); one at a time. */
  setFileSync(sync: FileSync | null): void {
    this.fileSync = sync;
  }

  /** The file changed on disk (a hand edit): take it as the new file content. Validated like an
   * edit (schema, flags on top, the extra check); nothing changes when it does not validate
   * (SettingsError). Nothing is written back. Live sections that changed are announced. Returns
   * the sections whose resolved value changed. */
  reload(file: Record<string, unknown>): string[] {
    const next = parseSettings(merge(file, this.flags));
    const problems = this.check?.(next) ?? [];
    if (problems.length > 0) throw new SettingsError(problems);
    const before = this.settings;
    this.file = file;
    this.settings = next;
    const changed = (Object.keys(next) as Array<keyof Settings>).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]));
    for (const section of changed) if ((LIVE_SECTIONS as readonly string[]).includes(section)) for (const fn of this.listeners) fn(next, section as LiveSection);
    return changed;
  }

  /** Checks beyond the schema for edits (the core parses queries); problems refuse the edit. */
  setCheck(fn: (s: Settings) => string[]): void {
    this.check = fn;
  }

  onChange(fn: (s: Settings, changed: LiveSection) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Replace one live section. The whole settings must still validate; nothing is saved or
   * applied otherwise (SettingsError names every problem). */
  update(section: EditableSection, value: unknown): Settings {
    return this.updateMany({ [section]: value });
  }

  /** Replace several sections at once, all or nothing (an import, the watched directory): the
   * result is validated as a whole, saved once, then announced section by section. With
   * `dryRun` nothing is saved or announced; the settings it would give are returned. */
  updateMany(changes: Partial<Record<EditableSection, unknown>>, opts: { dryRun?: boolean } = {}): Settings {
    const sections = Object.keys(changes) as EditableSection[];
    // A flag wins over the file; an edit it would hide is refused rather than silently lost.
    const held = sections.filter((section) => this.heldByFlag(section));
    if (held.length > 0) {
      throw new SettingsError(held.map((section) => `${section}: set on the command line (--set ${section}…), so it cannot be changed while running; drop the flag to edit it here`));
    }
    // A hand edit the store has not loaded yet is loaded now, so this save keeps it. One that
    // changed a section this edit replaces is refused: the edit was made on what the file said
    // before, and saving it would silently undo the hand edit.
    const byHand = this.fileSync?.beforeSave() ?? new Set<string>();
    const clash = sections.filter((section) => byHand.has(section));
    if (clash.length > 0) {
      throw new RadiatorError(
        'SETTINGS_CHANGED_ON_DISK',
        `${clash.join(', ')}: changed by hand in ${this.location} since this edit was started; the file's version is loaded now — look at it and make the change again`,
        { extra: { sections: clash } },
      );
    }
    const nextFile = { ...this.file, ...changes };
    const next = parseSettings(merge(nextFile, this.flags));
    const problems = this.check?.(next) ?? [];
    if (problems.length > 0) throw new SettingsError(problems);
    if (opts.dryRun) return next;
    this.file = nextFile;
    this.settings = next;
    this.persistence?.save(this.file);
    // Listeners react to live sections; a restart section is only saved.
    for (const section of sections) if ((LIVE_SECTIONS as readonly string[]).includes(section)) for (const fn of this.listeners) fn(next, section as LiveSection);
    return next;
  }

  /** True when a command-line flag sets (part of) this section, so it cannot be edited here. */
  heldByFlag(section: EditableSection): boolean {
    return section in this.flags;
  }

  /** The section as the settings file has it (flags not applied); undefined when the file leaves
   * it to the defaults. Restart sections are read this way: what will apply at the next start. */
  fileSection(section: EditableSection): unknown {
    return this.file[section];
  }

  /** The section as it stands (resolved, with defaults). */
  section<K extends LiveSection>(k: K): Settings[K] {
    return this.settings[k];
  }
}

export { SettingsError };
