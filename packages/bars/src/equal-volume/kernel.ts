import { barsError } from '../errors.js';
import type { MinuteBars } from '../types.js';

/**
 * The columns of minute bars the equal-volume kernel reads. Any layout works: one stock-day, or
 * many stock-days concatenated (the kernel is given a row range). Only `open` and `close` at bar
 * edges are read; `high`, `low`, `volume` (shares, finite, >= 0), `amount` (yuan) are read for
 * every minute. `time` (bar end times, ms since midnight) is optional: when present the kernel
 * fills `startTime` / `endTime`. Derived from `MinuteBars` (one definition of the fields).
 */
export type MinuteColumns = Pick<MinuteBars, 'open' | 'high' | 'low' | 'close' | 'volume' | 'amount'> &
  Partial<Pick<MinuteBars, 'time'>>;

/**
 * Preallocated output columns of the kernel (struct of typed arrays, `capacity` rows). A bar holds
 * at most every minute of its span, so a range of `m` minutes never yields more than `m` bars.
 */
export interface VolumeBarColumns {
  capacity: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** sum(amount) / sum(volume); NaN for a bar with no volume. */
  vwap: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
  /** Total volume of the input range of the last kernel call (its final cumulative volume C). */
  dayVolume: number;
  /** Number of minutes in the bar (>= 1). */
  minutes: Int32Array;
  /** Input row of the bar's first minute. */
  firstRow: Int32Array;
  /** 1 for a final partial bar (the day ended before it reached the next multiple). */
  partial: Uint8Array;
  /** End time of the first minute (filled when the input has `time`). */
  startTime: Int32Array;
  /** End time of the last minute (filled when the input has `time`). */
  endTime: Int32Array;
  /**
   * floor(C / V) with C the day's cumulative volume before the bar's first minute: the bar id of
   * the factor-bench harness (it skips a value when one minute completes two multiples).
   */
  id: Int32Array;
}

/** Allocates kernel output columns for `capacity` bars (values uninitialised: zeros). */
export function allocVolumeBarColumns(capacity: number): VolumeBarColumns {
  return {
    capacity,
    dayVolume: NaN,
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    vwap: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    amount: new Float64Array(capacity),
    minutes: new Int32Array(capacity),
    firstRow: new Int32Array(capacity),
    partial: new Uint8Array(capacity),
    startTime: new Int32Array(capacity),
    endTime: new Int32Array(capacity),
    id: new Int32Array(capacity),
  };
}

/** A copy of `cols` with room for `capacity` bars; the first `used` rows are kept. */
export function growVolumeBarColumns(
  cols: VolumeBarColumns,
  capacity: number,
  used: number,
): VolumeBarColumns {
  const out = allocVolumeBarColumns(capacity);
  for (const key of KERNEL_COLUMNS) {
    (out[key] as Float64Array).set((cols[key] as Float64Array).subarray(0, used));
  }
  return out;
}

const KERNEL_COLUMNS = [
  'open',
  'high',
  'low',
  'close',
  'vwap',
  'volume',
  'amount',
  'minutes',
  'firstRow',
  'partial',
  'startTime',
  'endTime',
  'id',
] as const;

// A running total C is compared with this fraction of the next multiple before the exact test
// floor(C / V) > k is evaluated, so the division runs only near a boundary. 1e-12 is far wider
// than the rounding of C / V (2^-52), so no crossing is ever missed.
const GUARD = 1 - 1e-12;

const SELECT = new Float64Array(6);

/**
 * Equal-volume bars over input rows `[start, end)` (one stock-day; minutes in time order), written
 * into `out` from row `outStart`. Returns the number of bars written. See `equalVolumeBars`.
 *
 * With C_m the cumulative volume after minute m (summed in row order from 0 at `start`), a bar
 * closes at minute m when floor(C_m / V) > floor(C_{m-1} / V): exactly the study's rule and the
 * factor-bench harness's `floor(cumvol_before_i / T)` ids. Minutes after the last close form a
 * partial bar, written (flagged in `out.partial`) when `keepPartial`.
 *
 * `out` must have room for `end - start` bars after `outStart` (the worst case).
 * `key` only labels errors. O(end - start), no allocation. @throws `BARS_NONFINITE_VOLUME` / `BARS_NEGATIVE_VOLUME` for a
 * volume that is NaN, infinite or negative (row in context).
 */
export function equalVolumeBarsKernel(
  src: MinuteColumns,
  start: number,
  end: number,
  barVolume: number,
  out: VolumeBarColumns,
  outStart: number,
  keepPartial: boolean,
  key?: { asset?: string; date?: number },
): number {
  const { open, high, low, close, volume, amount } = src;
  const oo = out.open;
  const oh = out.high;
  const ol = out.low;
  const oc = out.close;
  const ov = out.volume;
  const oa = out.amount;
  const of = out.firstRow;
  const om = out.minutes;
  const oid = out.id;
  const op = out.partial;
  const V = barVolume;
  let j = outStart;
  let cum = 0;
  let k = 0;
  let guard = V * GUARD;
  let first = start;
  let bo = NaN;
  let fresh = 1;
  let bh = -Infinity;
  let bl = Infinity;
  let bv = 0;
  let ba = 0;
  // One flat pass reading every column in order (so the hardware prefetcher streams them; fetching
  // open/close only at bar edges costs a cache miss per bar). Running open/high/low are updated by
  // selecting from a scratch array with a comparison or a flag as the index: no data-dependent
  // branch, so a new high inside a short bar costs no misprediction (Math.max and `if` both branch
  // in V8). A NaN price compares false and is skipped.
  const sel = SELECT;
  for (let i = start; i < end; i++) {
    const v = volume[i]!;
    if (!(v >= 0 && v < Infinity)) throw badVolume(v, i, key);
    sel[4] = bo;
    sel[5] = open[i]!;
    bo = sel[4 + fresh]!;
    fresh = 0;
    const h = high[i]!;
    sel[0] = bh;
    sel[1] = h;
    bh = sel[+(h > bh)]!;
    const l = low[i]!;
    sel[2] = bl;
    sel[3] = l;
    bl = sel[2 + +(l < bl)]!;
    const c = close[i]!;
    bv += v;
    ba += amount[i]!;
    cum += v;
    if (cum >= guard) {
      const kk = Math.floor(cum / V);
      if (kk > k) {
        oo[j] = bo;
        oh[j] = bh;
        ol[j] = bl;
        oc[j] = c;
        ov[j] = bv;
        oa[j] = ba;
        of[j] = first;
        om[j] = i + 1 - first;
        oid[j] = k;
        op[j] = 0;
        j++;
        k = kk;
        guard = (k + 1) * V * GUARD;
        first = i + 1;
        fresh = 1;
        bh = -Infinity;
        bl = Infinity;
        bv = 0;
        ba = 0;
      }
    }
  }
  if (first < end && keepPartial) {
    oo[j] = bo;
    oh[j] = bh;
    ol[j] = bl;
    oc[j] = close[end - 1]!;
    ov[j] = bv;
    oa[j] = ba;
    of[j] = first;
    om[j] = end - first;
    oid[j] = k;
    op[j] = 1;
    j++;
  }
  finishBars(src, out, outStart, j);
  out.dayVolume = cum;
  return j - outStart;
}

/** vwap, times, and the NaN fix-ups of bars [from, to). */
function finishBars(src: MinuteColumns, out: VolumeBarColumns, from: number, to: number): void {
  const { open, close, time } = src;
  for (let b = from; b < to; b++) {
    const first = out.firstRow[b]!;
    const last = first + out.minutes[b]! - 1;
    // A minute without trades may carry NaN prices: the bar opens at the first priced minute and
    // closes at the last one (all NaN when none is priced).
    if (Number.isNaN(out.open[b]!)) {
      let o = NaN;
      for (let r = first; Number.isNaN(o) && r <= last; r++) o = open[r]!;
      out.open[b] = o;
    }
    if (Number.isNaN(out.close[b]!)) {
      let c = NaN;
      for (let r = last; Number.isNaN(c) && r >= first; r--) c = close[r]!;
      out.close[b] = c;
    }
    if (out.high[b] === -Infinity) out.high[b] = NaN;
    if (out.low[b] === Infinity) out.low[b] = NaN;
    out.vwap[b] = out.amount[b]! / out.volume[b]!;
    if (time !== undefined) {
      out.startTime[b] = time[first]!;
      out.endTime[b] = time[last]!;
    }
  }
}

export function badVolume(v: number, row: number, key?: { asset?: string; date?: number }) {
  const ctx = { field: 'volume', row, ...key };
  return v < 0
    ? barsError('BARS_NEGATIVE_VOLUME', `minute volume ${v} is negative`, ctx)
    : barsError('BARS_NONFINITE_VOLUME', `minute volume ${v} is not a finite number`, ctx);
}
