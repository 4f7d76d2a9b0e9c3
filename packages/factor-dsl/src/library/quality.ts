import type { FactorSource } from '@hfq/core';
import { ic } from '@hfq/metrics';

/** Options of `factorQuality`. */
export interface FactorQualityOptions {
  /**
   * Which stock-days count (dates x assets, row-major, 1 = count): e.g. the days a stock traded.
   * Default: every stock-day of the cube.
   */
  mask?: Uint8Array;
  /** Fewest stocks with values on a date for its correlation to count. Default 5. */
  minAssets?: number;
}

/** What `factorQuality` reports, per factor and per pair. */
export interface FactorQuality {
  readonly factors: readonly string[];
  /** Share of the counted stock-days with a finite value (a fraction). */
  readonly coverage: Float64Array;
  /** Mean over dates of the cross-sectional standard deviation (0 = no cross-sectional variance). */
  readonly crossSectionStd: Float64Array;
  /**
   * `factors x factors`, row-major: mean over dates of the cross-sectional Pearson correlation of
   * the two factors (pairs where both are finite; dates with fewer than `minAssets` pairs skipped).
   */
  readonly correlation: Float64Array;
}

/**
 * Coverage, cross-sectional spread and pairwise correlation of the factors of a cube: the checks a
 * factor library must pass (every factor covers most stock-days, varies across stocks, and no two
 * factors say the same thing). The correlation is the mean per-date cross-sectional Pearson
 * correlation (`ic` of `@hfq/metrics` on each date). O(factors^2 x dates x assets).
 */
export function factorQuality(cube: FactorSource, options: FactorQualityOptions = {}): FactorQuality {
  const nD = cube.dates.length;
  const nA = cube.assets.length;
  const nF = cube.factors.length;
  const minAssets = options.minAssets ?? 5;
  const mask = options.mask;
  // Columns per date and factor (NaN outside the mask).
  const cols: Float64Array[][] = [];
  for (let t = 0; t < nD; t++) {
    const day = cube.day(t);
    const row: Float64Array[] = [];
    for (let f = 0; f < nF; f++) {
      const c = new Float64Array(nA);
      for (let a = 0; a < nA; a++)
        c[a] = mask === undefined || mask[t * nA + a] === 1 ? day[a * nF + f]! : NaN;
      row.push(c);
    }
    cols.push(row);
  }
  const coverage = new Float64Array(nF);
  const crossSectionStd = new Float64Array(nF);
  let counted = 0;
  for (let t = 0; t < nD; t++)
    for (let a = 0; a < nA; a++) if (mask === undefined || mask[t * nA + a] === 1) counted++;
  for (let f = 0; f < nF; f++) {
    let finite = 0;
    let sdSum = 0;
    let sdN = 0;
    for (let t = 0; t < nD; t++) {
      const c = cols[t]![f]!;
      let s = 0;
      let s2 = 0;
      let k = 0;
      for (let a = 0; a < nA; a++) {
        const v = c[a]!;
        if (Number.isFinite(v)) {
          finite++;
          s += v;
          s2 += v * v;
          k++;
        }
      }
      if (k > 1) {
        const m = s / k;
        sdSum += Math.sqrt(Math.max(0, s2 / k - m * m));
        sdN++;
      }
    }
    coverage[f] = counted > 0 ? finite / counted : NaN;
    crossSectionStd[f] = sdN > 0 ? sdSum / sdN : NaN;
  }
  const correlation = new Float64Array(nF * nF).fill(NaN);
  for (let i = 0; i < nF; i++) {
    correlation[i * nF + i] = 1;
    for (let j = i + 1; j < nF; j++) {
      let s = 0;
      let k = 0;
      for (let t = 0; t < nD; t++) {
        const x = cols[t]![i]!;
        const y = cols[t]![j]!;
        let pairs = 0;
        for (let a = 0; a < nA; a++) if (Number.isFinite(x[a]!) && Number.isFinite(y[a]!)) pairs++;
        if (pairs < minAssets) continue;
        const r = ic(x, y);
        if (Number.isFinite(r)) {
          s += r;
          k++;
        }
      }
      const m = k > 0 ? s / k : NaN;
      correlation[i * nF + j] = m;
      correlation[j * nF + i] = m;
    }
  }
  return { factors: cube.factors, coverage, crossSectionStd, correlation };
}
