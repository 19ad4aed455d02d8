// Following log files the user names (`logs.files`), like `tail -F`: every LOG_FILE_POLL_MS new
// complete lines go to the log pipeline. A file is known by device + inode, so rotation (the file
// renamed, a new one created at the path) is told from truncation (same file, now shorter): on
// rotation the old file is read to its end before the new one is read from its start; on
// truncation reading starts again at 0. Offsets (the start of the first incomplete line) are
// saved in the store's key-value table, so a restart resumes where it stopped — and if the file
// was rotated meanwhile, the rotated file is found in the same directory by its inode and its
// rest is read first. A file seen for the first time is read from its end (its history is not
// "now"); one that appears later is read from its start.

import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LOG_FILE_POLL_MS, LOG_FILE_READ_BYTES_PER_POLL, MAX_LOG_LINE_BYTES } from '../../../shared/limits.ts';
import type { Ingest } from '../collector/ingest.ts';
import type { LogInput, LogPipeline } from './log-pipeline.ts';

export const FILE_RECEIVER = 'log_file';
const KV_NS = 'logs.files';

export interface FileOffset {
  dev: number;
  ino: number;
  offset: number;
}

export interface OffsetStore {
  kvList<T>(ns: string): Array<[string, T]>;
  kvSet(ns: string, key: string, value: unknown): void;
}

interface Open {
  fh: FileHandle;
  dev: number;
  ino: number;
  /** Where the next read starts. */
  pos: number;
  /** Bytes after the last newline, waiting for the rest of their line. */
  partial: Buffer;
}

class TailedFile {
  readonly path: string;
  readonly source: string;
  cur: Open | null = null;
  /** Saved offset, for the first open after a restart. */
  resume: FileOffset | null;
  /** False until the first poll: a file there at start is read from its end. */
  seen = false;
  lastSaved = '';

  constructor(path: string, source: string, resume: FileOffset | null) {
    this.path = path;
    this.source = source;
    this.resume = resume;
  }
}

export class FileTailer {
  private readonly pipeline: LogPipeline;
  private readonly door: Ingest;
  private readonly kv: OffsetStore;
  private readonly log: (line: string) => void;
  private files = new Map<string, TailedFile>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(pipeline: LogPipeline, ingest: Ingest, kv: OffsetStore, log: (line: string) => void) {
    this.pipeline = pipeline;
    this.door = ingest;
    this.kv = kv;
    this.log = log;
  }

  /** The files to follow (settings `logs.files`); files no longer listed are closed. */
  async set(list: ReadonlyArray<{ path: string; source: string }>): Promise<void> {
    this.polling = this.polling.then(() => this.apply(list));
    await this.polling;
  }

  private async apply(list: ReadonlyArray<{ path: string; source: string }>): Promise<void> {
    const saved = new Map(this.kv.kvList<FileOffset>(KV_NS));
    const next = new Map<string, TailedFile>();
    for (const f of list) {
      const prev = this.files.get(f.path);
      if (prev && prev.source === f.source) next.set(f.path, prev);
      else next.set(f.path, new TailedFile(f.path, f.source, saved.get(f.path) ?? null));
    }
    for (const [path, f] of this.files) if (next.get(path) !== f) await this.close(f);
    this.files = next;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      // Chained: a poll asked for by poll() and the timer's never read the same file at once.
      this.polling = this.polling.then(() => this.pollAll()).finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, LOG_FILE_POLL_MS);
      });
    };
    loop();
  }

  /** One poll of every file now (tests; the timer does it otherwise). */
  async poll(): Promise<void> {
    this.polling = this.polling.then(() => this.pollAll());
    await this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const f of this.files.values()) await this.close(f);
  }

  private async close(f: TailedFile): Promise<void> {
    if (!f.cur) return;
    this.save(f);
    await f.cur.fh.close().catch(() => {});
    f.cur = null;
  }

  private save(f: TailedFile): void {
    if (!f.cur) return;
    const v: FileOffset = { dev: f.cur.dev, ino: f.cur.ino, offset: f.cur.pos - f.cur.partial.length };
    const s = JSON.stringify(v);
    if (s === f.lastSaved) return;
    f.lastSaved = s;
    try {
      this.kv.kvSet(KV_NS, f.path, v);
    } catch (e) {
      this.log(`log file ${f.path}: could not save the offset: ${(e as Error).message}`);
    }
  }

  private async pollAll(): Promise<void> {
    for (const f of this.files.values()) {
      if (this.stopped) return;
      try {
        await this.pollOne(f);
      } catch (e) {
        this.door.reject(FILE_RECEIVER, 'read_error');
        this.log(`log file ${f.path}: ${(e as Error).message}`);
      }
    }
  }

  private async openAt(path: string, dev: number, ino: number, pos: number): Promise<Open> {
    return { fh: await open(path, 'r'), dev, ino, pos, partial: Buffer.alloc(0) };
  }

  private async pollOne(f: TailedFile): Promise<void> {
    const first = !f.seen;
    f.seen = true;
    let st: Awaited<ReturnType<typeof stat>> | null = null;
    try {
      st = await stat(f.path);
    } catch {
      st = null; // not there (yet, or between a rename and the new file)
    }
    if (!f.cur) {
      if (!st) return;
      const r = f.resume;
      f.resume = null;
      if (r && (r.dev !== st.dev || r.ino !== st.ino)) {
        // Rotated while we were stopped: finish the old file first, if it is still beside it.
        const old = await this.findByInode(f.path, r.dev, r.ino);
        if (old) {
          const o = await this.openAt(old, r.dev, r.ino, r.offset);
          f.cur = o;
          await this.drain(f, true);
          await o.fh.close().catch(() => {});
        }
        f.cur = await this.openAt(f.path, st.dev, st.ino, 0);
      } else if (r) f.cur = await this.openAt(f.path, st.dev, st.ino, r.offset <= st.size ? r.offset : 0);
      else f.cur = await this.openAt(f.path, st.dev, st.ino, first ? st.size : 0);
    } else if (!st || st.dev !== f.cur.dev || st.ino !== f.cur.ino) {
      // Rotated: read what is left of the old file, then move to the new one when it exists.
      await this.drain(f, !st ? false : true);
      if (!st) return;
      await f.cur.fh.close().catch(() => {});
      f.cur = await this.openAt(f.path, st.dev, st.ino, 0);
    } else if (st.size < f.cur.pos) {
      // Truncated in place (copytruncate, `> file`): start again from the top.
      f.cur.pos = 0;
      f.cur.partial = Buffer.alloc(0);
    }
    await this.drain(f, false);
    this.save(f);
  }

  /** Reads new lines; `final` flushes a last line without a newline (a rotated-away file). */
  private async drain(f: TailedFile, final: boolean): Promise<void> {
    const cur = f.cur!;
    let budget = LOG_FILE_READ_BYTES_PER_POLL;
    const chunk = Buffer.allocUnsafe(Math.min(256 * 1024, budget));
    while (budget > 0) {
      // Backpressure, not loss: past the lines budget, the rest waits for a later poll.
      if (!this.pipeline.hasRoom()) return;
      const { bytesRead } = await cur.fh.read(chunk, 0, Math.min(chunk.length, budget), cur.pos);
      if (bytesRead === 0) break;
      cur.pos += bytesRead;
      budget -= bytesRead;
      this.emit(f, Buffer.concat([cur.partial, chunk.subarray(0, bytesRead)]));
    }
    if (final && cur.partial.length > 0) {
      this.pipeline.ingest([{ line: cur.partial.toString('utf8'), source: f.source }], FILE_RECEIVER);
      cur.partial = Buffer.alloc(0);
    }
  }

  private emit(f: TailedFile, data: Buffer): void {
    const cur = f.cur!;
    const lines: LogInput[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && data[end - 1] === 13) end--;
      if (end > start) lines.push({ line: data.toString('utf8', start, end), source: f.source });
      start = nl + 1;
    }
    cur.partial = Buffer.from(data.subarray(start));
    // A "line" that never ends is cut rather than held without bound.
    if (cur.partial.length > MAX_LOG_LINE_BYTES * 2) {
      lines.push({ line: cur.partial.toString('utf8', 0, MAX_LOG_LINE_BYTES), source: f.source, cut: 'line_truncated' });
      cur.partial = Buffer.alloc(0);
    }
    if (lines.length > 0) this.pipeline.ingest(lines, FILE_RECEIVER);
  }

  private async findByInode(path: string, dev: number, ino: number): Promise<string | null> {
    const dir = dirname(path);
    const base = basename(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    for (const n of names) {
      if (n === base || !n.startsWith(base)) continue;
      try {
        const st = await stat(join(dir, n));
        if (st.dev === dev && st.ino === ino) return join(dir, n);
      } catch {
        /* gone meanwhile */
      }
    }
    return null;
  }
}
