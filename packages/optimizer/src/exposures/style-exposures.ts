import { HfqError, Panel, STYLE_NAMES, type StyleName, type TaskOptions, throwIfAborted } from '@hfq/core';
import { broadcastDaily, evaluateStyleFactors, type StyleWindows } from '@hfq/factor-dsl';
import { checkIndexReturns, checkPanelShape } from '../checks.js';
import { checkIndustryCount, checkIndustryIndex } from '../enhanced-index/problem.js';

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
 * Barra-like style exposures for each requested date T, from data up to the close of T only. They
 * are the style formulas of the daily factor language (`@hfq/factor-dsl` `styleFactors`, evaluated
 * with `evaluateStyleFactors`; the options set their windows):
 *
 * - `size`: log of total market cap at T.
 * - `beta`: OLS slope of the stock's daily return on the index's, over the trailing `betaWindow`
 *   days where both exist (returns across a suspension gap are not used): `ts_beta`.
 * - `momentum`: sum of daily log returns from T-251 to T-21 (12-1 months; a return that spans a
 *   suspension counts on the day trading resumes).
 * - `residualVolatility`: standard deviation of that beta regression's residuals (n - 2 dof):
 *   `ts_resid_std`.
 * - `liquidity`: log of the mean daily turnover over the last `liquidityWindow` days (NaN when it
 *   is 0: no trading).
 * - `value`: book-to-price at T.
 *
 * Suspended days are missing prices and turnover; unlisted stock-days are NaN. Each is then
 * standardised across the stocks that have it on T (`cs_standardize`): cap-weighted mean 0, unit
 * equal-weighted standard deviation, with values beyond +-3 clipped and re-standardised until
 * none is: `@hfq/core`'s `zscore` rule
 * `{ ddof: 0, constant: 'nan', clip, clipMode: 'restandardize', weights: cap }`. NaN where a stock lacks
 * the data (not listed, too few observations); callers decide how to fill (the backtest uses 0, the
 * cap-weighted mean, and counts them). Industries are the optimiser's `industry` index (one-hot by
 * construction: see `industryOneHot`).
 *
 * Computed over every date of the panels (rolling windows, O(dates x assets) per style), then the
 * requested dates are picked. `options.signal` is checked before and after the evaluation.
 *
 * @throws HfqError `OPT_BAD_INPUT` (shapes, a requested date not in the panels), `OPT_BAD_OPTION`
 * (including a `betaMinObs` above `betaWindow` or a `momentumMinObs` above
 * `momentumWindow - momentumSkip`, which could never be met).
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
  if (betaMin > W) {
    throw new HfqError('OPT_BAD_OPTION', `betaMinObs (${betaMin}) must be <= betaWindow (${W})`, {
      field: 'betaMinObs',
    });
  }
  if (momMin > MW - skip) {
    throw new HfqError(
      'OPT_BAD_OPTION',
      `momentumMinObs (${momMin}) must be <= momentumWindow - momentumSkip (${MW - skip})`,
      { field: 'momentumMinObs' },
    );
  }

  // Output rows.
  const wanted = options.dates ? Int32Array.from(options.dates) : allDates;
  const rows = new Int32Array(wanted.length);
  for (let j = 0; j < wanted.length; j++) {
    const t = daily.close.dateIndex(wanted[j]!);
    if (t < 0)
      throw new HfqError('OPT_BAD_INPUT', `date ${wanted[j]} is not in the daily panels`, {
        date: wanted[j]!,
      });
    rows[j] = t;
  }
  throwIfAborted(options.signal, 'styleExposures');
  if (names.length === 0) return { names, panels: [] };

  const grid = (v: number) => new Panel(allDates, assets, new Float64Array(nT * n).fill(v));
  const inputs: Record<string, Panel> = {
    close: daily.close,
    adjFactor: daily.adjFactor,
    marketCap: daily.marketCap,
    turnover: daily.turnover,
    // Without the flags every stock is listed and none is suspended.
    listed: daily.listed ?? grid(1),
    suspended: daily.suspended ?? grid(0),
    indexRet: broadcastDaily(index.ret, daily.close),
  };
  if (daily.bookToPrice) inputs.bookToPrice = daily.bookToPrice;
  const windows: StyleWindows = {
    betaWindow: W,
    betaMinObs: betaMin,
    momentumWindow: MW,
    momentumSkip: skip,
    momentumMinObs: momMin,
    liquidityWindow: L,
    clip,
  };
  const all = evaluateStyleFactors(inputs, { styles: names, windows });
  throwIfAborted(options.signal, 'styleExposures');
  const panels = names.map((name) => {
    const src = all[name]!.values;
    const out = Panel.alloc(wanted, assets, 'float64');
    for (let j = 0; j < rows.length; j++)
      out.values.set(src.subarray(rows[j]! * n, (rows[j]! + 1) * n), j * n);
    return out;
  });
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
 * Longest window (trading days, about 40 years) an option may ask for (the formulas' windows are
 * checked against it, as the factor language checks every window against a limit).
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
