// The security gate's own logic: electronegativity's findings, and which still need fixing.
import { describe, expect, it } from 'vitest';
import { fromScan, unreviewed } from '../../scripts/electronegativity-gate.ts';

const issue = (id: string, severity: string, file: string, line: number, sample: string) => ({ id, severity: { name: severity }, confidence: { name: 'FIRM' }, file, location: { line, column: 2 }, sample });
const scan = [
  issue('CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main/index.js', 10, 'new BrowserWindow({ a: 1, b: "x" })'),
  issue('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'main/index.js', 20, 'await shell.openExternal(url);'),
  issue('CSP_GLOBAL_CHECK', 'LOW', 'renderer/index.html', 6, "default-src 'self'"),
];

describe('electronegativity gate', () => {
  const findings = fromScan(scan);
  it('reads the scan', () => {
    expect(findings.map((f) => [f.check, f.severity, f.file, f.location])).toEqual([
      ['CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main/index.js', '10:2'],
      ['OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'main/index.js', '20:2'],
      ['CSP_GLOBAL_CHECK', 'LOW', 'renderer/index.html', '6:2'],
    ]);
    expect(findings[0]!.sample).toBe('new BrowserWindow({ a: 1, b: "x" })');
  });
  it('fails on every HIGH or MEDIUM finding nobody reviewed; LOW ones pass', () => {
    expect(unreviewed(findings, []).map((f) => f.check)).toEqual(['CONTEXT_ISOLATION_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK']);
    const reviewed = [{ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.js', sample: 'shell.openExternal(url)', reason: 'checked' }];
    expect(unreviewed(findings, reviewed).map((f) => f.check)).toEqual(['CONTEXT_ISOLATION_JS_CHECK']);
    // A review covers the code it names, not the check everywhere.
    const elsewhere = fromScan(scan.map((i) => (i.id === 'OPEN_EXTERNAL_JS_CHECK' ? { ...i, sample: 'shell.openExternal(anything)' } : i)));
    expect(unreviewed(elsewhere, reviewed)).toHaveLength(2);
  });
});
