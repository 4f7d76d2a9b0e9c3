import {
  HfqError,
  Panel,
  STYLE_NAMES,
  type StyleName,
  type TaskOptions,
  throwIfAborted,
  zscoreInPlace,
} from '@hfq/core';
import { checkIndexReturns, checkPanelShape } from '../checks.js';
import { checkIndustryCount, checkIndustryIndex } from '../enhanced-index/problem.js';

/** The styles' z-score rule (Barra): population sd, NaN without dispersion, clip re-standardised. */
const STYLE_ZSCORE = { ddof: 0, constant: 'nan', clipMode: 'restandardize' } as const;

/**
 * The daily fields the exposures read: the names and meaning of `@hfq/bars` `DailyBars`, so a
 * `DailyBars` passes as is. Prices unadjusted (yuan), NaN = no trade that day.
 */
export interface StyleDailyInput {
  close: Panel<Float64Array>;
  adjFactor: Panel<Float64Array>;
  /** Total market cap at the close (yuan): size, and the weights of the standardisation mean. */
  marketCap: Panel<Float64Array>;
  /** Daily turnover, volume / free-float shares (fraction). */
  turnover: Panel<Float64Array>;
  /** Book / market cap; NaN where unknown. Without it there is no `value` style. */
  bookToPrice?: Panel<Float64Array>;
  /** 1 when listed; unlisted stock-days get NaN exposures. */
  listed?: Panel<Float64Array>;
  /** 1 when suspended; those days count as missing returns. */
  suspended?: Panel<Float64Array>;
}

/** The index series the beta is measured against (`IndexData.ret`: close-to-close, NaN on day 0). */
export interface StyleIndexInput {
  ret: Float64Array;
}

/** Options of `styleExposures`. Windows are in trading days. */
export interface StyleExposureOptions extends TaskOptions {
  /** Dates (`yyyymmdd`, in the panels) to compute exposures for; default every date. */
  dates?: ArrayLike<number>;
  /** Styles to compute, in this order; default all (`value` only when `bookToPrice` is given). */
  styles?: readonly StyleName[];
  /** Trailing window of the beta / residual-volatility regression (default 252). */
  betaWindow?: number;
  /** Fewest paired daily returns in that window (default 63); fewer gives NaN. */
  betaMinObs?: number;
  /** Momentum looks back this many days (default 252, about 12 months)... */
  momentumWindow?: number;
  /** ...skipping the most recent this many (default 21, about 1 month): "12-1 month" momentum. */
  momentumSkip?: number;
  /** Fewest daily log returns in the momentum window (default 126). */
  momentumMinObs?: number;
  /** Window of the liquidity descriptor, mean daily turnover (default 21). */
  liquidityWindow?: number;
  /** Clip standardised values at +-clip before standardising once more (default 3; Infinity = off). */
  clip?: number;
}

/** Standardised exposures: one dates x assets panel per style, dates = the requested dates. */
export interface StyleExposures {
  names: StyleName[];
  panels: Panel<Float64Array>[];
}

/**
 * Barra-like style exposures for each requested date T, from data up to the close of T only:
 *
 * - `size`: log of total market cap at T.
 * - `beta`: OLS slope of the stock's daily return on the index's, over the trailing `betaWindow`
 *   days where both exist (returns across a suspension gap are not used).
 * - `momentum`: sum of daily log returns from T-251 to T-21 (12-1 months; a return that spans a
 *   suspension counts on the day trading resumes).
 * - `residualVolatility`: standard deviation of that beta regression's residuals (n - 2 dof).
 * - `liquidity`: log of the mean daily turnover over the last `liquidityWindow` days (NaN when it
 *   is 0: no trading).
 * - `value`: book-to-price at T.
 *
 * Each is then standardised across the stocks that have it on T: cap-weighted mean 0, unit
 * equal-weighted standard deviation, with values beyond +-3 clipped and re-standardised until
 * none is: `@hfq/core`'s `zscore` rule
 * `{ ddof: 0, constant: 'nan', clip, clipMode: 'restandardize', weights: cap }`. NaN where a stock lacks
 * the data (not listed, too few observations); callers decide how to fill (the backtest uses 0, the
 * cap-weighted mean, and counts them). Industries are the optimiser's `industry` index (one-hot by
 * construction: see `industryOneHot`).
 *
 * O(dates x assets) with rolling sums; memory O(window x assets).
 *
 * @throws HfqError `OPT_BAD_INPUT` (shapes, a requested date not in the panels), `OPT_BAD_OPTION`.
 */
export function styleExposures(
  daily: StyleDailyInput,
  index: StyleIndexInput,
  options: StyleExposureOptions = {},
): StyleExposures {
  const allDates = daily.close.dates;
  const assets = daily.close.assets;
  const nT = allDates.length;
  const n = assets.length;
  for (const f of ['adjFactor', 'marketCap', 'turnover', 'bookToPrice', 'listed', 'suspended'] as const) {
    checkPanelShape(daily[f], f, nT, n);
  }
  checkIndexReturns(index.ret, nT, 'ret');
  const names = (options.styles ?? STYLE_NAMES.filter((s) => s !== 'value' || daily.bookToPrice)).slice();
  for (const s of names) {
    if (!STYLE_NAMES.includes(s))
      throw new HfqError('OPT_BAD_OPTION', `unknown style '${s}'`, { field: 'styles' });
    if (s === 'value' && !daily.bookToPrice) {
      throw new HfqError('OPT_BAD_OPTION', 'the value style needs daily.bookToPrice', { field: 'styles' });
    }
  }
  const W = intOption(options.betaWindow ?? 252, 'betaWindow', 2);
  const betaMin = intOption(options.betaMinObs ?? 63, 'betaMinObs', 3);
  const MW = intOption(options.momentumWindow ?? 252, 'momentumWindow', 2);
  const skip = intOption(options.momentumSkip ?? 21, 'momentumSkip', 0);
  if (skip >= MW)
    throw new HfqError('OPT_BAD_OPTION', 'momentumSkip must be below momentumWindow', {
      field: 'momentumSkip',
    });
  const momMin = intOption(options.momentumMinObs ?? 126, 'momentumMinObs', 1);
  const L = intOption(options.liquidityWindow ?? 21, 'liquidityWindow', 1);
  const clip = options.clip ?? 3;
  if (typeof clip !== 'number' || !(clip > 0)) {
    throw new HfqError('OPT_BAD_OPTION', `clip must be a number > 0 (Infinity = off), got ${clip}`, {
      field: 'clip',
    });
  }

  // Output rows.
  const wanted = options.dates ? Int32Array.from(options.dates) : allDates;
  const outRow = new Int32Array(nT).fill(-1);
  for (let j = 0; j < wanted.length; j++) {
    const t = daily.close.dateIndex(wanted[j]!);
    if (t < 0)
      throw new HfqError('OPT_BAD_INPUT', `date ${wanted[j]} is not in the daily panels`, {
        date: wanted[j]!,
      });
    outRow[t] = j;
  }
  const panels = names.map(() => Panel.alloc(wanted, assets, 'float64'));

  const close = daily.close.values;
  const adj = daily.adjFactor.values;
  const susp = daily.suspended?.values;
  const listed = daily.listed?.values;
  // Rolling state.
  const lastPx = new Float64Array(n).fill(Number.NaN); // last valid adjusted close (gap-spanning)
  const rRing = new Float64Array(W * n).fill(Number.NaN);
  const mRing = new Float64Array(W).fill(Number.NaN);
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const sxx = new Float64Array(n);
  const sxy = new Float64Array(n);
  const syy = new Float64Array(n);
  const cnt = new Int32Array(n);
  const lrRing = new Float64Array(MW * n).fill(Number.NaN);
  const momSum = new Float64Array(n);
  const momCnt = new Int32Array(n);
  const tvRing = new Float64Array(L * n).fill(Number.NaN);
  const tvSum = new Float64Array(n);
  const tvCnt = new Int32Array(n);
  const prevPx = new Float64Array(n).fill(Number.NaN); // yesterday's adjusted close (NaN if none)
  const raw = new Float64Array(n);

  for (let t = 0; t < nT; t++) {
    if ((t & 63) === 0) throwIfAborted(options.signal, 'styleExposures');
    const m = index.ret[t]!;
    const slot = t % W;
    const mOld = mRing[slot]!;
    mRing[slot] = m;
    const lslot = t % MW;
    const tslot = t % L;
    const base = t * n;
    for (let i = 0; i < n; i++) {
      const ok = susp?.[base + i] !== 1 && (!listed || listed[base + i] === 1);
      const px = ok ? close[base + i]! * adj[base + i]! : Number.NaN;
      const valid = px > 0 && Number.isFinite(px);
      // Simple return from yesterday's close (no gap) for the regression.
      const r = valid ? px / prevPx[i]! - 1 : Number.NaN;
      // Log return since the last traded close (spanning gaps) for momentum.
      const lr = valid ? Math.log(px / lastPx[i]!) : Number.NaN;
      prevPx[i] = valid ? px : Number.NaN;
      if (valid) lastPx[i] = px;

      // Regression sums: drop day t - W, add day t.
      const rOld = rRing[slot * n + i]!;
      if (Number.isFinite(rOld) && Number.isFinite(mOld)) {
        sx[i] = sx[i]! - mOld;
        sy[i] = sy[i]! - rOld;
        sxx[i] = sxx[i]! - mOld * mOld;
        sxy[i] = sxy[i]! - mOld * rOld;
        syy[i] = syy[i]! - rOld * rOld;
        cnt[i] = cnt[i]! - 1;
      }
      rRing[slot * n + i] = r;
      if (Number.isFinite(r) && Number.isFinite(m)) {
        sx[i] = sx[i]! + m;
        sy[i] = sy[i]! + r;
        sxx[i] = sxx[i]! + m * m;
        sxy[i] = sxy[i]! + m * r;
        syy[i] = syy[i]! + r * r;
        cnt[i] = cnt[i]! + 1;
      }

      // Momentum window [t - MW + 1, t - skip]: drop day t - MW, add day t - skip.
      const lrOld = lrRing[lslot * n + i]!;
      if (Number.isFinite(lrOld)) {
        momSum[i] = momSum[i]! - lrOld;
        momCnt[i] = momCnt[i]! - 1;
      }
      lrRing[lslot * n + i] = lr;
      if (t - skip >= 0) {
        const lrIn = lrRing[((t - skip) % MW) * n + i]!;
        if (Number.isFinite(lrIn)) {
          momSum[i] = momSum[i]! + lrIn;
          momCnt[i] = momCnt[i]! + 1;
        }
      }
      // With skip = 0 the day added is day t itself, already written above.

      // Liquidity: mean turnover over the last L days with data.
      const tvOld = tvRing[tslot * n + i]!;
      if (Number.isFinite(tvOld)) {
        tvSum[i] = tvSum[i]! - tvOld;
        tvCnt[i] = tvCnt[i]! - 1;
      }
      const tv = ok ? daily.turnover.values[base + i]! : Number.NaN;
      tvRing[tslot * n + i] = tv;
      if (Number.isFinite(tv)) {
        tvSum[i] = tvSum[i]! + tv;
        tvCnt[i] = tvCnt[i]! + 1;
      }
    }
    const row = outRow[t]!;
    if (row < 0) continue;
    const cap = daily.marketCap.values.subarray(base, base + n);
    for (let s = 0; s < names.length; s++) {
      const name = names[s]!;
      for (let i = 0; i < n; i++) {
        const isListed = !listed || listed[base + i] === 1;
        raw[i] = isListed ? rawDescriptor(name, i) : Number.NaN;
      }
      zscoreInPlace(raw, { ...STYLE_ZSCORE, clip, weights: cap });
      panels[s]!.values.set(raw, row * n);
    }

    function rawDescriptor(name: StyleName, i: number): number {
      switch (name) {
        case 'size': {
          const c = cap[i]!;
          return c > 0 ? Math.log(c) : Number.NaN;
        }
        case 'beta':
        case 'residualVolatility': {
          const c = cnt[i]!;
          if (c < betaMin) return Number.NaN;
          const vx = sxx[i]! - (sx[i]! * sx[i]!) / c;
          const cxy = sxy[i]! - (sx[i]! * sy[i]!) / c;
          if (!(vx > 0)) return Number.NaN;
          const beta = cxy / vx;
          if (name === 'beta') return beta;
          const vy = syy[i]! - (sy[i]! * sy[i]!) / c;
          return Math.sqrt(Math.max(0, vy - beta * cxy) / (c - 2));
        }
        case 'momentum':
          return momCnt[i]! >= momMin ? momSum[i]! : Number.NaN;
        case 'liquidity': {
          if (tvCnt[i]! === 0) return Number.NaN;
          const mean = tvSum[i]! / tvCnt[i]!;
          return mean > 0 ? Math.log(mean) : Number.NaN;
        }
        case 'value':
          return daily.bookToPrice!.values[base + i]!;
      }
    }
  }
  return { names, panels };
}

/** The exposure columns of one date (views into the panels), in `names` order. */
export function styleColumnsAt(exposures: StyleExposures, date: number): Float64Array[] {
  return exposures.panels.map((p) => p.rowOf(date));
}

/**
 * Industry dummies: column k is 1 where `industry[i] === k` (K = max + 1 unless given).
 * @throws HfqError `OPT_BAD_OPTION` when `k` is not an integer in [0, `MAX_INDUSTRIES`];
 * `OPT_BAD_INPUT` (context `asset`) for an index outside [0, K) or >= `MAX_INDUSTRIES`, before
 * anything is allocated.
 */
export function industryOneHot(industry: Int32Array, k?: number): Float64Array[] {
  let kk = k === undefined ? 0 : checkIndustryCount(k, 'k');
  for (let i = 0; i < industry.length; i++) {
    checkIndustryIndex(industry[i]!, 'industry', i);
    if (k === undefined) kk = Math.max(kk, industry[i]! + 1);
  }
  const cols = Array.from({ length: kk }, () => new Float64Array(industry.length));
  for (let i = 0; i < industry.length; i++) {
    const j = industry[i]!;
    if (!Number.isInteger(j) || j < 0 || j >= kk) {
      throw new HfqError('OPT_BAD_INPUT', `industry ${j} outside [0, ${kk})`, {
        field: 'industry',
        asset: i,
      });
    }
    cols[j]![i] = 1;
  }
  return cols;
}

/**
 * Longest window (trading days, about 40 years) an option may ask for: windows size the rolling
 * buffers (window x assets), so an unchecked one would allocate without bound.
 */
const MAX_WINDOW = 10_000;

function intOption(v: number, field: string, min: number): number {
  if (!Number.isInteger(v) || v < min || v > MAX_WINDOW) {
    throw new HfqError('OPT_BAD_OPTION', `${field} must be an integer in [${min}, ${MAX_WINDOW}], got ${v}`, {
      field,
    });
  }
  return v;
}
