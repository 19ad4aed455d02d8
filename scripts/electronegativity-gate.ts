// The security gate on the built app: runs @doyensec/electronegativity over out/ (it always exits
// 0, and here it also tries the network after writing its report) and fails on any HIGH or
// MEDIUM finding that is not in .electronegativity-reviewed.json — each entry there names the
// check, the file, the code it is about, and why it is safe. Run after `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
}
interface Reviewed {
  check: string;
  file: string;
  /** The finding's code sample must contain this. */
  sample: string;
  reason: string;
}

/** electronegativity's CSV: a header line, then quoted fields. */
export function parseCsv(text: string): Finding[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows.slice(1).filter((r) => r.length >= 6).map(([check, severity, confidence, file, location, sample]) => ({ check: check!, severity: severity!, confidence: confidence!, file: file!, location: location!, sample: sample! }));
}

export function unreviewed(findings: Finding[], reviewed: Reviewed[]): Finding[] {
  return findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !reviewed.some((r) => r.check === f.check && r.file === f.file && f.sample.includes(r.sample)));
}

function main(): void {
  if (!existsSync('out/main/index.js')) {
    console.error('electronegativity gate: out/ is not built; run `npm run build` first');
    process.exit(1);
  }
  const electron = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;
  const report = join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'report.csv');
  spawnSync(join('node_modules', '.bin', 'electronegativity'), ['-i', 'out', '-o', report, '-v', 'false', '-r', '-e', electron], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  if (!existsSync(report)) {
    console.error('electronegativity gate: electronegativity wrote no report');
    process.exit(1);
  }
  const findings = parseCsv(readFileSync(report, 'utf8'));
  const reviewed = JSON.parse(readFileSync('.electronegativity-reviewed.json', 'utf8')) as Reviewed[];
  const bad = unreviewed(findings, reviewed);
  const counts = (sev: string) => findings.filter((f) => f.severity === sev).length;
  console.log(`electronegativity ${electron ? `(Electron ${electron})` : ''}: ${findings.length} findings — ${counts('HIGH')} high, ${counts('MEDIUM')} medium, ${counts('LOW')} low, ${counts('INFORMATIONAL')} informational`);
  for (const f of findings.filter((x) => x.severity === 'HIGH' || x.severity === 'MEDIUM')) {
    const ok = !bad.includes(f);
    console.log(`  ${ok ? 'reviewed  ' : 'UNREVIEWED'} ${f.severity} ${f.check} ${f.file}:${f.location} ${f.sample.slice(0, 100)}`);
  }
  if (bad.length > 0) {
    console.error(`electronegativity gate: ${bad.length} HIGH/MEDIUM finding(s) to fix (or review in .electronegativity-reviewed.json, with the reason)`);
    process.exit(1);
  }
  console.log('electronegativity gate: passed');
}

if (process.argv[1]?.endsWith('electronegativity-gate.ts')) main();
