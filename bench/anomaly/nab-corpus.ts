// Reads a NAB-format corpus: <data>/<category>/<file>.csv files of timestamp,value rows, and the
// labelled anomaly windows (combined_windows.json, keyed by "<category>/<file>.csv").

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface NabFile {
  /** "<category>/<file>.csv", the key in the windows file. */
  key: string;
  category: string;
  /** The file name without .csv. */
  name: string;
  /** The timestamps as written, for the results files. */
  stamps: string[];
  t: Float64Array;
  v: Float64Array;
  /** Labelled windows as [first index, last index] (inclusive), in time order. */
  windows: Array<[number, number]>;
  /** 1 inside a labelled window, else 0. */
  labels: Uint8Array;
}

/** NAB's timestamps ("2014-04-01 00:00:00", windows with ".000000") are UTC wall times. */
export function parseNabTime(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(s.trim());
  if (!m) throw new Error(`bad NAB timestamp: ${s}`);
  const frac = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
  return Date.parse(`${m[1]}T${m[2]}${frac}Z`);
}

export function loadCorpus(dataDir: string, windowsPath: string): NabFile[] {
  const windowsByKey = JSON.parse(readFileSync(windowsPath, 'utf8')) as Record<string, Array<[string, string]>>;
  const files: NabFile[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.csv')) continue;
      const key = `${category}/${file}`;
      const rows = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
      const stamps: string[] = [];
      const values: number[] = [];
      for (let i = 1; i < rows.length; i++) {
        const row = rows[i]!;
        if (!row.trim()) continue;
        const comma = row.indexOf(',');
        stamps.push(row.slice(0, comma));
        values.push(Number(row.slice(comma + 1)));
      }
      const t = Float64Array.from(stamps, parseNabTime);
      const limits = windowsByKey[key];
      if (!limits) process.stderr.write(`warning: no windows for ${key} in ${windowsPath}; scoring it as anomaly-free\n`);
      const windows: Array<[number, number]> = [];
      const labels = new Uint8Array(t.length);
      for (const [a, b] of limits ?? []) {
        const ta = parseNabTime(a);
        const tb = parseNabTime(b);
        let first = -1;
        let last = -1;
        for (let i = 0; i < t.length; i++) {
          if (t[i]! >= ta && t[i]! <= tb) {
            if (first < 0) first = i;
            last = i;
            labels[i] = 1;
          }
        }
        if (first >= 0) windows.push([first, last]);
      }
      windows.sort((x, y) => x[0] - y[0]);
      files.push({ key, category, name: file.slice(0, -4), stamps, t, v: Float64Array.from(values), windows, labels });
    }
  }
  return files;
}
