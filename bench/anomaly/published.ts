// The published results of two NAB detectors (ARTime, Numenta's HTM) on the shared categories,
// from test/fixtures/nab-results, as candidates scored beside ours on the same files.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Candidate } from './held-out.ts';
import type { NabFile } from './nab-corpus.ts';

const FIXTURE = resolve(import.meta.dirname, '../../test/fixtures/nab-results/published-results.json.gz');

/** Each published detector's scores for these files; a detector missing any file is left out. */
export function publishedResults(files: NabFile[]): Candidate[] {
  const fixture = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as { detectors: Record<string, { scores: Record<string, string[]> }> };
  const out: Candidate[] = [];
  for (const [name, d] of Object.entries(fixture.detectors)) {
    if (!files.every((f) => d.scores[f.key]?.length === f.t.length)) continue;
    out.push({ name: `${name} (published)`, scores: files.map((f) => Float64Array.from(d.scores[f.key]!, Number)) });
  }
  return out;
}
