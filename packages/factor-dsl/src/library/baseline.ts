import { defineFactors, type LibraryFactor } from './define.js';

/**
 * The 27 hand-made high-frequency factors of the earlier study (its GRU baseline), rebuilt from
 * what our sources carry: minute-bar factors (the factor-bench reference set), trade-flow factors
 * from the trades between snapshots, and order-flow factors from the 10-level book. Ids `bl_*`.
 * Returns are 1-minute log returns inside the day; fractions, not percent.
 */
const R = 'log_return(close)';
/** Trade sign by the quote rule: +1 when a snapshot's last trade is above the previous mid, -1 below. */
const SIGN = 'sign(last - delay(mid(), 1))';

export const BASELINE_MINUTE_FACTORS: readonly LibraryFactor[] = defineFactors('minute', [
  ['bl_ret', 'minute', 'last(close) / first(open) - 1', 'open-to-close return of the day'],
  ['bl_rvol', 'minute', `sqrt(sum(${R} ^ 2))`, 'realised volatility from 1-minute log returns'],
  ['bl_skew', 'minute', `skew(${R})`, 'skewness of 1-minute returns'],
  ['bl_kurt', 'minute', `kurt(${R})`, 'excess kurtosis of 1-minute returns'],
  ['bl_corr_pv', 'minute', 'corr(close, volume)', 'correlation of price level and volume over the day'],
  ['bl_corr_rv', 'minute', `corr(abs(${R}), volume)`, 'correlation of absolute return and volume'],
  [
    'bl_vol_first30',
    'minute',
    'share(first_minutes(volume, 30), volume)',
    'share of the day volume in the first 30 minutes',
  ],
  [
    'bl_vol_last30',
    'minute',
    'share(last_minutes(volume, 30), volume)',
    'share of the day volume in the last 30 minutes',
  ],
  ['bl_vwap_close', 'minute', 'sum(amount) / sum(volume) / last(close) - 1', 'VWAP relative to the close'],
  ['bl_mdd', 'minute', 'max(1 - close / cummax(close))', 'largest intraday drawdown of the close'],
  [
    'bl_updown',
    'minute',
    `sqrt(sum(${R} ^ 2 * (${R} > 0)) / sum(${R} ^ 2 * (${R} < 0)))`,
    'upside over downside realised volatility',
  ],
  [
    'bl_amihud',
    'minute',
    `log(mean(abs(${R}) / amount))`,
    'Amihud illiquidity: log mean |return| per yuan traded',
  ],
]);

export const BASELINE_TRADE_FLOW_FACTORS: readonly LibraryFactor[] = defineFactors('tick', [
  [
    'bl_tf_signed_volume',
    'trade flow',
    `sum(${SIGN} * volume) / sum(volume)`,
    'net buyer-initiated share of volume (quote rule)',
  ],
  [
    'bl_tf_trade_size',
    'trade flow',
    'log(sum(volume) / sum(trades))',
    'log average trade size (shares per trade)',
  ],
  [
    'bl_tf_large_share',
    'trade flow',
    'share(where(volume > 5 * mean(volume), volume), volume)',
    'share of volume traded in bursts over 5x the average snapshot volume',
  ],
  [
    'bl_tf_flow_persistence',
    'trade flow',
    `autocorr(${SIGN} * volume, 5)`,
    'persistence of signed volume over 5 snapshots (order splitting)',
  ],
  [
    'bl_tf_late_flow',
    'trade flow',
    `sum(last_minutes(${SIGN} * volume, 60)) / sum(last_minutes(volume, 60))`,
    'net buyer-initiated share of volume in the last hour',
  ],
  [
    'bl_tf_effective_spread',
    'trade flow',
    'mean(where(volume > 0, abs(last / delay(mid(), 1) - 1)))',
    'effective half-spread paid by trades, relative to the mid',
  ],
  [
    'bl_tf_impact',
    'trade flow',
    `beta(log_return(mid()), ${SIGN} * volume / mean(volume))`,
    'mid-price move per unit of signed volume (price impact)',
  ],
  [
    'bl_tf_buy_sell_size',
    'trade flow',
    `log((sum(where(${SIGN} > 0, volume)) / sum(where(${SIGN} > 0, trades))) / (sum(where(${SIGN} < 0, volume)) / sum(where(${SIGN} < 0, trades))))`,
    'average size of buyer- over seller-initiated trades',
  ],
]);

export const BASELINE_ORDER_FLOW_FACTORS: readonly LibraryFactor[] = defineFactors('tick', [
  [
    'bl_of_imbalance_volatility',
    'order flow',
    'std(book_imbalance(1) - delay(book_imbalance(1), 1))',
    'how fast the best-level imbalance changes between snapshots',
  ],
  ['bl_of_imbalance5', 'order flow', 'mean(book_imbalance(5))', 'average 5-level order-book imbalance'],
  [
    'bl_of_ofi',
    'order flow',
    'sum((bid_price[1] >= delay(bid_price[1], 1)) * bid_volume[1] - (bid_price[1] <= delay(bid_price[1], 1)) * delay(bid_volume[1], 1) - (ask_price[1] <= delay(ask_price[1], 1)) * ask_volume[1] + (ask_price[1] >= delay(ask_price[1], 1)) * delay(ask_volume[1], 1)) / mean(depth(1))',
    'order-flow imbalance at the best quotes (Cont-Kukanov-Stoikov), in units of the average best depth',
  ],
  ['bl_of_rel_spread', 'order flow', 'log(mean(rel_spread()))', 'log average relative quoted spread'],
  ['bl_of_depth', 'order flow', 'log(mean(depth(5)))', 'log average shares resting in the best 5 levels'],
  [
    'bl_of_close_imbalance',
    'order flow',
    'mean(last_minutes(book_imbalance(5), 30)) - mean(book_imbalance(5))',
    '5-level book imbalance in the last 30 minutes relative to the day',
  ],
  [
    'bl_of_depth_change',
    'order flow',
    'mean(where(volume == 0, log(depth(5) / delay(depth(5), 1))))',
    'average change of book depth between snapshots without trades (quote additions minus cancels)',
  ],
]);

/** All 27 baseline factors. */
export const BASELINE_FACTORS: readonly LibraryFactor[] = Object.freeze([
  ...BASELINE_MINUTE_FACTORS,
  ...BASELINE_TRADE_FLOW_FACTORS,
  ...BASELINE_ORDER_FLOW_FACTORS,
]);
