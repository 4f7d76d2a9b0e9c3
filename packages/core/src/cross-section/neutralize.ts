import { HfqError } from '../errors.js';
import type { PreprocessErrorCode } from './errors.js';
import { denseGroups } from './industry.js';
import { checkCount, checkLength } from './options.js';
import { toFloat64, Workspace } from './workspace.js';

/**
 * A covariate column is dropped as collinear when orthogonalising it against the industry means
 * and the columns already kept leaves less than this fraction of its norm.
 */
export const COLLINEAR_TOLERANCE = 1e-9;

/** What one neutralisation did (for diagnostics and tests). */
export interface NeutralizeStats {
  /** Assets with a finite value and every exposure known (the regression sample). */
  used: number;
  /** Industries with at least one asset in the sample (dummies in the regression). */
  groups: number;
  /** Covariate columns kept; the others were collinear with the dummies or each other. */
  covariatesKept: number;
  /** Residual degrees of freedom: `used - groups - covariatesKept`. */
  dof: number;
  /** False when `dof < minDof` and the day was set to NaN. */
  ok: boolean;
}

/**
 * In-place kernel of {@link neutralize}: `x` becomes the OLS residual of `x` on the industry
 * dummies of `groups` (dense codes, -1 unknown; all one group for an intercept only) and the
 * covariate columns. Uses the Frisch-Waugh-Lovell theorem: demean `x` and the covariates within
 * industries, then project out the demeaned covariates by modified Gram-Schmidt with
 * re-orthogonalisation. That never forms a normal-equations matrix (whose condition number is
 * the square of the data's) and gives the unique least-squares residual even when the
 * covariates are collinear (those columns are dropped).
 * @internal
 */
export function neutralizeInPlace(
  x: Float64Array,
  groups: Int32Array,
  nGroups: number,
  covariates: readonly ArrayLike<number>[],
  minDof: number,
  ws: Workspace,
): NeutralizeStats {
  const n = x.length;
  const m = covariates.length;
  ws.reserve(n, m);
  // Regression sample: finite value, known industry, every covariate finite.
  const idx = ws.idx;
  let used = 0;
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(x[i]!) && groups[i]! >= 0;
    for (let j = 0; ok && j < m; j++) ok = Number.isFinite(covariates[j]![i]!);
    if (ok) idx[used++] = i;
  }
  const cnt = new Float64Array(nGroups);
  const sums = new Float64Array(nGroups * (m + 1));
  for (let u = 0; u < used; u++) {
    const i = idx[u]!;
    const g = groups[i]!;
    cnt[g]!++;
    sums[g * (m + 1)]! += x[i]!;
    for (let j = 0; j < m; j++) sums[g * (m + 1) + 1 + j]! += covariates[j]![i]!;
  }
  let present = 0;
  for (let g = 0; g < nGroups; g++) {
    if (cnt[g]! === 0) continue;
    present++;
    for (let j = 0; j <= m; j++) sums[g * (m + 1) + j]! /= cnt[g]!;
  }
  // Demeaned value (compact, sample order) in ws.a; demeaned covariates column-major in ws.mat.
  const y = ws.a;
  const mat = ws.mat;
  for (let u = 0; u < used; u++) {
    const i = idx[u]!;
    const base = groups[i]! * (m + 1);
    y[u] = x[i]! - sums[base]!;
    for (let j = 0; j < m; j++) mat[j * used + u] = covariates[j]![i]! - sums[base + 1 + j]!;
  }
  // Modified Gram-Schmidt, each column orthogonalised twice ("twice is enough").
  let kept = 0;
  for (let j = 0; j < m; j++) {
    let raw = 0;
    for (let u = 0; u < used; u++) {
      const c = covariates[j]![idx[u]!]!;
      raw += c * c;
    }
    const col = mat.subarray(kept * used, (kept + 1) * used);
    if (kept !== j) col.set(mat.subarray(j * used, (j + 1) * used));
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < kept; l++) project(col, mat.subarray(l * used, (l + 1) * used));
    }
    let nrm = 0;
    for (let u = 0; u < used; u++) nrm += col[u]! * col[u]!;
    if (!(raw > 0) || nrm <= COLLINEAR_TOLERANCE * COLLINEAR_TOLERANCE * raw) continue;
    const inv = 1 / Math.sqrt(nrm);
    for (let u = 0; u < used; u++) col[u]! *= inv;
    kept++;
  }
  const yv = y.subarray(0, used);
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 0; l < kept; l++) project(yv, mat.subarray(l * used, (l + 1) * used));
  }
  const dof = used - present - kept;
  const ok = dof >= minDof && used > 0;
  x.fill(NaN);
  if (ok) for (let u = 0; u < used; u++) x[idx[u]!] = yv[u]!;
  return { used, groups: present, covariatesKept: kept, dof, ok };
}

/** `v -= (q . v) q` for a unit vector `q`. */
function project(v: Float64Array, q: Float64Array): void {
  let d = 0;
  for (let u = 0; u < v.length; u++) d += q[u]! * v[u]!;
  for (let u = 0; u < v.length; u++) v[u]! -= d * q[u]!;
}

/** Options of {@link neutralize}. */
export interface NeutralizeOptions {
  /**
   * Industry code per asset (integers >= 0; NaN or negative = unknown). Each industry present in
   * the day's sample gets a dummy; without `industry` the regression has an intercept instead.
   */
  industry?: ArrayLike<number>;
  /**
   * Market capitalisation per asset (any currency unit; must be > 0 where finite). Enters the
   * regression as `log(marketCap)` (the size exposure).
   */
  marketCap?: ArrayLike<number>;
  /** Further exposures (e.g. Barra-style factors), each one value per asset, used as given. */
  covariates?: readonly ArrayLike<number>[];
  /**
   * Fewest residual degrees of freedom (`used - industries - covariates kept`) for the day to be
   * neutralised; below it the whole day comes out NaN, because the fit is exact and the
   * residuals are zeros that mean nothing. Default 1.
   */
  minDof?: number;
}

/**
 * Industry and size neutralisation of one day's cross-section: the residuals of the OLS
 * regression `x ~ industry dummies + log(marketCap) + covariates`, so that the result is
 * uncorrelated with size and has mean 0 within every industry.
 *
 * NaN rule: an asset with a missing value (NaN, +-Infinity), an unknown industry or a missing
 * exposure is left out of the regression and comes out NaN. Industries with no asset in the
 * sample are simply absent (no dummy, no rank deficiency). An industry with one asset in the
 * sample absorbs it: its residual is exactly 0. Covariates collinear with the dummies (e.g. size
 * constant within every industry) or with each other are dropped: the residual is still the
 * unique least-squares residual. When the residual degrees of freedom fall below `minDof`, the
 * whole day is NaN.
 *
 * Units: same as the input. O(n * m^2) for m covariates.
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 * @throws `DSL_PREPROCESS_SHAPE` for inputs of another length, `DSL_PREPROCESS_BAD_EXPOSURE` for
 *   a market cap <= 0 or a fractional industry code, `DSL_PREPROCESS_OPTION` for a bad `minDof`.
 */
export function neutralize(
  values: ArrayLike<number>,
  options: NeutralizeOptions,
  out?: Float64Array,
): Float64Array {
  const x = toFloat64(values, out);
  neutralizeWithStats(x, options);
  return x;
}

/** {@link neutralize} in place on `x`, returning what the regression did. */
export function neutralizeWithStats(x: Float64Array, options: NeutralizeOptions): NeutralizeStats {
  const n = x.length;
  const minDof = checkCount(options.minDof ?? 1, 'minDof', 0, Number.MAX_SAFE_INTEGER);
  const groups = new Int32Array(n);
  let nGroups = 1;
  if (options.industry !== undefined) {
    checkLength(options.industry.length, n, 'industry');
    nGroups = denseGroups(options.industry, groups);
  }
  const cov: ArrayLike<number>[] = [];
  if (options.marketCap !== undefined) {
    checkLength(options.marketCap.length, n, 'marketCap');
    cov.push(logMarketCap(options.marketCap, new Float64Array(n)));
  }
  (options.covariates ?? []).forEach((c, j) => {
    checkLength(c.length, n, `covariates[${j}]`);
    cov.push(c);
  });
  return neutralizeInPlace(x, groups, nGroups, cov, minDof, new Workspace());
}

/**
 * `log(marketCap)` into `out`; NaN stays NaN (missing size).
 * @throws `DSL_PREPROCESS_BAD_EXPOSURE` for a finite value <= 0 or +Infinity.
 * @internal
 */
export function logMarketCap(cap: ArrayLike<number>, out: Float64Array, date?: number): Float64Array {
  for (let i = 0; i < cap.length; i++) {
    const c = cap[i]!;
    if (Number.isNaN(c)) {
      out[i] = NaN;
      continue;
    }
    if (!(c > 0) || c === Infinity) {
      throw new HfqError<PreprocessErrorCode>(
        'DSL_PREPROCESS_BAD_EXPOSURE',
        `market cap must be > 0 and finite (NaN = missing), got ${c}`,
        date === undefined ? { field: 'marketCap', asset: i } : { field: 'marketCap', asset: i, date },
      );
    }
    out[i] = Math.log(c);
  }
  return out;
}
