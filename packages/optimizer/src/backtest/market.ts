import type { Panel } from '@hfq/core';
import type { StyleExposures } from '../exposures/style-exposures.js';

/**
 * The daily fields the backtest reads, with the names and meaning of `@hfq/bars` `DailyBars`
 * (a `DailyBars` passes as is). All panels share one calendar and one asset list. Prices are
 * unadjusted yuan; flags are 1/0; NaN = not available.
 */
export interface BacktestDailyInput {
  /** Close of T: daily NAV marks (times `adjFactor`). */
  close: Panel<Float64Array>;
  /** Whole-day VWAP of T: the fill price of orders placed at the previous close. */
  vwap: Panel<Float64Array>;
  /** Cumulative adjustment factor: adjusted price = price * adjFactor. */
  adjFactor: Panel<Float64Array>;
  /** 1 = suspended on T: cannot trade at all. */
  suspended?: Panel<Float64Array>;
  /** 1 = closed at the up limit on T: treated as unbuyable that day. */
  isLimitUp?: Panel<Float64Array>;
  /** 1 = closed at the down limit on T: treated as unsellable that day. */
  isLimitDown?: Panel<Float64Array>;
  /** 1 = listed on T; 0 cannot trade. */
  listed?: Panel<Float64Array>;
  /** Needed only when `market.styles` is absent (the exposures are then computed). */
  marketCap?: Panel<Float64Array>;
  turnover?: Panel<Float64Array>;
  bookToPrice?: Panel<Float64Array>;
}

/** The benchmark, with the names of `@hfq/bars` `IndexData` (an `IndexData` passes as is). */
export interface BacktestIndexInput {
  name?: string;
  /** 1 = constituent at the close of T. */
  constituent: Panel<Float64Array>;
  /** Constituent weights at the close of T (sum 1; 0 elsewhere). */
  weight: Panel<Float64Array>;
  /** Index return close T-1 -> close T (the benchmark's daily return). */
  ret: Float64Array;
}

/**
 * Style exposures as dates x assets panels (their dates must include every rebalance date): this
 * package's `StyleExposures` (`{ names, panels }`), `{ names, [name]: Panel }` (the shape of
 * `@hfq/sim`'s `market.styles()`), an array of panels, or a record of panels.
 */
export type StylePanels =
  | StyleExposures
  | { readonly names: readonly string[]; readonly [name: string]: Panel | readonly string[] }
  | readonly Panel[]
  | Readonly<Record<string, Panel>>;

/** Everything the backtest reads about the market. */
export interface BacktestMarket {
  daily: BacktestDailyInput;
  index: BacktestIndexInput;
  /** Industry index per asset (0..K-1), fixed; or a dates x assets panel of industry indices. */
  industry: Int32Array | ArrayLike<number> | Panel;
  /**
   * Style exposures (standardised; NaN allowed: filled with 0, the cap-weighted mean, and counted).
   * Absent: computed with `styleExposures(daily, index)` at the rebalance dates.
   */
  styles?: StylePanels;
}
