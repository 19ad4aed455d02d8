// Settings saved as a JSON file, written whole and atomically (a temporary file renamed over the
// old one), so a crash mid-write never leaves half a settings file behind.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SettingsPersistence } from './settings-store.ts';

export class JsonFilePersistence implements SettingsPersistence {
  readonly location: string;
  constructor(file: string) {
    this.location = file;
  }

  save(fileSettings: Record<string, unknown>): void {
    mkdirSync(dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(fileSettings, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.location);
  }
}
