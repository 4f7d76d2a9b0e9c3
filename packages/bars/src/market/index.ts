export {
  type Board,
  boardOf,
  CHINEXT_20PCT_FROM,
  limitPriceCents,
  limitPrices,
  MAIN_ST_10PCT_FROM,
  priceLimitPct,
  roundToTick,
  TICK_SIZE_CNY,
} from './limits.js';
export {
  isMinuteBarEndInSession,
  MINUTE_BAR_END_TIMES,
  MINUTES_PER_DAY,
  minuteIndexOf,
  SESSION,
  tradingMinuteClock,
} from './session.js';
