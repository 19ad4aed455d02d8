// Settings saved with `conf` (the library electron-store is built on, so `radiator serve` and the
// desktop app write the same file the same way): whole, atomically, owner-readable only, stamped
// with the format version.

import { basename, dirname, extname } from 'node:path';
import Conf from 'conf';
import { SETTINGS_VERSION } from '../../../shared/settings.ts';
import type { SettingsPersistence } from './settings-store.ts';

export function confOptions(file: string) {
  const ext = extname(file);
  return {
    cwd: dirname(file),
    configName: basename(file, ext),
    fileExtension: ext.replace(/^\./, ''),
    configFileMode: 0o600,
    // Only ever reached after the file was read and checked (a bad one was kept aside first).
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
  };
}

export class ConfPersistence implements SettingsPersistence {
  readonly location: string;
  private conf: Conf<Record<string, unknown>> | null = null;

  constructor(file: string) {
    this.location = file;
  }

  save(fileSettings: Record<string, unknown>): void {
    // Opened on the first save, so a start that edits nothing creates no file.
    this.conf ??= new Conf<Record<string, unknown>>(confOptions(this.location));
    this.conf.store = { ...fileSettings, version: SETTINGS_VERSION };
  }
}
