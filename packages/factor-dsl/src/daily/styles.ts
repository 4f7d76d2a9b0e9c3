import { Panel, STYLE_NAMES, type StyleName } from '@hfq/core';
import { dslError } from '../language/errors.js';
import { type DailyFactorDef, evaluateDailySync } from './evaluate.js';
import type { DailyLibraryFactor } from './library.js';

/**
 * Windows and rules of the Barra-like style formulas (`styleFactors`). Windows are in trading days.
 * The defaults are `@hfq/optimizer` `styleExposures`' (`STYLE_WINDOWS`).
 */
export interface StyleWindows {
  /** Trailing window of the beta / residual-volatility regression on the index return. */
  betaWindow: number;
  /** Fewest paired daily returns (stock and index) in that window; fewer gives NaN. */
  betaMinObs: number;
  /** Momentum looks back this many days... */
  momentumWindow: number;
  /** ...skipping the most recent this many ("12-1 month" momentum). */
  momentumSkip: number;
  /** Fewest daily log returns in the momentum window. */
  momentumMinObs: number;
  /** Window of the liquidity descriptor, mean daily turnover. */
  liquidityWindow: number;
  /** Standardised values beyond +-clip are clipped and standardised again (Infinity = no clip). */
  clip: number;
}

/** The default windows: a year of 252 trading days, 63 paired returns, 12-1 month momentum, ... */
export const STYLE_WINDOWS: Readonly<StyleWindows> = Object.freeze({
  betaWindow: 252,
  betaMinObs: 63,
  momentumWindow: 252,
  momentumSkip: 21,
  momentumMinObs: 126,
  liquidityWindow: 21,
  clip: 3,
});

/**
 * The input panels the style formulas read (the names of `@hfq/bars` `DailyBars`' fields, so a
 * `DailyBars` provides them), and `indexRet`, the index's daily return (`IndexData.ret`) as a
 * panel that is the same for every asset (`broadcastDaily`):
 *
 * - `close`: close (yuan, unadjusted); `adjFactor`: cumulative adjustment factor (adjusted close =
 *   close x adjFactor).
 * - `marketCap`: total market cap (yuan): size, and the weights of the standardisation's mean.
 * - `turnover`: volume / free-float shares (fraction); `bookToPrice`: book / market cap (value).
 * - `listed`: 1 when listed (anything else: not listed, the exposures are NaN); `suspended`: 1 when
 *   suspended (that day's price and turnover count as missing).
 */
export const STYLE_INPUTS: readonly string[] = Object.freeze([
  'close',
  'adjFactor',
  'marketCap',
  'turnover',
  'bookToPrice',
  'listed',
  'suspended',
  'indexRet',
]);

/** Above this a clip never binds (a standardised value is at most 2 sqrt(assets)). */
const NO_CLIP = 1e9;

/**
 * The Barra-like style exposures as daily formulas, one per `@hfq/core` `STYLE_NAMES` entry (the
 * name of each factor is the style's), for the given windows (defaults `STYLE_WINDOWS`):
 *
 * - `size`: log of the total market cap.
 * - `beta`: `ts_beta` of the stock's daily return (adjusted close over yesterday's: no return across
 *   a suspension) on `indexRet` over `betaWindow` days, with at least `betaMinObs` paired days.
 * - `momentum`: sum of the daily log returns (since the last traded close: a move across a
 *   suspension counts on the day trading resumes, `ffill`) of the days `momentumWindow - 1` to
 *   `momentumSkip` ago, with at least `momentumMinObs` of them.
 * - `residualVolatility`: `ts_resid_std` of that regression (divisor pairs - 2).
 * - `liquidity`: log of the mean turnover of the traded days of the last `liquidityWindow` days.
 * - `value`: book-to-price.
 *
 * Suspended and unlisted days are missing prices and turnover; each raw descriptor is NaN on a day
 * the stock is not listed, then standardised across the date's stocks with `cs_standardize`
 * (market-cap-weighted mean 0, population sd 1, clip at +-`clip` and standardise again until none
 * exceeds it). Inputs: `STYLE_INPUTS`. Evaluate them with the default `minPeriods: 'qlib'` (the
 * windows' own minimums are in the formulas).
 *
 * @throws HfqError `DSL_INPUT` (`context.field` the window) for a window that is not an integer >= 1
 * (`betaMinObs` >= 3), a `momentumSkip` not in [0, momentumWindow), a minimum above its window, or a
 * `clip` that is not > 0.
 */
export function styleFactors(windows: Partial<StyleWindows> = {}): DailyLibraryFactor[] {
  const o = checkWindows(windows);
  const live = 'and(suspended != 1, listed == 1)';
  const adjusted = 'close * adjFactor';
  // The adjusted close of a traded day (not suspended, listed, finite and > 0), else NaN.
  const px = `where(and(${live}, fill_nan(${adjusted}, 0) > 0), ${adjusted})`;
  const ret = `${px} / delay(${px}, 1) - 1`;
  const logRet = `log(${px} / delay(ffill(${px}), 1))`;
  const span = o.momentumWindow - o.momentumSkip;
  const raw: Record<StyleName, [string, readonly string[], string]> = {
    size: ['log(marketCap)', ['marketCap'], 'log of the total market cap'],
    beta: [
      `ts_beta(${ret}, indexRet, ${o.betaWindow}, ${o.betaMinObs})`,
      ['close', 'adjFactor', 'suspended', 'indexRet'],
      `OLS slope of the daily return on the index return over ${o.betaWindow} days (at least ${o.betaMinObs} pairs)`,
    ],
    momentum: [
      `where(delay(ts_count(${logRet}, ${span}), ${o.momentumSkip}) >= ${o.momentumMinObs}, delay(ts_sum(${logRet}, ${span}), ${o.momentumSkip}))`,
      ['close', 'adjFactor', 'suspended'],
      `sum of the daily log returns from ${o.momentumWindow - 1} to ${o.momentumSkip} days ago (at least ${o.momentumMinObs})`,
    ],
    residualVolatility: [
      `ts_resid_std(${ret}, indexRet, ${o.betaWindow}, ${o.betaMinObs})`,
      ['close', 'adjFactor', 'suspended', 'indexRet'],
      `standard deviation of the residuals of the beta regression over ${o.betaWindow} days`,
    ],
    liquidity: [
      `log(ts_mean(where(${live}, turnover), ${o.liquidityWindow}))`,
      ['turnover', 'suspended'],
      `log of the mean turnover of the traded days of the last ${o.liquidityWindow} days`,
    ],
    value: ['bookToPrice', ['bookToPrice'], 'book-to-price'],
  };
  const clip = Math.min(o.clip, NO_CLIP);
  return STYLE_NAMES.map((name) => {
    const [formula, reads, meaning] = raw[name];
    const inputs = [...new Set([...reads, 'listed', 'marketCap'])].sort();
    return Object.freeze({
      name,
      formula: `cs_standardize(where(listed == 1, ${formula}), marketCap, ${clip})`,
      inputs: Object.freeze(inputs),
      industry: false,
      meaning: `${meaning}, standardised across the date's listed stocks (cap-weighted mean 0, sd 1, clipped at +-${o.clip})`,
    });
  });
}

/** The style formulas with the default windows (`STYLE_WINDOWS`), in `STYLE_NAMES` order. */
export const STYLE_FACTORS: readonly DailyLibraryFactor[] = Object.freeze(styleFactors());

/** Options of `evaluateStyleFactors`. */
export interface StyleEvaluateOptions {
  /** Styles to compute, in this order (default all of `STYLE_NAMES`). */
  styles?: readonly StyleName[];
  /** Windows (defaults `STYLE_WINDOWS`). */
  windows?: Partial<StyleWindows>;
}

/**
 * Evaluates the style formulas (`styleFactors(options.windows)`) on the calling thread,
 * synchronously (the standardisation is cross-sectional, so `evaluateDaily` would run them on the
 * calling thread anyway): one dates x assets panel per requested style, keyed by name. Inputs as
 * `STYLE_INPUTS` (`bookToPrice` only when `value` is requested); the safety limit on windows is
 * raised to the largest window asked for.
 *
 * @throws HfqError `DSL_INPUT` for an unknown style, bad windows (see `styleFactors`) or inputs
 * (`evaluateDaily`'s rules), `DSL_UNKNOWN_NAME` for a missing input panel.
 */
export function evaluateStyleFactors(
  inputs: Readonly<Record<string, Panel>>,
  options: StyleEvaluateOptions = {},
): Record<string, Panel> {
  const names = options.styles ?? STYLE_NAMES;
  const all = styleFactors(options.windows);
  const defs: DailyFactorDef[] = names.map((n) => {
    const f = all.find((d) => d.name === n);
    if (f === undefined) throw dslError('DSL_INPUT', `unknown style '${String(n)}'`, { field: 'styles' });
    return f;
  });
  const o = { ...STYLE_WINDOWS, ...options.windows };
  const maxWindow = Math.max(o.betaWindow, o.momentumWindow, o.liquidityWindow);
  return evaluateDailySync(defs, inputs, { limits: { maxWindow: Math.max(maxWindow, 1200) } });
}

/**
 * A daily input that is the same for every asset (an index's return, a market-wide rate): a
 * dates x assets panel on `like`'s grid whose every column is `series` (one value per date of
 * `like`, in its order). Formulas read it like any field (`ts_beta(ret, indexRet, 252, 63)`).
 * NaN stays NaN (a missing day for every asset).
 *
 * @throws HfqError `DSL_INPUT` when `series` does not have one value per date of `like`.
 */
export function broadcastDaily(series: ArrayLike<number>, like: Panel): Panel<Float64Array> {
  const T = like.nDates;
  const N = like.nAssets;
  if (series.length !== T) {
    throw dslError('DSL_INPUT', `the series has ${series.length} values for ${T} dates`, { field: 'series' });
  }
  const out = new Float64Array(T * N);
  for (let t = 0; t < T; t++) out.fill(series[t]!, t * N, (t + 1) * N);
  return new Panel(like.dates, like.assets, out);
}

function checkWindows(w: Partial<StyleWindows>): StyleWindows {
  const o = { ...STYLE_WINDOWS, ...w };
  const int = (field: keyof StyleWindows, min: number) => {
    const v = o[field];
    if (!Number.isInteger(v) || v < min) {
      throw dslError('DSL_INPUT', `${field} must be an integer >= ${min}, got ${String(v)}`, { field });
    }
  };
  int('betaWindow', 3);
  int('betaMinObs', 3);
  int('momentumWindow', 1);
  int('momentumSkip', 0);
  int('momentumMinObs', 1);
  int('liquidityWindow', 1);
  const above = (field: keyof StyleWindows, max: number, what: string) => {
    if (o[field] > max) {
      throw dslError('DSL_INPUT', `${field} (${o[field]}) must be <= ${what} (${max})`, { field });
    }
  };
  above('betaMinObs', o.betaWindow, 'betaWindow');
  if (o.momentumSkip >= o.momentumWindow) {
    throw dslError('DSL_INPUT', 'momentumSkip must be below momentumWindow', { field: 'momentumSkip' });
  }
  above('momentumMinObs', o.momentumWindow - o.momentumSkip, 'momentumWindow - momentumSkip');
  if (typeof o.clip !== 'number' || !(o.clip > 0)) {
    throw dslError('DSL_INPUT', `clip must be a number > 0 (Infinity = no clip), got ${String(o.clip)}`, {
      field: 'clip',
    });
  }
  return o;
}
