/**
 * Equal-volume bars in the shape the factor-bench harness (../shared/bench/factor-bench) expects:
 * its `MinuteBars` (S stocks x D days x M minutes, rows sorted by stock, day, minute) in, its
 * `VolBars` (`stock, day, bar, open, high, low, close, volume, vwap`, sorted by stock, day, bar)
 * out. The factor-DSL engine's adapter can call this from its `volumeBars()`.
 */
import { equalVolumeBarsBatch } from '../src/index.js';

export interface HarnessMinuteBars {
  S: number;
  D: number;
  M: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
}

export interface HarnessVolBars {
  n: number;
  stock: Int32Array;
  day: Int32Array;
  bar: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  vwap: Float64Array;
}

/** T = (volume of days d-5..d-1) / 50 per stock-day, as the harness defines it; days 0..4 get no bars. */
export function harnessVolumeBars(b: HarnessMinuteBars, lookback = 5, barNum = 50): HarnessVolBars {
  const { S, D, M } = b;
  const dayStarts = Int32Array.from({ length: S * D + 1 }, (_, k) => k * M);
  const stockStarts = Int32Array.from({ length: S + 1 }, (_, s) => s * D);
  // The harness divides the lookback total by its barNum; @hfq/bars's barNum is per day.
  const r = equalVolumeBarsBatch(b, dayStarts, { lookback, barNum: barNum / lookback, stockStarts });
  const n = r.n;
  const stock = new Int32Array(n);
  const day = new Int32Array(n);
  for (let k = 0; k < S * D; k++) {
    stock.fill(Math.floor(k / D), r.dayBarStarts[k]!, r.dayBarStarts[k + 1]!);
    day.fill(k % D, r.dayBarStarts[k]!, r.dayBarStarts[k + 1]!);
  }
  return {
    n,
    stock,
    day,
    bar: r.id.slice(0, n),
    open: r.open.slice(0, n),
    high: r.high.slice(0, n),
    low: r.low.slice(0, n),
    close: r.close.slice(0, n),
    volume: r.volume.slice(0, n),
    vwap: r.vwap.slice(0, n),
  };
}
