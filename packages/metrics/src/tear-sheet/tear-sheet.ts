import { checkAlignedFactor } from '../internal/validate.js';
import type { AlignedFactor, AlignLoss } from './align.js';
import {
  type AlphaBeta,
  cumulativeReturns,
  factorAlphaBeta,
  factorIC,
  factorRankAutocorrelation,
  factorReturns,
  type GroupIc,
  type IcStatistics,
  icByGroup,
  icStatistics,
  meanReturnByQuantile,
  type QQPoints,
  type QuantileReturns,
  qqNormal,
  quantileTurnover,
} from './stats.js';

/** Every number of a factor tear sheet (see {@link factorTearSheet}); `[i]` indexes `periods`. */
export interface FactorTearSheet {
  periods: readonly number[];
  /** The aligned dates (`yyyymmdd`). */
  dates: Int32Array;
  nQuantiles: number;
  loss: AlignLoss;
  warnings: readonly string[];
  /** Per-date RankIC per horizon, its statistics, normal Q-Q points and monthly means. */
  ic: {
    series: Float64Array[];
    stats: IcStatistics[];
    qq: QQPoints[];
    /** Calendar months (`yyyymm`) with at least one aligned date, and the mean IC of each (NaN skipped). */
    months: Int32Array;
    monthlyMean: Float64Array[];
  };
  /** Mean RankIC per group; absent without groups. */
  icByGroup?: GroupIc;
  /** Mean (demeaned) forward return per quantile with standard errors, overall and per date. */
  quantileReturns: QuantileReturns;
  /** Top minus bottom quantile (the highest and lowest labels with rows): mean and standard error per horizon. */
  spread: { top: number; bottom: number; mean: Float64Array; stdErr: Float64Array };
  /** Factor-weighted long-short return per date and horizon. */
  factorReturns: Float64Array[];
  alphaBeta: AlphaBeta;
  /** Growth curves of the first horizon: per quantile (demeaned by-date means) and the factor-weighted long-short. */
  cumulative: { period: number; quantiles: Float64Array[]; longShort: Float64Array };
  /** `turnover[i][q - 1]`: {@link quantileTurnover} of quantile q with period `periods[i]`; `meanTurnover` likewise (NaN skipped). */
  turnover: Float64Array[][];
  meanTurnover: Float64Array[];
  /** {@link factorRankAutocorrelation} per horizon, and its mean (NaN skipped). */
  autocorrelation: Float64Array[];
  meanAutocorrelation: Float64Array;
}

function nanMean(x: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) {
      s += x[i]!;
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}

/**
 * Every statistic of alphalens' full tear sheet (`create_full_tear_sheet`, long-short, not
 * group-neutral) from one aligned table: IC series and information table per horizon, IC by group,
 * monthly IC, demeaned quantile mean returns with standard errors, the top-bottom spread,
 * factor-weighted returns with alpha/beta, cumulative returns of the first horizon, quantile
 * turnover and factor rank autocorrelation. Render it with `@hfq/report`'s `renderTearSheet`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `aligned` is not an `AlignedFactor`.
 */
export function factorTearSheet(
  aligned: AlignedFactor,
  options: { periodsPerYear?: number } = {},
): FactorTearSheet {
  checkAlignedFactor(aligned);
  const { periods, dates, nQuantiles: Q } = aligned;
  const nD = dates.length;
  const series = factorIC(aligned).ic;
  const monthList: number[] = [];
  const monthOf = Int32Array.from(dates, (d) => Math.floor(d / 100));
  for (const m of monthOf) if (monthList[monthList.length - 1] !== m) monthList.push(m);
  const monthlyMean = series.map((s) =>
    Float64Array.from(monthList, (m) => nanMean(s.filter((_, d) => monthOf[d] === m))),
  );
  const qr = meanReturnByQuantile(aligned);
  const present: number[] = [];
  for (let q = 0; q < Q; q++) if (!Number.isNaN(qr.mean[0]![q]!)) present.push(q + 1);
  const top = present[present.length - 1] ?? Q;
  const bottom = present[0] ?? 1;
  const spreadMean = new Float64Array(periods.length);
  const spreadSe = new Float64Array(periods.length);
  periods.forEach((_, i) => {
    const bm = qr.byDate.mean[i]!;
    const bs = qr.byDate.stdErr[i]!;
    const diff = Float64Array.from(
      { length: nD },
      (_, d) => bm[(top - 1) * nD + d]! - bm[(bottom - 1) * nD + d]!,
    );
    spreadMean[i] = nanMean(diff);
    const se = Float64Array.from({ length: nD }, (_, d) =>
      Math.sqrt(bs[(top - 1) * nD + d]! ** 2 + bs[(bottom - 1) * nD + d]! ** 2),
    );
    spreadSe[i] = nanMean(se);
  });
  const fr = factorReturns(aligned);
  const p0 = periods[0]!;
  const turnover = periods.map((p) =>
    Array.from({ length: Q }, (_, q) => quantileTurnover(aligned, q + 1, p)),
  );
  const autocorrelation = periods.map((p) => factorRankAutocorrelation(aligned, p));
  return {
    periods,
    dates,
    nQuantiles: Q,
    loss: aligned.loss,
    warnings: aligned.warnings,
    ic: {
      series,
      stats: series.map(icStatistics),
      qq: series.map(qqNormal),
      months: Int32Array.from(monthList),
      monthlyMean,
    },
    ...(aligned.groups ? { icByGroup: icByGroup(aligned) } : {}),
    quantileReturns: qr,
    spread: { top, bottom, mean: spreadMean, stdErr: spreadSe },
    factorReturns: fr,
    alphaBeta: factorAlphaBeta(aligned, options),
    cumulative: {
      period: p0,
      quantiles: Array.from({ length: Q }, (_, q) =>
        cumulativeReturns(qr.byDate.mean[0]!.subarray(q * nD, (q + 1) * nD), p0),
      ),
      longShort: cumulativeReturns(fr[0]!, p0),
    },
    turnover,
    meanTurnover: turnover.map((byQ) => Float64Array.from(byQ, nanMean)),
    autocorrelation,
    meanAutocorrelation: Float64Array.from(autocorrelation, nanMean),
  };
}
