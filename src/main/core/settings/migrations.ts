// Settings files from older versions are brought up to this one when read, one step at a time,
// before validation. Each step is a pure function of the file's JSON; the file is written back
// (in the new format) only when something is next saved.

import { SETTINGS_VERSION } from '../../../shared/settings.ts';

export type Migration = (file: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n file into a version-(n + 1) one. Version 1 is the first
 * released format, so there are none yet; add one here, with a test, when the format changes. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export class MigrationError extends Error {}

/** The file in this version's format, and the version it was written in. A file without a
 * version is version 1. A file from a newer Radiator is refused rather than guessed at. */
export function migrate(
  file: Record<string, unknown>,
  current = SETTINGS_VERSION,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
): { file: Record<string, unknown>; from: number } {
  const raw = file.version ?? 1;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw new MigrationError(`version = ${JSON.stringify(raw)}: must be a whole number from 1`);
  if (raw > current) throw new MigrationError(`version = ${raw}: this file was written by a newer Radiator (this one reads up to version ${current})`);
  let out = file;
  for (let v = raw; v < current; v++) {
    const step = migrations[v];
    if (!step) throw new MigrationError(`version = ${raw}: no migration from version ${v} to ${v + 1}`);
    out = { ...step(out), version: v + 1 };
  }
  return { file: raw === current ? out : { ...out, version: current }, from: raw };
}
