/**
 * Time-series kernels of the daily level: one asset's series (contiguous, one value per trading
 * day) in, the operator's series out. Written from the semantics documented in the operator table
 * (`src/ops/daily.ts`), which follow qlib's operators (`qlib/data/ops.py`, pandas rolling with
 * `min_periods=1`): a window of `w` days ends at the current day; missing (non-finite) days are
 * skipped; an output needs at least `minp` finite days in its window (1 for qlib's rule, `w` for
 * `minPeriods: 'window'`), and the operator's own minimum (2 for a standard deviation, ...).
 *
 * Running statistics are O(1) per day: sums are kept about a shift (the first finite value of the
 * window when they were last recomputed) and recomputed from scratch every `w` days, so rounding
 * cannot accumulate; max/min use monotone deques. Order statistics (quantile, median, rank) keep
 * the window's finite values sorted (O(log w) search, O(w) memmove per day); `ts_mad` and `ts_wma`
 * are O(w) per day.
 */

import { ffill, tsBeta, tsResidStd } from './risk-kernels.js';

/** A kernel: `x` (and `y` for two-series operators) of length n -> `out` of length n. */
export type TsKernel = (
  x: Float64Array,
  y: Float64Array | undefined,
  out: Float64Array,
  p: readonly number[],
  minp: number,
  ws: KernelScratch,
) => void;

/** Scratch buffers reused across assets. */
export class KernelScratch {
  i32 = new Int32Array(64);
  f64 = new Float64Array(64);
  f64b = new Float64Array(64);
  reserve(n: number): void {
    if (this.i32.length < n) {
      this.i32 = new Int32Array(n);
      this.f64 = new Float64Array(n);
      this.f64b = new Float64Array(n);
    }
  }
}

const ok = (v: number): boolean => v - v === 0;

/** Recompute running sums when a spread keeps less than this fraction of its raw sum of squares. */
const CANCEL = 1e-6;

function delay(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[]): void {
  const k = p[0]!;
  const n = x.length;
  for (let t = 0; t < n; t++) out[t] = t >= k ? x[t - k]! : NaN;
}

function diff(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[]): void {
  const k = p[0]!;
  const n = x.length;
  for (let t = 0; t < n; t++) out[t] = t >= k ? x[t]! - x[t - k]! : NaN;
}

/** Which statistic `movingMoments` finishes with. */
const MOM_SUM = 0;
const MOM_MEAN = 1;
const MOM_VAR = 2;
const MOM_STD = 3;
const MOM_SKEW = 4;
type Mom = 0 | 1 | 2 | 3 | 4 | 5;

/**
 * Power sums of the finite values of a sliding window, about a shift `c`: cnt, s1..s4 of (x - c).
 * `order` says how many powers are kept. One loop with its state in locals (no closures over
 * mutable state, no callback per day: V8 keeps the sums in registers).
 */
function movingMoments(
  x: Float64Array,
  out: Float64Array,
  w: number,
  minp: number,
  need: number,
  order: 1 | 2 | 4,
  kind: Mom,
): void {
  const n = x.length;
  const m = Math.max(minp, need);
  let cnt = 0;
  let c = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let t = 0; t < n; t++) {
    const s = t - w + 1;
    let again = t % w === 0;
    if (!again) {
      const v = x[t]!;
      if (v - v === 0) {
        if (Number.isNaN(c)) c = v;
        const d = v - c;
        cnt++;
        s1 += d;
        if (order >= 2) s2 += d * d;
        if (order >= 4) {
          s3 += d * d * d;
          s4 += d * d * d * d;
        }
      }
      if (s - 1 >= 0) {
        const u = x[s - 1]!;
        if (u - u === 0) {
          const d = u - c;
          cnt--;
          s1 -= d;
          if (order >= 2) s2 -= d * d;
          if (order >= 4) {
            s3 -= d * d * d;
            s4 -= d * d * d * d;
          }
        }
      }
      // Cancellation: the spread is tiny next to the distance from the shift (a flat stretch far
      // from it); recompute about a value of this window, which makes a constant window exact.
      if (order >= 2 && cnt >= 2 && s2 - (s1 * s1) / cnt <= CANCEL * s2) again = true;
    }
    if (again) {
      // Recomputes the sums of the window [t - w + 1, t] exactly, about its first finite value.
      cnt = 0;
      s1 = s2 = s3 = s4 = 0;
      c = NaN;
      for (let j = Math.max(0, s); j <= t; j++) {
        const v = x[j]!;
        if (!(v - v === 0)) continue;
        if (Number.isNaN(c)) c = v;
        const d = v - c;
        cnt++;
        s1 += d;
        if (order >= 2) s2 += d * d;
        if (order >= 4) {
          s3 += d * d * d;
          s4 += d * d * d * d;
        }
      }
    }
    if (!(cnt >= m && cnt > 0)) {
      out[t] = NaN;
      continue;
    }
    switch (kind) {
      case MOM_SUM:
        out[t] = s1 + cnt * c;
        break;
      case MOM_MEAN:
        out[t] = c + s1 / cnt;
        break;
      case MOM_VAR:
        out[t] = varOf(cnt, s1, s2);
        break;
      case MOM_STD:
        out[t] = Math.sqrt(varOf(cnt, s1, s2));
        break;
      case MOM_SKEW:
        out[t] = skewOf(cnt, c, s1, s2, s3, s4);
        break;
      default:
        out[t] = kurtOf(cnt, c, s1, s2, s3, s4);
    }
  }
}

function moments(order: 1 | 2 | 4, kind: Mom, need: number): TsKernel {
  return (x, _y, out, p, minp) => movingMoments(x, out, p[0]!, minp, need, order, kind);
}

function varOf(n: number, s1: number, s2: number): number {
  const v = (s2 - (s1 * s1) / n) / (n - 1);
  return Math.max(v, 0);
}
/** Central moments m2, m3, m4 (divided by n) from power sums about a shift. */
function skewOf(n: number, c: number, s1: number, s2: number, s3: number, _s4: number): number {
  const d = s1 / n;
  const e2 = s2 / n;
  const e3 = s3 / n;
  const m2 = e2 - d * d;
  const m3 = e3 - 3 * d * e2 + 2 * d * d * d;
  if (!(m2 > 1e-14 * (c * c + 1e-300) && m2 > 0)) return NaN;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}
function kurtOf(n: number, c: number, s1: number, s2: number, s3: number, s4: number): number {
  const d = s1 / n;
  const e2 = s2 / n;
  const e3 = s3 / n;
  const e4 = s4 / n;
  const m2 = e2 - d * d;
  const m4 = e4 - 4 * d * e3 + 6 * d * d * e2 - 3 * d * d * d * d;
  if (!(m2 > 1e-14 * (c * c + 1e-300) && m2 > 0)) return NaN;
  return (((n + 1) * (m4 / (m2 * m2)) - 3 * (n - 1)) * (n - 1)) / ((n - 2) * (n - 3));
}
const sum = moments(1, MOM_SUM, 1);
const mean = moments(1, MOM_MEAN, 1);
const variance = moments(2, MOM_VAR, 2);
const std = moments(2, MOM_STD, 2);
const skew = moments(4, MOM_SKEW, 3);
const kurt = moments(4, 5, 4);

function count(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[]): void {
  const w = p[0]!;
  let cnt = 0;
  for (let t = 0; t < x.length; t++) {
    if (ok(x[t]!)) cnt++;
    if (t - w >= 0 && ok(x[t - w]!)) cnt--;
    out[t] = cnt;
  }
}

/** Rolling max (sign 1) or min (sign -1) of the finite values; monotone deque of indices. */
function extreme(sign: 1 | -1): TsKernel {
  return (x, _y, out, p, minp, ws) => {
    const w = p[0]!;
    const n = x.length;
    ws.reserve(n);
    const dq = ws.i32;
    let head = 0;
    let tail = 0;
    let cnt = 0;
    for (let t = 0; t < n; t++) {
      const v = x[t]!;
      if (ok(v)) {
        cnt++;
        while (tail > head && sign * x[dq[tail - 1]!]! <= sign * v) tail--;
        dq[tail++] = t;
      }
      if (t - w >= 0 && ok(x[t - w]!)) cnt--;
      while (tail > head && dq[head]! <= t - w) head++;
      out[t] = cnt >= minp && cnt > 0 ? x[dq[head]!]! : NaN;
    }
  };
}

/**
 * 1-based position of the max (sign 1) or min (sign -1) in the window [max(0, t-w+1), t], first
 * of ties; as qlib (numpy's argmax over the raw window), the first missing day's position when the
 * window holds one.
 */
function argExtreme(sign: 1 | -1): TsKernel {
  return (x, _y, out, p, minp, ws) => {
    const w = p[0]!;
    const n = x.length;
    ws.reserve(n);
    const dq = ws.i32;
    // Missing days' indices, in order (a queue in f64b).
    const miss = ws.f64b;
    let mh = 0;
    let mt = 0;
    let head = 0;
    let tail = 0;
    let cnt = 0;
    for (let t = 0; t < n; t++) {
      const v = x[t]!;
      if (ok(v)) {
        cnt++;
        // Keep the earlier of equal values in front: pop only strictly worse ones.
        while (tail > head && sign * x[dq[tail - 1]!]! < sign * v) tail--;
        dq[tail++] = t;
      } else {
        miss[mt++] = t;
      }
      const s = Math.max(0, t - w + 1);
      if (t - w >= 0 && ok(x[t - w]!)) cnt--;
      while (tail > head && dq[head]! < s) head++;
      while (mt > mh && miss[mh]! < s) mh++;
      if (!(cnt >= minp && cnt > 0)) out[t] = NaN;
      else if (mt > mh) out[t] = miss[mh]! - s + 1;
      else out[t] = dq[head]! - s + 1;
    }
  };
}

/** Sorted finite values of the sliding window: `vals[0..len)` ascending. */
class SortedWindow {
  len = 0;
  constructor(public vals: Float64Array) {}
  lower(v: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vals[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  upper(v: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vals[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  add(v: number): void {
    // Windows are short: an element loop beats copyWithin's call overhead.
    const vals = this.vals;
    let j = this.len;
    while (j > 0 && vals[j - 1]! > v) {
      vals[j] = vals[j - 1]!;
      j--;
    }
    vals[j] = v;
    this.len++;
  }
  remove(v: number): void {
    const vals = this.vals;
    const n = this.len - 1;
    for (let j = this.lower(v); j < n; j++) vals[j] = vals[j + 1]!;
    this.len = n;
  }
  quantile(q: number): number {
    const pos = q * (this.len - 1);
    const lo = Math.floor(pos);
    const a = this.vals[lo]!;
    if (pos === lo) return a;
    return a + (this.vals[lo + 1]! - a) * (pos - lo);
  }
}

/** `kind`: 0 quantile (p[1]), 1 median, 2 percentile rank of today's value. */
function orderStat(kind: 0 | 1 | 2): TsKernel {
  return (x, _y, out, p, minp, ws) =>
    orderStats(x, [{ kind, q: kind === 0 ? p[1]! : 0.5, out }], p[0]!, minp, ws);
}

/** One output of `orderStats`: `kind` as `orderStat`'s, `q` the quantile (0.5 for the median). */
interface OrderSpec {
  kind: 0 | 1 | 2;
  q: number;
  out: Float64Array;
}

/**
 * Quantiles, medians and ranks of one series over one window, from one sorted window: every output
 * is what its own pass would give (same window, same arithmetic), the sorting is done once.
 */
function orderStats(
  x: Float64Array,
  specs: readonly OrderSpec[],
  w: number,
  minp: number,
  ws: KernelScratch,
): void {
  ws.reserve(w + 1);
  const sw = new SortedWindow(ws.f64);
  const k = specs.length;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (v - v === 0) sw.add(v);
    if (t - w >= 0) {
      const u = x[t - w]!;
      if (u - u === 0) sw.remove(u);
    }
    const enough = sw.len >= minp && sw.len > 0;
    for (let s = 0; s < k; s++) {
      const { kind, out } = specs[s]!;
      if (!enough) out[t] = NaN;
      else if (kind !== 2) out[t] = sw.quantile(specs[s]!.q);
      else if (!(v - v === 0)) out[t] = NaN;
      else {
        const lo = sw.lower(v);
        const hi = sw.upper(v);
        out[t] = (lo + (hi - lo + 1) / 2) / sw.len;
      }
    }
  }
}

const quantile = orderStat(0);
const median = orderStat(1);
const rank = orderStat(2);

function mad(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[], minp: number): void {
  const w = p[0]!;
  for (let t = 0; t < x.length; t++) {
    const s = Math.max(0, t - w + 1);
    let cnt = 0;
    let sm = 0;
    for (let j = s; j <= t; j++) {
      const v = x[j]!;
      if (ok(v)) {
        cnt++;
        sm += v;
      }
    }
    if (!(cnt >= minp && cnt > 0)) {
      out[t] = NaN;
      continue;
    }
    const mu = sm / cnt;
    let d = 0;
    for (let j = s; j <= t; j++) {
      const v = x[j]!;
      if (ok(v)) d += Math.abs(v - mu);
    }
    out[t] = d / cnt;
  }
}

function wma(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[], minp: number): void {
  const w = p[0]!;
  for (let t = 0; t < x.length; t++) {
    const s = Math.max(0, t - w + 1);
    let cnt = 0;
    let num = 0;
    let den = 0;
    for (let j = s; j <= t; j++) {
      const v = x[j]!;
      if (ok(v)) {
        const k = j - s + 1;
        cnt++;
        num += k * v;
        den += k;
      }
    }
    out[t] = cnt >= minp && cnt > 0 ? num / den : NaN;
  }
}

function ema(x: Float64Array, _y: unknown, out: Float64Array, p: readonly number[], minp: number): void {
  const a = 2 / (p[0]! + 1);
  const keep = 1 - a;
  let num = 0;
  let den = 0;
  let nobs = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    num *= keep;
    den *= keep;
    if (ok(v)) {
      num += v;
      den += 1;
      nobs++;
    }
    out[t] = nobs >= minp && den > 0 ? num / den : NaN;
  }
}

/** qlib's near-constant guard: `np.isclose(std, 0, atol=2e-5)`. */
const FLAT_STD = 2e-5;

/**
 * Regression of the window's finite values on their positions (x = j - t: 0 today, -1 yesterday,
 * ...; the slope does not depend on where positions start): sums about a shift of y, updated in
 * O(1) per day and recomputed every w days. `which`: 0 slope, 1 R squared, 2 today's residual.
 */
function regression(which: 0 | 1 | 2): TsKernel {
  return (x, _y, out, p, minp) =>
    movingRegression(
      x,
      which === 0 ? out : undefined,
      which === 1 ? out : undefined,
      which === 2 ? out : undefined,
      p[0]!,
      minp,
    );
}

/** Slope, R squared and residual (each where its output is given) of one series and window, in one pass. */
function movingRegression(
  x: Float64Array,
  oSlope: Float64Array | undefined,
  oRsq: Float64Array | undefined,
  oResi: Float64Array | undefined,
  w: number,
  minp: number,
): void {
  const n = x.length;
  let cnt = 0;
  let c = NaN;
  let sx = 0;
  let sxx = 0;
  let sy = 0;
  let syy = 0;
  let sxy = 0;
  for (let t = 0; t < n; t++) {
    const s = t - w + 1;
    let again = t % w === 0;
    if (!again) {
      // Every position moves back by one day.
      sxy -= sy;
      sxx += cnt - 2 * sx;
      sx -= cnt;
      if (s - 1 >= 0) {
        const u = x[s - 1]!;
        if (u - u === 0) {
          const d = u - c;
          cnt--;
          sx += w;
          sxx -= w * w;
          sy -= d;
          syy -= d * d;
          sxy += w * d;
        }
      }
      const v = x[t]!;
      if (v - v === 0) {
        if (Number.isNaN(c)) c = v;
        const d = v - c;
        cnt++;
        sy += d;
        syy += d * d;
      }
      if (cnt >= 2 && cnt * syy - sy * sy <= CANCEL * cnt * syy) again = true;
    }
    if (again) {
      cnt = sx = sxx = sy = syy = sxy = 0;
      c = NaN;
      for (let j = Math.max(0, s); j <= t; j++) {
        const v = x[j]!;
        if (!(v - v === 0)) continue;
        if (Number.isNaN(c)) c = v;
        const d = v - c;
        const q = j - t;
        cnt++;
        sx += q;
        sxx += q * q;
        sy += d;
        syy += d * d;
        sxy += q * d;
      }
    }
    if (!(cnt >= minp && cnt >= 2)) {
      if (oSlope !== undefined) oSlope[t] = NaN;
      if (oRsq !== undefined) oRsq[t] = NaN;
      if (oResi !== undefined) oResi[t] = NaN;
      continue;
    }
    const dx = cnt * sxx - sx * sx;
    const dxy = cnt * sxy - sx * sy;
    const slope = dxy / dx;
    if (oSlope !== undefined) oSlope[t] = slope;
    if (oRsq !== undefined) {
      const dy = cnt * syy - sy * sy;
      const sd = Math.sqrt(Math.max(0, dy / cnt / (cnt - 1)));
      oRsq[t] = sd <= FLAT_STD || !(dy > 0) ? NaN : (dxy * dxy) / (dx * dy);
    }
    if (oResi !== undefined) {
      const v = x[t]!;
      const intercept = (sy - slope * sx) / cnt;
      oResi[t] = v - v === 0 ? v - c - intercept : NaN;
    }
  }
}

/** Marks (1) the days where one series alone is flat over its window (qlib's guard of `ts_corr`). */
function flatMask(x: Float64Array, w: number, mask: Float64Array): void {
  movingMoments(x, mask, w, 1, 2, 2, MOM_STD);
  for (let t = 0; t < x.length; t++) mask[t] = Math.abs(mask[t]!) <= FLAT_STD ? 1 : 0;
}

/** Pairwise sums over the days where both x and y are finite; `which`: 0 covariance, 1 correlation. */
function pair(which: 0 | 1): TsKernel {
  return (x, y, out, p, minp, ws) => {
    movingPair(x, y!, out, p[0]!, minp, which);
    if (which === 1) {
      const n = x.length;
      ws.reserve(n);
      const m = ws.f64b;
      flatMask(x, p[0]!, m);
      for (let t = 0; t < n; t++) if (m[t] === 1) out[t] = NaN;
      flatMask(y!, p[0]!, m);
      for (let t = 0; t < n; t++) if (m[t] === 1) out[t] = NaN;
    }
  };
}

function movingPair(
  x: Float64Array,
  yy: Float64Array,
  out: Float64Array,
  w: number,
  minp: number,
  which: 0 | 1,
): void {
  rollingPairMoments(x, yy, out, w, (cnt, sx, sy, sxx, syy, sxy) => {
    if (!(cnt >= minp && cnt >= 2)) return NaN;
    const cov = (sxy - (sx * sy) / cnt) / (cnt - 1);
    if (which === 0) return cov;
    const vx = (sxx - (sx * sx) / cnt) / (cnt - 1);
    const vy = (syy - (sy * sy) / cnt) / (cnt - 1);
    return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : NaN;
  });
}

/**
 * What a rolling paired statistic makes of the window's moments: `cnt` pairs (both finite), and
 * the sums of `x`, `y`, `x^2`, `y^2`, `x*y`, each taken about the window's first pair (a shift, so
 * only differences of these sums mean anything). Returns the value for that day (NaN allowed).
 */
export type PairFinish = (
  cnt: number,
  sx: number,
  sy: number,
  sxx: number,
  syy: number,
  sxy: number,
) => number;

/**
 * The moments of the pairs `(x[j], y[j])`, both finite, over each trailing window `[t - w + 1, t]`,
 * handed to `finish` for `out[t]`. Updated in O(1) per day about a shift (the first pair of the
 * window), recomputed from scratch every `w` days and whenever a spread keeps less than `CANCEL`
 * of its raw sum of squares, so rounding cannot accumulate and a constant series has a variance of
 * exactly 0. The one home of the rolling pair loop (`ts_cov`, `ts_corr`, `ts_beta`, `ts_resid_std`).
 */
export function rollingPairMoments(
  x: Float64Array,
  y: Float64Array,
  out: Float64Array,
  w: number,
  finish: PairFinish,
): void {
  const n = x.length;
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
    out[t] = finish(cnt, sx, sy, sxx, syy, sxy);
  }
}

/** The time-series kernels by canonical operator name. */
export const TS_KERNELS: ReadonlyMap<string, TsKernel> = new Map<string, TsKernel>([
  ['delay', delay],
  ['diff', diff],
  ['ts_sum', sum],
  ['ts_mean', mean],
  ['ts_std', std],
  ['ts_var', variance],
  ['ts_skew', skew],
  ['ts_kurt', kurt],
  ['ts_max', extreme(1)],
  ['ts_min', extreme(-1)],
  ['ts_argmax', argExtreme(1)],
  ['ts_argmin', argExtreme(-1)],
  ['ts_quantile', quantile],
  ['ts_median', median],
  ['ts_mad', mad],
  ['ts_rank', rank],
  ['ts_count', count],
  ['ts_slope', regression(0)],
  ['ts_rsquare', regression(1)],
  ['ts_resi', regression(2)],
  ['ts_wma', wma],
  ['ema', ema],
  ['ts_corr', pair(1)],
  ['ts_cov', pair(0)],
  ['ts_beta', tsBeta],
  ['ts_resid_std', tsResidStd],
  ['ffill', ffill],
]);

/** One output of a group kernel: the operator, its literal parameters, where it writes. */
export interface TsGroupOutput {
  readonly op: string;
  readonly params: readonly number[];
  readonly out: Float64Array;
}

/**
 * Operators of one series and one window that share their work (`TS_GROUPS`): computed together
 * in one pass over the series, each output equal bit for bit to its own kernel's.
 */
export interface TsGroupKernel {
  /** Operators of one group with the same argument and window are computed together. */
  readonly group: string;
  run(x: Float64Array, outs: readonly TsGroupOutput[], w: number, minp: number, ws: KernelScratch): void;
}

const ORDER_KIND: Readonly<Record<string, 0 | 1 | 2>> = { ts_quantile: 0, ts_median: 1, ts_rank: 2 };
const orderGroup: TsGroupKernel = {
  group: 'order',
  run: (x, outs, w, minp, ws) =>
    orderStats(
      x,
      outs.map((o) => {
        const kind = ORDER_KIND[o.op]!;
        return { kind, q: kind === 0 ? o.params[1]! : 0.5, out: o.out };
      }),
      w,
      minp,
      ws,
    ),
};
const regressionGroup: TsGroupKernel = {
  group: 'regression',
  run: (x, outs, w, minp) => {
    const by = (op: string) => outs.find((o) => o.op === op)?.out;
    movingRegression(x, by('ts_slope'), by('ts_rsquare'), by('ts_resi'), w, minp);
  },
};

/** Time-series operators that can share one pass with others of their group (same series, same window). */
export const TS_GROUPS: ReadonlyMap<string, TsGroupKernel> = new Map<string, TsGroupKernel>([
  ['ts_quantile', orderGroup],
  ['ts_median', orderGroup],
  ['ts_rank', orderGroup],
  ['ts_slope', regressionGroup],
  ['ts_rsquare', regressionGroup],
  ['ts_resi', regressionGroup],
]);

/** Operators whose output does not depend on `minPeriods` (lags, counts). */
export const NO_MIN_PERIODS: ReadonlySet<string> = new Set(['delay', 'diff', 'ts_count']);
