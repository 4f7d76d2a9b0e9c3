import { Panel } from '@hfq/core';
import { checkOption } from '../errors.js';

/** Options of `equalVolumeBarSize`. */
export interface BarSizeOptions {
  /**
   * Number of trailing trading days summed (the study's `n`). Default 5, as in the factor-bench
   * harness (T for day d from days d-5..d-1).
   */
  lookback?: number;
  /**
   * Index in `dailyVolumes` of the day T the bars are for. The days used are
   * `[day - lookback, day)`: strictly before T, so the bar size is known at T's open and a factor
   * at the close of T sees nothing it could not have known. Default `dailyVolumes.length` (T is
   * the day after the last volume given).
   */
  day?: number;
}

/**
 * The study's bar size for one stock-day: the mean daily volume of the `lookback` trading days
 * before day T divided by `barNum`, the bars wanted per day (the study's `bar_num`): their total /
 * (`lookback` x `barNum`). Shares per bar. A typical day then gets about `barNum` bars (fewer when
 * single minutes complete several bar volumes; more on a busier day than its trailing days).
 * (Until 2026-12 `barNum` divided the whole lookback total, as the factor-bench harness writes it:
 * its 50 is 10 bars a day here.)
 *
 * The current day T is **not** included (see `options.day`): including it would size a bar at
 * 10:00 with volume traded later that day.
 *
 * NaN when fewer than `lookback` days precede T, when any of them is NaN (missing), or when their
 * total is not positive (no bar could ever close). Suspended days with volume 0 count as 0.
 * O(lookback).
 * @throws `BARS_INVALID_OPTION` for a `barNum` or `lookback` that is not a positive integer, or a
 * `day` outside [0, dailyVolumes.length].
 */
export function equalVolumeBarSize(
  dailyVolumes: ArrayLike<number>,
  barNum: number,
  options: BarSizeOptions = {},
): number {
  const lookback = options.lookback ?? 5;
  const day = options.day ?? dailyVolumes.length;
  checkBarSizeArgs(barNum, lookback);
  checkOption(
    Number.isInteger(day) && day >= 0 && day <= dailyVolumes.length,
    'day',
    `must be an integer in [0, ${dailyVolumes.length}], got ${day}`,
  );
  if (day < lookback) return NaN;
  let total = 0;
  for (let d = day - lookback; d < day; d++) total += dailyVolumes[d]!;
  return total > 0 ? total / (lookback * barNum) : NaN;
}

/**
 * `equalVolumeBarSize` for every cell of a dates x assets daily volume panel: cell (T, a) is the
 * mean of rows T-lookback..T-1 of asset a divided by `barNum` (bars per day). Same NaN rules (the
 * first `lookback` rows are NaN). Shares per bar. O(dates x assets).
 */
export function equalVolumeBarSizes(
  dailyVolume: Panel,
  barNum: number,
  options: Omit<BarSizeOptions, 'day'> = {},
): Panel<Float64Array> {
  const lookback = options.lookback ?? 5;
  checkBarSizeArgs(barNum, lookback);
  const out = Panel.alloc(dailyVolume.dates, dailyVolume.assets, 'float64');
  const n = dailyVolume.nAssets;
  const v = dailyVolume.values;
  for (let t = lookback; t < dailyVolume.nDates; t++) {
    for (let a = 0; a < n; a++) {
      let total = 0;
      for (let d = t - lookback; d < t; d++) total += v[d * n + a]!;
      out.values[t * n + a] = total > 0 ? total / (lookback * barNum) : NaN;
    }
  }
  return out;
}

/**
 * Bar sizes for many stock-days laid out stock by stock (the batch layout): `dailyVolumes[k]` is
 * the volume of stock-day k, `stockStarts[s]` the first stock-day of stock s (with a final entry
 * equal to the number of stock-days). Size = mean volume of the stock's `lookback` days before
 * / `barNum` (bars per day), as `equalVolumeBarSize`. Each stock's first `lookback` days get NaN.
 */
export function trailingBarSizes(
  dailyVolumes: ArrayLike<number>,
  stockStarts: ArrayLike<number>,
  barNum: number,
  options: Omit<BarSizeOptions, 'day'> = {},
): Float64Array {
  const lookback = options.lookback ?? 5;
  checkBarSizeArgs(barNum, lookback);
  const out = new Float64Array(dailyVolumes.length).fill(NaN);
  for (let s = 0; s + 1 < stockStarts.length; s++) {
    const from = stockStarts[s]!;
    const to = stockStarts[s + 1]!;
    for (let k = from + lookback; k < to; k++) {
      let total = 0;
      for (let d = k - lookback; d < k; d++) total += dailyVolumes[d]!;
      out[k] = total > 0 ? total / (lookback * barNum) : NaN;
    }
  }
  return out;
}

export function checkBarSizeArgs(barNum: number, lookback: number): void {
  checkOption(Number.isInteger(barNum) && barNum > 0, 'barNum', `must be a positive integer, got ${barNum}`);
  checkOption(
    Number.isInteger(lookback) && lookback > 0,
    'lookback',
    `must be a positive integer, got ${lookback}`,
  );
}
