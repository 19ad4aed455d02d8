// The security gate's own logic: electronegativity's CSV, and which findings still need fixing.
import { describe, expect, it } from 'vitest';
import { parseCsv, unreviewed } from '../../scripts/electronegativity-gate.ts';

const csv = `issue, severity, confidence, filename, location, sample, description, url
CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/index.js","10:2","new BrowserWindow({ a: 1, b: ""x"" })","Review the use of the contextIsolation option",https://x
OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","main/index.js","20:9","await shell.openExternal(url);","Review",https://x
CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","6:0","default-src 'self'","CSP",https://x
`;

describe('electronegativity gate', () => {
  const findings = parseCsv(csv);
  it('reads the report, quotes and all', () => {
    expect(findings.map((f) => [f.check, f.severity, f.file])).toEqual([
      ['CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main/index.js'],
      ['OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'main/index.js'],
      ['CSP_GLOBAL_CHECK', 'LOW', 'renderer/index.html'],
    ]);
    expect(findings[0]!.sample).toBe('new BrowserWindow({ a: 1, b: "x" })');
  });
  it('fails on every HIGH or MEDIUM finding nobody reviewed; LOW ones pass', () => {
    expect(unreviewed(findings, []).map((f) => f.check)).toEqual(['CONTEXT_ISOLATION_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK']);
    const reviewed = [{ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.js', sample: 'shell.openExternal(url)', reason: 'checked' }];
    expect(unreviewed(findings, reviewed).map((f) => f.check)).toEqual(['CONTEXT_ISOLATION_JS_CHECK']);
    // A review covers the code it names, not the check everywhere.
    expect(unreviewed(parseCsv(csv.replace('await shell.openExternal(url);', 'shell.openExternal(anything)')), reviewed)).toHaveLength(2);
  });
});
