// Noticing that files changed on disk, for the watchers of hand-edited files (the settings file,
// the boards-as-code directory): fs.watch where the platform has it, and a poll of the caller's
// own signature (sizes and times) that catches what fs.watch misses — editors that rename over a
// file, network mounts, no inotify. The caller debounces and reads; this only says "look again".

import { watch, type FSWatcher } from 'node:fs';

export interface WatchWithPollOptions {
  /** The directory to watch. */
  dir: string;
  /** Only changes to this file name in `dir` count (every change does when absent). */
  file?: string;
  pollMs: number;
  /** True when the caller's signature of what it watches differs from the one it last read. */
  changed: () => boolean;
  onChange: () => void;
}

export function watchWithPoll(o: WatchWithPollOptions): { close(): void } {
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(o.dir, (_event, name) => {
      if (o.file === undefined || name === null || name === o.file) o.onChange();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    // A missing directory or no inotify: the poll still notices changes.
  }
  const poll = setInterval(() => {
    if (o.changed()) o.onChange();
  }, o.pollMs);
  poll.unref();
  return {
    close() {
      watcher?.close();
      watcher = null;
      clearInterval(poll);
    },
  };
}
