import { lowerBound } from '../search.js';
import { normalQuantile } from './normal-quantile.js';
import { gatherFinite, toFloat64, Workspace } from './workspace.js';

/**
 * In-place kernel of {@link rankGauss} on one cross-section.
 * @internal
 */
export function rankGaussInPlace(x: Float64Array, ws: Workspace): void {
  const n = x.length;
  ws.reserve(n);
  const m = gatherFinite(x, ws.a);
  const sorted = ws.a.subarray(0, m).sort();
  // Quantile per sorted position, once per run of tied values (ties share the average of the
  // 1-based ranks i+1..j+1).
  const z = ws.b;
  for (let i = 0; i < m; ) {
    let j = i;
    while (j + 1 < m && sorted[j + 1] === sorted[i]) j++;
    const q = normalQuantile((0.5 * (i + j + 2) - 0.5) / m);
    for (let k = i; k <= j; k++) z[k] = q;
    i = j + 1;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    x[i] = Number.isFinite(v) ? z[lowerBound(sorted, v, m)]! : NaN;
  }
}

/**
 * Rank-Gauss transform of one day's values: average ranks `r` (1..n, ties share their mean rank)
 * mapped to normal quantiles `Phi^-1((r - 0.5) / n)`. The result is symmetric about 0, keeps
 * the order of the input, and ignores the size of outliers. Its variance is a little below 1
 * (the quantiles of a finite grid); z-score it afterwards if unit variance matters.
 *
 * NaN rule: NaN and +-Infinity count as missing, come out NaN and do not count in `n`. A single
 * finite value, or a constant cross-section, maps to 0 (its rank is the middle).
 *
 * Units: standard-normal quantiles (dimensionless). O(n log n).
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 */
export function rankGauss(values: ArrayLike<number>, out?: Float64Array): Float64Array {
  const x = toFloat64(values, out);
  rankGaussInPlace(x, new Workspace());
  return x;
}
