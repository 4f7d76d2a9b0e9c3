/**
 * The intraday frames of hfq: one stock-day each, columnar (one typed array per field, no object
 * per row). Times are ms since local midnight (`Int32Array`, see `@hfq/core` `timeOfDay`).
 * Prices are in yuan, volumes in shares, amounts in yuan. Missing values are NaN.
 */

/** Which stock-day a frame belongs to (used in error messages and IO). */
export interface FrameKey {
  /** Asset identifier, e.g. `600519.SH`. */
  asset?: string;
  /** Trading day, `yyyymmdd`. */
  date?: number;
}

/**
 * One-minute bars of one stock-day. A normal A-share day has 240 rows with bar *end* times
 * 09:31..11:30 and 13:01..15:00 (`MINUTE_BAR_END_TIMES`). Rows are sorted by `time`.
 */
export interface MinuteBars extends FrameKey {
  /** Bar end time, ms since midnight. */
  time: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Shares traded in the minute. */
  volume: Float64Array;
  /** Yuan traded in the minute. */
  amount: Float64Array;
  /** Number of trades in the minute (NaN when the source has no trade counts). */
  trades: Float64Array;
}

/**
 * Level-2 order-book snapshots of one stock-day (~3 s cadence on the exchanges). Per-level fields
 * are row-major `n x levels`: level 1 (best) of snapshot `i` is at `i * levels`. An empty level is
 * price 0 or NaN with volume 0; use NaN for "not reported".
 */
export interface TickSnapshots extends FrameKey {
  /** Snapshot time, ms since midnight. Non-decreasing. */
  time: Int32Array;
  /** Number of book levels per side (10 on SSE/SZSE Level-2). */
  levels: number;
  /** Last trade price. */
  last: Float64Array;
  /** Cumulative shares traded since the open, as of this snapshot. Non-decreasing. */
  volume: Float64Array;
  /** Cumulative yuan traded since the open. Non-decreasing. */
  amount: Float64Array;
  /** Cumulative number of trades since the open. Non-decreasing (NaN if not reported). */
  trades: Float64Array;
  bidPrice: Float64Array;
  bidVolume: Float64Array;
  /** Number of orders at each bid level (NaN if not reported). */
  bidOrders: Float64Array;
  askPrice: Float64Array;
  askVolume: Float64Array;
  askOrders: Float64Array;
}

/**
 * Equal-volume bars ("等量K线") of one stock-day: each holds (about) the same traded volume; a
 * minute is never split, so a bar spans whole minutes. The last bar of a day may be partial.
 */
export interface VolumeBars extends FrameKey {
  /** End time of the first minute in the bar, ms since midnight. */
  startTime: Int32Array;
  /** End time of the last minute in the bar. */
  endTime: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** sum(amount) / sum(volume) over the bar's minutes (NaN when the bar has no volume). */
  vwap: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
  /** Number of minutes the bar spans. */
  minutes: Int32Array;
  /** Volume per bar the bars were cut with (shares). */
  barVolume: number;
  /** True when the last bar is a partial one (volume below `barVolume` at the close). */
  lastPartial: boolean;
}

/** Names of the per-row numeric fields of each frame kind (handy for validation and IO). */
export const MINUTE_BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const;
export const TICK_SCALAR_FIELDS = ['last', 'volume', 'amount', 'trades'] as const;
export const TICK_LEVEL_FIELDS = [
  'bidPrice',
  'bidVolume',
  'bidOrders',
  'askPrice',
  'askVolume',
  'askOrders',
] as const;
export const VOLUME_BAR_FIELDS = ['open', 'high', 'low', 'close', 'vwap', 'volume', 'amount'] as const;

export type MinuteBarField = (typeof MINUTE_BAR_FIELDS)[number];
export type TickScalarField = (typeof TICK_SCALAR_FIELDS)[number];
export type TickLevelField = (typeof TICK_LEVEL_FIELDS)[number];
export type VolumeBarField = (typeof VOLUME_BAR_FIELDS)[number];

/** Number of rows of a frame. */
export function frameLength(f: MinuteBars | TickSnapshots | VolumeBars): number {
  return 'time' in f ? f.time.length : f.endTime.length;
}

/** Allocates an all-NaN minute-bar frame of `n` rows (times 0). */
export function allocMinuteBars(n: number, key: FrameKey = {}): MinuteBars {
  const f = () => new Float64Array(n).fill(NaN);
  return {
    ...key,
    time: new Int32Array(n),
    open: f(),
    high: f(),
    low: f(),
    close: f(),
    volume: f(),
    amount: f(),
    trades: f(),
  };
}

/** Allocates an all-NaN tick frame of `n` snapshots x `levels` levels (times 0). */
export function allocTickSnapshots(n: number, levels = 10, key: FrameKey = {}): TickSnapshots {
  const f = (m: number) => new Float64Array(m).fill(NaN);
  return {
    ...key,
    time: new Int32Array(n),
    levels,
    last: f(n),
    volume: f(n),
    amount: f(n),
    trades: f(n),
    bidPrice: f(n * levels),
    bidVolume: f(n * levels),
    bidOrders: f(n * levels),
    askPrice: f(n * levels),
    askVolume: f(n * levels),
    askOrders: f(n * levels),
  };
}
