import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Every error code `@hfq/bars` throws. Codes are stable across versions; each names one rule.
 *
 * Frame rules (validation, see `validate/`):
 * - `BARS_MISSING_COLUMN`: a required field is absent (in a frame or a file).
 * - `BARS_LENGTH_MISMATCH`: the field arrays of one frame have different lengths.
 * - `BARS_UNSORTED_TIME`: times go backwards (minute bars, ticks, volume bars).
 * - `BARS_DUPLICATE_TIME`: two minute bars share a time (ticks may repeat a time).
 * - `BARS_INVALID_TIME`: a time outside [00:00, 24:00) or not an integer.
 * - `BARS_HIGH_BELOW_LOW`: high < low.
 * - `BARS_OPEN_OUTSIDE_RANGE` / `BARS_CLOSE_OUTSIDE_RANGE`: open / close outside [low, high].
 * - `BARS_VWAP_OUTSIDE_RANGE`: amount / volume outside [low, high] (units mixed up, e.g. lots vs
 *   shares), or an amount with no volume.
 * - `BARS_NEGATIVE_VOLUME`: a negative volume, trade count, book volume or order count.
 * - `BARS_NEGATIVE_AMOUNT`: a negative amount.
 * - `BARS_NONFINITE_PRICE`: a price that is +-Infinity, or NaN where a trade happened.
 * - `BARS_NONPOSITIVE_PRICE`: a price <= 0 where a real price is required.
 * - `BARS_NONFINITE_VOLUME`: a volume or amount that is NaN or infinite.
 * - `BARS_CUMULATIVE_DECREASE`: a cumulative tick field (volume, amount, trades) goes down.
 * - `BARS_OFF_TICK_GRID`: a price that is not a multiple of the tick size.
 * - `BARS_LEVEL_COUNT`: per-level arrays (or file columns) do not hold `levels` levels per row.
 * - `BARS_LEVEL_ORDER`: book prices not strictly worse level by level, or a gap between levels.
 * - `BARS_CROSSED_BOOK`: best bid >= best ask during continuous trading.
 * - `BARS_BAR_SPAN`: a volume bar that spans no minutes or ends before it starts.
 *
 * Computation and IO:
 * - `BARS_INVALID_BAR_VOLUME`: an equal-volume bar size that is not a finite positive number.
 * - `BARS_OUTSIDE_SESSION`: tick volume traded outside the session (before 09:15 or from 15:01).
 * - `BARS_INVALID_OPTION`: an option value out of its domain.
 * - `BARS_PARSE_NUMBER` / `BARS_PARSE_TIME` / `BARS_PARSE_DATE`: a cell that cannot be read.
 * - `BARS_PARSE_SYMBOL`: a symbol cell of the daily / membership / index files that is not an
 *   A-share symbol (a typo would otherwise match no asset and be skipped silently).
 * - `BARS_CSV_FIELD_COUNT`: a CSV row with a different number of fields than the header.
 * - `BARS_FILE_FORMAT`: not a Parquet / Arrow file, or a truncated or corrupt one.
 * - `BARS_FILE_NOT_FOUND`: no file at the path.
 * - `BARS_COLUMN_TYPE`: a Parquet / Arrow column of the wrong type (text where numbers belong).
 * - `BARS_NONCONTIGUOUS_GROUP`: a stock-day whose rows are split across the file (streaming
 *   readers need each stock-day's rows together).
 * - `BARS_EMPTY_FILE`: a file with no header or no columns.
 * - `BARS_ENCODING`: bytes that are not UTF-8 in a text file, or an id holding NUL, a control
 *   character or U+FFFD.
 * - `BARS_LINE_TOO_LONG`: a text line longer than the reader's `maxLineBytes`.
 */
export type BarsErrorCode =
  | 'BARS_MISSING_COLUMN'
  | 'BARS_LENGTH_MISMATCH'
  | 'BARS_UNSORTED_TIME'
  | 'BARS_DUPLICATE_TIME'
  | 'BARS_INVALID_TIME'
  | 'BARS_HIGH_BELOW_LOW'
  | 'BARS_OPEN_OUTSIDE_RANGE'
  | 'BARS_CLOSE_OUTSIDE_RANGE'
  | 'BARS_VWAP_OUTSIDE_RANGE'
  | 'BARS_NEGATIVE_VOLUME'
  | 'BARS_NEGATIVE_AMOUNT'
  | 'BARS_NONFINITE_PRICE'
  | 'BARS_NONPOSITIVE_PRICE'
  | 'BARS_NONFINITE_VOLUME'
  | 'BARS_CUMULATIVE_DECREASE'
  | 'BARS_OFF_TICK_GRID'
  | 'BARS_LEVEL_COUNT'
  | 'BARS_LEVEL_ORDER'
  | 'BARS_CROSSED_BOOK'
  | 'BARS_BAR_SPAN'
  | 'BARS_INVALID_BAR_VOLUME'
  | 'BARS_OUTSIDE_SESSION'
  | 'BARS_INVALID_OPTION'
  | 'BARS_PARSE_NUMBER'
  | 'BARS_PARSE_TIME'
  | 'BARS_PARSE_DATE'
  | 'BARS_PARSE_SYMBOL'
  | 'BARS_CSV_FIELD_COUNT'
  | 'BARS_FILE_FORMAT'
  | 'BARS_FILE_NOT_FOUND'
  | 'BARS_COLUMN_TYPE'
  | 'BARS_NONCONTIGUOUS_GROUP'
  | 'BARS_EMPTY_FILE'
  | 'BARS_ENCODING'
  | 'BARS_LINE_TOO_LONG';

/** An `HfqError` with a `BARS_...` code. */
export type BarsError = HfqError<BarsErrorCode>;

/** Builds a `BARS_...` error (not thrown: callers `throw barsError(...)`). */
export function barsError(
  code: BarsErrorCode,
  message: string,
  context: HfqErrorContext = {},
  cause?: unknown,
): BarsError {
  return new HfqError(code, message, context, cause === undefined ? undefined : { cause });
}

/** Throws `BARS_INVALID_OPTION` unless `cond` holds. */
export function checkOption(cond: unknown, option: string, message: string): asserts cond {
  if (!cond) throw barsError('BARS_INVALID_OPTION', `${option}: ${message}`, { field: option });
}
