// The examples the "Telemetry and CI" settings page shows are what the schema accepts, and a
// mistake in one is named by its path, as the page shows it.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SettingsSchema } from '../../src/shared/settings.ts';
import { UI_SECTIONS } from '../../src/shared/settings-sections.ts';
import { validateSection } from '../../src/renderer/src/settings/form-errors.ts';
import { TELEMETRY_SECTIONS } from '../../src/renderer/src/settings/telemetry-sections.ts';

describe('the Telemetry and CI page', () => {
  for (const s of TELEMETRY_SECTIONS) {
    it(`its ${s.name} example is valid, and the section is one the settings API edits`, () => {
      expect(UI_SECTIONS).toContain(s.name);
      expect(validateSection(SettingsSchema, s.name, parse(s.example))).toEqual({});
    });
  }

  it('names the path of a bad value', () => {
    const experiments = TELEMETRY_SECTIONS.find((s) => s.name === 'experiments')!;
    const bad = experiments.example.replace('minimumEffect: 0.1', 'minimumEffect: 0');
    expect(validateSection(SettingsSchema, 'experiments', parse(bad))).toEqual({ '0.minimumEffect': 'must not be 0' });
    const scrape = TELEMETRY_SECTIONS.find((s) => s.name === 'scrape')!;
    expect(Object.keys(validateSection(SettingsSchema, 'scrape', parse(scrape.example.replace('http://127.0.0.1', 'ftp://127.0.0.1'))))).toEqual(['targets.0.url']);
  });
});
