import { averageRank, normalQuantile } from '@hfq/core';
import { metricsError } from '../errors.js';
import { ic, rankIC } from '../ic/ic.js';
import { type IcSummary, icSummary } from '../ic/ic-summary.js';
import { checkIntOption, checkPositiveOption } from '../internal/checks.js';
import { checkAlignedFactor, checkNumbers } from '../internal/validate.js';
import type { AlignedFactor } from './align.js';
import { studentTwoSidedP } from './distributions.js';

/** {@link icSummary} plus the tests of alphalens' information table. */
export interface IcStatistics extends IcSummary {
  /** Two-sided p-value of `tStat` (scipy `ttest_1samp(ic, 0)`, n - 1 degrees of freedom); NaN with fewer than 2 values. */
  pValue: number;
  /** Sample skewness, biased (scipy `stats.skew`: m3 / m2^1.5); NaN for fewer than 2 values or a constant series (m2 <= (1e-15 mean)^2, as scipy). */
  skew: number;
  /** Excess kurtosis, biased (scipy `stats.kurtosis`: m4 / m2^2 - 3); NaN like `skew`. */
  kurtosis: number;
}

/**
 * alphalens' IC information table for one series ("IC Mean", "IC Std.", "Risk-Adjusted IC",
 * "t-stat(IC)", "p-value(IC)", "IC Skew", "IC Kurtosis") over its finite values (NaN and
 * +-Infinity skipped; scipy would propagate a NaN). Takes a typed array or `number[]`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `series` is not an array of numbers.
 */
export function icStatistics(series: ArrayLike<number>): IcStatistics {
  const s = icSummary(series);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (!Number.isFinite(v)) continue;
    const d = v - s.mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const n = s.count;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // scipy's test for a constant series (float64 resolution 1e-15): a mean that is not exactly
  // representable leaves tiny deviations whose m3 / m2^1.5 is noise, not a skew.
  const shaped = n >= 2 && m2 > (1e-15 * s.mean) ** 2;
  return {
    ...s,
    pValue: n >= 2 ? studentTwoSidedP(s.tStat, n - 1) : Number.NaN,
    skew: shaped ? m3 / m2 ** 1.5 : Number.NaN,
    kurtosis: shaped ? m4 / (m2 * m2) - 3 : Number.NaN,
  };
}

/** Per-date RankIC of each horizon (see {@link factorIC}). */
export interface FactorIc {
  /** `aligned.dates`. */
  dates: Int32Array;
  /** `ic[i][d]`: Spearman correlation of factor and `periods[i]` forward return on `dates[d]` (NaN if < 2 rows or a constant side). */
  ic: Float64Array[];
}

/**
 * alphalens' `factor_information_coefficient`: per date and horizon, the Spearman rank
 * correlation ({@link rankIC}) of the factor with the forward return over that date's aligned
 * rows. O(rows log rows) per horizon.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `aligned` is not an `AlignedFactor`.
 */
export function factorIC(aligned: AlignedFactor): FactorIc {
  checkAlignedFactor(aligned);
  const { dates, dateStart, factor, forward } = aligned;
  const out = forward.map((f) => {
    const s = new Float64Array(dates.length);
    for (let d = 0; d < dates.length; d++) {
      const a = dateStart[d]!;
      const b = dateStart[d + 1]!;
      s[d] = rankIC(factor.subarray(a, b), f.subarray(a, b));
    }
    return s;
  });
  return { dates, ic: out };
}

/** Mean IC per group (see {@link icByGroup}). */
export interface GroupIc {
  groups: readonly string[];
  /** `mean[i][g]`: mean over dates of the per-date RankIC of `groups[g]`'s rows, horizon `periods[i]` (NaN dates skipped). */
  mean: Float64Array[];
  /** `count[i][g]`: dates with a finite IC. */
  count: Int32Array[];
}

/**
 * alphalens' `mean_information_coefficient(by_group=True)`: per date and group the Spearman IC of
 * the group's rows, then its mean over dates (a group with fewer than 2 rows or a constant side
 * on a date adds nothing that date).
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `aligned` has no groups (pass `groupBy` to `alignFactor`).
 */
export function icByGroup(aligned: AlignedFactor): GroupIc {
  checkAlignedFactor(aligned);
  const { groups, group, dates, dateStart, factor, forward } = aligned;
  if (!groups || !group) {
    throw metricsError('METRICS_BAD_INPUT', 'icByGroup needs groups: pass groupBy to alignFactor', {
      field: 'aligned.groups',
    });
  }
  const nG = groups.length;
  const mean = forward.map(() => new Float64Array(nG));
  const count = forward.map(() => new Int32Array(nG));
  const xs: number[][] = Array.from({ length: nG }, () => []);
  const ys: number[][] = Array.from({ length: nG }, () => []);
  forward.forEach((f, i) => {
    for (let d = 0; d < dates.length; d++) {
      for (let g = 0; g < nG; g++) {
        xs[g]!.length = 0;
        ys[g]!.length = 0;
      }
      for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) {
        xs[group[r]!]!.push(factor[r]!);
        ys[group[r]!]!.push(f[r]!);
      }
      for (let g = 0; g < nG; g++) {
        const v = xs[g]!.length >= 2 ? rankIC(xs[g]!, ys[g]!) : Number.NaN;
        if (Number.isFinite(v)) {
          mean[i]![g]! += v;
          count[i]![g]!++;
        }
      }
    }
    for (let g = 0; g < nG; g++) mean[i]![g] = count[i]![g]! > 0 ? mean[i]![g]! / count[i]![g]! : Number.NaN;
  });
  return { groups, mean, count };
}

/** Forward returns minus each date's mean over its aligned rows (alphalens' `demean_forward_returns`). */
function demeaned(aligned: AlignedFactor): Float64Array[] {
  const { dates, dateStart } = aligned;
  return aligned.forward.map((f) => {
    const out = new Float64Array(f.length);
    for (let d = 0; d < dates.length; d++) {
      const a = dateStart[d]!;
      const b = dateStart[d + 1]!;
      let s = 0;
      for (let r = a; r < b; r++) s += f[r]!;
      const m = s / (b - a);
      for (let r = a; r < b; r++) out[r] = f[r]! - m;
    }
    return out;
  });
}

/** Options of the quantile-return and factor-return functions. */
export interface DemeanOptions {
  /** Subtract each date's mean forward return over the aligned rows first (alphalens' `demeaned`, the tear sheet's long-short view). Default true. */
  demeaned?: boolean;
}

/** Mean forward return per quantile (see {@link meanReturnByQuantile}). Fractions per horizon, not annualised. */
export interface QuantileReturns {
  /** Quantile labels 1..nQuantiles. */
  quantiles: number[];
  /** `mean[i][q - 1]`: mean over dates of the quantile's per-date mean, horizon `periods[i]`; NaN if the quantile never has rows. */
  mean: Float64Array[];
  /** `stdErr[i][q - 1]`: sample std (n - 1) of those per-date means / sqrt(dates); NaN with fewer than 2 dates. */
  stdErr: Float64Array[];
  /** Per date: `byDate.mean[i][(q - 1) * dates + d]` and its standard error (std of the rows / sqrt(rows); NaN for 1 row). */
  byDate: { dates: Int32Array; mean: Float64Array[]; stdErr: Float64Array[] };
}

/**
 * alphalens' `mean_return_by_quantile` with and without `by_date`, with the standard errors it
 * returns: per date and quantile the mean (and std / sqrt(count)) of the rows' forward returns;
 * then per quantile the mean over dates of those means and their std / sqrt(dates). NaN where a
 * quantile has no rows.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `aligned` is not an `AlignedFactor`.
 */
export function meanReturnByQuantile(aligned: AlignedFactor, options: DemeanOptions = {}): QuantileReturns {
  checkAlignedFactor(aligned);
  const { dates, dateStart, quantile, nQuantiles: Q } = aligned;
  const nD = dates.length;
  const cols = options.demeaned === false ? aligned.forward : demeaned(aligned);
  const quantiles = Array.from({ length: Q }, (_, q) => q + 1);
  const mean: Float64Array[] = [];
  const stdErr: Float64Array[] = [];
  const byMean: Float64Array[] = [];
  const bySe: Float64Array[] = [];
  for (const f of cols) {
    const bm = new Float64Array(Q * nD).fill(Number.NaN);
    const bs = new Float64Array(Q * nD).fill(Number.NaN);
    const sum = new Float64Array(Q);
    const cnt = new Int32Array(Q);
    for (let d = 0; d < nD; d++) {
      sum.fill(0);
      cnt.fill(0);
      for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) {
        sum[quantile[r]! - 1]! += f[r]!;
        cnt[quantile[r]! - 1]!++;
      }
      for (let q = 0; q < Q; q++) if (cnt[q]! > 0) bm[q * nD + d] = sum[q]! / cnt[q]!;
      sum.fill(0);
      for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) {
        const q = quantile[r]! - 1;
        const e = f[r]! - bm[q * nD + d]!;
        sum[q]! += e * e;
      }
      for (let q = 0; q < Q; q++) {
        if (cnt[q]! > 1) bs[q * nD + d] = Math.sqrt(sum[q]! / (cnt[q]! - 1)) / Math.sqrt(cnt[q]!);
      }
    }
    const m = new Float64Array(Q);
    const se = new Float64Array(Q);
    for (let q = 0; q < Q; q++) {
      const s = icSummary(bm.subarray(q * nD, (q + 1) * nD));
      m[q] = s.mean;
      se[q] = s.std / Math.sqrt(s.count);
    }
    mean.push(m);
    stdErr.push(se);
    byMean.push(bm);
    bySe.push(bs);
  }
  return { quantiles, mean, stdErr, byDate: { dates, mean: byMean, stdErr: bySe } };
}

/**
 * alphalens' `factor_weights` (not equal-weight, not group-adjusted): per date, the factor minus
 * its mean over the date's rows (when `demeaned`, the default), divided by the sum of absolute
 * values, so each date's weights have absolute sum 1 (and sum 0 when demeaned). NaN on a date
 * whose factor is constant (demeaned) or all 0. One weight per aligned row.
 */
export function factorWeights(aligned: AlignedFactor, options: DemeanOptions = {}): Float64Array {
  checkAlignedFactor(aligned);
  const { dates, dateStart, factor } = aligned;
  const w = new Float64Array(factor.length);
  for (let d = 0; d < dates.length; d++) {
    const a = dateStart[d]!;
    const b = dateStart[d + 1]!;
    let m = 0;
    if (options.demeaned !== false) {
      for (let r = a; r < b; r++) m += factor[r]!;
      m /= b - a;
    }
    let abs = 0;
    for (let r = a; r < b; r++) abs += Math.abs(factor[r]! - m);
    for (let r = a; r < b; r++) w[r] = abs > 0 ? (factor[r]! - m) / abs : Number.NaN;
  }
  return w;
}

/**
 * alphalens' `factor_returns`: per date and horizon, the sum over the date's rows of
 * {@link factorWeights} x forward return: the return of the factor-weighted long-short portfolio
 * over the horizon. `out[i][d]` for `periods[i]`, `dates[d]`; NaN where the weights are NaN.
 */
export function factorReturns(aligned: AlignedFactor, options: DemeanOptions = {}): Float64Array[] {
  const w = factorWeights(aligned, options);
  const { dates, dateStart } = aligned;
  return aligned.forward.map((f) => {
    const out = new Float64Array(dates.length);
    for (let d = 0; d < dates.length; d++) {
      let s = 0;
      for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) s += w[r]! * f[r]!;
      out[d] = s;
    }
    return out;
  });
}

/** Alpha and beta of the factor-weighted portfolio against the universe, per horizon. */
export interface AlphaBeta {
  /** OLS intercept per horizon, a fraction per horizon. */
  alpha: Float64Array;
  /** (1 + alpha)^(periodsPerYear / period) - 1, alphalens' "Ann. alpha". */
  annualAlpha: Float64Array;
  /** OLS slope per horizon. */
  beta: Float64Array;
}

/**
 * alphalens' `factor_alpha_beta`: per horizon, the OLS fit of {@link factorReturns} on the
 * universe's mean forward return (per date, the plain mean over the aligned rows) over all dates;
 * alpha annualised as `(1 + alpha)^(periodsPerYear / period) - 1` (alphalens: 252 days / period).
 * NaN with fewer than 2 dates or a constant universe return.
 *
 * @throws HfqError `METRICS_INVALID_OPTION` for a bad `periodsPerYear`.
 */
export function factorAlphaBeta(
  aligned: AlignedFactor,
  options: DemeanOptions & { periodsPerYear?: number } = {},
): AlphaBeta {
  const ppy = checkPositiveOption(options.periodsPerYear ?? 252, 'periodsPerYear');
  const y = factorReturns(aligned, options);
  const { dates, dateStart, periods } = aligned;
  const nD = dates.length;
  const alpha = new Float64Array(periods.length);
  const beta = new Float64Array(periods.length);
  const annualAlpha = new Float64Array(periods.length);
  aligned.forward.forEach((f, i) => {
    const x = new Float64Array(nD);
    for (let d = 0; d < nD; d++) {
      let s = 0;
      for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) s += f[r]!;
      x[d] = s / (dateStart[d + 1]! - dateStart[d]!);
    }
    const yi = y[i]!;
    let mx = 0;
    let my = 0;
    for (let d = 0; d < nD; d++) {
      mx += x[d]!;
      my += yi[d]!;
    }
    mx /= nD;
    my /= nD;
    let sxx = 0;
    let sxy = 0;
    for (let d = 0; d < nD; d++) {
      sxx += (x[d]! - mx) ** 2;
      sxy += (x[d]! - mx) * (yi[d]! - my);
    }
    const b = nD >= 2 && sxx > 0 ? sxy / sxx : Number.NaN;
    beta[i] = b;
    alpha[i] = my - b * mx;
    annualAlpha[i] = (1 + alpha[i]!) ** (ppy / periods[i]!) - 1;
  });
  return { alpha, annualAlpha, beta };
}

/**
 * alphalens' `quantile_turnover`: for each date on which quantile `q` has rows, the share of its
 * assets that were not in it `period` such dates earlier (dates where the quantile is empty do not
 * count as steps). One value per aligned date; NaN on the first `period` such dates and where the
 * quantile is empty. A fraction in [0, 1].
 *
 * @throws HfqError `METRICS_INVALID_OPTION` for a `quantile` or `period` out of range.
 */
export function quantileTurnover(aligned: AlignedFactor, q: number, period = 1): Float64Array {
  checkAlignedFactor(aligned);
  checkIntOption(q, 'quantile', 1, aligned.nQuantiles);
  checkIntOption(period, 'period', 1);
  const { dates, dateStart, quantile, asset } = aligned;
  const out = new Float64Array(dates.length).fill(Number.NaN);
  const sets: Array<{ d: number; ids: Set<number> }> = [];
  for (let d = 0; d < dates.length; d++) {
    const ids = new Set<number>();
    for (let r = dateStart[d]!; r < dateStart[d + 1]!; r++) if (quantile[r] === q) ids.add(asset[r]!);
    if (ids.size > 0) sets.push({ d, ids });
  }
  for (let k = period; k < sets.length; k++) {
    const now = sets[k]!;
    const before = sets[k - period]!.ids;
    let fresh = 0;
    for (const id of now.ids) if (!before.has(id)) fresh++;
    out[now.d] = fresh / now.ids.size;
  }
  return out;
}

/**
 * alphalens' `factor_rank_autocorrelation`: per date, the Pearson correlation between each asset's
 * factor rank that date (average ranks among the date's rows) and its rank `period` aligned dates
 * earlier, over the assets present on both. NaN on the first `period` dates and where fewer than
 * 2 assets are shared. Low values mean a high-turnover factor.
 *
 * @throws HfqError `METRICS_INVALID_OPTION` for a bad `period`.
 */
export function factorRankAutocorrelation(aligned: AlignedFactor, period = 1): Float64Array {
  checkAlignedFactor(aligned);
  checkIntOption(period, 'period', 1);
  const { dates, dateStart, factor, asset, assets } = aligned;
  const nD = dates.length;
  const nA = assets.length;
  const ranks = new Float64Array(nD * nA).fill(Number.NaN);
  for (let d = 0; d < nD; d++) {
    const a = dateStart[d]!;
    const r = averageRank(factor.subarray(a, dateStart[d + 1]!));
    for (let k = 0; k < r.length; k++) ranks[d * nA + asset[a + k]!] = r[k]!;
  }
  const out = new Float64Array(nD).fill(Number.NaN);
  for (let d = period; d < nD; d++) {
    out[d] = ic(
      ranks.subarray(d * nA, (d + 1) * nA),
      ranks.subarray((d - period) * nA, (d - period + 1) * nA),
    );
  }
  return out;
}

/**
 * Compounds per-date returns of horizon `period` into a growth curve starting from 1:
 * `out[d] = prod over s <= d of (1 + r[s])^(1 / period)`, each overlapping `period`-day return
 * counted as its daily rate (alphalens' `rate_of_return`); for `period` 1 the plain cumulative
 * product. NaN returns add nothing. Takes a typed array or `number[]`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` for a non-numeric series; `METRICS_INVALID_OPTION` for a bad period.
 */
export function cumulativeReturns(returns: ArrayLike<number>, period = 1): Float64Array {
  checkNumbers(returns, 'returns');
  checkIntOption(period, 'period', 1);
  const out = new Float64Array(returns.length);
  let v = 1;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (Number.isFinite(r)) v *= period === 1 ? 1 + r : (1 + r) ** (1 / period);
    out[i] = v;
  }
  return out;
}

/** Points of a normal Q-Q plot (see {@link qqNormal}). */
export interface QQPoints {
  /** Standard normal quantiles at i / (n + 1), i = 1..n. */
  theoretical: Float64Array;
  /** The finite values, sorted and standardised by their mean and population std (ddof 0). */
  sample: Float64Array;
}

/**
 * Normal Q-Q points of a series, as alphalens' `plot_ic_qq` draws them (statsmodels `qqplot` with
 * `fit=True`): finite values sorted and standardised, against `normalQuantile(i / (n + 1))`.
 * Empty arrays when fewer than 2 finite values or a constant series.
 */
export function qqNormal(series: ArrayLike<number>): QQPoints {
  checkNumbers(series, 'series');
  const xs: number[] = [];
  for (let i = 0; i < series.length; i++) if (Number.isFinite(series[i]!)) xs.push(series[i]!);
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  const sd = Math.sqrt(ss / n);
  if (n < 2 || !(sd > 0)) return { theoretical: new Float64Array(0), sample: new Float64Array(0) };
  const sample = Float64Array.from(xs, (x) => (x - m) / sd).sort();
  const theoretical = Float64Array.from({ length: n }, (_, i) => normalQuantile((i + 1) / (n + 1)));
  return { theoretical, sample };
}
