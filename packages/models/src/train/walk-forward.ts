import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Panel, ProgressReporter, throwIfAborted } from '@hfq/core';
import type { StockDataset } from '../data/dataset.js';
import { type Fold, planWalkForward, type Split, type WalkForwardPlan } from '../data/split.js';
import { modelsError } from '../errors.js';
import type { ModelConfig, ModelConfigInput } from '../models/config.js';
import { Ensemble, fitHorizonWeights, ModelPredictor, type Predictor } from './predictor.js';
import { type TrainOptions, type TrainResult, trainModel } from './train.js';

/** One model of an ensemble or composite: its config and how to train it. */
export interface ModelSpec {
  /** Name in reports and checkpoint files. Default: the config's kind. */
  name?: string;
  config: ModelConfigInput | ModelConfig;
  /** Training options for this model (override the shared ones). */
  options?: TrainOptions;
  /**
   * Sequence model only: how its horizons become one score. `sum` is the study's plain sum of the
   * predicted daily returns; `validIC` weights each horizon by its validation IC with the total
   * label (`fitHorizonWeights`). Default `validIC`.
   */
  horizons?: 'sum' | 'validIC';
}

/** A trained seed ensemble of one model spec. */
export interface TrainedEnsemble {
  name: string;
  predictor: Ensemble;
  members: { seed: number; result: TrainResult; predictor: ModelPredictor }[];
  /**
   * Sequence models only: the seed ensemble under each way of turning the horizons into one score,
   * from the same trained members: `sum` (the study's plain sum of the predicted daily returns)
   * and `validIC` (horizon weights fitted on validation IC). `predictor` is the one `spec.horizons` chose.
   */
  horizonVariants?: { sum: Ensemble; validIC: Ensemble };
  /** Frees the members' tfjs memory. */
  dispose(): void;
}

/** Options of `trainEnsemble`. */
export interface EnsembleOptions extends TrainOptions {
  /** One model per seed, averaged with equal weight. Default `[0, 1, 2]` (the study's 3). */
  seeds?: readonly number[];
  /** Directory for per-seed checkpoints (`<name>-seed<k>.ckpt`); none if absent. */
  checkpointDir?: string;
}

/**
 * Trains `spec` once per seed and averages the members' per-date standardised scores with equal
 * weight (the study: 3 seeds). Each member resumes from its own checkpoint when `checkpointDir`
 * holds one.
 */
export async function trainEnsemble(
  ds: StockDataset,
  spec: ModelSpec,
  split: Split,
  options: EnsembleOptions = {},
): Promise<TrainedEnsemble> {
  const seeds = options.seeds ?? [0, 1, 2];
  if (seeds.length === 0) throw modelsError('MODELS_CONFIG', 'seeds is empty', { field: 'seeds' });
  const name = spec.name ?? spec.config.kind;
  if (options.checkpointDir !== undefined) mkdirSync(options.checkpointDir, { recursive: true });
  const members: TrainedEnsemble['members'] = [];
  const sumMembers: ModelPredictor[] = [];
  const icMembers: ModelPredictor[] = [];
  for (const seed of seeds) {
    const opts: TrainOptions = {
      ...options,
      ...spec.options,
      seed,
      stage: `train:${name}:seed${seed}`,
    };
    if (options.checkpointDir !== undefined)
      opts.checkpoint = join(options.checkpointDir, `${name}-seed${seed}.ckpt`);
    const result = await trainModel(ds, spec.config, split, opts);
    if (result.model.outputSize > 1) {
      const sum = new ModelPredictor(result.model);
      const validIC = new ModelPredictor(result.model, {
        horizonWeights: fitHorizonWeights(result.model, ds, split.valid),
      });
      sumMembers.push(sum);
      icMembers.push(validIC);
      members.push({ seed, result, predictor: (spec.horizons ?? 'validIC') === 'validIC' ? validIC : sum });
    } else {
      members.push({ seed, result, predictor: new ModelPredictor(result.model) });
    }
  }
  return {
    name,
    predictor: new Ensemble(members.map((m) => m.predictor)),
    members,
    ...(sumMembers.length > 0
      ? { horizonVariants: { sum: new Ensemble(sumMembers), validIC: new Ensemble(icMembers) } }
      : {}),
    dispose: () => {
      for (const m of members) m.result.model.dispose();
    },
  };
}

/** Options of `walkForward`. */
export interface WalkForwardOptions extends EnsembleOptions {
  /** The models; with several, the composite is the equal-weight average of their standardised scores. */
  models: readonly ModelSpec[];
  plan: WalkForwardPlan;
  /**
   * Keep the last fold's trained ensembles (returned as `lastFold`, e.g. to export them to ONNX;
   * the caller then disposes them). Default false: every fold's models are freed.
   */
  keepLastFold?: boolean;
}

/** What one fold did. */
export interface FoldReport {
  /** Date (yyyymmdd) the fold's models were fitted at (close), = its first prediction date. */
  fitDate: number;
  trainDates: [first: number, last: number];
  validDates: [first: number, last: number];
  nTrain: number;
  nValid: number;
  predictDates: [first: number, last: number];
  /** Per model: best epoch and best validation score of each seed. */
  models: { name: string; bestEpochs: number[]; bestScores: number[] }[];
}

/** Out-of-sample scores of a walk-forward run. */
export interface WalkForwardResult {
  /** Composite of all models (the single model's ensemble when there is one). */
  scores: Panel<Float32Array>;
  /**
   * Each model's seed-ensemble scores; a sequence model adds `<name>:sum` and `<name>:validIC`
   * (both horizon combinations of the same trained members).
   */
  byModel: Record<string, Panel<Float32Array>>;
  folds: FoldReport[];
  /** The last fold's trained ensembles when `keepLastFold` (dispose them when done). */
  lastFold?: TrainedEnsemble[];
}

/**
 * Walk-forward out-of-sample prediction: the test period is cut into folds of `retrainEvery`
 * trading days; at the start B of each fold every model (x every seed) is trained on samples whose
 * labels end on or before B (expanding or rolling window, split 4:1 with a gap), and predicts the
 * fold's dates. No prediction comes from a model that saw its date's label. Progress stage
 * `walk-forward` counts trainings; abort is checked between them.
 */
export async function walkForward(ds: StockDataset, options: WalkForwardOptions): Promise<WalkForwardResult> {
  if (options.models.length === 0)
    throw modelsError('MODELS_CONFIG', 'walkForward needs models', { field: 'models' });
  const names = options.models.map((m) => m.name ?? m.config.kind);
  if (new Set(names).size !== names.length) {
    throw modelsError('MODELS_CONFIG', 'model names must be unique (set ModelSpec.name)', {
      field: 'models',
    });
  }
  const folds: Fold[] = planWalkForward(ds, options.plan);
  const allDates = folds.flatMap((f) => Array.from(f.predict));
  const dates = allDates.map((t) => ds.dates[t]!);
  const scores = Panel.alloc(dates, ds.assets, 'float32');
  const byModel: Record<string, Panel<Float32Array>> = {};
  for (const n of names) byModel[n] = Panel.alloc(dates, ds.assets, 'float32');
  const panel = (key: string) => (byModel[key] ??= Panel.alloc(dates, ds.assets, 'float32'));
  let lastFold: TrainedEnsemble[] | undefined;
  const seeds = options.seeds ?? [0, 1, 2];
  const progress = new ProgressReporter(
    options,
    'walk-forward',
    folds.length * names.length * seeds.length,
    'trainings',
  );
  const reports: FoldReport[] = [];
  let row = 0;
  for (const [k, fold] of folds.entries()) {
    throwIfAborted(options.signal, 'walk-forward');
    const trained: TrainedEnsemble[] = [];
    try {
      for (const spec of options.models) {
        const name = spec.name ?? spec.config.kind;
        const ens = await trainEnsemble(ds, { ...spec, name }, fold.split, {
          ...options,
          checkpointDir:
            options.checkpointDir === undefined ? undefined : join(options.checkpointDir, `fold${k}`),
          // Each training's per-step events (stage `train:<name>:seed<k>`) reach the caller too.
          onProgress: options.onProgress,
        });
        trained.push(ens);
        progress.tick(seeds.length, `fold ${k + 1}/${folds.length} ${name}`);
      }
      const composite: Predictor =
        trained.length === 1 ? trained[0]!.predictor : new Ensemble(trained.map((e) => e.predictor));
      for (const t of fold.predict) {
        const cs = ds.crossSection(t, 'none');
        const s = await composite.score(cs);
        const out = scores.row(row);
        for (let i = 0; i < cs.n; i++) out[cs.assets[i]!] = s[i]!;
        for (const e of trained) {
          const variants: [string, Predictor][] = [[e.name, e.predictor]];
          if (e.horizonVariants) {
            variants.push(
              [`${e.name}:sum`, e.horizonVariants.sum],
              [`${e.name}:validIC`, e.horizonVariants.validIC],
            );
          }
          for (const [key, p] of variants) {
            const m = await p.score(cs);
            const r = panel(key).row(row);
            for (let i = 0; i < cs.n; i++) r[cs.assets[i]!] = m[i]!;
          }
        }
        row++;
      }
      const d = (i: number) => ds.dates[i]!;
      reports.push({
        fitDate: d(fold.fitIndex),
        trainDates: [d(fold.split.train[0]!), d(fold.split.train[fold.split.train.length - 1]!)],
        validDates: [d(fold.split.valid[0]!), d(fold.split.valid[fold.split.valid.length - 1]!)],
        nTrain: fold.split.train.length,
        nValid: fold.split.valid.length,
        predictDates: [d(fold.predict[0]!), d(fold.predict[fold.predict.length - 1]!)],
        models: trained.map((e) => ({
          name: e.name,
          bestEpochs: e.members.map((m) => m.result.bestEpoch),
          bestScores: e.members.map((m) => m.result.bestScore),
        })),
      });
    } finally {
      if (options.keepLastFold && k === folds.length - 1) lastFold = trained;
      else for (const e of trained) e.dispose();
    }
  }
  return { scores, byModel, folds: reports, ...(lastFold ? { lastFold } : {}) };
}
