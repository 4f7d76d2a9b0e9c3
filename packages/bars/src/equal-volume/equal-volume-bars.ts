import { barsError, checkOption } from '../errors.js';
import type { MinuteBars, VolumeBars } from '../types.js';
import { allocVolumeBarColumns, equalVolumeBarsKernel, type VolumeBarColumns } from './kernel.js';

/** Options of `equalVolumeBars`. */
export interface EqualVolumeOptions {
  /**
   * What to do with the minutes after the last bar close: `'keep'` (default) makes them a final
   * bar flagged by `lastPartial`; `'drop'` leaves them out (then `lastPartial` is false).
   */
  partial?: 'keep' | 'drop';
}

/**
 * Equal-volume bars ("等量K线") of one stock-day, exactly as the study defines them.
 *
 * Walk the minutes in time order with C_m the cumulative volume after minute m (0 before the
 * first). A bar closes at minute m when floor(C_m / V) > floor(C_{m-1} / V), and spans the minutes
 * since the previous close through m. The minute is the atom: it is never split, so one minute
 * that completes two multiples of V still closes one bar (holding about 2V). Zero-volume minutes
 * belong to the span they fall in. The minutes after the last close (the day ran out before the
 * next multiple) form a final partial bar, kept and flagged by default; a day with less volume
 * than V is one partial bar.
 *
 * Per bar: open = first minute's open, close = last minute's close, high/low = max/min over the
 * span, volume and amount = sums, vwap = amount / volume (yuan per share; NaN for a bar with no
 * volume). NaN prices (minutes without trades) are skipped: open/close come from the first/last
 * priced minute, and a bar with no priced minute has NaN prices.
 *
 * `barVolume` (shares) is usually `equalVolumeBarSize(pastDailyVolumes, barNum)`, which uses only
 * the days before this one. O(minutes); the frame's arrays are read, never copied.
 *
 * @throws `BARS_INVALID_BAR_VOLUME` unless `barVolume` is finite and > 0 (a NaN size from
 * `equalVolumeBarSize` means "not enough history": skip the stock-day instead);
 * `BARS_NONFINITE_VOLUME` / `BARS_NEGATIVE_VOLUME` for a NaN, infinite or negative minute volume.
 */
export function equalVolumeBars(
  minuteBars: MinuteBars,
  barVolume: number,
  options: EqualVolumeOptions = {},
): VolumeBars {
  const partial = options.partial ?? 'keep';
  checkOption(
    partial === 'keep' || partial === 'drop',
    'partial',
    `must be 'keep' or 'drop', got ${partial}`,
  );
  checkBarVolume(barVolume, minuteBars.asset, minuteBars.date);
  const n = minuteBars.time.length;
  const out = allocVolumeBarColumns(n);
  const key = { asset: minuteBars.asset, date: minuteBars.date };
  const count = equalVolumeBarsKernel(minuteBars, 0, n, barVolume, out, 0, partial === 'keep', key);
  return volumeBarsFromColumns(out, 0, count, barVolume, minuteBars);
}

/** Wraps rows `[from, from + count)` of kernel output as a `VolumeBars` frame (copies). */
export function volumeBarsFromColumns(
  cols: VolumeBarColumns,
  from: number,
  count: number,
  barVolume: number,
  key: { asset?: string; date?: number },
): VolumeBars {
  const to = from + count;
  const bars: VolumeBars = {
    startTime: cols.startTime.slice(from, to),
    endTime: cols.endTime.slice(from, to),
    open: cols.open.slice(from, to),
    high: cols.high.slice(from, to),
    low: cols.low.slice(from, to),
    close: cols.close.slice(from, to),
    vwap: cols.vwap.slice(from, to),
    volume: cols.volume.slice(from, to),
    amount: cols.amount.slice(from, to),
    minutes: cols.minutes.slice(from, to),
    barVolume,
    lastPartial: count > 0 && cols.partial[to - 1] === 1,
  };
  if (key.asset !== undefined) bars.asset = key.asset;
  if (key.date !== undefined) bars.date = key.date;
  return bars;
}

export function checkBarVolume(barVolume: number, asset?: string, date?: number): void {
  if (!(typeof barVolume === 'number' && barVolume > 0 && barVolume < Infinity)) {
    const ctx: Record<string, unknown> = { field: 'barVolume' };
    if (asset !== undefined) ctx.asset = asset;
    if (date !== undefined) ctx.date = date;
    throw barsError(
      'BARS_INVALID_BAR_VOLUME',
      `bar volume must be a finite number > 0 (shares), got ${barVolume}`,
      ctx,
    );
  }
}
