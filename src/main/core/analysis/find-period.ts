// Finds the dominant period of a regularly sampled series: candidate periods from the peaks of
// its FFT periodogram, each confirmed (and its lag refined) on the autocorrelation function,
// which comes from the same FFT (Wiener–Khinchin). This is AutoPeriod (Vlachos, Yu & Castelli,
// 2005): the periodogram alone is fooled by leakage and harmonics, the ACF alone by its many
// local maxima at multiples of the period.

import FFT from 'fft.js';
import { linearRegression } from 'simple-statistics';

export interface PeriodEstimate {
  /** In samples; fractional, refined between lags. */
  period: number;
  /** Autocorrelation at that lag, in [−1, 1]. */
  acf: number;
}

export interface FindPeriodOptions {
  /** Shortest period considered, in samples. */
  minPeriod: number;
  /** Autocorrelation a candidate needs to count as a period. */
  minAcf: number;
  /** Periodogram peaks tried. */
  candidates: number;
  /** How far the ACF must dip somewhere before the peak. */
  minProminence: number;
  /**
   * ACF a candidate must gain over a shorter period it is a multiple of (or over `prefer`) to
   * replace it: 48 h repeats whatever 24 h does, and a period that flips with every re-estimate
   * helps no one.
   */
  margin: number;
  /** The period currently in use, in samples (0: none), kept while it is still nearly the best. */
  prefer: number;
}

export const FIND_PERIOD_DEFAULTS: FindPeriodOptions = { minPeriod: 4, minAcf: 0.5, candidates: 5, minProminence: 0.2, margin: 0.05, prefer: 0 };

/** Buffers for one FFT size, reused across calls: period detection runs every few hundred points on every series. */
interface Workspace {
  fft: FFT;
  pairs: number[][];
  input: number[];
  spectrum: number[];
  power: number[];
  powerComplex: number[];
  acfComplex: number[];
}
const workspaces = new Map<number, Workspace>();
function workspace(len: number): Workspace {
  let w = workspaces.get(len);
  if (!w) {
    const fft = new FFT(2 * len);
    w = {
      fft,
      pairs: Array.from({ length: len }, (_, i) => [i, 0]),
      input: new Array<number>(2 * len).fill(0),
      spectrum: fft.createComplexArray() as number[],
      power: new Array<number>(2 * len).fill(0),
      powerComplex: fft.createComplexArray() as number[],
      acfComplex: fft.createComplexArray() as number[],
    };
    workspaces.set(len, w);
  }
  return w;
}

/**
 * The dominant period of values (a power-of-two length of at least 16 is fastest; any length
 * works, the tail beyond the largest power of two is ignored), or null when nothing repeats at
 * least twice within it with an autocorrelation of minAcf.
 */
export function findPeriod(values: ArrayLike<number>, opts: Partial<FindPeriodOptions> = {}): PeriodEstimate | null {
  const { minPeriod, minAcf, candidates, minProminence, margin, prefer } = { ...FIND_PERIOD_DEFAULTS, ...opts };
  let len = 1;
  while (len * 2 <= values.length) len *= 2;
  if (len < 16) return null;
  const start = values.length - len;
  const maxLag = Math.floor(len / 2); // at least two full cycles in the window

  const { fft, pairs, input, spectrum, power, powerComplex, acfComplex } = workspace(len);
  // Remove the linear trend, whose leakage would otherwise swamp the low frequencies.
  for (let i = 0; i < len; i++) pairs[i]![1] = values[start + i]!;
  const { m, b } = linearRegression(pairs);
  // Zero-pad to twice the length so the ACF from the power spectrum is linear, not circular.
  const size = 2 * len;
  let energy = 0;
  for (let i = 0; i < len; i++) {
    const d = values[start + i]! - (m * i + b);
    input[i] = d;
    energy += d * d;
  }
  for (let i = len; i < size; i++) input[i] = 0;
  if (!(energy > 0)) return null;
  fft.realTransform(spectrum, input);
  fft.completeSpectrum(spectrum);
  for (let k = 0; k < size; k++) {
    const re = spectrum[2 * k]!;
    const im = spectrum[2 * k + 1]!;
    power[k] = re * re + im * im;
    powerComplex[2 * k] = power[k]!;
    powerComplex[2 * k + 1] = 0;
  }
  fft.inverseTransform(acfComplex, powerComplex);
  const acf0 = acfComplex[0]!;
  // Unbiased autocorrelation: each lag's sum over its own number of pairs.
  const acf = (lag: number): number => ((acfComplex[2 * lag]! / (len - lag)) * len) / acf0;

  // Periodogram peaks whose period lies in [minPeriod, maxLag]; bin k of the padded spectrum is
  // period size / k.
  const kMin = Math.max(1, Math.ceil(size / maxLag));
  const kMax = Math.min(size / 2 - 1, Math.floor(size / minPeriod));
  const peaks: number[] = [];
  for (let k = kMin; k <= kMax; k++) {
    if (power[k]! > power[k - 1]! && power[k]! >= power[k + 1]!) peaks.push(k);
  }
  peaks.sort((x, y) => power[y]! - power[x]!);

  const found: PeriodEstimate[] = [];
  const consider = (start: number): void => {
    // Climb the ACF from a rough lag to the nearest local maximum.
    let lag = Math.min(maxLag, Math.max(minPeriod, Math.round(start)));
    for (;;) {
      const here = acf(lag);
      if (lag + 1 <= maxLag && acf(lag + 1) > here) lag++;
      else if (lag - 1 >= minPeriod && acf(lag - 1) > here) lag--;
      else break;
    }
    const r = acf(lag);
    if (r < minAcf) return;
    // A climb that ends at the edge of the range found no peak, only the slope of a smooth
    // series' decaying ACF. And a real repeat has a trough before it: somewhere between lag 1
    // and the peak the series must have looked unlike itself.
    if (lag <= minPeriod || lag >= maxLag) return;
    let trough = Infinity;
    for (let t = 1; t < lag; t++) trough = Math.min(trough, acf(t));
    if (trough > r - minProminence) return;
    // A parabola through the peak and its neighbours places it between lags.
    let period = lag;
    const a = acf(lag - 1);
    const c = acf(lag + 1);
    const curvature = a - 2 * r + c;
    if (curvature < 0) period = lag + (0.5 * (a - c)) / curvature;
    found.push({ period, acf: r });
  };
  for (const k of peaks.slice(0, candidates)) consider(size / k);
  if (found.length === 0) return null;
  found.sort((x, y) => y.acf - x.acf);
  let best = found[0]!;
  // Prefer a shorter period the best is a whole multiple of, unless the best is clearly better.
  for (const f of found) {
    const m = best.period / f.period;
    if (f.period < best.period && Math.round(m) >= 2 && Math.abs(m - Math.round(m)) < 0.03 * m && f.acf >= best.acf - margin) best = f;
  }
  if (prefer > 0) {
    const before = found.length;
    consider(prefer);
    const kept = found.length > before ? found[found.length - 1]! : null;
    if (kept && Math.abs(kept.period - prefer) <= 0.05 * prefer && kept.acf >= best.acf - margin) best = kept;
  }
  return best;
}
