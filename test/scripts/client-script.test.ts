// The served /client.js is the compiled src/client/radiator-client.ts (regenerate with
// `node scripts/build-client.ts`), small, and valid ES2017 script.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLIENT_MODULE, compileClient, renderClientModule } from '../../scripts/build-client.ts';
import { CLIENT_SCRIPT } from '../../src/main/core/client/client-script.ts';

describe('client script', () => {
  it('the generated module is in step with its source (node scripts/build-client.ts)', () => {
    expect(readFileSync(CLIENT_MODULE, 'utf8')).toBe(renderClientModule());
    expect(CLIENT_SCRIPT).toBe(compileClient());
  });

  it('stays under 5 KB and parses as an ES2017 script', () => {
    expect(Buffer.byteLength(CLIENT_SCRIPT)).toBeLessThan(5 * 1024);
    // Parsed by TypeScript as ES2017: any later syntax (?., ??, class fields) would be reported.
    const sf = ts.createSourceFile('client.js', CLIENT_SCRIPT, { languageVersion: ts.ScriptTarget.ES2017 }, false, ts.ScriptKind.JS);
    expect((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    expect(CLIENT_SCRIPT).not.toMatch(/\?\.|\?\?|\bimport\b|\bexport\b/);
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
  });
});
