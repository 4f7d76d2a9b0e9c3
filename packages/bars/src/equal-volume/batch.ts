import { ProgressReporter, type TaskOptions } from '@hfq/core';
import { checkOption } from '../errors.js';
import { checkBarSizeArgs } from './bar-size.js';
import {
  allocVolumeBarColumns,
  badVolume,
  equalVolumeBarsKernel,
  growVolumeBarColumns,
  type MinuteColumns,
  type VolumeBarColumns,
} from './kernel.js';

/**
 * Sizes computed inside the batch pass from the same minute data, the study's way: for each stock,
 * the bar volume of day d is the mean volume of days d-lookback..d-1 divided by `barNum` (as
 * `equalVolumeBarSize`); a stock's first `lookback` days get no bars. The volume column is read
 * once for both the sizes and the bars.
 */
export interface TrailingBarSize {
  /** Trailing trading days averaged (the factor-bench harness uses 5). */
  lookback: number;
  /**
   * Bars wanted per day (the study's `bar_num`; 50 gives about 50 bars a day). The factor-bench
   * harness divides the 5-day total by its 50, which is `barNum: 10` here.
   */
  barNum: number;
  /**
   * `stockStarts[s]` is the first stock-day (index into `dayStarts`) of stock s; a final entry
   * equals the number of stock-days. Omit for a single stock.
   */
  stockStarts?: ArrayLike<number>;
}

/** Options of `equalVolumeBarsBatch`. */
export interface EqualVolumeBatchOptions extends TaskOptions {
  /** As in `equalVolumeBars`: keep (default) or drop each day's final partial bar. */
  partial?: 'keep' | 'drop';
}

/** Bars of many stock-days: kernel columns with `n` rows plus per-day offsets. */
export interface VolumeBarsBatch extends VolumeBarColumns {
  /** Number of bars. */
  n: number;
  /** Bars of stock-day k are rows `[dayBarStarts[k], dayBarStarts[k + 1])`. */
  dayBarStarts: Int32Array;
  /** Bar volume used for each stock-day (NaN where the day was skipped). */
  barVolumes: Float64Array;
  /** Total volume of each stock-day (shares). */
  dailyVolumes: Float64Array;
}

/**
 * The fast path: equal-volume bars for many stock-days in one flat layout (e.g. 1000 stocks x 20
 * days x 240 minutes, rows sorted by stock, day, minute), straight from typed arrays.
 * Stock-day k is rows `[dayStarts[k], dayStarts[k + 1])` of `cols`. `barVolume` is one size per
 * stock-day (NaN, infinite or <= 0 = skip the day: no bars, `barVolumes` NaN), or a `TrailingBarSize` to size each day from
 * the days before it in the same data.
 *
 * Same rule as `equalVolumeBars` (which calls the same kernel). Output columns are allocated once
 * and grown by doubling; nothing is allocated per bar or per minute. Progress is reported per
 * stock-day (stage `equal-volume-bars`).
 *
 * @throws `BARS_NONFINITE_VOLUME` / `BARS_NEGATIVE_VOLUME` (with the row) for a bad minute volume;
 * `BARS_INVALID_OPTION` for inconsistent offsets.
 */
export function equalVolumeBarsBatch(
  cols: MinuteColumns,
  dayStarts: ArrayLike<number>,
  barVolume: ArrayLike<number> | TrailingBarSize,
  options: EqualVolumeBatchOptions = {},
): VolumeBarsBatch {
  const partial = options.partial ?? 'keep';
  checkOption(
    partial === 'keep' || partial === 'drop',
    'partial',
    `must be 'keep' or 'drop', got ${partial}`,
  );
  const keep = partial === 'keep';
  const nDays = dayStarts.length - 1;
  checkOption(nDays >= 0, 'dayStarts', 'needs at least one entry');
  checkOption(dayStarts[0]! >= 0, 'dayStarts', 'offsets must be non-negative');
  checkOption(
    nDays === 0 || dayStarts[nDays]! <= cols.volume.length,
    'dayStarts',
    `last offset ${dayStarts[nDays]} exceeds ${cols.volume.length} rows`,
  );
  const trailing = isTrailing(barVolume) ? barVolume : undefined;
  if (trailing) checkBarSizeArgs(trailing.barNum, trailing.lookback);
  else checkOption((barVolume as ArrayLike<number>).length === nDays, 'barVolume', 'needs one size per day');

  const sizes = new Float64Array(nDays).fill(NaN);
  const dayTotals = new Float64Array(nDays).fill(NaN);
  const dayBarStarts = new Int32Array(nDays + 1);
  let out = allocVolumeBarColumns(Math.max(16, nDays * 16));
  let j = 0;
  const progress = new ProgressReporter(options, 'equal-volume-bars', nDays, 'stock-days', 250);
  const stockStarts = trailing?.stockStarts ?? [0, nDays];
  let stock = 0;
  for (let k = 0; k < nDays; k++) {
    const start = dayStarts[k]!;
    const end = dayStarts[k + 1]!;
    if (!(end >= start)) checkOption(false, 'dayStarts', `offsets must not decrease (stock-day ${k})`);
    dayBarStarts[k] = j;
    let V: number;
    if (trailing) {
      while (stock + 1 < stockStarts.length - 1 && k >= stockStarts[stock + 1]!) stock++;
      const first = stockStarts[stock]!;
      V = NaN;
      if (k - first >= trailing.lookback) {
        let total = 0;
        for (let d = k - trailing.lookback; d < k; d++) total += dayTotals[d]!;
        if (total > 0) V = total / (trailing.lookback * trailing.barNum);
      }
    } else {
      V = (barVolume as ArrayLike<number>)[k]!;
    }
    if (V > 0 && V < Infinity) {
      sizes[k] = V;
      if (out.capacity - j < end - start) {
        out = growVolumeBarColumns(out, Math.max(out.capacity * 2, j + end - start), j);
      }
      const count = equalVolumeBarsKernel(cols, start, end, V, out, j, keep);
      dayTotals[k] = out.dayVolume;
      j += count;
    } else {
      dayTotals[k] = sumVolume(cols.volume, start, end);
    }
    if (options.onProgress || options.signal) progress.tick();
  }
  dayBarStarts[nDays] = j;
  return { ...out, n: j, dayBarStarts, barVolumes: sizes, dailyVolumes: dayTotals };
}

function isTrailing(x: ArrayLike<number> | TrailingBarSize): x is TrailingBarSize {
  return typeof (x as TrailingBarSize).barNum === 'number' && (x as ArrayLike<number>).length === undefined;
}

function sumVolume(volume: Float64Array, start: number, end: number): number {
  let total = 0;
  for (let i = start; i < end; i++) {
    const v = volume[i]!;
    if (!(v >= 0 && v < Infinity)) throw badVolume(v, i);
    total += v;
  }
  return total;
}
