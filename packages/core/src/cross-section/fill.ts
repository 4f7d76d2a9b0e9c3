import { HfqError } from '../errors.js';
import type { PreprocessErrorCode } from './errors.js';
import { denseGroups } from './industry.js';
import { checkLength } from './options.js';
import { gatherFinite, medianInPlace, toFloat64, Workspace } from './workspace.js';

/** How {@link fillMissing} replaces missing values. */
export type FillMethod = 'zero' | 'mean' | 'median' | 'industryMedian';

export const FILL_METHODS: readonly FillMethod[] = ['zero', 'mean', 'median', 'industryMedian'];

export function checkFillMethod(method: unknown): FillMethod {
  if (!FILL_METHODS.includes(method as FillMethod)) {
    throw new HfqError<PreprocessErrorCode>(
      'DSL_PREPROCESS_OPTION',
      `fill method must be one of ${FILL_METHODS.join(', ')}, got ${String(method)}`,
      { field: 'method' },
    );
  }
  return method as FillMethod;
}

/**
 * In-place kernel of {@link fillMissing}. `groups`/`nGroups` come from `denseGroups` and are
 * only read for `industryMedian`.
 * @internal
 */
export function fillInPlace(
  x: Float64Array,
  method: FillMethod,
  ws: Workspace,
  groups?: Int32Array,
  nGroups = 0,
): void {
  const n = x.length;
  if (method === 'zero') {
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!)) x[i] = 0;
    return;
  }
  ws.reserve(n);
  const m = gatherFinite(x, ws.a);
  if (m === n) return;
  let overall: number;
  if (method === 'mean') {
    let s = 0;
    for (let i = 0; i < m; i++) s += ws.a[i]!;
    overall = m > 0 ? s / m : NaN;
  } else {
    overall = medianInPlace(ws.a, m);
  }
  if (method !== 'industryMedian' || groups === undefined || nGroups === 0) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!)) x[i] = overall;
    return;
  }
  // Per-industry medians: bucket the finite values by group (counting sort into ws.b).
  const start = new Int32Array(nGroups + 1);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g >= 0 && Number.isFinite(x[i]!)) start[g + 1]!++;
  }
  for (let g = 0; g < nGroups; g++) start[g + 1]! += start[g]!;
  const pos = start.slice(0, nGroups);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g >= 0 && Number.isFinite(x[i]!)) ws.b[pos[g]!++] = x[i]!;
  }
  const med = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) {
    const c = start[g + 1]! - start[g]!;
    med[g] = c > 0 ? medianInPlace(ws.b.subarray(start[g]!), c) : overall;
  }
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]!)) continue;
    const g = groups[i]!;
    x[i] = g >= 0 ? med[g]! : overall;
  }
}

/** Options of {@link fillMissing}. */
export interface FillOptions {
  /** How to fill: `zero`, the cross-sectional `mean` or `median`, or the `industryMedian`. */
  method: FillMethod;
  /**
   * Industry code per asset (integers >= 0; NaN or negative = unknown), required for
   * `industryMedian`. See {@link industryCodes} to turn labels into codes.
   */
  industry?: ArrayLike<number>;
}

/**
 * Replaces the missing values (NaN, +-Infinity) of one day's cross-section; finite values pass
 * through unchanged.
 *
 * - `zero`: 0.
 * - `mean` / `median`: the mean / median of the day's finite values.
 * - `industryMedian`: the median of the finite values in the asset's industry; where the
 *   industry has no finite value that day, or the asset's industry is unknown, the
 *   cross-sectional median.
 *
 * NaN rule: this is the one step that turns missing into numbers. When a day has no finite value
 * at all, `mean`/`median`/`industryMedian` have nothing to fill from and leave the day NaN;
 * `zero` fills it with zeros.
 *
 * @param out optional output (may be `values` itself when that is a `Float64Array`).
 * @throws `DSL_PREPROCESS_OPTION` for an unknown method, `DSL_PREPROCESS_MISSING_INPUT` for
 *   `industryMedian` without `industry`, `DSL_PREPROCESS_SHAPE` when `industry` has another
 *   length, `DSL_PREPROCESS_BAD_EXPOSURE` for a fractional industry code.
 */
export function fillMissing(
  values: ArrayLike<number>,
  options: FillOptions,
  out?: Float64Array,
): Float64Array {
  const method = checkFillMethod(options.method);
  const x = toFloat64(values, out);
  const ws = new Workspace().reserve(x.length);
  let nGroups = 0;
  if (method === 'industryMedian') {
    if (options.industry === undefined) {
      throw new HfqError<PreprocessErrorCode>(
        'DSL_PREPROCESS_MISSING_INPUT',
        'fill method industryMedian needs industry codes',
        { field: 'industry' },
      );
    }
    checkLength(options.industry.length, x.length, 'industry');
    nGroups = denseGroups(options.industry, ws.groups);
  }
  fillInPlace(x, method, ws, ws.groups, nGroups);
  return x;
}
