import { constArg, constArgDefault, dailyArg, lagArg, windowArg } from './args.js';
import type { IntArg, OpSpec } from './spec.js';

/**
 * Operators of the daily level: time-series operators across trading days (qlib's vocabulary,
 * with qlib's spelling accepted as `qlib`), cross-sectional operators per date and group
 * operators per date and industry. Their kernels live in `src/daily/kernels.ts` and
 * `src/daily/cross-section.ts`, looked up by name.
 *
 * Window rule (qlib's): a window of `w` days ending at the current day; days with a missing
 * (non-finite) value are skipped, and the first `w - 1` days of a series use the days there are
 * (pandas' `min_periods=1`, which qlib uses everywhere), unless `minPeriods: 'window'` is given to
 * `evaluateDaily`. Each operator's `nan` line says how many finite values it needs.
 */
const daily = 'daily' as const;
const win = (w = 'w', min = 1) => windowArg(w, min);
const SKIP = 'skips missing days; NaN when the window has no finite value';

function ts(
  name: string,
  qlib: string | undefined,
  doc: string,
  nan: string,
  example: string,
  extra: Partial<OpSpec> = {},
): OpSpec {
  const op: OpSpec = {
    name,
    level: daily,
    family: 'daily_ts',
    args: [dailyArg('x'), win()],
    result: 'series',
    window: 'the last w trading days, the current one included',
    nan,
    doc,
    example,
    impl: { kind: 'daily' },
    ...extra,
  };
  return qlib === undefined ? op : { ...op, qlib };
}

const wCost = (p: readonly number[]) => p[0]!;

/** The fewest paired days of a regression window (an integer literal, at most the window). */
const minObsArg = (def: number): IntArg => ({
  name: 'min_obs',
  kind: 'int',
  role: 'window',
  min: def,
  default: def,
});
const minObsWithinWindow = (p: readonly number[]): string | undefined =>
  p[1]! <= p[0]! ? undefined : `min_obs (${p[1]}) must be <= the window w (${p[0]})`;

export const DAILY_OPS: readonly OpSpec[] = [
  ts(
    'delay',
    'Ref',
    'x k trading days ago (`delay(x, 0)` is x; qlib `Ref(x, 0)`, the first day of the load window, is not supported: it reads later days)',
    'NaN for the first k days and where x was missing',
    'close / delay(close, 5) - 1',
    {
      aliases: ['shift'],
      args: [dailyArg('x'), lagArg('k', 1)],
      window: 'k days back (lag >= 0: never a later day)',
    },
  ),
  ts('diff', 'Delta', 'x - delay(x, k)', 'NaN where either value is missing', 'diff(close, 5)', {
    args: [dailyArg('x'), lagArg('k', 1)],
    window: 'k days back (lag >= 0)',
  }),
  ts('ts_sum', 'Sum', 'sum of x over the window', SKIP, 'ts_sum(volume, 5)'),
  ts('ts_mean', 'Mean', 'mean of x over the window', SKIP, 'close / ts_mean(close, 20)'),
  ts(
    'ts_std',
    'Std',
    'sample standard deviation (ddof 1) over the window',
    'skips missing days; NaN with fewer than 2 finite values',
    'ts_std(close / delay(close, 1), 20)',
  ),
  ts(
    'ts_var',
    'Var',
    'sample variance (ddof 1) over the window',
    'skips missing days; NaN with fewer than 2 finite values',
    'ts_var(close, 20)',
  ),
  ts(
    'ts_skew',
    'Skew',
    'sample skewness, bias-corrected (pandas `skew`, scipy `skew(bias=False)`)',
    'skips missing days; NaN with fewer than 3 finite values or a constant window',
    'ts_skew(close / delay(close, 1), 20)',
    { args: [dailyArg('x'), win('w', 3)] },
  ),
  ts(
    'ts_kurt',
    'Kurt',
    'sample excess kurtosis, bias-corrected (pandas `kurt`, scipy `kurtosis(bias=False)`)',
    'skips missing days; NaN with fewer than 4 finite values or a constant window',
    'ts_kurt(close / delay(close, 1), 20)',
    { args: [dailyArg('x'), win('w', 4)] },
  ),
  ts(
    'ts_max',
    'Max',
    'largest x over the window (monotone deque, O(1) per day)',
    SKIP,
    'ts_max(high, 20) / close',
  ),
  ts(
    'ts_min',
    'Min',
    'smallest x over the window (monotone deque, O(1) per day)',
    SKIP,
    'ts_min(low, 20) / close',
  ),
  ts(
    'ts_argmax',
    'IdxMax',
    "1-based position of the largest x in the window (1 = oldest day; the first of ties); as qlib (numpy's argmax), a window holding a missing value gives the position of the first missing one",
    'NaN when the window has no finite value; see the rule for missing days in the description',
    'ts_argmax(high, 20) / 20',
  ),
  ts(
    'ts_argmin',
    'IdxMin',
    '1-based position of the smallest x in the window (1 = oldest day; the first of ties); a window holding a missing value gives the position of the first missing one, as qlib',
    'NaN when the window has no finite value; see the rule for missing days in the description',
    'ts_argmin(low, 20) / 20',
  ),
  ts(
    'ts_quantile',
    'Quantile',
    'q-quantile of the finite values of the window, linear interpolation (numpy/pandas default)',
    SKIP,
    'ts_quantile(close, 20, 0.8) / close',
    { args: [dailyArg('x'), win(), constArg('q', 0, 1)], cost: wCost },
  ),
  ts('ts_median', 'Med', 'median of the finite values of the window', SKIP, 'ts_median(volume, 20)', {
    cost: wCost,
  }),
  ts(
    'ts_mad',
    'Mad',
    'mean absolute deviation from the mean, over the finite values of the window',
    SKIP,
    'ts_mad(close, 20)',
    { cost: wCost },
  ),
  ts(
    'ts_rank',
    'Rank',
    "percentile rank of today's x among the finite values of the window: average rank / count, in (0, 1] (pandas `rolling.rank(pct=True)`)",
    "NaN when today's x is missing",
    'ts_rank(close, 20)',
    { cost: wCost },
  ),
  ts(
    'ts_count',
    'Count',
    'number of days with a finite x in the window',
    'counts finite values (0 when there are none)',
    'ts_count(volume, 20)',
  ),
  ts(
    'ts_slope',
    'Slope',
    'slope of the least-squares line of x on the day position in the window (1..w)',
    'regresses on the finite days only (at their positions); NaN with fewer than 2',
    'ts_slope(close, 20) / close',
  ),
  ts(
    'ts_rsquare',
    'Rsquare',
    'R squared of that regression',
    'regresses on the finite days only; NaN with fewer than 2, and (as qlib) when the standard deviation of the window is <= 2e-5',
    'ts_rsquare(close, 20)',
  ),
  ts(
    'ts_resi',
    'Resi',
    "today's residual of that regression: x - (slope * w + intercept)",
    "NaN when today's x is missing or fewer than 2 days are finite",
    'ts_resi(close, 20) / close',
  ),
  ts(
    'ts_wma',
    'WMA',
    'linearly weighted mean (weights 1..n from the oldest to today over the days of the window), over the finite days. qlib divides this by the count of finite days (a bug); hfq does not',
    SKIP,
    'ts_wma(close, 10) / close',
  ),
  ts(
    'ema',
    'EMA',
    'exponential moving average with span w (alpha = 2 / (w + 1)), adjusted weights over the whole history (pandas `ewm(span=w).mean()`); lookback is reported as w although every earlier day has a (vanishing) weight',
    'missing days get no weight but still age the earlier ones (pandas `ignore_na=False`); NaN before the first finite value',
    'ema(close, 12) / ema(close, 26)',
  ),
  ts(
    'ts_corr',
    'Corr',
    'Pearson correlation of x and y over the days where both are finite',
    'NaN with fewer than 2 such days, and (as qlib) when the standard deviation of x or of y over the window is <= 2e-5',
    'ts_corr(close, log(volume + 1), 20)',
    { args: [dailyArg('x'), dailyArg('y'), win()], commutative: true },
  ),
  ts(
    'ts_cov',
    'Cov',
    'sample covariance (ddof 1) of x and y over the days where both are finite',
    'NaN with fewer than 2 such days',
    'ts_cov(close, volume, 20)',
    { args: [dailyArg('x'), dailyArg('y'), win()], commutative: true },
  ),
  ts(
    'ts_beta',
    undefined,
    'OLS slope of y on x (with an intercept) over the days of the window where both are finite: cov(x, y) / var(x), the beta of a stock return on an index return',
    'pairs with a missing side are left out; NaN with fewer than max(min_obs, 2) pairs (all w with minPeriods window) or when x does not vary over them',
    'ts_beta(close / delay(close, 1) - 1, close / delay(close, 1) - 1 - cs_demean(close / delay(close, 1) - 1), 20, 10)',
    { args: [dailyArg('y'), dailyArg('x'), win(), minObsArg(2)], checkArgs: minObsWithinWindow },
  ),
  ts(
    'ts_resid_std',
    undefined,
    'standard deviation of the residuals of that regression, divisor pairs - 2 (Barra residual volatility when y is a stock return and x the index return)',
    'pairs with a missing side are left out; NaN with fewer than max(min_obs, 3) pairs (all w with minPeriods window) or when x does not vary over them',
    'ts_resid_std(close / delay(close, 1) - 1, close / delay(close, 1) - 1 - cs_demean(close / delay(close, 1) - 1), 20, 10)',
    { args: [dailyArg('y'), dailyArg('x'), win(), minObsArg(3)], checkArgs: minObsWithinWindow },
  ),
  ts(
    'ffill',
    undefined,
    'the latest finite x up to today (pandas `ffill()`): `delay(ffill(price), 1)` is the last traded price before today, however long a suspension lasted. It reads every earlier day: the static lookback counts it as 0 days',
    'NaN before the first finite value',
    'log(close / delay(ffill(close), 1))',
    { args: [dailyArg('x')], window: 'every day up to today (unbounded)' },
  ),
  // Cross-sectional operators: one date at a time, over all assets (core's cross-section maths).
  cs(
    'cs_rank',
    "percentile rank of x among the date's finite values: average rank / count, in (0, 1]",
    'cs_rank(close / delay(close, 20) - 1)',
  ),
  cs(
    'cs_zscore',
    "(x - mean) / sd over the date's finite values (sd with ddof 1; core's `zscore`)",
    'cs_zscore(turnover)',
    "NaN where x is missing; all NaN when fewer than 2 values are finite or all are equal (core's rule)",
  ),
  cs('cs_demean', "x minus the mean of the date's finite values", 'cs_demean(close / delay(close, 5))'),
  cs(
    'cs_winsorize',
    "x clipped to median +- k * 1.4826 * MAD of the date's finite values (core's `winsorize`)",
    'cs_winsorize(turnover, 3)',
    'NaN where x is missing',
    [dailyArg('x'), constArgDefault('k', 5, 0.1, 100)],
  ),
  cs(
    'cs_neutralize',
    "residual of the date's OLS regression of x on the industry dummies (core's `neutralize`; needs the `industry` group)",
    'cs_neutralize(turnover)',
    'assets with x missing or industry unknown are left out and come out NaN',
  ),
  cs(
    'cs_neutralize_by',
    "residual of the date's OLS regression of x on the industry dummies and y (core's `neutralize`; needs the `industry` group)",
    'cs_neutralize_by(turnover, log(amount))',
    'assets with x, y or industry missing are left out and come out NaN',
    [dailyArg('x'), dailyArg('y')],
  ),
  cs(
    'cs_resid',
    "residual of the date's OLS regression of x on an intercept and y (core's `neutralize` without industries)",
    'cs_resid(turnover, log(amount))',
    'assets with x or y missing are left out and come out NaN',
    [dailyArg('x'), dailyArg('y')],
  ),
  cs(
    'cs_standardize',
    "Barra's standardisation (`@hfq/core` `zscore` with `ddof: 0, clipMode: 'restandardize', weights: w`): x minus its w-weighted mean (w = market caps), divided by the equal-weighted population sd; values beyond +-clip are clipped and the date standardised again until none is",
    'cs_standardize(log(close * volume), amount, 3)',
    "NaN where x is missing (a missing or non-positive w only gives no weight); all NaN when the date's finite x do not vary",
    [dailyArg('x'), dailyArg('w'), constArgDefault('clip', 3)],
    (p) => (p[0]! > 0 ? undefined : `clip must be > 0, got ${p[0]}`),
  ),
  grp(
    'group_mean',
    "mean of x over the date's assets of the same industry",
    'group_mean(close / delay(close, 5))',
  ),
  grp('group_demean', 'x minus its industry mean on that date', 'group_demean(close / delay(close, 5))'),
  grp(
    'group_rank',
    'percentile rank of x within its industry on that date (average rank / count)',
    'group_rank(turnover)',
  ),
  grp(
    'group_zscore',
    "z-score of x within its industry on that date (core's `zscore`: ddof 1, NaN for fewer than 2 values or no dispersion)",
    'group_zscore(turnover)',
  ),
];

function cs(
  name: string,
  doc: string,
  example: string,
  nan = 'NaN where x is missing; missing values take no part',
  args: OpSpec['args'] = [dailyArg('x')],
  checkArgs?: OpSpec['checkArgs'],
): OpSpec {
  const op: OpSpec = {
    name,
    level: daily,
    family: 'cross_section',
    args,
    result: 'series',
    window: 'the current date only (all assets)',
    nan,
    doc,
    example,
    impl: { kind: 'daily' },
  };
  return checkArgs === undefined ? op : { ...op, checkArgs };
}

function grp(name: string, doc: string, example: string): OpSpec {
  return {
    name,
    level: daily,
    family: 'group',
    args: [dailyArg('x')],
    result: 'series',
    window: 'the current date only (the assets of one industry)',
    nan: 'NaN where x is missing or the industry is unknown; missing values take no part',
    doc,
    example,
    impl: { kind: 'daily' },
  };
}
