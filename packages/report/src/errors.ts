import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes thrown by `@hfq/report` (stable across versions), so that a caller can tell a
 * rendering failure from a statistics one (`METRICS_*`, thrown by `@hfq/metrics`).
 *
 * - `REPORT_LENGTH_MISMATCH`: series that must pair up (x and y of a chart, DataFrame columns)
 *   have different lengths.
 * - `REPORT_SHAPE_MISMATCH`: a DataFrame does not have the shape a result needs.
 * - `REPORT_NO_DATA`: nothing to draw (e.g. a relative NAV with no finite value).
 * - `REPORT_MISSING_DEPENDENCY`: an optional peer dependency (danfojs-node) is not installed.
 * - `REPORT_RENDER`: a chart or report could not be rendered or written.
 */
export type ReportErrorCode =
  | 'REPORT_LENGTH_MISMATCH'
  | 'REPORT_SHAPE_MISMATCH'
  | 'REPORT_NO_DATA'
  | 'REPORT_MISSING_DEPENDENCY'
  | 'REPORT_RENDER';

/** Creates the package's `HfqError`. */
export function reportError(
  code: ReportErrorCode,
  message: string,
  context?: HfqErrorContext,
  cause?: unknown,
): HfqError<ReportErrorCode> {
  return new HfqError(code, message, context, cause === undefined ? undefined : { cause });
}
