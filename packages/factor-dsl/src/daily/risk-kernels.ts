import { zscore } from '@hfq/core';
import type { CsRow } from './cross-section.js';
import { type KernelScratch, rollingPairMoments } from './kernels.js';

/**
 * Kernels of the daily operators that risk models need (Barra-like style exposures): the
 * regression of one series on another over a trailing window with a minimum number of paired days
 * (`ts_beta`, `ts_resid_std`), the forward fill of a series (`ffill`: a return since the last
 * traded day), and the cap-weighted standardisation with clipping (`cs_standardize`). Registered
 * by name in `TS_KERNELS` / `CS_KERNELS`; their semantics are documented in the operator table
 * (`src/ops/daily.ts`).
 */

/**
 * OLS of `y` on an intercept and `x` over the days of the window `[t - w + 1, t]` where both are
 * finite (pairs), from the window's moments (`rollingPairMoments`: O(1) per day, recomputed every
 * `w` days and on cancellation, so a constant `x` gives a variance of exactly 0). `which`: 0 the
 * slope, 1 the standard deviation of the residuals (divisor pairs - 2). Needs `need` pairs and a
 * positive variance of `x`.
 */
function movingOls(
  y: Float64Array,
  x: Float64Array,
  out: Float64Array,
  w: number,
  need: number,
  which: 0 | 1,
): void {
  rollingPairMoments(x, y, out, w, (cnt, sx, sy, sxx, syy, sxy) => {
    if (cnt < need) return NaN;
    const vx = sxx - (sx * sx) / cnt;
    if (!(vx > 0)) return NaN;
    const cxy = sxy - (sx * sy) / cnt;
    const beta = cxy / vx;
    if (which === 0) return beta;
    const vy = syy - (sy * sy) / cnt;
    return Math.sqrt(Math.max(0, vy - beta * cxy) / (cnt - 2));
  });
}

/** `ts_beta(y, x, w, min_obs)`: the engine passes the first argument (y) as `x` of a kernel. */
export function tsBeta(
  y: Float64Array,
  x: Float64Array | undefined,
  out: Float64Array,
  p: readonly number[],
  minp: number,
  _ws: KernelScratch,
): void {
  movingOls(y, x!, out, p[0]!, Math.max(p[1]!, minp, 2), 0);
}

/** `ts_resid_std(y, x, w, min_obs)`. */
export function tsResidStd(
  y: Float64Array,
  x: Float64Array | undefined,
  out: Float64Array,
  p: readonly number[],
  minp: number,
  _ws: KernelScratch,
): void {
  movingOls(y, x!, out, p[0]!, Math.max(p[1]!, minp, 3), 1);
}

/** `ffill(x)`: the latest finite value of x up to and including each day; NaN before the first. */
export function ffill(x: Float64Array, _y: Float64Array | undefined, out: Float64Array): void {
  let last = NaN;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (v - v === 0) last = v;
    out[t] = last;
  }
}

/**
 * `cs_standardize(x, w, clip)`: `@hfq/core`'s `zscore` with Barra's rule: centre the
 * `w`-weighted mean, scale the equal-weighted population sd (ddof 0), NaN without dispersion,
 * clip at +-clip and standardise again until no value exceeds it.
 */
export function csStandardize(r: CsRow): void {
  zscore(
    r.x,
    { ddof: 0, constant: 'nan', clip: r.params[0]!, clipMode: 'restandardize', weights: r.y! },
    r.out,
  );
}
