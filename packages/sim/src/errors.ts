import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes thrown by `@hfq/sim`:
 * - `SIM_INVALID_CONFIG`: a `MarketConfig` field is out of range or of the wrong type (`field` names it).
 * - `SIM_ASSET_OUT_OF_RANGE`: an asset index outside `[0, nStocks)` (or an unknown asset id).
 * - `SIM_DAY_OUT_OF_RANGE`: a calendar index outside `[0, nDays)`.
 */
export type SimErrorCode = 'SIM_INVALID_CONFIG' | 'SIM_ASSET_OUT_OF_RANGE' | 'SIM_DAY_OUT_OF_RANGE';

/** Throws an `HfqError` with a `SIM_` code. */
export function simError(code: SimErrorCode, message: string, context: HfqErrorContext = {}): HfqError {
  return new HfqError(code, message, context);
}
