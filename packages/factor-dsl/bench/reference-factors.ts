/**
 * The 12 reference factors of the factor-bench harness (`../shared/bench/factor-bench`, its
 * `FACTORS` catalogue), written in the factor language. Log returns r = log(close_i / close_{i-1})
 * inside the day (the first minute has none, so reducers over r see minutes 1..239).
 */
export const REFERENCE_FACTORS: Readonly<Record<string, string>> = Object.freeze({
  ret: 'last(close) / first(open) - 1',
  rvol: 'sqrt(sum(log_return(close) ^ 2))',
  skew: 'skew(log_return(close))',
  kurt: 'kurt(log_return(close))',
  corr_pv: 'corr(close, volume)',
  corr_rv: 'corr(abs(log_return(close)), volume)',
  vol_first30: 'share(first_minutes(volume, 30), volume)',
  vol_last30: 'share(last_minutes(volume, 30), volume)',
  vwap_close: 'sum(amount) / sum(volume) / last(close) - 1',
  mdd: 'max(1 - close / cummax(close))',
  updown:
    'sqrt(sum(log_return(close) ^ 2 * (log_return(close) > 0)) / sum(log_return(close) ^ 2 * (log_return(close) < 0)))',
  amihud: 'mean(abs(log_return(close)) / amount)',
});
