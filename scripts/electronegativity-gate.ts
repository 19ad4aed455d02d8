// The security gate on the built app: runs @doyensec/electronegativity over out/ (through its
// programmatic API; its CLI loses the report in a race, see below) and fails on any HIGH or
// MEDIUM finding that is not in .electronegativity-reviewed.json — each entry there names the
// check, the file, the code it is about, and why it is safe. Run after `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';

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

export function unreviewed(findings: Finding[], reviewed: Reviewed[]): Finding[] {
  return findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !reviewed.some((r) => r.check === f.check && r.file === f.file && f.sample.includes(r.sample)));
}

/** electronegativity's programmatic API (its CLI writes the CSV with two racing async writes and
 * can exit before either lands). */
interface ScanIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  sample?: string;
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<{ issues: ScanIssue[]; errors: unknown[] }>;

export function fromScan(issues: ScanIssue[]): Finding[] {
  return issues.map((i) => ({ check: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, location: `${i.location.line}:${i.location.column}`, sample: i.sample ?? '' }));
}

// electronegativity fetches translations (and, in one check, Electron's release list) from
// GitHub. Offline, `got` fails over and then throws from a retry timer, outside any promise —
// a known upstream bug that crashed the scan at a random moment. Only that one error is ignored.
const GOT_RETRY_BUG = 'The `onCancel` handler was attached after the promise settled.';

async function main(): Promise<void> {
  if (!existsSync('out/main/index.js')) {
    console.error('electronegativity gate: out/ is not built; run `npm run build` first');
    process.exit(1);
  }
  process.on('uncaughtException', (e) => {
    if (e instanceof Error && e.message === GOT_RETRY_BUG) return;
    console.error(e);
    process.exit(1);
  });
  const electron = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;
  const run = createRequire(import.meta.url)('@doyensec/electronegativity') as Runner;
  const scan = await run(
    {
      input: resolve('out'),
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electron,
      customScan: [],
      // Needs the internet (GitHub's list of Electron releases); the version is pinned in package.json.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      parserPlugins: [],
    },
    false,
  );
  // Its parser predates some syntax Svelte 5 compiles to (private class fields). The main process
  // and the preload, where Electron's APIs are, must parse; renderer chunks that do not are named.
  const unparsed = (scan.errors as { file: string; message: string }[]).map((e) => ({ file: relative(resolve('out'), e.file), message: e.message }));
  const fatal = unparsed.filter((e) => !e.file.startsWith('renderer/'));
  for (const e of unparsed) console.log(`  not scanned: ${e.file} (${e.message})`);
  if (fatal.length > 0) {
    console.error(`electronegativity gate: the main process or preload could not be parsed: ${fatal.map((e) => e.file).join(', ')}`);
    process.exit(1);
  }
  const findings = fromScan(scan.issues);
  const reviewed = JSON.parse(readFileSync('.electronegativity-reviewed.json', 'utf8')) as Reviewed[];
  const bad = unreviewed(findings, reviewed);
  const counts = (sev: string) => findings.filter((f) => f.severity === sev).length;
  console.log(`electronegativity (Electron ${electron}): ${findings.length} findings — ${counts('HIGH')} high, ${counts('MEDIUM')} medium, ${counts('LOW')} low, ${counts('INFORMATIONAL')} informational`);
  for (const f of findings.filter((x) => x.severity === 'HIGH' || x.severity === 'MEDIUM')) {
    const ok = !bad.includes(f);
    console.log(`  ${ok ? 'reviewed  ' : 'UNREVIEWED'} ${f.severity} ${f.check} ${f.file}:${f.location} ${f.sample.slice(0, 100)}`);
  }
  if (bad.length > 0) {
    console.error(`electronegativity gate: ${bad.length} HIGH/MEDIUM finding(s) to fix (or review in .electronegativity-reviewed.json, with the reason)`);
    process.exit(1);
  }
  console.log('electronegativity gate: passed');
  process.exit(0);
}

if (process.argv[1]?.endsWith('electronegativity-gate.ts')) await main();
