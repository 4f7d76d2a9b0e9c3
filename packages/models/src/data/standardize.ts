/**
 * Cross-sectional standardisation helpers (per date, across stocks). Population moments
 * (divide by n). Missing values (NaN) are skipped when computing moments and stay NaN.
 */
import { averageRank } from '@hfq/metrics';

/** Mean and `1/std` of the finite entries of `values` (restricted to `include[i] !== 0` if given). */
export function meanInvStd(
  values: ArrayLike<number>,
  include?: ArrayLike<number>,
): { mean: number; invStd: number; count: number } {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && (include === undefined || include[i] !== 0)) {
      n++;
      sum += v;
    }
  }
  if (n === 0) return { mean: Number.NaN, invStd: 0, count: 0 };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && (include === undefined || include[i] !== 0)) ss += (v - mean) * (v - mean);
  }
  const sd = Math.sqrt(ss / n);
  // A constant (or single-valued) cross-section carries no ranking information: invStd 0 maps
  // every value to 0 rather than dividing by zero.
  return { mean, invStd: sd > 0 && n >= 2 ? 1 / sd : 0, count: n };
}

/**
 * Z-scores the finite entries of `values` in place across the cross-section, clipping to
 * `[-clip, clip]`; NaN entries stay NaN. A constant cross-section becomes all 0.
 */
export function zscoreInPlace(values: Float64Array | Float32Array, clip: number): void {
  const { mean, invStd } = meanInvStd(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const z = (v - mean) * invStd;
    values[i] = Math.min(clip, Math.max(-clip, z));
  }
}

/**
 * Replaces the finite entries of `values` by their ranks (1-based, ties get the average rank),
 * then z-scores the ranks; NaN entries stay NaN.
 */
export function rankZscoreInPlace(values: Float64Array | Float32Array): void {
  values.set(averageRank(values));
  zscoreInPlace(values, Number.POSITIVE_INFINITY);
}
