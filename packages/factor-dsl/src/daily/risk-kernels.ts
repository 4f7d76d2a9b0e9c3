import { zscore } from '@hfq/core';
import type { CsRow } from './cross-section.js';
import type { KernelScratch } from './kernels.js';

/**
 * Kernels of the daily operators that risk models need (Barra-like style exposures): the
 * regression of one series on another over a trailing window with a minimum number of paired days
 * (`ts_beta`, `ts_resid_std`), the forward fill of a series (`ffill`: a return since the last
 * traded day), and the cap-weighted standardisation with clipping (`cs_standardize`). Registered
 * by name in `TS_KERNELS` / `CS_KERNELS`; their semantics are documented in the operator table
 * (`src/ops/daily.ts`).
 */

/** Recompute the running sums when a spread keeps less than this fraction of its raw sum of squares. */
const CANCEL = 1e-6;

/**
 * OLS of `y` on an intercept and `x` over the days of the window `[t - w + 1, t]` where both are
 * finite (pairs). Sums about the first pair of the window (a shift), updated in O(1) per day and
 * recomputed every `w` days and on cancellation, so rounding cannot accumulate and a constant `x`
 * gives a variance of exactly 0. `which`: 0 the slope, 1 the standard deviation of the residuals
 * (divisor pairs - 2). Needs `max(p[1], minp, 2 or 3)` pairs and a positive variance of `x`.
 */
function movingOls(
  y: Float64Array,
  x: Float64Array,
  out: Float64Array,
  w: number,
  need: number,
  which: 0 | 1,
): void {
  const n = y.length;
  let cnt = 0;
  let cx = NaN;
  let cy = NaN;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let t = 0; t < n; t++) {
    const s = t - w + 1;
    let again = t % w === 0;
    if (!again) {
      const xt = x[t]!;
      const yt = y[t]!;
      if (xt - xt === 0 && yt - yt === 0) {
        if (Number.isNaN(cx)) {
          cx = xt;
          cy = yt;
        }
        const a = xt - cx;
        const b = yt - cy;
        cnt++;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
      }
      if (s - 1 >= 0) {
        const xs = x[s - 1]!;
        const ys = y[s - 1]!;
        if (xs - xs === 0 && ys - ys === 0) {
          const a = xs - cx;
          const b = ys - cy;
          cnt--;
          sx -= a;
          sy -= b;
          sxx -= a * a;
          syy -= b * b;
          sxy -= a * b;
        }
      }
      if (
        cnt >= 2 &&
        (cnt * sxx - sx * sx <= CANCEL * cnt * sxx || cnt * syy - sy * sy <= CANCEL * cnt * syy)
      ) {
        again = true;
      }
    }
    if (again) {
      cnt = sx = sy = sxx = syy = sxy = 0;
      cx = cy = NaN;
      for (let j = Math.max(0, s); j <= t; j++) {
        const xj = x[j]!;
        const yj = y[j]!;
        if (!(xj - xj === 0 && yj - yj === 0)) continue;
        if (Number.isNaN(cx)) {
          cx = xj;
          cy = yj;
        }
        const a = xj - cx;
        const b = yj - cy;
        cnt++;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
      }
    }
    if (cnt < need) {
      out[t] = NaN;
      continue;
    }
    const vx = sxx - (sx * sx) / cnt;
    if (!(vx > 0)) {
      out[t] = NaN;
      continue;
    }
    const cxy = sxy - (sx * sy) / cnt;
    const beta = cxy / vx;
    if (which === 0) {
      out[t] = beta;
      continue;
    }
    const vy = syy - (sy * sy) / cnt;
    out[t] = Math.sqrt(Math.max(0, vy - beta * cxy) / (cnt - 2));
  }
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
