/**
 * Stage 3: the study's models, trained walk-forward and scored out of sample.
 *
 * The models: GRU on the 27 baseline factors; a Transformer on each feature set (minute,
 * equal-volume, tick, all 300); iTransformer and Crossformer; the encoder-decoder return-sequence
 * models, one per encoder (Transformer, iTransformer, Crossformer). Every training (model x seed x
 * walk-forward fold) is one job on a worker thread, cached on its own under
 * `<cache>/model-jobs/<hash>/`, so that a killed run loses at most the running jobs and array
 * tasks can each run a share of them (`shard`). The seeds are then averaged and the folds stitched
 * exactly as `walkForward` does, and composites combined from the score panels: `composite`
 * (Transformer + iTransformer + Crossformer on the total-return label), the return-sequence factor
 * `return-sequence:sum` / `return-sequence:validIC` (the sequence models' `:sum` / `:validIC`
 * scores, equal weight) and `composite-prediction` (`composite` + `return-sequence:sum`, equal
 * weight), as the study defines them.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DailyBars } from '@hfq/bars';
import { type FactorCube, Panel, type ProgressEvent } from '@hfq/core';
import { forwardReturns, rankIC } from '@hfq/metrics';
import {
  type CrossSection,
  combineScorePanels,
  Ensemble,
  type FoldReport,
  type ModelConfigInput,
  type Predictor,
  planWalkForward,
  StockDataset,
} from '@hfq/models';
import { type StageCache, stageHash } from './cache.js';
import { type ModelName, SEQUENCE_MODELS, type WorkflowConfig } from './config.js';
import type { ModelJob, ModelJobOutput } from './model-jobs.js';
import { runModelJobs } from './model-pool.js';
import { combinePath, type SequencePath } from './sequence-path.js';
import { shareCube, sharePanel } from './shared-memory.js';
import { FEATURE_SETS } from './stage-factors.js';

/** One model's walk-forward run, for the report. */
export interface ModelResult {
  name: string;
  folds: FoldReport[];
  /** Parameters of the model (its last fold's first seed, the one exported to ONNX). */
  parameters: number;
  backend: string;
  /** Training and scoring time, all its jobs together (ms; cached jobs keep their first run's). */
  ms: number;
}

/** The models stage's outputs (what its cache entry holds). */
export interface ModelStage {
  /** Out-of-sample score panels by name (models, variants, composites), float32, weekly dates. */
  scores: Record<string, Panel<Float32Array>>;
  /** One entry per model, in training order. */
  results: ModelResult[];
  /** Factors fed to iTransformer / Crossformer (top-K by past |RankIC|), or all. */
  variableFactors: string[];
  /** First out-of-sample date (yyyymmdd). */
  testStart: number;
  /** Per sequence model (more than one output): its out-of-sample predicted path (`sequence-path.ts`). */
  paths: Record<string, SequencePath>;
}

/** Relative cost of each model, to start the slow ones first. */
const COST: Record<ModelName, number> = {
  'all-crossformer': 9,
  'all-seq2seq': 6,
  'all-itransformer': 5,
  'all-seq2seq-crossformer': 4.5,
  'all-seq2seq-itransformer': 3.5,
  'baseline-gru': 4,
  'all-transformer': 3,
  'tick-transformer': 2,
  'vbar-transformer': 2,
  'minute-transformer': 2,
};

/**
 * Mean RankIC of each factor in `names` with the T+1 -> T+11 return over weekly sample dates whose
 * label ends before `cutoff` (a date index): only information known at the first out-of-sample date.
 */
export function pastRankIC(
  cube: FactorCube,
  daily: DailyBars,
  names: readonly string[],
  cutoff: number,
  window: number,
): Float64Array {
  const fwd = forwardReturns(daily.close, 1, 11, { adjFactor: daily.adjFactor });
  const nA = cube.nAssets;
  const nF = cube.nFactors;
  const idx = names.map((n) => cube.factorIndex(n));
  const sums = new Float64Array(names.length);
  const counts = new Float64Array(names.length);
  const x = new Float64Array(nA);
  for (let t = window - 1; t + 11 < cutoff; t += 5) {
    const day = cube.day(t);
    const y = fwd.row(fwd.dateIndex(cube.dates[t]!));
    for (let j = 0; j < idx.length; j++) {
      for (let a = 0; a < nA; a++) x[a] = day[a * nF + idx[j]!]!;
      const r = rankIC(x, y);
      if (Number.isFinite(r)) {
        sums[j]! += r;
        counts[j]!++;
      }
    }
  }
  return sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : Number.NaN));
}

/** The top-`k` of `names` by absolute `pastRankIC` (all of them when `k` is 0 or too large). */
export function screenFactors(
  cube: FactorCube,
  daily: DailyBars,
  names: readonly string[],
  k: number,
  cutoff: number,
  window: number,
): string[] {
  if (k <= 0 || k >= names.length) return [...names];
  const ic = pastRankIC(cube, daily, names, cutoff, window);
  return names
    .map((n, j) => ({ n, s: Number.isFinite(ic[j]!) ? Math.abs(ic[j]!) : 0 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((e) => e.n);
}

function modelConfig(name: ModelName, c: WorkflowConfig['models']): ModelConfigInput {
  const base = { window: c.window, dModel: c.dModel };
  switch (name) {
    case 'baseline-gru':
      return { kind: 'gru', window: c.window, hidden: 2 * c.dModel };
    case 'all-itransformer':
      return { kind: 'itransformer', ...base, nLayers: 1 };
    case 'all-crossformer':
      return { kind: 'crossformer', ...base, nScales: 2 };
    case 'all-seq2seq':
      return { kind: 'seq2seq', ...base, encLayers: 1, decLayers: 1 };
    // the sequence models' iTransformer and Crossformer encoders: as their total-return siblings,
    // except the Crossformer's 10-day segments (4 per window, 2 after the merge): about half the
    // sibling's training step, and 240 rather than 480 memory rows for each of the decoder's 10
    // autoregressive passes, so the three sequence models fit the demo's time budget
    case 'all-seq2seq-itransformer':
      return { kind: 'seq2seq', ...base, encoder: 'itransformer', encLayers: 1, decLayers: 1 };
    case 'all-seq2seq-crossformer':
      return {
        kind: 'seq2seq',
        ...base,
        encoder: 'crossformer',
        segLen: 10,
        nScales: 2,
        encLayers: 1,
        decLayers: 1,
      };
    default:
      return { kind: 'transformer', ...base, nLayers: 1 };
  }
}

/** Models with one token per factor: they read the screened `variableTokens` factors. */
const VARIABLE_TOKEN_MODELS: readonly ModelName[] = [
  'all-itransformer',
  'all-crossformer',
  'all-seq2seq-itransformer',
  'all-seq2seq-crossformer',
];

function featuresOf(name: ModelName, variable: string[]): string[] {
  if (VARIABLE_TOKEN_MODELS.includes(name)) return variable;
  const set = name.slice(0, name.indexOf('-')) as keyof typeof FEATURE_SETS;
  return [...FEATURE_SETS[set]];
}

/** How `trainModels` runs: where jobs are cached, which share of them, and what it tells. */
export interface TrainModelsOptions {
  cache: StageCache;
  /**
   * Hash of what every training depends on (the data, the factors, the version, the model knobs
   * except `include`, `seeds`, `every5thDaySampled`, `perModel` and `threads`); each training's
   * key adds its model, seed, fold, sample stride and the model's own `perModel` knobs (but
   * `seeds`), so adding a model or a seed reuses the trainings done.
   */
  hash: string;
  /** Folder the last fold's first-seed model of each model is copied to as `<name>.onnx`. */
  onnxDir: string;
  /**
   * Run only this share of the jobs (job j when `j % count === index`) into the cache and stop:
   * `trainModels` then returns `undefined`. Absent: every job not yet cached, then the stage.
   */
  shard?: { index: number; count: number };
  onProgress: (event: ProgressEvent) => void;
  log: (line: string) => void;
}

/** Stage name of the per-job cache entries. */
export const MODEL_JOB_STAGE = 'model-jobs';

/**
 * Trains every model (x seed x fold) walk-forward and scores out of sample, reusing cached jobs.
 * Returns `undefined` in shard mode (the jobs of the share are cached; the stage is not complete).
 */
export async function trainModels(
  cube: FactorCube,
  daily: DailyBars,
  cfg: WorkflowConfig,
  options: TrainModelsOptions,
): Promise<ModelStage | undefined> {
  const { cache, onProgress, log } = options;
  const m = cfg.models;
  const testIndex = Math.floor(m.testStart * cube.nDates);
  const testStart = cube.dates[testIndex]!;
  const variableFactors = screenFactors(cube, daily, FEATURE_SETS.all, m.variableTokens, testIndex, m.window);

  // Eligible stock-days: listed, not ST, trading.
  const universe = daily.listed.map((v, t, a) =>
    v === 1 && daily.st.get(t, a) !== 1 && daily.suspended.get(t, a) !== 1 ? 1 : 0,
  );
  const plan = { testStart, retrainEvery: m.retrainEvery, predictStride: 5 };
  const strideOf = (name: ModelName) => (m.every5thDaySampled.includes(name) ? 5 : m.sampleStride);
  // The folds of the plan (the same for every feature set; computed once per sample stride).
  const nFolds = new Map<number, number>();
  const foldsOf = (stride: number) => {
    let n = nFolds.get(stride);
    if (n === undefined) {
      const ds = new StockDataset(
        cube,
        { close: daily.close, adjFactor: daily.adjFactor },
        { window: m.window, stride, features: FEATURE_SETS.baseline, universe },
      );
      n = planWalkForward(ds, plan).length;
      nFolds.set(stride, n);
    }
    return n;
  };
  const names = (m.include as ModelName[]).slice().sort((a, b) => COST[b] - COST[a]);
  const jobs: ModelJob[] = [];
  const isSequence = (name: ModelName) => SEQUENCE_MODELS.includes(name);
  for (const [order, name] of names.entries()) {
    const stride = strideOf(name);
    const folds = foldsOf(stride);
    // The model's knobs: the shared ones, then its own (`perModel`), which also enter its jobs' keys.
    const own = m.perModel[name];
    const k = { ...m, ...own };
    const seeds = Array.from({ length: k.seeds }, (_, j) => j);
    for (let fold = 0; fold < folds; fold++) {
      for (const seed of seeds) {
        const { seeds: _seeds, ...trainOwn } = own ?? {};
        jobs.push({
          key: stageHash({
            jobs: options.hash,
            name,
            seed,
            fold,
            stride,
            ...(Object.keys(trainOwn).length > 0 ? { own: trainOwn } : {}),
          }),
          order,
          name,
          seed,
          fold,
          features: featuresOf(name, variableFactors),
          window: m.window,
          // the sequence label's timing; total-return models keep the dataset default (their
          // label, and when it ends, does not depend on it)
          ...(isSequence(name) ? { label: { sequenceLag: m.sequenceLag } } : {}),
          spec: {
            name,
            config: modelConfig(name, k),
            ...(isSequence(name) ? { horizons: 'sum' as const } : {}),
          },
          plan,
          stride,
          train: {
            epochs: k.epochs,
            patience: k.patience,
            learningRate: k.learningRate,
            maxStocksPerDate: k.maxStocksPerDate,
          },
          ...(fold === folds - 1 && seed === 0 ? { onnxPath: '' } : {}),
        });
      }
    }
  }
  const mine = options.shard
    ? jobs.filter((_, j) => j % options.shard!.count === options.shard!.index)
    : jobs;
  const todo = mine.filter((j) => !cache.has(MODEL_JOB_STAGE, j.key));
  const cachedCount = jobs.length - todo.length - (jobs.length - mine.length);
  if (cachedCount > 0) log(`  ${cachedCount} of ${mine.length} trainings found in the cache`);
  const tmpDir = join(cache.root, MODEL_JOB_STAGE);
  mkdirSync(tmpDir, { recursive: true });
  for (const j of todo)
    if (j.onnxPath !== undefined) j.onnxPath = join(tmpDir, `.onnx-${j.key}-${process.pid}.onnx`);

  // Progress: the bar counts trainings; the message shows each running one's step.
  const running = new Map<string, string>();
  let done = 0;
  const emit = () =>
    onProgress({
      stage: 'models',
      done,
      total: todo.length,
      unit: 'trainings',
      message: [...running.values()].join(' | '),
    });
  if (todo.length > 0) {
    await runModelJobs(
      {
        cube: shareCube(cube),
        close: sharePanel(daily.close),
        adjFactor: sharePanel(daily.adjFactor),
        universe: sharePanel(universe),
        backend: m.backend,
      },
      todo,
      m.threads,
      (job, e) => {
        if (e.stage.startsWith('train:'))
          running.set(job.key, `${job.name} fold ${job.fold + 1} seed ${job.seed} step ${e.done}`);
        emit();
      },
      (job, output) => {
        cache.save(MODEL_JOB_STAGE, job.key, output, (dir) => {
          if (job.onnxPath && existsSync(job.onnxPath)) renameSync(job.onnxPath, join(dir, 'model.onnx'));
        });
        if (job.onnxPath) rmSync(job.onnxPath, { force: true });
        running.delete(job.key);
        done++;
        log(
          `  ${job.name} fold ${job.fold + 1} seed ${job.seed}: ${(output.ms / 1000).toFixed(0)} s, ${output.parameters} parameters, backend ${output.backend}`,
        );
        emit();
      },
    );
  }
  if (options.shard) return undefined;

  // Seeds averaged and folds stitched as walkForward does.
  mkdirSync(options.onnxDir, { recursive: true });
  const scores: Record<string, Panel<Float32Array>> = {};
  const results: ModelResult[] = [];
  const paths: Record<string, SequencePath> = {};
  for (const name of names) {
    const own = jobs.filter((j) => j.name === name);
    const outputs = own.map((j) => cache.load<ModelJobOutput>(MODEL_JOB_STAGE, j.key)!);
    const folds = Math.max(...own.map((j) => j.fold)) + 1;
    const spec = own[0]!.spec;
    const r = await combineModel(
      name,
      spec.horizons,
      outputs,
      folds,
      cube.assets,
      own[0]!.features,
      m.window,
    );
    Object.assign(scores, r.scores);
    const path = await combinePath(name, outputs, folds, cube.assets, own[0]!.features, m.window);
    if (path) paths[name] = path;
    const onnxJob = own.find((j) => j.onnxPath !== undefined)!;
    const onnx = join(cache.dir(MODEL_JOB_STAGE, onnxJob.key), 'model.onnx');
    if (existsSync(onnx)) copyFileSync(onnx, join(options.onnxDir, `${name}.onnx`));
    const last = outputs.find((o) => o.fold === onnxJob.fold && o.seed === onnxJob.seed)!;
    results.push({
      name,
      folds: r.folds,
      parameters: last.parameters,
      backend: last.backend,
      ms: outputs.reduce((a, o) => a + o.ms, 0),
    });
  }
  Object.assign(scores, combineSignals(scores));
  // A sequence model's own score is its `:sum` variant (horizons: 'sum'): keep the two named ones.
  for (const k of SEQUENCE_MODELS) delete scores[k];
  return { scores, results, variableFactors, testStart, paths };
}

/**
 * The study's combined signals from the models' score panels (each per date z-scored, then
 * averaged with equal weight over the panels that score the stock, `combineScorePanels`):
 * - `composite`: Transformer + iTransformer + Crossformer on the total-return label (when at
 *   least two of them are there);
 * - `return-sequence:sum` / `return-sequence:validIC`: the return-sequence factor, the sequence
 *   models' summed paths / validation-IC-weighted paths (those trained; one is enough);
 * - `composite-prediction`: `composite` (or the all-300 Transformer alone when it is the only
 *   total-return member) + `return-sequence:sum`.
 */
export function combineSignals(
  scores: Readonly<Record<string, Panel<Float32Array>>>,
): Record<string, Panel<Float32Array>> {
  const out: Record<string, Panel<Float32Array>> = {};
  const members = ['all-transformer', 'all-itransformer', 'all-crossformer'].filter((k) => scores[k]);
  if (members.length > 1) out.composite = combineScorePanels(members.map((k) => scores[k]!));
  for (const v of ['sum', 'validIC']) {
    const seq = SEQUENCE_MODELS.map((k) => scores[`${k}:${v}`]).filter((p) => p !== undefined);
    if (seq.length > 0) out[`return-sequence:${v}`] = combineScorePanels(seq);
  }
  const total = out.composite ?? scores['all-transformer'];
  if (total && out['return-sequence:sum'])
    out['composite-prediction'] = combineScorePanels([total, out['return-sequence:sum']]);
  return out;
}

/**
 * One model's score panels from its jobs: per fold and date, the seeds' scores averaged by
 * `Ensemble` (z-scored per date, equal weights) as `walkForward`'s seed ensemble does; keys as
 * `walkForward`'s `byModel` (`name`, and `name:sum`, `name:validIC` for a sequence model).
 */
async function combineModel(
  name: string,
  horizons: 'sum' | 'validIC' | undefined,
  outputs: ModelJobOutput[],
  nFolds: number,
  assets: readonly string[],
  features: readonly string[],
  window: number,
): Promise<{ scores: Record<string, Panel<Float32Array>>; folds: FoldReport[] }> {
  const byFold = Array.from({ length: nFolds }, (_, f) =>
    outputs.filter((o) => o.fold === f).sort((a, b) => a.seed - b.seed),
  );
  const dates = Int32Array.from(byFold.flatMap((f) => Array.from(f[0]!.dates)));
  const variants = Object.keys(outputs[0]!.variants);
  const keyOf = (v: string) => (v === 'model' ? name : `${name}:${v}`);
  const panels: Record<string, Panel<Float32Array>> = {};
  for (const v of variants) panels[keyOf(v)] = Panel.alloc(dates, assets, 'float32');
  const folds: FoldReport[] = [];
  let row = 0;
  for (const members of byFold) {
    const first = members[0]!;
    let offset = 0;
    for (let k = 0; k < first.dates.length; k++) {
      const n = first.counts[k]!;
      const cs = { n, assets: first.rows.subarray(offset, offset + n) } as unknown as CrossSection;
      for (const v of variants) {
        const ens = new Ensemble(
          members.map(
            (o): Predictor => ({
              features,
              window,
              score: async () => o.variants[v]!.subarray(offset, offset + n),
            }),
          ),
        );
        const s = await ens.score(cs);
        const out = panels[keyOf(v)]!.row(row);
        for (let i = 0; i < n; i++) out[cs.assets[i]!] = s[i]!;
      }
      offset += n;
      row++;
    }
    folds.push({
      fitDate: first.fitDate,
      trainDates: first.trainDates,
      validDates: first.validDates,
      nTrain: first.nTrain,
      nValid: first.nValid,
      predictDates: [first.dates[0]!, first.dates[first.dates.length - 1]!],
      models: [
        {
          name,
          bestEpochs: members.map((o) => o.bestEpoch),
          bestScores: members.map((o) => o.bestScore),
        },
      ],
    });
  }
  // the model's own score: the horizons its spec chose (walkForward's `byModel[name]`)
  if (!variants.includes('model')) panels[name] = panels[keyOf(horizons ?? 'validIC')]!;
  return { scores: panels, folds };
}
