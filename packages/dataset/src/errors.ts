import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Every error code `@hfq/dataset` throws (errors of `@hfq/bars` pass through with their own
 * `BARS_*` codes, naming the file in `context.source`, the row and the field).
 *
 * - `DATASET_NOT_FOUND`: no `dataset.json` (or no directory) where a dataset was expected.
 * - `DATASET_MANIFEST`: `dataset.json` is not valid JSON or breaks its schema (a field of the
 *   wrong type, a calendar that is not increasing, a claimed count that is not a count).
 * - `DATASET_VERSION`: a format version this reader does not know.
 * - `DATASET_MISSING_PARTITION`: a file that `dataset.json` lists is absent.
 * - `DATASET_COUNT_MISMATCH`: a file holds a different number of rows or stock-days than
 *   `dataset.json` claims.
 * - `DATASET_CONTENT`: a partition holds data that does not belong there (another date, an asset
 *   outside the dataset, a stock-day twice, a panel on other dates or assets).
 * - `DATASET_NOT_LOADED`: intraday data of a day whose partition was not loaded (`loadDay`).
 * - `DATASET_EXISTS`: writing into a directory that already holds a dataset.
 * - `DATASET_INPUT`: a bad argument (a date outside the calendar, a shard spec, an option).
 * - `DATASET_IMPORT`: an import that rejected rows or files (see the report).
 * - `DATASET_FACTORS`: a factor output directory that is incomplete or inconsistent.
 */
export type DatasetErrorCode =
  | 'DATASET_NOT_FOUND'
  | 'DATASET_MANIFEST'
  | 'DATASET_VERSION'
  | 'DATASET_MISSING_PARTITION'
  | 'DATASET_COUNT_MISMATCH'
  | 'DATASET_CONTENT'
  | 'DATASET_NOT_LOADED'
  | 'DATASET_EXISTS'
  | 'DATASET_INPUT'
  | 'DATASET_IMPORT'
  | 'DATASET_FACTORS';

/** An `HfqError` with a `DATASET_...` code. */
export type DatasetError = HfqError<DatasetErrorCode>;

/** Builds a `DATASET_...` error (callers `throw datasetError(...)`). */
export function datasetError(
  code: DatasetErrorCode,
  message: string,
  context: HfqErrorContext = {},
  cause?: unknown,
): DatasetError {
  return new HfqError(code, message, context, cause === undefined ? undefined : { cause });
}
