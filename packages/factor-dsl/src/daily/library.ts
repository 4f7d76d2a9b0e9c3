import type { DailyFactorDef } from './evaluate.js';

/** A shipped daily factor: a `DailyFactorDef` with the inputs it needs and what it means. */
export interface DailyLibraryFactor extends DailyFactorDef {
  /** Input panels the formula reads (names of `evaluateDaily`'s inputs). */
  readonly inputs: readonly string[];
  /** True when it needs the `industry` group. */
  readonly industry: boolean;
  readonly meaning: string;
}

function def(
  name: string,
  formula: string,
  inputs: readonly string[],
  meaning: string,
  industry = false,
): DailyLibraryFactor {
  return Object.freeze({ name, formula, inputs: Object.freeze([...inputs]), industry, meaning });
}

/**
 * A small library of daily factors over the common daily fields (`close`, `high`, `low`,
 * `volume`, `amount`, `turnover`; `industry` codes for the neutralised ones; `min_vol_first5`,
 * the intraday factor of that id computed per stock-day, for the last one). Each is a formula of the
 * daily level; the look-ahead test covers all of them.
 */
export const DAILY_LIBRARY: readonly DailyLibraryFactor[] = Object.freeze([
  def(
    'ret20_rank',
    'cs_rank(close / delay(close, 20) - 1)',
    ['close'],
    '20-day return ranked across the market (percentile in (0, 1])',
  ),
  def(
    'reversal5',
    '-(close / delay(close, 5) - 1)',
    ['close'],
    'minus the 5-day return (short-term reversal)',
  ),
  def(
    'vol20',
    'ts_std(close / delay(close, 1) - 1, 20)',
    ['close'],
    'standard deviation of daily returns over 20 days',
  ),
  def(
    'turnover_ind_neutral',
    'cs_neutralize(log(ts_mean(turnover, 20)))',
    ['turnover'],
    'log of the 20-day mean turnover, neutralised by industry (residual of a regression on industry dummies)',
    true,
  ),
  def(
    'amount_size_neutral',
    'cs_neutralize_by(cs_zscore(ts_mean(turnover, 5)), log(ts_mean(amount, 20)))',
    ['turnover', 'amount'],
    '5-day turnover z-scored, neutralised by industry and by the log of the 20-day mean amount',
    true,
  ),
  def(
    'ret20_ind_rank',
    'group_rank(close / delay(close, 20))',
    ['close'],
    '20-day return ranked within its industry',
    true,
  ),
  def(
    'hl_range20',
    'ts_mean((high - low) / close, 20)',
    ['high', 'low', 'close'],
    'mean daily high-low range over 20 days, relative to the close',
  ),
  def(
    'price_volume_corr10',
    'ts_corr(close, log(volume + 1), 10)',
    ['close', 'volume'],
    'correlation of price and log volume over 10 days',
  ),
  def(
    'vol_first5_ma5',
    'ts_mean(min_vol_first5, 5)',
    ['min_vol_first5'],
    'the 5-day mean of the intraday factor min_vol_first5 (its per-day values are an input panel like any field)',
  ),
  def(
    'max_ret_rank20',
    'cs_rank(ts_max(close / delay(close, 1) - 1, 20))',
    ['close'],
    'largest daily return of the last 20 days, ranked across the market',
  ),
]);
