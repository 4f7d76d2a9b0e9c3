/**
 * @packageDocumentation
 * `@hfq/bars`: the raw-data layer of hfq. Columnar intraday frames for one stock-day (minute
 * bars, 10-level tick snapshots, equal-volume bars), the A-share session, tick-to-minute
 * aggregation, validation with typed errors, and CSV / Parquet / Arrow IO.
 */

export type { DailyBars, IndexData } from './daily.js';
export * from './equal-volume/index.js';
export { type BarsError, type BarsErrorCode, barsError } from './errors.js';
export * from './io/index.js';
export { MINUTE_BAR_END_TIMES, MINUTES_PER_DAY, minuteIndexOf, SESSION } from './session.js';
export * from './ticks/index.js';
export * from './types.js';
export * from './validate/index.js';
