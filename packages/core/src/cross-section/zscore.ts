import { HfqError } from '../errors.js';
import type { PreprocessErrorCode } from './errors.js';
import { checkCount, checkLength } from './options.js';
import { toFloat64 } from './workspace.js';

/**
 * The rule of one cross-sectional z-score. Every caller states the rule it uses; the defaults are
 * those of the preprocessing pipeline's `{ op: 'zscore' }` step (sample sd, NaN when constant,
 * no clip, equal weights).
 */
export interface ZScoreOptions {
  /**
   * Delta degrees of freedom of the standard deviation: the divisor is `n - ddof`. Default 1
   * (the sample standard deviation, as pandas' `std()`); 0 gives numpy's population formula.
   */
  ddof?: number;
  /**
   * What a cross-section without dispersion (every finite value equal, a single finite value, or
   * none) gives: `'nan'` (default) makes every output NaN (the scale is undefined); `'zero'` maps
   * every finite value to 0 (the cross-sectional mean; missing values stay NaN).
   */
  constant?: 'nan' | 'zero';
  /**
   * Bound of the result in standard deviations: values end up in `[-clip, clip]`. Default
   * `Infinity` (no clip). Must be > 0.
   */
  clip?: number;
  /**
   * How `clip` applies. `'once'` (default): clip the z-scores once. `'restandardize'` (Barra):
   * while some |z| exceeds `clip` by more than 1e-6 relative, clip at +-`clip` and z-score
   * again, at most 50 passes; the result keeps mean 0 and sd 1 exactly and |z| <= clip up to
   * 1e-6 after convergence.
   */
  clipMode?: 'once' | 'restandardize';
  /**
   * Weights of the centre (e.g. market caps): the result is `(x - weighted mean) / sd`, the sd
   * still equal-weighted around the plain mean. One per value; an entry that is not finite and
   * > 0 adds no weight (its value is still standardised). When no value has a weight, the plain
   * mean is the centre. Default: equal weights.
   */
  weights?: ArrayLike<number>;
}

/** {@link ZScoreOptions} checked and with defaults filled in. @internal */
export interface ZScoreRule {
  ddof: number;
  constant: 'nan' | 'zero';
  clip: number;
  restandardize: boolean;
  weights: ArrayLike<number> | undefined;
}

/** Moments of one cross-section under a z-score rule (see {@link zscoreMoments}). */
export interface ZScoreMoments {
  /** Number of values that took part (finite, and included). */
  count: number;
  /** The value that maps to 0: the (weighted) mean. NaN when `count` is 0. */
  centre: number;
  /** Standard deviation with divisor `count - ddof`; 0 when there is no dispersion. */
  sd: number;
}

function optionError(message: string, field: string): HfqError<PreprocessErrorCode> {
  return new HfqError<PreprocessErrorCode>('DSL_PREPROCESS_OPTION', message, { field });
}

/** Checks `options` and fills in the defaults. @internal */
export function zscoreRule(options: ZScoreOptions = {}, length?: number): ZScoreRule {
  const ddof = checkCount(options.ddof ?? 1, 'ddof', 0, 1);
  const constant = options.constant ?? 'nan';
  if (constant !== 'nan' && constant !== 'zero') {
    throw optionError(`constant must be 'nan' or 'zero', got ${String(constant)}`, 'constant');
  }
  const clip = options.clip ?? Number.POSITIVE_INFINITY;
  if (typeof clip !== 'number' || Number.isNaN(clip) || clip <= 0) {
    throw optionError(`clip must be a number > 0 (Infinity = no clip), got ${String(clip)}`, 'clip');
  }
  const clipMode = options.clipMode ?? 'once';
  if (clipMode !== 'once' && clipMode !== 'restandardize') {
    throw optionError(`clipMode must be 'once' or 'restandardize', got ${String(clipMode)}`, 'clipMode');
  }
  if (options.weights !== undefined && length !== undefined) {
    checkLength(options.weights.length, length, 'weights');
  }
  return { ddof, constant, clip, restandardize: clipMode === 'restandardize', weights: options.weights };
}

/**
 * Centre and standard deviation of the finite values of `values` (and, with `include`, only those
 * with `include[i] !== 0`) under the rule's `ddof` and `weights`: the mean, then the squared
 * deviations around it (numpy's two-pass formula); a cross-section whose included finite
 * values are all equal (or fewer than `ddof + 1`) has `sd = 0` exactly, never a rounding residue.
 *
 * NaN rule: NaN and +-Infinity are missing and take no part.
 *
 * @throws `DSL_PREPROCESS_OPTION` for a bad `ddof`; `DSL_PREPROCESS_SHAPE` when `weights` or
 * `include` has another length than `values`.
 */
export function zscoreMoments(
  values: ArrayLike<number>,
  options: Pick<ZScoreOptions, 'ddof' | 'weights'> & { include?: ArrayLike<number> } = {},
): ZScoreMoments {
  const rule = zscoreRule(options, values.length);
  const include = options.include;
  if (include !== undefined) checkLength(include.length, values.length, 'include');
  return moments(values, rule.ddof, rule.weights, include);
}

function moments(
  x: ArrayLike<number>,
  ddof: number,
  weights: ArrayLike<number> | undefined,
  include: ArrayLike<number> | undefined,
): ZScoreMoments {
  const n = x.length;
  let m = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v) || (include !== undefined && include[i] === 0)) continue;
    m++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (m === 0) return { count: 0, centre: NaN, sd: 0 };
  // Two passes, as numpy/scipy: the mean, then the squared deviations around it. (No rounding
  // correction of the mean: that would move every result by an ulp against numpy and against
  // what models and optimizer computed before the z-scores were merged.)
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v) && (include === undefined || include[i] !== 0)) ss += (v - mean) * (v - mean);
  }
  // A constant cross-section has no scale: detected exactly (min === max) rather than by a
  // rounded standard deviation, which can come out 1e-17 and blow noise up to +-1.
  const sd = m - ddof < 1 || min === max ? 0 : Math.sqrt(ss / (m - ddof));
  let centre = mean;
  if (weights !== undefined) {
    let wSum = 0;
    let wxSum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      const w = weights[i]!;
      if (!Number.isFinite(v) || (include !== undefined && include[i] === 0)) continue;
      if (w > 0 && Number.isFinite(w)) {
        wSum += w;
        wxSum += w * v;
      }
    }
    if (wSum > 0) centre = wxSum / wSum;
  }
  return { count: m, centre, sd };
}

/** One z-score pass; returns false when the cross-section had no dispersion. */
function standardizeOnce(x: Float64Array | Float32Array, rule: ZScoreRule): boolean {
  const { centre, sd } = moments(x, rule.ddof, rule.weights, undefined);
  const n = x.length;
  if (!(sd > 0)) {
    if (rule.constant === 'nan') x.fill(NaN);
    else for (let i = 0; i < n; i++) x[i] = Number.isFinite(x[i]!) ? 0 : NaN;
    return false;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    x[i] = Number.isFinite(v) ? (v - centre) / sd : NaN;
  }
  return true;
}

/**
 * In-place kernel of {@link zscore} under a checked rule.
 * @internal
 */
export function zscoreWithRule(x: Float64Array | Float32Array, rule: ZScoreRule): void {
  if (!standardizeOnce(x, rule)) return;
  const clip = rule.clip;
  if (clip === Number.POSITIVE_INFINITY) return;
  const n = x.length;
  if (!rule.restandardize) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (v > clip) x[i] = clip;
      else if (v < -clip) x[i] = -clip;
    }
    return;
  }
  for (let pass = 0; pass < 50; pass++) {
    let clipped = false;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (v > clip * (1 + 1e-6)) {
        x[i] = clip;
        clipped = true;
      } else if (v < -clip * (1 + 1e-6)) {
        x[i] = -clip;
        clipped = true;
      }
    }
    if (!clipped || !standardizeOnce(x, rule)) return;
  }
}

/**
 * Cross-sectional z-score of one day's values in place: `(x - centre) / sd` over the finite
 * values, `sd` with divisor `n - ddof`, `centre` the mean (or the `weights`-weighted mean), then
 * the optional `clip`. Float32 arrays are computed in float64 and stored rounded.
 *
 * NaN rule: NaN and +-Infinity count as missing and come out NaN. A cross-section without
 * dispersion (all finite values equal, or fewer than `ddof + 1`) follows `constant`: all NaN
 * (default) or 0 for every finite value.
 *
 * Units: standard deviations (dimensionless). O(n) (times the passes of `clipMode: 'restandardize'`).
 *
 * @throws `DSL_PREPROCESS_OPTION` for a bad `ddof`, `constant`, `clip` or `clipMode`;
 * `DSL_PREPROCESS_SHAPE` when `weights` has another length than `x`.
 */
export function zscoreInPlace(x: Float64Array | Float32Array, options?: ZScoreOptions): void {
  zscoreWithRule(x, zscoreRule(options, x.length));
}

/**
 * Cross-sectional z-score of one day's values: `(x - mean) / sd` over the finite values, `sd`
 * with divisor `n - ddof` (default `ddof = 1`). See {@link ZScoreOptions} for the constant rule,
 * clipping and cap-weighted centring, and {@link zscoreInPlace} for the in-place form.
 *
 * NaN rule: NaN and +-Infinity count as missing and come out NaN. When fewer than `ddof + 1`
 * values are finite, or all finite values are equal (no dispersion), every output is NaN
 * (default `constant: 'nan'`): the scale is undefined, and a made-up 0 would look like
 * information. Fill afterwards if a model needs dense input.
 *
 * Units: standard deviations (dimensionless). O(n).
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 * @throws `DSL_PREPROCESS_OPTION` for a bad option; `DSL_PREPROCESS_SHAPE` for a `weights` or
 * `out` of the wrong length.
 */
export function zscore(values: ArrayLike<number>, options?: ZScoreOptions, out?: Float64Array): Float64Array {
  const rule = zscoreRule(options, values.length);
  const x = toFloat64(values, out);
  zscoreWithRule(x, rule);
  return x;
}
