import { checkPositive } from './options.js';
import { gatherFinite, medianInPlace, toFloat64, Workspace } from './workspace.js';

/**
 * Scale that turns a median absolute deviation into a consistent estimate of the standard
 * deviation of normal data: `1 / Phi^-1(3/4)` (about 1.4826), the same constant as
 * `scipy.stats.median_abs_deviation(scale='normal')`.
 */
export const MAD_NORMAL_SCALE = 1 / 0.6744897501960817;

/** Options of {@link winsorize}. */
export interface WinsorizeOptions {
  /** Half-width of the band in (scaled) MADs. Default 5. */
  k?: number;
  /**
   * Multiplier applied to the raw MAD before `k`: default {@link MAD_NORMAL_SCALE}, so `k = 5`
   * clips at about five robust standard deviations. Pass `1` for raw-MAD bands.
   */
  madScale?: number;
}

/** Resolved winsorisation parameters (validated). */
export interface WinsorizeParams {
  k: number;
  madScale: number;
}

export function winsorizeParams(options: WinsorizeOptions = {}): WinsorizeParams {
  return {
    k: checkPositive(options.k ?? 5, 'k'),
    madScale: checkPositive(options.madScale ?? MAD_NORMAL_SCALE, 'madScale'),
  };
}

/**
 * In-place kernel of {@link winsorize} on one cross-section (`x` is read and overwritten).
 * @internal
 */
export function winsorizeInPlace(x: Float64Array, p: WinsorizeParams, ws: Workspace): void {
  const n = x.length;
  ws.reserve(n);
  const m = gatherFinite(x, ws.a);
  if (m === 0) {
    x.fill(NaN);
    return;
  }
  const med = medianInPlace(ws.a, m);
  for (let i = 0; i < m; i++) ws.a[i] = Math.abs(ws.a[i]! - med);
  const mad = medianInPlace(ws.a, m);
  const half = p.k * p.madScale * mad;
  const lo = med - half;
  const hi = med + half;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) x[i] = NaN;
    else if (mad > 0) x[i] = Math.min(Math.max(v, lo), hi);
  }
}

/**
 * Cross-sectional winsorisation of one day's values: clips each value to
 * `median +- k * madScale * MAD`, where the median and the MAD (median absolute deviation from
 * the median) are taken over the finite values. Even counts use the mean of the two middle values.
 *
 * NaN rule: NaN and +-Infinity count as missing and come out NaN; they take no part in the median
 * or MAD. When every value is missing, every output is NaN. When MAD is 0 (more than half the
 * values equal), values are returned unchanged: a band of width 0 would flatten the cross-section.
 *
 * Units: same as the input. O(n log n).
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 * @throws `DSL_PREPROCESS_OPTION` when `k` or `madScale` is not a finite number > 0.
 */
export function winsorize(
  values: ArrayLike<number>,
  options?: WinsorizeOptions,
  out?: Float64Array,
): Float64Array {
  const p = winsorizeParams(options);
  const x = toFloat64(values, out);
  winsorizeInPlace(x, p, new Workspace());
  return x;
}
