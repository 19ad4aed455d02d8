// The layout is the architecture: only src/main/shell (and the preload) may import electron,
// so the core runs under plain Node and the renderer in any browser; and the store and the PromQL
// engine are used through their index.ts, so their insides can be rearranged freely.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(p) ? [p] : [];
  });
}

/** Folders whose insides only they (and their own tests) may import; everyone else goes
 * through their index.ts. */
const FENCED = ['src/main/core/store', 'src/main/core/promql'];

/** The module specifiers a file imports or re-exports (static and dynamic). */
const specifiers = (text: string): string[] =>
  [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** Imports in `text` (the file at `file`, relative to the repository root) that reach past a fenced
 * folder's index.ts: "<file> → <imported path>". A folder's own files, and its tests under
 * test/<same path without src/>, may import its insides. */
function fenceViolations(file: string, text: string): string[] {
  const from = file.split(sep).join('/');
  const out: string[] = [];
  for (const spec of specifiers(text)) {
    if (!spec.startsWith('.')) continue;
    const target = relative(process.cwd(), resolve(dirname(file), spec)).split(sep).join('/');
    for (const fence of FENCED) {
      if (!target.startsWith(fence + '/') || target === fence + '/index.ts') continue;
      const ownTests = 'test/' + fence.slice('src/'.length) + '/';
      if (from.startsWith(fence + '/') || from.startsWith(ownTests)) continue;
      out.push(`${from} → ${target}`);
    }
  }
  return out;
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

  it('outside src/main/core/store and src/main/core/promql, each is imported through its index.ts', () => {
    // (This file is left out: its detector test below holds bad imports on purpose.)
    const all = ['src', 'test', 'bench', 'e2e', 'scripts'].filter((d) => existsSync(d)).flatMap(files).filter((f) => f !== join('test', 'architecture.test.ts'));
    const offenders = all.flatMap((f) => fenceViolations(f, readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the fence detector itself catches an import past an index', () => {
    const at = (f: string) => join(...f.split('/'));
    expect(fenceViolations(at('src/main/core/http/api.ts'), "import { Store } from '../store/store.ts';")).toEqual([
      'src/main/core/http/api.ts → src/main/core/store/store.ts',
    ]);
    expect(fenceViolations(at('src/main/core/rules/x.ts'), "import type { Head } from '../store/head.ts';\nexport { Querier } from \"../store/querier.ts\";")).toHaveLength(2);
    expect(fenceViolations(at('bench/x.ts'), "const m = await import('../src/main/core/store/store.ts');")).toHaveLength(1);
    expect(fenceViolations(at('src/main/core/rules/x.ts'), "import type { Expr } from '../promql/ast.ts';\nexport { evaluate } from \"../promql/evaluate.ts\";")).toHaveLength(2);
    expect(fenceViolations(at('src/main/core/promql/parse.ts'), "import { compileRegex } from '../store/regex.ts';")).toHaveLength(1);
    expect(fenceViolations(at('test/main/core/promql/x.test.ts'), "import { quantile } from '../../../../src/main/core/promql/kernels.ts';")).toEqual([]);
    expect(fenceViolations(at('src/main/core/http/api.ts'), "import { Store } from '../store/index.ts';")).toEqual([]);
    expect(fenceViolations(at('src/main/core/store/store.ts'), "import { Head } from './head.ts';")).toEqual([]);
    expect(fenceViolations(at('test/main/core/store/x.test.ts'), "import { Head } from '../../../../src/main/core/store/head.ts';")).toEqual([]);
    expect(fenceViolations(at('test/main/core/feed/x.test.ts'), "import { Head } from '../../../../src/main/core/store/head.ts';")).toHaveLength(1);
    expect(fenceViolations(at('src/main/core/store-tools/x.ts'), "import { y } from '../store-tools/y.ts';")).toEqual([]);
  });
});
