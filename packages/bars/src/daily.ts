import type { Panel } from '@hfq/core';

/**
 * Daily data of a universe: each field a dates x assets float64 `Panel` on the same calendar and
 * asset list. Prices in yuan (unadjusted), volume in shares, amount in yuan; flags are 1/0; NaN =
 * not available (e.g. prices of a suspended or not-yet-listed stock).
 *
 * Adjusted close-to-close return from T-1 to T: `close[T] * adjFactor[T] / (close[T-1] * adjFactor[T-1]) - 1`.
 */
export interface DailyBars {
  open: Panel<Float64Array>;
  high: Panel<Float64Array>;
  low: Panel<Float64Array>;
  close: Panel<Float64Array>;
  /** Previous trading day's close, adjusted for any corporate action on T (the exchange's reference price). */
  preClose: Panel<Float64Array>;
  /** amount / volume over the whole day (yuan per share). */
  vwap: Panel<Float64Array>;
  volume: Panel<Float64Array>;
  amount: Panel<Float64Array>;
  /** Cumulative adjustment factor (back-adjusted prices = price * adjFactor). */
  adjFactor: Panel<Float64Array>;
  /** Up/down price-limit prices for T (preClose * (1 +- limit), rounded to the tick). */
  upLimit: Panel<Float64Array>;
  downLimit: Panel<Float64Array>;
  /** 1 when the stock closed at its up limit on T (buying at T+1's open is usually impossible to fill). */
  isLimitUp: Panel<Float64Array>;
  /** 1 when the stock closed at its down limit on T. */
  isLimitDown: Panel<Float64Array>;
  /** 1 when the stock is listed but did not trade on T (no bars). */
  suspended: Panel<Float64Array>;
  /** 1 when the stock is under special treatment (ST, +-5% limits) on T. */
  st: Panel<Float64Array>;
  /** 1 when the stock is listed on T (between listing and delisting dates). */
  listed: Panel<Float64Array>;
  /** Total market capitalisation at the close, yuan. */
  marketCap: Panel<Float64Array>;
  /** Free-float market capitalisation at the close, yuan. */
  floatMarketCap: Panel<Float64Array>;
  /** volume / free-float shares (a fraction, not percent). */
  turnover: Panel<Float64Array>;
  /** Book value / market cap (NaN where unknown). */
  bookToPrice: Panel<Float64Array>;
}

/** A benchmark index on the same calendar and assets as a `DailyBars`. */
export interface IndexData {
  /** Index name, e.g. `CSI1000-like`. */
  name: string;
  /** 1 when the asset is a constituent at the close of T. */
  constituent: Panel<Float64Array>;
  /** Constituent weight at the close of T (sums to 1 over constituents each day; 0 elsewhere). */
  weight: Panel<Float64Array>;
  /** Index level at the close of each day. */
  close: Float64Array;
  /** Daily index return close T-1 -> close T (NaN on the first day). */
  ret: Float64Array;
}

/**
 * Every field of {@link DailyBars}, in a fixed order: what readers and writers of daily files
 * (e.g. `@hfq/dataset`'s `daily/daily.parquet`) iterate over.
 */
export const DAILY_FIELDS = [
  'open',
  'high',
  'low',
  'close',
  'preClose',
  'vwap',
  'volume',
  'amount',
  'adjFactor',
  'upLimit',
  'downLimit',
  'isLimitUp',
  'isLimitDown',
  'suspended',
  'st',
  'listed',
  'marketCap',
  'floatMarketCap',
  'turnover',
  'bookToPrice',
] as const satisfies readonly (keyof DailyBars)[];
