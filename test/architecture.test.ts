// The layout is the architecture: only src/main/shell (and the preload) may import electron,
// so the core runs under plain Node and the renderer in any browser.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(p) ? [p] : [];
  });
}

const importsElectron = (text: string) => /from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(text);

describe('architecture', () => {
  it('nothing outside src/main/shell and src/preload imports electron', () => {
    const offenders = files('src').filter((f) => !f.startsWith(join('src', 'main', 'shell')) && !f.startsWith(join('src', 'preload')) && importsElectron(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the detector itself catches an import', () => {
    expect(importsElectron("import { app } from 'electron';")).toBe(true);
    expect(importsElectron("const { ipcRenderer } = require('electron')")).toBe(true);
    expect(importsElectron("import x from './electronics.ts'")).toBe(false);
  });

  it('the renderer and shared code do not import Node built-ins', () => {
    const offenders = [...files(join('src', 'renderer')), ...files(join('src', 'shared'))].filter((f) => /from\s+['"]node:/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
