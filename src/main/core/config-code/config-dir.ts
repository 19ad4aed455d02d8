// Boards as code from a directory (`configDir`): every *.yaml, *.yml and *.json in it is read at
// start and whenever it changes (fs.watch, debounced, with a poll for file systems that do not
// report changes), and its boards, playlists and rules are applied. Files win over the settings
// UI: what a file provides replaces what has its id, is marked as the file's (`managedBy` on a
// board), and cannot be edited elsewhere (the settings store's check refuses it). A file that does
// not read or validate is reported and keeps what it last provided; the others apply regardless.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigDocument, ConfigKind } from '../../../shared/config-document.ts';
import { CONFIG_DIR_DEBOUNCE_MS, CONFIG_DIR_POLL_MS, MAX_CONFIG_DIR_FILES, MAX_CONFIG_FILE_BYTES } from '../../../shared/limits.ts';
import { SettingsError, type Settings } from '../../../shared/settings.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { KeyValue } from '../access/token-store.ts';
import { formatOf, readDocument } from './document-io.ts';
import { watchWithPoll } from '../fs/watch-with-poll.ts';

const FILE = /\.(ya?ml|json)$/i;
const KV_NS = 'config-dir';
const KV_KEY = 'managed';

export interface ConfigFileStatus {
  path: string;
  ok: boolean;
  problems: string[];
  boards: string[];
  playlists: string[];
  rules: string[];
}

export interface ConfigDirStatus {
  dir: string;
  /** A problem with the directory as a whole (missing, unreadable, or what the files add up to). */
  error: string | null;
  lastSync: number | null;
  files: ConfigFileStatus[];
}

type Item = { id: string };
/** What each file provided when it last read well (kept for a file that has since gone bad). */
interface Provided {
  boards: Settings['boards'];
  playlists: Settings['playlists'];
  rules: Settings['alerts']['rules'];
}

export interface ConfigDirOptions {
  dir: string;
  settings: SettingsStore;
  kv: KeyValue;
  log: (line: string) => void;
  now?: () => number;
  pollMs?: number;
  debounceMs?: number;
}

const json = (x: unknown) => JSON.stringify(x);

export class ConfigDirWatcher {
  readonly dir: string;
  private readonly opts: ConfigDirOptions;
  /** file path → what it provides (its last good read). */
  private provided = new Map<string, Provided>();
  private status: ConfigDirStatus;
  private watch: { close(): void } | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private signature = '';
  /** True while this applies its own changes (the store's check lets them through). */
  private applying = false;

  constructor(opts: ConfigDirOptions) {
    this.opts = opts;
    this.dir = resolve(opts.dir);
    this.status = { dir: this.dir, error: null, lastSync: null, files: [] };
    // Playlists and rules have no managedBy field; which ones files own survives restarts here.
    const saved = opts.kv.kvList<Record<string, Provided>>(KV_NS).find(([k]) => k === KV_KEY)?.[1];
    if (saved) for (const [path, p] of Object.entries(saved)) this.provided.set(path, p);
  }

  /** Reads the directory now and then watches it. */
  start(): void {
    this.sync();
    this.watch = watchWithPoll({
      dir: this.dir,
      pollMs: this.opts.pollMs ?? CONFIG_DIR_POLL_MS,
      changed: () => this.scanSignature() !== this.signature,
      onChange: () => this.schedule(),
    });
  }

  stop(): void {
    this.watch?.close();
    this.watch = null;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
  }

  getStatus(): ConfigDirStatus {
    return this.status;
  }

  /** The file that owns an item, or null. */
  managedBy(kind: ConfigKind, id: string): string | null {
    for (const [path, p] of this.provided) if (p[kind].some((x: Item) => x.id === id)) return path;
    return null;
  }

  private schedule(): void {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      try {
        this.sync();
      } catch (e) {
        this.opts.log(`config dir: ${(e as Error).stack ?? e}`);
      }
    }, this.opts.debounceMs ?? CONFIG_DIR_DEBOUNCE_MS);
    this.debounceTimer.unref();
  }

  private listFiles(): string[] {
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => (d.isFile() || d.isSymbolicLink()) && FILE.test(d.name) && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  }

  /** Names, sizes and times: what the poll compares. */
  private scanSignature(): string {
    try {
      return json(this.listFiles().map((n) => {
        const st = statSync(join(this.dir, n));
        return [n, st.size, st.mtimeMs];
      }));
    } catch (e) {
      return `error:${(e as Error).message}`;
    }
  }

  /** The store's extra check: items files own may change only through this watcher. */
  check(next: Settings): string[] {
    if (this.applying) return [];
    const current = this.opts.settings.current;
    const out: string[] = [];
    for (const [path, p] of this.provided) {
      p.boards.forEach((b) => {
        const i = next.boards.findIndex((x) => x.id === b.id);
        if (i < 0) out.push(`boards = "${b.id}": comes from ${path} (the watched directory); remove it from the file instead`);
        else if (json(next.boards[i]) !== json(b)) out.push(`boards.${i} = "${b.id}": comes from ${path} (the watched directory); change the file instead`);
      });
      p.playlists.forEach((pl) => {
        const i = next.playlists.findIndex((x) => x.id === pl.id);
        if (i < 0) out.push(`playlists = "${pl.id}": comes from ${path} (the watched directory); remove it from the file instead`);
        else if (json(next.playlists[i]) !== json(pl)) out.push(`playlists.${i} = "${pl.id}": comes from ${path} (the watched directory); change the file instead`);
      });
      p.rules.forEach((r) => {
        const i = next.alerts.rules.findIndex((x) => x.id === r.id);
        if (i < 0) out.push(`alerts.rules = "${r.id}": comes from ${path} (the watched directory); remove it from the file instead`);
        else if (json(next.alerts.rules[i]) !== json(r)) out.push(`alerts.rules.${i} = "${r.id}": comes from ${path} (the watched directory); change the file instead`);
      });
    }
    // managedBy is the watcher's to set: a board may not claim a file it does not come from.
    next.boards.forEach((b, i) => {
      if (b.managedBy === null || this.managedBy('boards', b.id) === b.managedBy) return;
      const before = current.boards.find((x) => x.id === b.id);
      if (!before || before.managedBy !== b.managedBy) out.push(`boards.${i}.managedBy = ${json(b.managedBy)}: is set only for boards from the watched directory; leave it null`);
    });
    return out;
  }

  /** Reads every file and applies what they add up to. */
  sync(): void {
    const now = (this.opts.now ?? Date.now)();
    this.signature = this.scanSignature();
    let names: string[];
    try {
      names = this.listFiles();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.status = { dir: this.dir, error: err.code === 'ENOENT' ? `no such directory ${this.dir}` : `cannot read ${this.dir}: ${err.message}`, lastSync: now, files: [] };
      // Unreadable is not empty: keep what the files last provided.
      return;
    }
    const files: ConfigFileStatus[] = [];
    const good = new Map<string, ConfigDocument>();
    for (const name of names.slice(0, MAX_CONFIG_DIR_FILES)) {
      const path = join(this.dir, name);
      const st: ConfigFileStatus = { path, ok: false, problems: [], boards: [], playlists: [], rules: [] };
      files.push(st);
      try {
        const size = statSync(path).size;
        if (size > MAX_CONFIG_FILE_BYTES) {
          st.problems = [`the file is ${size} bytes; at most ${MAX_CONFIG_FILE_BYTES} are read`];
          continue;
        }
        const parsed = readDocument(readFileSync(path, 'utf8'), formatOf(name));
        if (!parsed.ok) st.problems = parsed.problems;
        else good.set(path, parsed.doc);
      } catch (e) {
        st.problems = [`cannot read it: ${(e as Error).message}`];
      }
    }
    if (names.length > MAX_CONFIG_DIR_FILES) {
      for (const name of names.slice(MAX_CONFIG_DIR_FILES)) files.push({ path: join(this.dir, name), ok: false, problems: [`not read: at most ${MAX_CONFIG_DIR_FILES} files are`], boards: [], playlists: [], rules: [] });
    }
    const bad = new Set(files.filter((f) => f.problems.length > 0).map((f) => f.path));

    // What stays: everything not from a file, and what a file that now fails last provided.
    const next = new Map<string, Provided>();
    for (const [path, p] of this.provided) if (bad.has(path)) next.set(path, p);
    const owned = (kind: ConfigKind, id: string, except?: string) => [...next].find(([path, p]) => path !== except && p[kind].some((x: Item) => x.id === id))?.[0] ?? null;
    const s = this.opts.settings.current;
    const fromFiles = (kind: ConfigKind) => new Set([...this.provided.values()].flatMap((p) => p[kind].map((x: Item) => x.id)));
    const wasBoards = fromFiles('boards');
    const wasPlaylists = fromFiles('playlists');
    const wasRules = fromFiles('rules');
    const keptBoards = new Set([...next.values()].flatMap((p) => p.boards.map((b) => b.id)));
    const keptPlaylists = new Set([...next.values()].flatMap((p) => p.playlists.map((x) => x.id)));
    const keptRules = new Set([...next.values()].flatMap((p) => p.rules.map((x) => x.id)));
    let boards = s.boards.filter((b) => (!wasBoards.has(b.id) && b.managedBy === null) || keptBoards.has(b.id));
    const gone = new Set(s.boards.filter((b) => !boards.includes(b)).map((b) => b.id));
    let playlists = s.playlists.filter((p) => !wasPlaylists.has(p.id) || keptPlaylists.has(p.id)).map((p) => ({ ...p, boards: p.boards.filter((b) => !gone.has(b)) }));
    let rules = s.alerts.rules.filter((r) => !wasRules.has(r.id) || keptRules.has(r.id));

    const attempt = (b: typeof boards, pl: typeof playlists, r: typeof rules, dryRun: boolean) => this.apply(s, { boards: b, playlists: pl, rules: r }, dryRun);
    let error: string | null = null;
    const base = attempt(boards, playlists, rules, true);
    if (base !== null) {
      error = `removing what files no longer provide is refused: ${base.join('; ')}`;
      boards = s.boards;
      playlists = s.playlists;
      rules = s.alerts.rules;
      for (const [path, p] of this.provided) next.set(path, p);
    }
    // Each good file in name order, kept only if the whole still validates with it.
    for (const [path, doc] of good) {
      const st = files.find((f) => f.path === path)!;
      const clash = [
        ...doc.boards.map((b) => ['board', b.id, owned('boards', b.id, path)] as const),
        ...doc.playlists.map((p) => ['playlist', p.id, owned('playlists', p.id, path)] as const),
        ...doc.rules.map((r) => ['rule', r.id, owned('rules', r.id, path)] as const),
      ].filter(([, , other]) => other !== null);
      if (clash.length > 0) {
        st.problems = clash.map(([what, id, other]) => `${what} "${id}" is also in ${other}; an id may come from one file only`);
        continue;
      }
      const provided: Provided = {
        boards: doc.boards.map((b) => ({ ...b, managedBy: path })),
        playlists: doc.playlists,
        rules: doc.rules,
      };
      const upsert = <T extends Item>(list: readonly T[], add: readonly T[]) => [...list.filter((x) => !add.some((a) => a.id === x.id)), ...add];
      // Files win: a UI item with the same id is replaced, in place.
      const put = <T extends Item>(list: readonly T[], add: readonly T[]) => {
        const out = list.map((x) => add.find((a) => a.id === x.id) ?? x);
        return upsert(out, add.filter((a) => !list.some((x) => x.id === a.id)));
      };
      const cb = put(boards, provided.boards);
      const cp = put(playlists, provided.playlists);
      const cr = put(rules, provided.rules);
      const problems = attempt(cb, cp, cr, true);
      if (problems) {
        // Paths into the file rather than into the settings (boards.7 → the file's boards.0).
        const local = (line: string) =>
          line
            .replace(/^boards\.(\d+)/, (all, i: string) => (doc.boards.findIndex((x) => x.id === cb[Number(i)]?.id) >= 0 ? `boards.${doc.boards.findIndex((x) => x.id === cb[Number(i)]!.id)}` : all))
            .replace(/^playlists\.(\d+)/, (all, i: string) => (doc.playlists.findIndex((x) => x.id === cp[Number(i)]?.id) >= 0 ? `playlists.${doc.playlists.findIndex((x) => x.id === cp[Number(i)]!.id)}` : all))
            .replace(/^alerts\.rules\.(\d+)/, (all, i: string) => (doc.rules.findIndex((x) => x.id === cr[Number(i)]?.id) >= 0 ? `rules.${doc.rules.findIndex((x) => x.id === cr[Number(i)]!.id)}` : all));
        st.problems = problems.map(local);
        // Like a file that does not read: what it last provided stays, if that still fits.
        const last = this.provided.get(path);
        if (last) {
          const lb = put(boards, last.boards);
          const lp = put(playlists, last.playlists);
          const lr = put(rules, last.rules);
          if (attempt(lb, lp, lr, true) === null) {
            boards = lb;
            playlists = lp;
            rules = lr;
            next.set(path, last);
          }
        }
        continue;
      }
      boards = cb;
      playlists = cp;
      rules = cr;
      next.set(path, provided);
      st.ok = true;
      st.boards = doc.boards.map((b) => b.id);
      st.playlists = doc.playlists.map((p) => p.id);
      st.rules = doc.rules.map((r) => r.id);
    }
    const previous = this.provided;
    this.provided = next;
    const problems = this.apply(s, { boards, playlists, rules }, false);
    if (problems) {
      this.provided = previous;
      error = `the files add up to settings that do not validate: ${problems.join('; ')}`;
    } else {
      // Keep exactly what the store now holds (its own parse of it), so the check compares like with like.
      const cur = this.opts.settings.current;
      for (const p of this.provided.values()) {
        p.boards = p.boards.map((b) => cur.boards.find((x) => x.id === b.id) ?? b);
        p.playlists = p.playlists.map((x) => cur.playlists.find((y) => y.id === x.id) ?? x);
        p.rules = p.rules.map((x) => cur.alerts.rules.find((y) => y.id === x.id) ?? x);
      }
      const record: Record<string, Provided> = Object.fromEntries(this.provided);
      this.opts.kv.kvSet(KV_NS, KV_KEY, record);
    }
    for (const f of files) if (f.problems.length > 0) f.ok = false;
    this.status = { dir: this.dir, error, lastSync: now, files };
    for (const f of files) if (!f.ok) this.opts.log(`config dir: ${f.path}: ${f.problems.join('; ')}`);
    if (error) this.opts.log(`config dir: ${error}`);
  }

  /** Writes (or tries, with dryRun) the sections that differ; null when fine, else the problems. */
  private apply(s: Settings, want: { boards: Settings['boards']; playlists: Settings['playlists']; rules: Settings['alerts']['rules'] }, dryRun: boolean): string[] | null {
    const changes: Record<string, unknown> = {};
    if (json(want.boards) !== json(s.boards)) changes.boards = want.boards;
    if (json(want.playlists) !== json(s.playlists)) changes.playlists = want.playlists;
    if (json(want.rules) !== json(s.alerts.rules)) changes.alerts = { ...s.alerts, rules: want.rules };
    if (Object.keys(changes).length === 0) return null;
    this.applying = true;
    try {
      this.opts.settings.updateMany(changes, { dryRun });
      return null;
    } catch (e) {
      if (e instanceof SettingsError) return e.problems;
      throw e;
    } finally {
      this.applying = false;
    }
  }
}
