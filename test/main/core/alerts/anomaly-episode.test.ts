// One series through an anomaly rule's judge (anomaly-episode.ts): a single odd point is not an
// incident; a level jump is, once confirmed, and lasts while the value stays outside the band
// expected before it — however long the detectors would have taken to adapt — and ends when it
// is back inside.
import { describe, expect, it } from 'vitest';
import { AnomalyTracker } from '../../../../src/main/core/alerts/anomaly-episode.ts';
import { ANOMALY_MAX_WITHHELD_POINTS as MAX_WITHHELD_POINTS } from '../../../../src/shared/limits.ts';

const STEP = 15_000;
function feed(tr: AnomalyTracker, values: number[], t0: number) {
  return values.map((v, i) => tr.observe({ t: t0 + i * STEP, v }));
}
let seed = 3;
const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 4;
const normal = (n: number) => Array.from({ length: n }, () => 100 + noise());

describe('an anomaly rule on one series', () => {
  const cond = { threshold: 0.6, confirm: 2, hysteresis: 0.25 };

  it('does not hold on ordinary noise, nor on a single odd point', () => {
    const tr = new AnomalyTracker(cond);
    const warm = feed(tr, normal(1500), 0);
    expect(warm.slice(300).filter((j) => j.holds)).toEqual([]);
    const blip = feed(tr, [160, ...normal(30)], 1500 * STEP);
    expect(blip.filter((j) => j.holds)).toEqual([]);
    expect(blip[1]!.reason).toMatch(/an onset that did not last/);
  });

  it('holds from the confirming point of a jump until the value is back, however long it lasts', () => {
    const tr = new AnomalyTracker(cond);
    feed(tr, normal(1500), 0);
    const jump = feed(tr, Array.from({ length: 200 }, () => 160 + noise()), 1500 * STEP);
    expect(jump[0]!.holds).toBe(false);
    expect(jump[0]!.reason).toMatch(/an onset; 1 more point to confirm it/);
    expect(jump.slice(1).every((j) => j.holds)).toBe(true);
    expect(jump[199]!.reason).toMatch(/^1\d\d(\.\d+)? against the expected \d+(\.\d+)?–\d+(\.\d+)?, anomalous since /);
    const back = feed(tr, normal(50), 1700 * STEP);
    expect(back[0]!.holds).toBe(false);
    expect(back[0]!.reason).toMatch(/^back to normal/);
    expect(back.filter((j) => j.holds)).toEqual([]);
  });

  it('keeps holding a level that stays, past MAX_WITHHELD_POINTS, and ends when it comes back', () => {
    const tr = new AnomalyTracker(cond);
    feed(tr, normal(1500), 0);
    const stays = feed(tr, Array.from({ length: MAX_WITHHELD_POINTS + 1500 }, () => 160 + noise()), 1500 * STEP);
    // An incident as long as the value stays outside the band expected before it.
    expect(stays.slice(1).every((j) => j.holds)).toBe(true);
    const back = feed(tr, normal(20), (3000 + MAX_WITHHELD_POINTS) * STEP);
    expect(back[0]!.holds).toBe(false);
    expect(back[0]!.reason).toMatch(/^back to normal: \d+(\.\d+)? against the expected/);
  });
});
