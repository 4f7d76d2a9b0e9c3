import type { Panel, TaskOptions } from '@hfq/core';
import { checkIntOption, checkMethod } from '../internal/checks.js';
import { checkAligned, checkPanel } from '../internal/validate.js';
import { correlationSeries } from './ic-series.js';
import { type IcSummary, icSummary } from './ic-summary.js';
import { forwardReturns } from './returns.js';

/** Options of {@link icDecay}. */
export interface IcDecayOptions extends TaskOptions {
  /** Horizons in trading days; default 1..10. */
  horizons?: number[];
  /** First day of the return window after the factor date; default 1 (trade at T+1). */
  from?: number;
  /** `'single'`: the return of day from+h-1 -> from+h alone; `'cumulative'` (default): from -> from+h. */
  mode?: 'single' | 'cumulative';
  /** Required: `'spearman'` for RankIC (as `rankICSeries`), `'pearson'` for IC (as `icSeries`). */
  method: 'pearson' | 'spearman';
  minAssets?: number;
  /** Adjustment factors for `close` (see `forwardReturns`). */
  adjFactor?: Panel;
  /** Restrict to these factor dates (e.g. `rebalanceDates(factor.dates, 'weekly')`); default every date. */
  dates?: ArrayLike<number>;
}

/** IC summary per horizon (structure of arrays, aligned with `horizons`). */
export interface IcDecay {
  horizons: Int32Array;
  summaries: IcSummary[];
  /** `summaries[k].mean`, as an array for charts. */
  mean: Float64Array;
}

/**
 * How a factor's IC changes with the return horizon: for each horizon h, the IC series against
 * single-day returns (close T+from+h-1 -> T+from+h) or cumulative returns (close T+from ->
 * T+from+h), summarised. The study: single-day RankIC falls with h, cumulative RankIC rises.
 *
 * Allocates one forward-return panel per horizon (released after use).
 *
 * @throws HfqError `METRICS_BAD_INPUT` when `factor` or `close` is not a `Panel`;
 *   `METRICS_ALIGNMENT` when they share no date or no asset id (partial overlap is fine); the
 *   errors of `forwardReturns` and `icSeries`.
 */
export function icDecay(factor: Panel, close: Panel, options: IcDecayOptions): IcDecay {
  const method = checkMethod(options.method);
  checkPanel(factor, 'factor');
  checkPanel(close, 'close');
  checkAligned(factor, close, 'factor', 'close');
  const horizons = options.horizons ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const from = checkIntOption(options.from ?? 1, 'from', 0);
  for (let i = 0; i < horizons.length; i++) checkIntOption(horizons[i]!, `horizons[${i}]`, 1);
  const sampled = options.dates ? factor.alignTo(options.dates, factor.assets) : factor;
  const summaries = horizons.map((h, k) => {
    const a = options.mode === 'single' ? from + h - 1 : from;
    const fwd = forwardReturns(close, a, from + h, options.adjFactor ? { adjFactor: options.adjFactor } : {});
    const series = correlationSeries(
      sampled,
      fwd,
      {
        ...(options.minAssets !== undefined ? { minAssets: options.minAssets } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      method,
      'icDecay',
    );
    options.onProgress?.({
      stage: 'icDecay',
      done: k + 1,
      total: horizons.length,
      unit: 'horizons',
    });
    return icSummary(series);
  });
  return {
    horizons: Int32Array.from(horizons),
    summaries,
    mean: Float64Array.from(summaries, (s) => s.mean),
  };
}
