import { rescaleFactor } from '../internal/scale.js';
import { checkNumbers } from '../internal/validate.js';

/** Summary statistics of an IC / RankIC series (see {@link icSummary}). All fractions, not percent. */
export interface IcSummary {
  /** Mean over the finite values (NaN when there are none). */
  mean: number;
  /** Sample standard deviation (n - 1 denominator); NaN when fewer than 2 values. */
  std: number;
  /** mean / std, not annualised (the study's ICIR); NaN when std is NaN or 0. */
  ir: number;
  /** Share of the finite values strictly above 0, in [0, 1]; NaN when there are none. */
  positiveRatio: number;
  /** t-statistic of the mean: mean / (std / sqrt(count)) = ir * sqrt(count); NaN like `ir`. */
  tStat: number;
  /** Number of finite values used. */
  count: number;
}

/**
 * Summarises an IC series (e.g. from `icSeries`) over its finite values; NaN and +-Infinity are
 * skipped (a date with no IC is not a zero IC). The study's "RankIC", "RankIC std", "RankICIR" and
 * "RankIC>0" columns are `mean`, `std`, `ir` and `positiveRatio`.
 *
 * Two passes (mean, then centred squares); values of any finite magnitude (1e-300 to 1e300) are
 * handled without overflow. No allocation. Takes a typed array or a plain `number[]`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `series` is not an array of numbers (e.g. a string
 *   element, which would otherwise be skipped as missing), with its index.
 */
export function icSummary(series: ArrayLike<number>): IcSummary {
  checkNumbers(series, 'series');
  let n = 0;
  let sum = 0;
  let positive = 0;
  let maxAbs = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v > 0) positive++;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  if (n === 0) {
    return {
      mean: Number.NaN,
      std: Number.NaN,
      ir: Number.NaN,
      positiveRatio: Number.NaN,
      tStat: Number.NaN,
      count: 0,
    };
  }
  // Values beyond [2^-400, 2^400] in magnitude are scaled by a power of two (exact) so that the
  // sum and the squares neither overflow nor underflow; ordinary series take k = 1.
  const k = rescaleFactor(maxAbs);
  if (k !== 1) {
    sum = 0;
    for (let i = 0; i < series.length; i++) {
      const v = series[i]!;
      if (Number.isFinite(v)) sum += v * k;
    }
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]! * k;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const std = n >= 2 ? Math.sqrt(ss / (n - 1)) / k : Number.NaN;
  const ir = std > 0 ? mean / k / std : Number.NaN;
  return { mean: mean / k, std, ir, positiveRatio: positive / n, tStat: ir * Math.sqrt(n), count: n };
}
