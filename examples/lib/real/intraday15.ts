/**
 * Part (b) of the real-data study: intraday factors written for the 15-minute bars of
 * `cn-intraday-15min` (400 SSE main-board stocks + 000001.SZ, 2025-01-02 .. 2026-04-01, 16 bars a
 * day), read from the imported dataset, whose "minute" frames have 16 rows. The DSL's time
 * filters work on bar end times, so `first_minutes(x, 15)` is the 09:45 bar and
 * `last_minutes(x, 30)` the 14:45 and 15:00 bars; windows and lags count bars (15 minutes each).
 */
import type { FactorDef } from '@hfq/factor-dsl';

const R = 'log_return(close)'; // 15-minute log return (NaN for the first bar of the day)

/**
 * Intraday factors that mean something with 16 bars a day. Each reads one day's bars; there are
 * 15 intraday returns a day, the 09:45 bar holds the opening auction and the 15:00 bar the closing
 * auction; there is no trade count. Minute-bar formulas with windows of tens of bars, or "the
 * last 5 minutes", have no 15-minute counterpart and are not here.
 */
export const FIFTEEN_MINUTE_FACTORS: readonly FactorDef[] = [
  {
    id: 'm15_ret_day',
    source: 'minute',
    formula: 'last(close) / first(open) - 1',
    meaning: 'open-to-close return',
  },
  {
    id: 'm15_ret_first',
    source: 'minute',
    formula: 'first(close) / first(open) - 1',
    meaning: 'return of the first 15 minutes (from the opening auction price)',
  },
  {
    id: 'm15_ret_last30',
    source: 'minute',
    formula: 'last(close) / last(between(close, 1400, 1430)) - 1',
    meaning: 'return of the last 30 minutes (14:30 -> 15:00, closing auction included)',
  },
  {
    id: 'm15_ret_afternoon',
    source: 'minute',
    formula: 'last(close) / last(morning(close)) - 1',
    meaning: 'afternoon return',
  },
  {
    id: 'm15_rvol',
    source: 'minute',
    formula: `sqrt(sum(${R} ^ 2))`,
    meaning: 'realised volatility from 15 intraday 15-minute returns',
  },
  {
    id: 'm15_updown',
    source: 'minute',
    formula: `sqrt(sum(${R} ^ 2 * (${R} > 0)) / sum(${R} ^ 2 * (${R} < 0)))`,
    meaning: 'upside over downside realised volatility',
  },
  {
    id: 'm15_vol_first_share',
    source: 'minute',
    formula: 'share(first_minutes(volume, 15), volume)',
    meaning: 'share of the day volume in the 09:45 bar (opening auction included)',
  },
  {
    id: 'm15_vol_last30_share',
    source: 'minute',
    formula: 'share(last_minutes(volume, 30), volume)',
    meaning: 'share of the day volume in the last two bars (closing auction included)',
  },
  {
    id: 'm15_vol_cv',
    source: 'minute',
    formula: 'std(volume) / mean(volume)',
    meaning: 'dispersion of volume across the 16 bars',
  },
  {
    id: 'm15_corr_rv',
    source: 'minute',
    formula: `corr(abs(${R}), volume)`,
    meaning: 'correlation of |return| and volume (15 pairs)',
  },
  {
    id: 'm15_corr_pv',
    source: 'minute',
    formula: 'corr(close, volume)',
    meaning: 'correlation of price level and volume (16 pairs)',
  },
  {
    id: 'm15_amihud',
    source: 'minute',
    formula: `log(mean(abs(${R}) / amount))`,
    meaning: 'intraday Amihud illiquidity',
  },
  {
    id: 'm15_vwap_close',
    source: 'minute',
    formula: 'sum(amount) / sum(volume) / last(close) - 1',
    meaning: 'day VWAP relative to the close',
  },
  {
    id: 'm15_close_location',
    source: 'minute',
    formula: '(last(close) - min(low)) / (max(high) - min(low))',
    meaning: 'where the close sits in the day range',
  },
];
