import { checkIntOption, checkNumOption, modelsError } from '../errors.js';
import type { StockDataset } from './dataset.js';

/** A train/validation split: sample date indices of each part, ascending. */
export interface Split {
  train: Int32Array;
  valid: Int32Array;
}

/**
 * Splits sample date indices in time order: the last `validFraction` (default 0.2, the study's
 * 4:1) of the samples validate; training keeps the earlier samples whose label window ends no
 * later than the first validation date (`labelEndDate(s) <= date of the first validation
 * sample`), so no training label overlaps the validation period. With the defaults (stride 5,
 * labels ending at T+11) that drops the last two training samples before the boundary.
 * @throws `MODELS_DATA` when either part ends up empty.
 */
export function splitTrainValid(ds: StockDataset, samples: ArrayLike<number>, validFraction = 0.2): Split {
  checkNumOption(validFraction, 'validFraction', 0.01, 0.99);
  const s = Int32Array.from(samples).sort();
  const nValid = Math.max(1, Math.round(s.length * validFraction));
  if (s.length - nValid < 1) {
    throw modelsError('MODELS_DATA', `${s.length} samples are too few to split`, { field: 'samples' });
  }
  const valid = s.subarray(s.length - nValid);
  const boundary = ds.dates[valid[0]!]!;
  const train: number[] = [];
  for (const t of s.subarray(0, s.length - nValid)) if (ds.labelEndDate(t) <= boundary) train.push(t);
  if (train.length === 0) {
    throw modelsError('MODELS_DATA', 'no training sample ends its label before the validation period', {
      field: 'samples',
      date: boundary,
    });
  }
  return { train: Int32Array.from(train), valid: Int32Array.from(valid) };
}

/** How walk-forward retraining windows move. */
export interface WalkForwardPlan {
  /** First date (yyyymmdd) to predict. */
  testStart: number;
  /** Last date (yyyymmdd, inclusive) to predict. Default: the last date. */
  testEnd?: number;
  /** Trading days between retrainings (each fold predicts this many days). Default 60. */
  retrainEvery?: number;
  /** `expanding` (all history, default) or `rolling` (the last `trainSamples` samples). */
  mode?: 'expanding' | 'rolling';
  /** Samples kept by `rolling`. Default 100. */
  trainSamples?: number;
  /** Predict every `predictStride`-th trading day from `testStart` on. Default: the dataset's stride. */
  predictStride?: number;
  /** Validation share of each fold's samples. Default 0.2. */
  validFraction?: number;
}

/** One fold: the model trained at the close of `fitIndex` predicts `predict`. */
export interface Fold {
  /** Date index the fold's model is fitted at (its first prediction date). */
  fitIndex: number;
  /** Samples it trains and validates on; every label ends on or before `dates[fitIndex]`. */
  split: Split;
  /** Date indices it predicts, ascending, all >= fitIndex. */
  predict: Int32Array;
}

/**
 * Plans walk-forward folds over the test period. Fold k is fitted at the close of its first
 * prediction date B_k using only samples whose label window ends on or before B_k, so every
 * prediction comes from a model that never saw the label of that date (nor of any later date).
 * @throws `MODELS_DATA` when a fold has no usable sample.
 */
export function planWalkForward(ds: StockDataset, plan: WalkForwardPlan): Fold[] {
  const every = checkIntOption(plan.retrainEvery ?? 60, 'retrainEvery', 1);
  const stride = checkIntOption(plan.predictStride ?? ds.stride, 'predictStride', 1);
  const mode = plan.mode ?? 'expanding';
  const keep = checkIntOption(plan.trainSamples ?? 100, 'trainSamples', 2);
  const start = Math.max(ds.indexAtOrAfter(plan.testStart), ds.window - 1);
  const endDate = plan.testEnd ?? ds.dates[ds.dates.length - 1]!;
  let end = ds.indexAtOrAfter(endDate);
  if (end < ds.dates.length && ds.dates[end] === endDate) end++;
  if (start >= end)
    throw modelsError('MODELS_DATA', 'empty test period', { field: 'testStart', date: plan.testStart });
  const folds: Fold[] = [];
  for (let b = start; b < end; b += every) {
    const fitDate = ds.dates[b]!;
    let pool = Array.from(ds.trainableSamples(0, b + 1)).filter((s) => ds.labelEndDate(s) <= fitDate);
    if (mode === 'rolling') pool = pool.slice(-keep);
    if (pool.length < 2) {
      throw modelsError('MODELS_DATA', `fold at ${fitDate} has ${pool.length} usable samples`, {
        date: fitDate,
      });
    }
    const predict: number[] = [];
    for (let t = b; t < Math.min(b + every, end); t++) if ((t - start) % stride === 0) predict.push(t);
    folds.push({
      fitIndex: b,
      split: splitTrainValid(ds, pool, plan.validFraction ?? 0.2),
      predict: Int32Array.from(predict),
    });
  }
  return folds;
}
