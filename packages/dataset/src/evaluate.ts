import type { Panel } from '@hfq/core';
import { FactorCube, ProgressReporter, type TaskOptions } from '@hfq/core';
import { compileFactorSet, evaluateFactors, type FactorDef, type FactorSetOptions } from '@hfq/factor-dsl';
import { datasetError } from './errors.js';
import type { DatasetReader } from './reader.js';

/** Options of `evaluateDatasetFactors`. */
export interface DatasetEvaluateOptions extends TaskOptions, FactorSetOptions {
  /** Calendar indices of the days to evaluate, increasing (default: every day). */
  days?: ArrayLike<number>;
  /**
   * Daily volumes (dates x assets of the dataset, shares) that size equal-volume bars. Default:
   * the dataset's `daily.volume` when the set has `vbar` factors (required then: the days before
   * each evaluated day are not loaded, so their minute volumes cannot be summed).
   */
  dailyVolume?: Panel;
}

/**
 * Evaluates factors over a dataset, streaming. With a reader opened with `loadOnDemand`, one
 * `evaluateFactors` call over all days reads each day's partition as it gets there (a worker
 * thread reads the next day meanwhile). Otherwise, for each block of `cacheDays` days it loads those
 * days' partitions (minute bars; ticks too when a factor reads them) and runs `evaluateFactors` of
 * `@hfq/factor-dsl` on them, so memory holds a few days of intraday data at a time. Values equal
 * those evaluated on the market the dataset was written from (same frames, same `dailyVolume`).
 *
 * Progress: stage `factors`, unit `days`.
 * @throws `DATASET_INPUT` for days that are not increasing calendar indices, for tick (minute,
 * vbar) factors on a dataset without any tick (minute) partition, for `vbar` factors on a dataset without daily data and no `dailyVolume`;
 * the dataset's read errors; `DSL_*` for formulas that do not check; `ABORTED`.
 */
export async function evaluateDatasetFactors(
  ds: DatasetReader,
  factors: readonly FactorDef[],
  options: DatasetEvaluateOptions = {},
): Promise<FactorCube> {
  const days = checkedDays(ds.calendar.dates.length, options.days);
  const sources = new Set(factors.map((f) => f.source));
  // a whole source missing from the dataset would give all-NaN factors without a word
  const need: [string, boolean][] = [
    ['tick', sources.has('tick') && ds.manifest.ticks.length === 0],
    ['minute', (sources.has('minute') || sources.has('vbar')) && ds.manifest.minute.length === 0],
  ];
  for (const [what, missing] of need) {
    if (missing) {
      throw datasetError(
        'DATASET_INPUT',
        `${what} factors need ${what === 'tick' ? 'tick' : 'minute-bar'} partitions, and the dataset has none`,
        {
          field: 'factors',
          source: ds.dir,
        },
      );
    }
  }
  let dailyVolume = options.dailyVolume;
  if (dailyVolume === undefined && sources.has('vbar')) {
    if (ds.manifest.daily === null) {
      throw datasetError(
        'DATASET_INPUT',
        'equal-volume (vbar) factors need daily volumes: the dataset has no daily/ and no dailyVolume was given',
        {
          field: 'dailyVolume',
          source: ds.dir,
        },
      );
    }
    dailyVolume = (await ds.daily()).volume;
  }
  const { onProgress: _p, days: _d, dailyVolume: _v, ...rest } = options;
  if (ds.loadsOnDemand) {
    // one call over every day: partitions are read as the evaluator reaches them (one compile)
    return evaluateFactors(ds, factors, {
      ...options,
      days,
      ...(dailyVolume !== undefined ? { dailyVolume } : {}),
    });
  }
  const block = ds.cacheDays;
  // compiled once for every block (a compile of 100 factors costs about as much as evaluating them
  // on a few dozen stock-days)
  const compiled = compileFactorSet(factors, options);
  const progress = new ProgressReporter(options, 'factors', days.length, 'days');
  const matrices: Float32Array[] = [];
  let ids: readonly string[] = factors.map((f) => f.id);
  for (let i = 0; i < days.length; i += block) {
    const chunk = days.slice(i, i + block);
    for (const t of chunk)
      await ds.loadDay(t, {
        minute: sources.has('minute') || sources.has('vbar'),
        ticks: sources.has('tick'),
      });
    // the next block's files are read by the file system's threads while this block computes
    if (sources.has('minute') || sources.has('vbar'))
      for (const t of days.slice(i + block, i + 2 * block)) ds.prefetchDay(t);
    const cube = await evaluateFactors(ds, factors, {
      ...rest,
      compiled,
      days: chunk,
      ...(dailyVolume !== undefined ? { dailyVolume } : {}),
    });
    ids = cube.factors;
    for (let k = 0; k < chunk.length; k++) matrices.push(cube.day(k));
    progress.tick(chunk.length);
  }
  return new FactorCube(
    Int32Array.from(days, (t) => ds.calendar.dates[t]!),
    [...ds.assets],
    ids,
    matrices,
  );
}

/**
 * The calendar indices to evaluate: `days` as given, or every day (`0..nDays-1`) when absent.
 *
 * @throws `DATASET_INPUT` naming the first entry that is not an increasing index in range.
 */
export function checkedDays(nDays: number, days: ArrayLike<number> | undefined): number[] {
  const out = days === undefined ? Array.from({ length: nDays }, (_, i) => i) : Array.from(days);
  out.forEach((t, k) => {
    if (!Number.isInteger(t) || t < 0 || t >= nDays || (k > 0 && t <= out[k - 1]!)) {
      throw datasetError(
        'DATASET_INPUT',
        `days[${k}] = ${t}: days must be increasing indices in [0, ${nDays - 1}]`,
        { field: 'days', row: k },
      );
    }
  });
  return out;
}
