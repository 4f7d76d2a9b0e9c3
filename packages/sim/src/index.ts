/**
 * @packageDocumentation
 * `@hfq/sim`: a deterministic synthetic A-share market with a planted, known alpha. Minute bars,
 * 10-level tick snapshots, daily bars, industries, style exposures and a CSI-1000-like index,
 * every stock-day reproducible on its own from (seed, stock, day).
 */
export {
  DEFAULT_MARKET_CONFIG,
  type MarketConfig,
  resolveConfig,
  TICK_INTERVALS_MS,
} from './config.js';
export {
  INDEX_BASE_LEVEL,
  INDEX_MIN_AGE_DAYS,
  INDEX_RANK_WINDOW,
  isReviewDay,
} from './daily/benchmark-index.js';
export type { SimErrorCode } from './errors.js';
export { slotTime, snapshotSlots } from './intraday/grid.js';
export { FOOTPRINT, VOLUME_PROFILE } from './intraday/minutes.js';
export {
  createMarket,
  type Market,
  type MarketTruth,
  STYLE_NAMES,
  type StyleExposures,
  type StyleName,
} from './market.js';
export { chinaHolidays, tradingCalendar } from './universe/calendar.js';
export { limitPrice } from './universe/stock-path.js';
export type { Board } from './universe/stocks.js';
