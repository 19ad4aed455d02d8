// The benchmark's NAB scorer (bench/anomaly/nab-score.ts), against hand-worked cases of
// numenta/NAB's sweeper rules.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, parseNabTime, type NabFile } from '../../../../bench/anomaly/nab-corpus.ts';
import { fileScores, nabScore, probationLength, scaledSigmoid, sweepCorpus, windowMetrics } from '../../../../bench/anomaly/nab-score.ts';

/** A 100-row file (probation: its first 15 rows) with one window over rows 60..69. */
function file(windows: Array<[number, number]> = [[60, 69]], rows = 100): NabFile {
  const labels = new Uint8Array(rows);
  for (const [a, b] of windows) labels.fill(1, a, b + 1);
  return {
    key: 'cat/f.csv',
    category: 'cat',
    name: 'f',
    stamps: [],
    t: Float64Array.from({ length: rows }, (_, i) => i * 60_000),
    v: new Float64Array(rows),
    windows,
    labels,
  };
}
const scores = (rows: number, flagged: number[], value = 1) => {
  const s = new Float64Array(rows);
  for (const i of flagged) s[i] = value;
  return s;
};
const MAX_TP = scaledSigmoid(-1);

describe('NAB scoring', () => {
  it('uses the scaled sigmoid of the sweeper', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('has a probation of 15 % of the rows, at most 750', () => {
    expect(probationLength(100)).toBe(15);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(22695)).toBe(750);
  });

  it('normalises a perfect detector to 100 and the null detector to 0', () => {
    const f = file();
    expect(nabScore([f], [scores(100, [60])]).normalized).toBeCloseTo(100, 9);
    expect(nabScore([f], [new Float64Array(100).fill(0.5)]).normalized).toBeCloseTo(0, 9);
    expect(nabScore([f], [new Float64Array(100)]).normalized).toBeCloseTo(0, 9);
  });

  it('weighs a detection by how early it comes in its window, and counts only the earliest', () => {
    const f = file();
    // Last row of the window: position −1/10.
    expect(fileScores([f], [scores(100, [69])], 0.5)[0]).toBeCloseTo(scaledSigmoid(-0.1) / MAX_TP, 12);
    expect(fileScores([f], [scores(100, [64, 69])], 0.5)[0]).toBeCloseTo(scaledSigmoid(-0.6) / MAX_TP, 12);
  });

  it('charges 0.11 for a false positive before any window, less just after one, and nothing in probation', () => {
    const f = file();
    expect(fileScores([f], [scores(100, [30])], 0.5)[0]).toBeCloseTo(-1 - 0.11, 12);
    // Row 72 is 3 rows past the window's last row; the window is 10 rows wide.
    expect(fileScores([f], [scores(100, [72])], 0.5)[0]).toBeCloseTo(-1 + 0.11 * scaledSigmoid(3 / 9), 12);
    expect(fileScores([f], [scores(100, [10])], 0.5)[0]).toBeCloseTo(-1, 12);
  });

  it('picks the corpus-wide threshold with the best total', () => {
    const f = file();
    // 0.9 at the window start, 0.7 on two FPs: flagging everything at ≥ 0.7 costs 0.22.
    const s = scores(100, [60], 0.9);
    s[30] = 0.7;
    s[40] = 0.7;
    const best = sweepCorpus([f], [s]);
    expect(best.threshold).toBe(0.9);
    expect(best.rawScore).toBeCloseTo(1, 12);
  });
});

describe('detected-window metrics', () => {
  it('count a window once, and each run of flagged points outside windows as one FP', () => {
    const f = file([
      [40, 49],
      [70, 79],
    ]);
    const s = scores(100, [42, 43, 20, 21, 22, 90, 92]);
    const m = windowMetrics([f], [s], 0.5);
    expect(m).toMatchObject({ windows: 2, detected: 1, fpEvents: 3 });
    expect(m.precision).toBeCloseTo(1 / 4, 12);
    expect(m.recall).toBeCloseTo(1 / 2, 12);
    expect(m.f1).toBeCloseTo((2 * 0.25 * 0.5) / 0.75, 12);
  });
});

describe('the NAB corpus reader', () => {
  it('parses NAB timestamps as UTC', () => {
    expect(parseNabTime('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTime('2014-04-01 00:00:00')).toBe(Date.UTC(2014, 3, 1));
  });

  it('finds every <category>/<file>.csv and labels rows inside the windows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radiator-nab-'));
    mkdirSync(join(dir, 'data', 'realSomething'), { recursive: true });
    const rows = ['timestamp,value', ...Array.from({ length: 6 }, (_, i) => `2014-04-01 00:0${i}:00,${i * 1.5}`)];
    writeFileSync(join(dir, 'data', 'realSomething', 'a.csv'), rows.join('\n') + '\n');
    writeFileSync(join(dir, 'windows.json'), JSON.stringify({ 'realSomething/a.csv': [['2014-04-01 00:02:00.000000', '2014-04-01 00:03:00.000000']] }));
    const [f] = loadCorpus(join(dir, 'data'), join(dir, 'windows.json'));
    expect(f!.key).toBe('realSomething/a.csv');
    expect([...f!.v]).toEqual([0, 1.5, 3, 4.5, 6, 7.5]);
    expect([...f!.labels]).toEqual([0, 0, 1, 1, 0, 0]);
    expect(f!.windows).toEqual([[2, 3]]);
  });
});
