import { type Panel, ProgressReporter, type TaskOptions } from '@hfq/core';
import { pearsonCompact, SpearmanWorkspace } from '../correlation/kernels.js';
import { metricsError } from '../errors.js';
import { checkIntOption } from '../internal/checks.js';
import { checkAligned, checkNotPrices, checkNumbers, checkPanel } from '../internal/validate.js';

/** Options of {@link icSeries} and {@link rankICSeries}. */
export interface IcSeriesOptions extends TaskOptions {
  /**
   * Fewest finite (factor, return) pairs a date needs; dates with fewer get NaN. Default 2, the
   * mathematical minimum, so that `icSeries(...)[t]` equals `ic` of that date's rows (and
   * `rankICSeries(...)[t]` equals `rankIC`). Raise it (e.g. 30) for a small or patchy universe.
   */
  minAssets?: number;
  /**
   * Optional inclusion mask (dates x assets, aligned by date value and asset id): an asset takes
   * part on a date only where the mask is finite and non-zero. Dates absent from the mask get NaN.
   * Use it for the study's universe (no ST, not suspended or limit-up on T+1).
   */
  universe?: Panel;
}

/** Maps each asset of `from` to its column in `to` (-1 when absent). */
export function assetMap(from: readonly string[], to: Panel): Int32Array {
  const out = new Int32Array(from.length);
  for (let a = 0; a < from.length; a++) out[a] = to.assetIndex(from[a]!);
  return out;
}

/**
 * The per-date cross-sectional IC, the Pearson correlation on raw values (as {@link ic}), of
 * `factor` against `forward` (usually `forwardReturns(close, 1, 6)`): one value per date of
 * `factor`, in `factor`'s date order. For the study's RankIC use {@link rankICSeries}.
 *
 * Alignment: for each factor date, `forward`'s row with the same date value is used (none -> NaN);
 * assets are matched by id, and factor assets missing from `forward` take no part. Per date, only
 * pairs with both values finite (and in `universe`, when given) count; fewer than `minAssets`
 * pairs, or a constant side, give NaN. Values of any finite magnitude (1e-300 to 1e300) are
 * handled: each date is rescaled by a power of two before the sums of squares. Partial overlap is
 * allowed (unmatched dates are NaN, unmatched assets take no part); no date or no asset in
 * common is an error, as is a `forward` panel that holds prices (more than half its finite cells
 * with |r| > 10).
 *
 * Cost: O(dates x assets), no allocation per date. Reports progress per date
 * (`stage: 'icSeries'`) and honours `signal`.
 *
 * @returns a fraction per date (not percent), NaN where undefined.
 * @throws HfqError `METRICS_INVALID_OPTION` for a bad `minAssets`, or a `method` option (the
 *   former `icSeries({ method })`: call `icSeries` for Pearson, `rankICSeries` for Spearman);
 *   `METRICS_BAD_INPUT` when `factor`, `forward` or `universe` is not a `Panel`;
 *   `METRICS_ALIGNMENT` when `factor` and `forward` (or `universe`) share no date or no asset
 *   id (the message counts the matches and quotes unmatched ids from each side);
 *   `METRICS_BAD_RETURN` when `forward` looks like prices; `ABORTED`.
 */
export function icSeries(factor: Panel, forward: Panel, options: IcSeriesOptions = {}): Float64Array {
  checkPanel(forward, 'forward');
  checkNotPrices(forward, 'forward');
  return correlationSeries(factor, forward, options, 'pearson', 'icSeries');
}

/**
 * The per-date cross-sectional RankIC, the Spearman correlation (as {@link rankIC}: Pearson of
 * average ranks, ties share the mean rank, ranked among the kept pairs), of `factor` against
 * `forward`: the study's and alphalens' measure. Alignment, `minAssets`, `universe` and NaN
 * handling as {@link icSeries}.
 *
 * Cost: O(dates x assets log assets), no allocation per date. Reports progress per date
 * (`stage: 'rankICSeries'`) and honours `signal`.
 *
 * @returns a fraction per date (not percent), NaN where undefined.
 * @throws HfqError `METRICS_INVALID_OPTION` for a bad `minAssets` or a `method` option;
 *   `METRICS_BAD_INPUT`, `METRICS_ALIGNMENT`, `METRICS_BAD_RETURN` as {@link icSeries}; `ABORTED`.
 */
export function rankICSeries(factor: Panel, forward: Panel, options: IcSeriesOptions = {}): Float64Array {
  checkPanel(forward, 'forward');
  checkNotPrices(forward, 'forward');
  return correlationSeries(factor, forward, options, 'spearman', 'rankICSeries');
}

/** The shared loop of {@link icSeries} and {@link rankICSeries}. */
export function correlationSeries(
  factor: Panel,
  forward: Panel,
  options: IcSeriesOptions,
  method: 'pearson' | 'spearman',
  stage: string,
): Float64Array {
  if ((options as { method?: unknown }).method !== undefined) {
    throw metricsError(
      'METRICS_INVALID_OPTION',
      `${stage} takes no method option (got ${String((options as { method?: unknown }).method)}): icSeries is Pearson, rankICSeries is Spearman`,
      { field: 'method' },
    );
  }
  const minAssets = checkIntOption(options.minAssets ?? 2, 'minAssets', 2);
  checkPanel(factor, 'factor');
  checkPanel(forward, 'forward');
  checkAligned(factor, forward, 'factor', 'forward');
  if (options.universe !== undefined) {
    checkPanel(options.universe, 'universe');
    checkAligned(factor, options.universe, 'factor', 'universe');
  }
  const nDates = factor.nDates;
  const nA = factor.nAssets;
  const out = new Float64Array(nDates).fill(Number.NaN);
  const fwdCols = assetMap(factor.assets, forward);
  const universe = options.universe;
  const uniCols = universe ? assetMap(factor.assets, universe) : undefined;
  const fv = factor.values;
  const rv = forward.values;
  const nF = forward.nAssets;
  const nU = universe?.nAssets ?? 0;
  const cx = new Float64Array(nA);
  const cy = new Float64Array(nA);
  const ws = method === 'spearman' ? new SpearmanWorkspace(nA) : undefined;
  const progress = new ProgressReporter(options, stage, nDates, 'dates');

  for (let t = 0; t < nDates; t++) {
    const date = factor.dates[t]!;
    const tf = forward.dateIndex(date);
    const tu = universe ? universe.dateIndex(date) : 0;
    if (tf >= 0 && tu >= 0) {
      const fBase = t * nA;
      const rBase = tf * nF;
      const uBase = tu * nU;
      let m = 0;
      for (let a = 0; a < nA; a++) {
        const j = fwdCols[a]!;
        if (j < 0) continue;
        const x = fv[fBase + a]!;
        const y = rv[rBase + j]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (uniCols) {
          const u = uniCols[a]!;
          if (u < 0) continue;
          const flag = universe!.values[uBase + u]!;
          if (!Number.isFinite(flag) || flag === 0) continue;
        }
        cx[m] = x;
        cy[m++] = y;
      }
      if (m >= minAssets) out[t] = ws ? ws.spearman(cx, cy, m) : pearsonCompact(cx, cy, m);
    }
    progress.tick();
  }
  return out;
}

/**
 * Running sum of an IC series, skipping NaN (a NaN date adds nothing): the "cumulative RankIC"
 * curve of the study's charts. Same length as the input; a fraction, not percent. Takes a typed
 * array or a plain `number[]`.
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `series` is not an array of numbers, with the index.
 */
export function cumulativeIC(series: ArrayLike<number>): Float64Array {
  checkNumbers(series, 'series');
  const out = new Float64Array(series.length);
  let s = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (Number.isFinite(v)) s += v;
    out[i] = s;
  }
  return out;
}
