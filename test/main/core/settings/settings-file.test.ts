// Reading settings files: migrations between versions, and a bad file kept aside (never a silent
// reset) while the desktop app starts on the defaults.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, MigrationError } from '../../../../src/main/core/settings/migrations.ts';
import { openSettingsOrDefaults, parseSettingsFile } from '../../../../src/main/core/settings/settings-file.ts';
import { ConfPersistence } from '../../../../src/main/core/settings/conf-persistence.ts';
import { SETTINGS_VERSION } from '../../../../src/shared/settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'radiator-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  // A made-up history of the format: v1 named the theme `display.dark: true`, v2 renamed a
  // section, v3 is current. The mechanism is what is tested; the real list is in migrations.ts.
  const steps = {
    1: (f: Record<string, unknown>) => {
      const { dark, ...display } = (f.display ?? {}) as Record<string, unknown>;
      return { ...f, display: { ...display, theme: dark === false ? 'light' : 'dark' } };
    },
    2: (f: Record<string, unknown>) => {
      const { screens, ...rest } = f;
      return screens === undefined ? rest : { ...rest, display: { ...(rest.display as object), screens } };
    },
  };

  it('runs every step from the file’s version to the current one, in order', () => {
    expect(migrate({ display: { dark: false }, screens: { tv: 'default' } }, 3, steps)).toEqual({ from: 1, file: { version: 3, display: { theme: 'light', screens: { tv: 'default' } } } });
    expect(migrate({ version: 2, display: { theme: 'dark' } }, 3, steps)).toEqual({ from: 2, file: { version: 3, display: { theme: 'dark' } } });
    expect(migrate({ version: 3, x: 1 }, 3, steps)).toEqual({ from: 3, file: { version: 3, x: 1 } });
  });

  it('refuses a file from a newer Radiator, a bad version, or a gap in the steps', () => {
    expect(() => migrate({ version: 4 }, 3, steps)).toThrow(/written by a newer Radiator/);
    expect(() => migrate({ version: 'two' }, 3, steps)).toThrow(MigrationError);
    expect(() => migrate({ version: 1 }, 4, steps)).toThrow(/no migration from version 3 to 4/);
  });

  it('reads today’s files, and files with no version, as the current version', () => {
    expect(migrate({}).file.version ?? SETTINGS_VERSION).toBe(SETTINGS_VERSION);
    expect(parseSettingsFile('{"display":{"theme":"light"}}')).toEqual({ ok: true, file: { display: { theme: 'light' } }, migratedFrom: null });
  });
});

describe('settings file', () => {
  it('says what is wrong with a file that cannot be used', () => {
    expect(parseSettingsFile('{"display": ')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not valid JSON/)] });
    expect(parseSettingsFile('[1,2]')).toEqual({ ok: false, problems: ['must hold a JSON object'] });
    expect(parseSettingsFile(null)).toEqual({ ok: true, file: {}, migratedFrom: null });
  });

  it('starts the desktop app on the defaults with a bad file, keeping it beside the real one', () => {
    const file = join(dir, 'bad.json');
    const bad = '{"display": {"theme": "purple"}}';
    writeFileSync(file, bad);
    const o = openSettingsOrDefaults(file, {}, new ConfPersistence(file), new Date('2026-11-26T10:00:00Z'));
    expect(o.fallback!.problems[0]).toMatch(/^display\.theme = "purple"/);
    expect(o.fallback!.keptAs).toBe(`${file}.invalid-2026-11-26T10-00-00-000Z`);
    expect(readFileSync(o.fallback!.keptAs, 'utf8')).toBe(bad);
    expect(o.store.current.display.theme).toBe('dark');
    // The first edit writes a good file; the bad one stays where it was kept.
    o.store.update('display', { theme: 'light' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ display: { theme: 'light' }, version: SETTINGS_VERSION });
    expect(existsSync(o.fallback!.keptAs)).toBe(true);
  });

  it('opens a good file as it is, and writes nothing until something changes', () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, '{"display":{"theme":"light"}}');
    const o = openSettingsOrDefaults(file, {}, new ConfPersistence(file));
    expect(o.fallback).toBeNull();
    expect(o.store.current.display.theme).toBe('light');
    expect(readFileSync(file, 'utf8')).toBe('{"display":{"theme":"light"}}');
  });
});
