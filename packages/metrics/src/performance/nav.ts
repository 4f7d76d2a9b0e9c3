import { formatYmd } from '@hfq/core';
import { metricsError } from '../errors.js';
import { checkDates, checkSameLength } from '../internal/checks.js';
import { checkNotPrices, checkNumbers, checkObject } from '../internal/validate.js';

/** NAV curves of a return series and its benchmark (one buffer, views per field). */
export interface NavSeries {
  dates: Int32Array;
  /** Cumulative product of (1 + r); NaN before the first finite return. */
  nav: Float64Array;
  /** Same for the benchmark (NaN without one). */
  benchmarkNav: Float64Array;
  /** nav / benchmarkNav: the excess ("relative") NAV of the study's charts. NaN without a benchmark. */
  relativeNav: Float64Array;
  /** Drawdown of `nav` from its running peak (start value 1 counts), a positive fraction. */
  drawdown: Float64Array;
  /** Drawdown of `relativeNav` (positive fraction); NaN without a benchmark. */
  excessDrawdown: Float64Array;
}

/**
 * NAV, relative NAV and drawdown curves for charts, with the same conventions as
 * `portfolioStats` (leading NaN skipped; later NaN returns count as 0 here, so validate with
 * `portfolioStats` first when that matters). Fractions, not percent. One allocation.
 *
 * @throws HfqError `METRICS_BAD_RETURN` (with field, row and date) for an infinite return or one
 *   below -1 (-100%) after the start: it cannot be compounded into a NAV;
 *   `METRICS_LENGTH_MISMATCH`, `METRICS_BAD_DATE`; `METRICS_BAD_INPUT` when an input is not a
 *   `number[]` or typed array of numbers (e.g. strings); `METRICS_BAD_RETURN` also when `returns`
 *   or `benchmark` look like prices (most |r| > 10).
 */
export function navSeries(input: {
  returns: ArrayLike<number>;
  dates: ArrayLike<number>;
  benchmark?: ArrayLike<number>;
}): NavSeries {
  checkObject(input, 'navSeries(input)');
  checkNumbers(input.returns, 'returns');
  checkNumbers(input.dates, 'dates');
  if (input.benchmark !== undefined) checkNumbers(input.benchmark, 'benchmark');
  checkNotPrices(input.returns, 'returns');
  if (input.benchmark !== undefined) checkNotPrices(input.benchmark, 'benchmark');
  const { returns: r, dates, benchmark: b } = input;
  checkSameLength(r, dates, 'returns vs dates');
  if (b) checkSameLength(r, b, 'returns vs benchmark');
  checkDates(dates);
  const n = r.length;
  const buf = new Float64Array(5 * n).fill(Number.NaN);
  const out: NavSeries = {
    dates: Int32Array.from(dates),
    nav: buf.subarray(0, n),
    benchmarkNav: buf.subarray(n, 2 * n),
    relativeNav: buf.subarray(2 * n, 3 * n),
    drawdown: buf.subarray(3 * n, 4 * n),
    excessDrawdown: buf.subarray(4 * n, 5 * n),
  };
  let started = false;
  let nav = 1;
  let bnav = 1;
  let peak = 1;
  let relPeak = 1;
  for (let i = 0; i < n; i++) {
    const ri = r[i]!;
    const bi = b ? b[i]! : 0;
    if (!started) {
      if (Number.isNaN(ri) || Number.isNaN(bi)) continue; // only NaN means "not started"; +-Infinity is refused below
      started = true;
    }
    checkCompoundable(ri, 'returns', i, dates[i]!);
    nav *= 1 + (Number.isFinite(ri) ? ri : 0);
    if (nav > peak) peak = nav;
    out.nav[i] = nav;
    out.drawdown[i] = 1 - nav / peak;
    if (b) {
      checkCompoundable(bi, 'benchmark', i, dates[i]!);
      bnav *= 1 + (Number.isFinite(bi) ? bi : 0);
      const rel = nav / bnav;
      if (rel > relPeak) relPeak = rel;
      out.benchmarkNav[i] = bnav;
      out.relativeNav[i] = rel;
      out.excessDrawdown[i] = 1 - rel / relPeak;
    }
  }
  return out;
}

/** NaN passes (counted 0 by the caller); an infinite return or one below -1 is refused. */
function checkCompoundable(x: number, field: string, i: number, date: number): void {
  if (Number.isNaN(x) || (x >= -1 && x !== Number.POSITIVE_INFINITY)) return;
  throw metricsError(
    'METRICS_BAD_RETURN',
    `${field}[${i}] on ${formatYmd(date)} is ${x}: a return must be finite and >= -1 to compound into a NAV`,
    { field, row: i, date },
  );
}
