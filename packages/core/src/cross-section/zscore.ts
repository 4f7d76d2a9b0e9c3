import { checkCount } from './options.js';
import { toFloat64 } from './workspace.js';

/** Options of {@link zscore}. */
export interface ZScoreOptions {
  /**
   * Delta degrees of freedom of the standard deviation: the divisor is `n - ddof`. Default 1
   * (the sample standard deviation, as pandas' `std()`); 0 gives numpy's population formula.
   */
  ddof?: number;
}

export function zscoreDdof(options: ZScoreOptions = {}): number {
  return checkCount(options.ddof ?? 1, 'ddof', 0, 1);
}

/**
 * In-place kernel of {@link zscore} on one cross-section.
 * @internal
 */
export function zscoreInPlace(x: Float64Array, ddof: number): void {
  const n = x.length;
  let m = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) continue;
    m++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A constant cross-section has no scale: detected exactly (min === max) rather than by a
  // rounded standard deviation, which can come out 1e-17 and blow noise up to +-1.
  if (m - ddof < 1 || min === max) {
    x.fill(NaN);
    return;
  }
  let mean = sum / m;
  // Second pass corrects the rounding of the first mean (the "corrected two-pass" algorithm).
  let corr = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) corr += v - mean;
  }
  mean += corr / m;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const sd = Math.sqrt(ss / (m - ddof));
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    x[i] = Number.isFinite(v) ? (v - mean) / sd : NaN;
  }
}

/**
 * Cross-sectional z-score of one day's values: `(x - mean) / sd` over the finite values, `sd`
 * with divisor `n - ddof` (default `ddof = 1`).
 *
 * NaN rule: NaN and +-Infinity count as missing and come out NaN. When fewer than `ddof + 1`
 * values are finite, or all finite values are equal (no dispersion), every output is NaN: the
 * scale is undefined, and a made-up 0 would look like information. Fill afterwards if a model
 * needs dense input.
 *
 * Units: standard deviations (dimensionless). O(n).
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 * @throws `DSL_PREPROCESS_OPTION` when `ddof` is not 0 or 1.
 */
export function zscore(values: ArrayLike<number>, options?: ZScoreOptions, out?: Float64Array): Float64Array {
  const ddof = zscoreDdof(options);
  const x = toFloat64(values, out);
  zscoreInPlace(x, ddof);
  return x;
}
