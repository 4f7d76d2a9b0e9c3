/**
 * The simulated market most examples study, with what the study's weekly RankIC needs beside it.
 * Example 01 builds each piece by hand and explains it; the later examples start from here.
 */
import type { DailyBars } from '@hfq/bars';
import { type Calendar, type Panel, type ProgressCallback, rebalanceDates } from '@hfq/core';
import { forwardReturns, tradableMask } from '@hfq/metrics';
import { createMarket, type Market } from '@hfq/sim';

/** The size and seed of a simulated market: the `--stocks`, `--days` and `--seed` of an example. */
export interface MarketSize {
  /** Number of stocks. */
  stocks: number;
  /** Number of trading days. */
  days: number;
  /** Market seed: the same seed and sizes give the same market, byte for byte. */
  seed: number;
}

/** A simulated market and the study's weekly RankIC inputs on it. */
export interface StudyMarket {
  /** The market (`createMarket` of `@hfq/sim`). */
  market: Market;
  /** Its trading calendar (`market.calendar`). */
  cal: Calendar;
  /** Daily bars of every stock-day (`market.daily()`: the aggregation of each day's minutes). */
  daily: DailyBars;
  /** The weekly rebalance dates (yyyymmdd, the last trading day of each week). */
  weekly: Int32Array;
  /**
   * The RankIC label at each date T: the return from the close of T+1 to the close of T+6 on
   * back-adjusted prices, a fraction per week (not annualised). NaN where either close is missing
   * (suspended, not listed) and on the last 6 dates.
   */
  forward: Panel<Float64Array>;
  /**
   * The study's universe at T: 1 when the stock is not ST on T and neither suspended nor limit-up
   * on T+1 (a buy order could be filled), else 0; 0 on the last date.
   */
  universe: Panel<Float64Array>;
}

/**
 * Creates the simulated market of `size` and computes its daily bars (the slow part: every
 * stock-day's minutes are generated once), the weekly rebalance dates, the close T+1 -> close T+6
 * label and the tradable universe, exactly as example 01 does step by step.
 *
 * @param size stocks, days and seed (an example's parsed options will do)
 * @param options `tickIntervalMs`: snapshot cadence in ms (default the simulator's 3000);
 *   `onProgress`: progress of the daily bars
 */
export function studyMarket(
  size: MarketSize,
  options: { tickIntervalMs?: number; onProgress?: ProgressCallback } = {},
): StudyMarket {
  const market = createMarket({
    seed: size.seed,
    nStocks: size.stocks,
    nDays: size.days,
    tickIntervalMs: options.tickIntervalMs,
  });
  const daily = market.daily({ onProgress: options.onProgress });
  return {
    market,
    cal: market.calendar,
    daily,
    weekly: rebalanceDates(market.calendar.dates, 'weekly'),
    forward: forwardReturns(daily.close, 1, 6, { adjFactor: daily.adjFactor }),
    universe: tradableMask({ st: daily.st, suspended: daily.suspended, limitUp: daily.isLimitUp }),
  };
}
