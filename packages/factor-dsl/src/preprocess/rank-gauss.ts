import { normalQuantile } from './normal-quantile.js';
import { gatherFinite, lowerBound, toFloat64, upperBound, Workspace } from './workspace.js';

/**
 * In-place kernel of {@link rankGauss} on one cross-section.
 * @internal
 */
export function rankGaussInPlace(x: Float64Array, ws: Workspace): void {
  const n = x.length;
  ws.reserve(n);
  const m = gatherFinite(x, ws.a);
  const sorted = ws.a.subarray(0, m).sort();
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      x[i] = NaN;
      continue;
    }
    // Tied values share the average of the 1-based ranks lo+1..hi.
    const lo = lowerBound(sorted, m, v);
    const hi = upperBound(sorted, m, v);
    const rank = 0.5 * (lo + 1 + hi);
    x[i] = normalQuantile((rank - 0.5) / m);
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
