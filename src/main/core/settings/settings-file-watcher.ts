// Hand edits of the settings file, while Radiator runs: the file is watched (fs.watch on its
// directory, since conf replaces the file by renaming; and a poll), and a change is loaded into
// the settings store like an edit from the API — applied live, visible in the API and the UI. A
// file that does not read or validate is copied aside as `<file>.invalid-<time>`, the problems are
// logged, and the running settings stay as they were. Every save asks this first (FileSync), so a
// save never writes over a hand edit it has not seen. Our own saves are recognised by content.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { SETTINGS_FILE_DEBOUNCE_MS, SETTINGS_FILE_POLL_MS } from '../../../shared/limits.ts';
import { SettingsError } from '../../../shared/settings.ts';
import { parseSettingsFile } from './settings-file.ts';
import type { FileSync, SettingsStore } from './settings-store.ts';
import { watchWithPoll } from '../fs/watch-with-poll.ts';

export interface SettingsFileProblem {
  /** Each problem, naming the bad key and the rule. */
  problems: string[];
  /** Where the bad file was copied; null when there was nothing to keep (an empty file). */
  keptAs: string | null;
  at: number;
}

export interface SettingsFileWatcherOptions {
  store: SettingsStore;
  log: (line: string) => void;
  now?: () => number;
  debounceMs?: number;
  pollMs?: number;
}

const json = (x: unknown) => JSON.stringify(x);

/** The top-level keys whose value differs (the format version aside). */
export function changedKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (k !== 'version' && json(a[k]) !== json(b[k])) out.add(k);
  return out;
}

export class SettingsFileWatcher implements FileSync {
  readonly path: string;
  private readonly opts: SettingsFileWatcherOptions;
  private watch: { close(): void } | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private signature = '';
  /** The text last refused, so a bad file is kept aside and reported once, not at every poll. */
  private refusedText: string | null = null;
  private problem: SettingsFileProblem | null = null;

  constructor(path: string, opts: SettingsFileWatcherOptions) {
    this.path = path;
    this.opts = opts;
  }

  /** The last hand edit that could not be loaded (cleared by the next good one). */
  get lastProblem(): SettingsFileProblem | null {
    return this.problem;
  }

  start(): void {
    this.signature = this.statSignature();
    this.opts.store.setFileSync(this);
    this.watch = watchWithPoll({
      dir: dirname(this.path),
      file: basename(this.path),
      pollMs: this.opts.pollMs ?? SETTINGS_FILE_POLL_MS,
      changed: () => this.statSignature() !== this.signature,
      onChange: () => this.schedule(),
    });
  }

  stop(): void {
    this.watch?.close();
    this.watch = null;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    this.opts.store.setFileSync(null);
  }

  /** FileSync: a save is about to write the file. */
  beforeSave(): ReadonlySet<string> {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    return this.sync();
  }

  private schedule(): void {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      try {
        this.sync();
      } catch (e) {
        this.opts.log(`settings file: ${(e as Error).stack ?? e}`);
      }
    }, this.opts.debounceMs ?? SETTINGS_FILE_DEBOUNCE_MS);
    this.debounceTimer.unref();
  }

  private statSignature(): string {
    try {
      const st = statSync(this.path);
      return `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch (e) {
      return `error:${(e as NodeJS.ErrnoException).code}`;
    }
  }

  /** Reads the file and loads it if someone else changed it; the keys the change touched. */
  sync(): ReadonlySet<string> {
    this.signature = this.statSignature();
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      // Deleted (or not written yet): nothing to load; the next save writes it again.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw e;
    }
    if (text === this.refusedText) return new Set();
    const store = this.opts.store;
    if (text.trim() === '') {
      // Mostly an editor between truncating and writing: the write that follows is read then.
      this.refuse(text, ['the file is empty; the running settings stay as they are (delete the file to start from the defaults at the next start)'], false);
      return new Set();
    }
    const parsed = parseSettingsFile(text);
    if (!parsed.ok) {
      this.refuse(text, parsed.problems, true);
      return new Set();
    }
    const changed = changedKeys(parsed.file, store.fileContent);
    if (changed.size === 0) {
      // Our own save, or an edit that changed nothing.
      this.refusedText = null;
      return changed;
    }
    try {
      store.reload(parsed.file);
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      this.refuse(text, e.problems, true);
      return new Set();
    }
    this.refusedText = null;
    this.problem = null;
    this.opts.log(`settings: loaded the hand edit of ${this.path} (${[...changed].join(', ')})`);
    return changed;
  }

  private refuse(text: string, problems: string[], keep: boolean): void {
    this.refusedText = text;
    const at = (this.opts.now ?? Date.now)();
    let keptAs: string | null = null;
    if (keep) {
      keptAs = `${this.path}.invalid-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
      try {
        // The text that was refused (the file may have moved on), owner-readable only like the file.
        writeFileSync(keptAs, text, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        keptAs = null;
        problems = [...problems, `(could not keep a copy: ${(e as Error).message})`];
      }
    }
    this.problem = { problems, keptAs, at };
    const where = keptAs ? `; it was kept as ${keptAs}, and the next save from the settings writes the running settings over it` : '';
    this.opts.log(`settings: the hand edit of ${this.path} was not loaded, the running settings stay${where}:\n  ${problems.join('\n  ')}`);
  }
}
