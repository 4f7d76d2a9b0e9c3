import { formatYmd, ymdMonth, ymdYear } from '@hfq/core';
import { metricsError } from '../errors.js';
import { checkDates, checkPositiveOption, checkSameLength } from '../internal/checks.js';
import { rescaleFactor } from '../internal/scale.js';
import { checkNotPrices, checkNumbers, checkObject } from '../internal/validate.js';

/** Input of {@link portfolioStats}. */
export interface PortfolioStatsInput {
  /** Simple returns per period (daily by default), fractions: 0.01 = +1%. */
  returns: ArrayLike<number>;
  /** `yyyymmdd` date of each return (the day it is earned), strictly increasing. */
  dates: ArrayLike<number>;
  /** Benchmark simple returns on the same dates (e.g. the index's daily return). */
  benchmark?: ArrayLike<number>;
  /** Periods per year for annualising; default 252 (trading days). */
  periodsPerYear?: number;
}

/** Calendar-year returns (structure of arrays, one entry per year present in the data). */
export interface YearlyReturns {
  years: Int32Array;
  /** Portfolio return of each calendar year (NAV at the year's last date / previous year's last - 1). */
  returns: Float64Array;
  /** Benchmark return per year (NaN without a benchmark). */
  benchmark: Float64Array;
  /** Relative return per year, `(1 + returns) / (1 + benchmark) - 1` (NaN without a benchmark). */
  excess: Float64Array;
}

/**
 * Performance statistics as the study reports them (all fractions, not percent; "annual" means
 * annualised with `periodsPerYear`). Fields that need a benchmark are NaN without one.
 */
export interface PortfolioStats {
  /** First and last date used (after leading NaN were skipped); 0 when no data. */
  start: number;
  end: number;
  /** Number of returns used. */
  count: number;
  /** NAV at the end - 1. */
  totalReturn: number;
  /** Geometric: `NAV_end ^ (periodsPerYear / count) - 1`. */
  annualReturn: number;
  /** Sample std (n - 1) of the returns times sqrt(periodsPerYear). */
  annualVolatility: number;
  /** annualReturn / annualVolatility (no risk-free rate, as the study). */
  sharpe: number;
  /** Largest peak-to-trough NAV loss, a positive fraction (0.3652 = 36.52%); the start NAV 1 counts as a peak. */
  maxDrawdown: number;
  /** Benchmark's geometric annual return. */
  benchmarkAnnualReturn: number;
  /** Annualised from the relative NAV `NAV / benchmarkNAV`: `rel_end ^ (periodsPerYear / count) - 1`. */
  excessAnnualReturn: number;
  /** Sample std of the relative NAV's per-period returns `(1 + r) / (1 + b) - 1`, times sqrt(periodsPerYear). */
  trackingError: number;
  /** Max drawdown of the relative NAV (positive fraction). */
  excessMaxDrawdown: number;
  /** excessAnnualReturn / trackingError. */
  informationRatio: number;
  /** excessAnnualReturn / excessMaxDrawdown with a benchmark, else annualReturn / maxDrawdown; NaN when the drawdown is 0. */
  calmar: number;
  /**
   * Share of calendar months in which the relative NAV (the NAV without a benchmark) ended above
   * where it ended the previous month (the first month compares with the start value 1).
   */
  monthlyWinRate: number;
  /** Number of calendar months counted by `monthlyWinRate`. */
  months: number;
  yearly: YearlyReturns;
}

/** Index of the first period where the returns (and benchmark) are not NaN; from there every value must be finite. */
function firstUsable(r: ArrayLike<number>, b: ArrayLike<number> | undefined): number {
  for (let i = 0; i < r.length; i++) {
    if (!Number.isNaN(r[i]!) && (!b || !Number.isNaN(b[i]!))) return i; // an infinity is refused, not skipped
  }
  return r.length;
}

function checkReturn(x: number, field: string, i: number, date: number, strict: boolean): void {
  if (Number.isFinite(x) && (strict ? x > -1 : x >= -1)) return;
  throw metricsError(
    'METRICS_BAD_RETURN',
    `${field}[${i}] on ${formatYmd(date)} is ${x}: returns must be finite and ${strict ? '> -1' : '>= -1'} after the first usable date (only leading NaN are skipped)`,
    { field, row: i, date },
  );
}

/**
 * Performance statistics of a return series, with the study's definitions: geometric annual
 * return, annual volatility, Sharpe without a risk-free rate, max drawdown; and against a
 * benchmark: excess return annualised from the relative NAV (portfolio NAV / benchmark NAV, so
 * 14.20% vs -4.05% a year is 1.1420 / 0.9595 - 1 = 19.0%), tracking error, excess max drawdown,
 * information ratio (excess / tracking error), Calmar, monthly win rate and calendar-year returns.
 *
 * NaN policy: leading periods where the returns (or the benchmark) are NaN are skipped (a
 * portfolio that starts later); after that every value must be finite and > -1 (a portfolio
 * return of exactly -1, total loss, is allowed). Statistics that are undefined (fewer than 2
 * returns for a volatility, a zero denominator) are NaN.
 *
 * O(n), allocates only the yearly arrays.
 *
 * @throws HfqError `METRICS_LENGTH_MISMATCH`, `METRICS_BAD_DATE`, `METRICS_BAD_RETURN`,
 *   `METRICS_INVALID_OPTION` (periodsPerYear); `METRICS_BAD_INPUT` when `input` is not an object or
 *   a series is not a `number[]`/typed array of numbers (e.g. strings, with the index);
 *   `METRICS_BAD_RETURN` also when `returns` or `benchmark` look like prices (most |r| > 10).
 */
export function portfolioStats(input: PortfolioStatsInput): PortfolioStats {
  checkObject(input, 'portfolioStats(input)');
  checkNumbers(input.returns, 'returns');
  checkNumbers(input.dates, 'dates');
  if (input.benchmark !== undefined) checkNumbers(input.benchmark, 'benchmark');
  checkNotPrices(input.returns, 'returns');
  if (input.benchmark !== undefined) checkNotPrices(input.benchmark, 'benchmark');
  const { returns: r, dates, benchmark: b } = input;
  const ppy = checkPositiveOption(input.periodsPerYear ?? 252, 'periodsPerYear');
  checkSameLength(r, dates, 'returns vs dates');
  if (b) checkSameLength(r, b, 'returns vs benchmark');
  checkDates(dates);
  const s = firstUsable(r, b);
  const n = r.length - s;

  // Pass 1: validate, NAVs, drawdowns, month and year ends.
  let nav = 1;
  let bnav = 1;
  let peak = 1;
  let relPeak = 1;
  let mdd = 0;
  let relMdd = 0;
  let sum = 0;
  let relSum = 0;
  let maxAbs = 0; // largest |return| and |relative return|, to scale the sums of squares
  let relMaxAbs = 0;
  let monthsWon = 0;
  let months = 0;
  let prevMonthValue = 1;
  let nYears = 0;
  for (let i = s; i < r.length; i++) {
    if (i + 1 === r.length || ymdYear(dates[i]!) !== ymdYear(dates[i + 1]!)) nYears++;
  }
  const yearly: YearlyReturns = {
    years: new Int32Array(nYears),
    returns: new Float64Array(nYears),
    benchmark: new Float64Array(nYears).fill(Number.NaN),
    excess: new Float64Array(nYears).fill(Number.NaN),
  };
  let y = 0;
  let navYearStart = 1;
  let bnavYearStart = 1;
  for (let i = s; i < r.length; i++) {
    const d = dates[i]!;
    const ri = r[i]!;
    checkReturn(ri, 'returns', i, d, false);
    nav *= 1 + ri;
    sum += ri;
    if (Math.abs(ri) > maxAbs) maxAbs = Math.abs(ri);
    if (nav > peak) peak = nav;
    const dd = 1 - nav / peak;
    if (dd > mdd) mdd = dd;
    let rel = nav;
    if (b) {
      const bi = b[i]!;
      checkReturn(bi, 'benchmark', i, d, true);
      bnav *= 1 + bi;
      rel = nav / bnav;
      const q = (1 + ri) / (1 + bi) - 1;
      relSum += q;
      if (Math.abs(q) > relMaxAbs) relMaxAbs = Math.abs(q);
      if (rel > relPeak) relPeak = rel;
      const rdd = 1 - rel / relPeak;
      if (rdd > relMdd) relMdd = rdd;
    }
    const last = i + 1 === r.length;
    if (last || ymdMonth(d) !== ymdMonth(dates[i + 1]!)) {
      months++;
      if (rel > prevMonthValue) monthsWon++;
      prevMonthValue = rel;
    }
    if (last || ymdYear(d) !== ymdYear(dates[i + 1]!)) {
      yearly.years[y] = ymdYear(d);
      yearly.returns[y] = nav / navYearStart - 1;
      if (b) {
        yearly.benchmark[y] = bnav / bnavYearStart - 1;
        yearly.excess[y] = (1 + yearly.returns[y]!) / (1 + yearly.benchmark[y]!) - 1;
      }
      navYearStart = nav;
      bnavYearStart = bnav;
      y++;
    }
  }

  // Pass 2: centred sums of squares for the volatilities. Returns beyond [2^-400, 2^400] in
  // magnitude are scaled by a power of two (k, exact) so the squares neither overflow nor
  // underflow; ordinary returns take k = 1 and the plain computation.
  const k = rescaleFactor(maxAbs);
  const relK = rescaleFactor(relMaxAbs);
  const mean = sum / n;
  const relMean = relSum / n;
  let ss = 0;
  let relSs = 0;
  for (let i = s; i < r.length; i++) {
    const ri = r[i]!;
    const d = (ri - mean) * k;
    ss += d * d;
    if (b) {
      const q = ((1 + ri) / (1 + b[i]!) - 1 - relMean) * relK;
      relSs += q * q;
    }
  }
  const nan = Number.NaN;
  const annualReturn = n > 0 ? nav ** (ppy / n) - 1 : nan;
  const annualVolatility = n >= 2 ? (Math.sqrt(ss / (n - 1)) / k) * Math.sqrt(ppy) : nan;
  const benchmarkAnnualReturn = b && n > 0 ? bnav ** (ppy / n) - 1 : nan;
  const excessAnnualReturn = b && n > 0 ? (nav / bnav) ** (ppy / n) - 1 : nan;
  const trackingError = b && n >= 2 ? (Math.sqrt(relSs / (n - 1)) / relK) * Math.sqrt(ppy) : nan;
  const excessMaxDrawdown = b && n > 0 ? relMdd : nan;
  const maxDrawdown = n > 0 ? mdd : nan;
  return {
    start: n > 0 ? dates[s]! : 0,
    end: n > 0 ? dates[r.length - 1]! : 0,
    count: n,
    totalReturn: n > 0 ? nav - 1 : nan,
    annualReturn,
    annualVolatility,
    sharpe: ratio(annualReturn, annualVolatility),
    maxDrawdown,
    benchmarkAnnualReturn,
    excessAnnualReturn,
    trackingError,
    excessMaxDrawdown,
    informationRatio: ratio(excessAnnualReturn, trackingError),
    calmar: b ? ratio(excessAnnualReturn, excessMaxDrawdown) : ratio(annualReturn, maxDrawdown),
    monthlyWinRate: months > 0 ? monthsWon / months : nan,
    months,
    yearly,
  };
}

/** a / b, NaN when b is 0 or either is NaN. */
function ratio(a: number, b: number): number {
  return b !== 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : Number.NaN;
}
