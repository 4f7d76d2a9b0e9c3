import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes thrown by `@hfq/metrics` (stable across versions). Core codes (`INVALID_ARGUMENT`,
 * `SHAPE_MISMATCH`, ...) are not reused here so that a caller can tell which package refused.
 *
 * - `METRICS_LENGTH_MISMATCH`: two series that must pair up have different lengths.
 * - `METRICS_SHAPE_MISMATCH`: two panels that must share dates and assets do not.
 * - `METRICS_INVALID_OPTION`: an option is out of its documented range.
 * - `METRICS_BAD_PRICE`: a price or adjustment factor is zero, negative or infinite.
 * - `METRICS_BAD_RETURN`: a return is below -100%, infinite, or NaN where a value is required,
 *   or a returns panel looks like prices (most |r| > 10).
 * - `METRICS_BAD_DATE`: a date is not a `yyyymmdd` day, dates are not increasing, or a requested
 *   date is not in the calendar.
 * - `METRICS_NO_DATA`: nothing to compute on (e.g. no rebalance date has enough eligible stocks).
 * - `METRICS_ALIGNMENT`: two panels paired by date value and asset id share no date or no asset
 *   (e.g. `600000` vs `600000.SH`); the message gives the matched counts and unmatched examples.
 * - `METRICS_MAX_LOSS`: `alignFactor` dropped more rows than `maxLoss` allows (alphalens'
 *   `MaxLossExceededError`); the message and context count the rows dropped at each step.
 * - `METRICS_BAD_INPUT`: an argument is not what the function takes (a string for a number, a
 *   nested or ragged array, an object that is not a `Panel`), as a plain-JavaScript caller may pass.
 */
export type MetricsErrorCode =
  | 'METRICS_LENGTH_MISMATCH'
  | 'METRICS_SHAPE_MISMATCH'
  | 'METRICS_INVALID_OPTION'
  | 'METRICS_BAD_PRICE'
  | 'METRICS_BAD_RETURN'
  | 'METRICS_BAD_DATE'
  | 'METRICS_NO_DATA'
  | 'METRICS_ALIGNMENT'
  | 'METRICS_BAD_INPUT'
  | 'METRICS_MAX_LOSS';

/** Creates the package's `HfqError`. */
export function metricsError(
  code: MetricsErrorCode,
  message: string,
  context?: HfqErrorContext,
  cause?: unknown,
): HfqError<MetricsErrorCode> {
  return new HfqError(code, message, context, cause === undefined ? undefined : { cause });
}
