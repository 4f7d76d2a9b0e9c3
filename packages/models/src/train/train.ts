import { ProgressReporter, Rng, type TaskOptions, throwIfAborted } from '@hfq/core';
import { ic, rankIC } from '@hfq/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/backend.js';
import type { CrossSection, StockDataset } from '../data/dataset.js';
import type { Split } from '../data/split.js';
import { checkIntOption, checkNumOption, modelsError } from '../errors.js';
import { finiteMean } from '../eval/finite-mean.js';
import { inferenceChunk, type ModelConfig, type ModelConfigInput, resolveConfig } from '../models/config.js';
import { initialWeights, Model } from '../models/model.js';
import {
  batchGradients,
  profileTrainingPass,
  type TrainingBatch,
  type TrainingPassProfile,
} from './batch-gradients.js';
import {
  type CheckpointState,
  type EpochRecord,
  fingerprintOf,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';

export { batchGradients, type TrainingBatch } from './batch-gradients.js';
export type { EpochRecord } from './checkpoint.js';

/** Options of `trainModel`. Defaults in brackets. */
export interface TrainOptions extends TaskOptions {
  /** Seed of weight initialisation, shuffling, stock subsampling and dropout [0]. */
  seed?: number;
  /** Maximum epochs [30]. */
  epochs?: number;
  /** Early stopping: stop after this many epochs without a better validation score [5]. */
  patience?: number;
  /** An epoch counts as better only if it beats the best score by more than this [0]. */
  minDelta?: number;
  /** Adam learning rate [1e-3] (beta1 0.9, beta2 0.999, epsilon 1e-8). */
  learningRate?: number;
  /** Sample dates per optimiser step; the loss averages their per-date ICs [1]. */
  datesPerBatch?: number;
  /** Random subsample of each date's stocks per step, 0 = all [0]. A speed knob. */
  maxStocksPerDate?: number;
  /**
   * Stocks per forward pass. A step over more stocks runs in two passes (scores of all stocks,
   * the exact IC-loss gradient with respect to them, then one backward pass per chunk): same
   * gradient, bounded memory. 0 = choose from `memoryBudgetMB` by measuring one small step [0].
   */
  stocksPerChunk?: number;
  /** Memory for one forward/backward pass when choosing `stocksPerChunk` [768]. */
  memoryBudgetMB?: number;
  /** Sequence model: weight of the masked MSE term that keeps outputs on the label scale [0.1]; others [0]. */
  auxMseWeight?: number;
  /** Validation score: mean per-date Pearson `ic` of the score with the standardised label, or `rankIC` [ic]. */
  validMetric?: 'ic' | 'rankIC';
  /**
   * Checkpoint file, rewritten atomically after every epoch. If it exists when training starts,
   * the run continues from it (it must come from the same data, model and options) and ends with
   * bit-identical weights to an uninterrupted run.
   */
  checkpoint?: string;
  /** Cache standardised cross-sections in memory up to this many MB [512]. */
  cacheMB?: number;
  /** Progress stage name [`train:<kind>`]. */
  stage?: string;
}

/** What `trainModel` returns. */
export interface TrainResult {
  /** The model with the weights of the best validation epoch. Dispose it when done. */
  model: Model;
  history: EpochRecord[];
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number;
  bestScore: number;
  stoppedEarly: boolean;
  /** Completed epochs found in the checkpoint at start (0 = fresh run). */
  resumedFromEpoch: number;
  /** Stocks per forward pass used. */
  stocksPerChunk: number;
}

/** Score combination for the sequence model when validating (sum of horizons). */
function collapse(pred: Float32Array, n: number, k: number, weights?: ArrayLike<number>): Float32Array {
  if (k === 1) return pred;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let h = 0; h < k; h++) s += pred[i * k + h]! * (weights === undefined ? 1 : weights[h]!);
    out[i] = s;
  }
  return out;
}

/** A cache of cross-sections bounded by bytes (first come, kept). */
class SectionCache {
  private readonly map = new Map<string, CrossSection>();
  private bytes = 0;
  constructor(private readonly limit: number) {}
  get(ds: StockDataset, t: number, labels: 'total' | 'both', requireLabel: boolean): CrossSection {
    const key = `${t}/${labels}/${requireLabel}`;
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const cs = ds.crossSection(t, labels, requireLabel);
    const size = cs.x.byteLength + (cs.seq?.byteLength ?? 0) * 2 + cs.n * 16;
    if (this.bytes + size <= this.limit) {
      this.map.set(key, cs);
      this.bytes += size;
    }
    return cs;
  }
}

/** Stacks cross-sections (optionally subsampling each to `maxStocks`) into one batch. */
export function buildBatch(
  sections: CrossSection[],
  sequence: boolean,
  H: number,
  maxStocks: number,
  rng: Rng,
): TrainingBatch {
  const picks: Int32Array[] = sections.map((cs) => {
    const all = Int32Array.from({ length: cs.n }, (_, i) => i);
    if (maxStocks <= 0 || cs.n <= maxStocks) return all;
    for (let i = all.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const tmp = all[i]!;
      all[i] = all[j]!;
      all[j] = tmp;
    }
    return all.subarray(0, maxStocks).sort();
  });
  const n = picks.reduce((s, p) => s + p.length, 0);
  const row = sections[0]!.x.length / Math.max(1, sections[0]!.n);
  const k = sequence ? H : 1;
  const x = new Float32Array(n * row);
  const y = new Float32Array(n * k);
  const mask = new Float32Array(n * k);
  const segments = new Int32Array(n);
  let r = 0;
  sections.forEach((cs, d) => {
    for (const i of picks[d]!) {
      x.set(cs.x.subarray(i * row, (i + 1) * row), r * row);
      if (sequence) {
        y.set(cs.seq!.subarray(i * H, (i + 1) * H), r * H);
        mask.set(cs.seqMask!.subarray(i * H, (i + 1) * H), r * H);
      } else {
        y[r] = cs.y![i]!;
        mask[r] = cs.yMask![i]!;
      }
      segments[r] = d;
      r++;
    }
  });
  return { n, nDates: sections.length, x, segments, y, mask, k };
}

/** One optimiser step on `batch`; returns the batch loss. */
function step(
  model: Model,
  optimizer: tf.Optimizer,
  batch: TrainingBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
): number {
  const { loss, grads } = batchGradients(model, batch, chunk, dropoutSeed, aux);
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return loss;
}

/**
 * Stocks per forward pass that keep one training pass within `memoryBudgetMB`, from the peak
 * memory of a pass over `probe` stocks (at least 8).
 */
export async function chooseChunk(
  model: Model,
  memoryBudgetMB: number,
  aux = 0,
  probe = 16,
): Promise<number> {
  const per = await bytesPerStock(model, probe, aux);
  return Math.max(8, Math.floor((memoryBudgetMB * 1e6) / per));
}

/** Peak bytes of one training pass per stock, measured on `probe` stocks of zero input. */
async function bytesPerStock(model: Model, probe: number, aux: number): Promise<number> {
  const { info, baseBytes } = await profileTrainingPass(model, probe, aux);
  return Math.max(1, (peakBufferBytes(info) - baseBytes) / probe);
}

/**
 * The peak of a profile counted in buffers rather than tensors. tfjs counts the bytes of every
 * tensor, including those that share their input's buffer (`Reshape`; `Identity` where it shares,
 * as on the cpu backend and on wasm with this package's kernels, and tfjs clones every tensor it
 * saves for the backward pass): those bytes are subtracted from the running total. Such views
 * live until the end of the step in practice (they are held by the tape), so subtracting their
 * cumulative size at each point is close to exact.
 */
function peakBufferBytes(info: TrainingPassProfile): number {
  const aliasing = identityAliases() ? VIEW_KERNELS_AND_IDENTITY : VIEW_KERNELS;
  let views = 0;
  let peak = 0;
  for (const k of info.kernels) {
    if (aliasing.has(k.name)) views += k.bytesAdded;
    peak = Math.max(peak, k.totalBytesSnapshot - views);
  }
  return peak > 0 ? peak : info.peakBytes;
}

const VIEW_KERNELS = new Set(['Reshape', 'ExpandDims', 'Squeeze']);
const VIEW_KERNELS_AND_IDENTITY = new Set([...VIEW_KERNELS, 'Identity']);

/** Whether the active backend's `Identity` shares its input's buffer. */
function identityAliases(): boolean {
  const x = tf.zeros([1]);
  const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
  const shared = y.dataId === x.dataId;
  tf.dispose([x, y]);
  return shared;
}

/**
 * A cheap signature of the data a run sees (sums of the inputs and labels of three of its dates),
 * so that a checkpoint written on other data with the same shapes is refused.
 */
function dataSignature(ds: StockDataset, split: Split): number[] {
  const dates = [split.train[0]!, split.train[split.train.length - 1]!, split.valid[split.valid.length - 1]!];
  return dates.flatMap((t) => {
    const cs = ds.crossSection(t, 'total');
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < cs.x.length; i++) sx += cs.x[i]!;
    for (let i = 0; i < cs.n; i++) sy += Number.isFinite(cs.rawY![i]!) ? cs.rawY![i]! : 0;
    return [cs.n, sx, sy];
  });
}

/** Resolves the options with their defaults (also what the fingerprint covers). */
function resolveOptions(config: ModelConfig, o: TrainOptions) {
  return {
    seed: checkIntOption(o.seed ?? 0, 'seed', 0),
    epochs: checkIntOption(o.epochs ?? 30, 'epochs', 1, 100000),
    patience: checkIntOption(o.patience ?? 5, 'patience', 1, 100000),
    minDelta: checkNumOption(o.minDelta ?? 0, 'minDelta', 0),
    learningRate: checkNumOption(o.learningRate ?? 1e-3, 'learningRate', 1e-9, 10),
    datesPerBatch: checkIntOption(o.datesPerBatch ?? 1, 'datesPerBatch', 1, 10000),
    maxStocksPerDate: checkIntOption(o.maxStocksPerDate ?? 0, 'maxStocksPerDate', 0),
    stocksPerChunk: checkIntOption(o.stocksPerChunk ?? 0, 'stocksPerChunk', 0),
    memoryBudgetMB: checkNumOption(o.memoryBudgetMB ?? 768, 'memoryBudgetMB', 1),
    auxMseWeight: checkNumOption(o.auxMseWeight ?? (config.kind === 'seq2seq' ? 0.1 : 0), 'auxMseWeight', 0),
    validMetric: o.validMetric ?? 'ic',
    cacheMB: checkNumOption(o.cacheMB ?? 512, 'cacheMB', 0),
  };
}

/** Whether a cross-section can teach anything: labels that differ across stocks, inputs that are not all 0. */
interface Usable {
  labels: boolean;
  features: boolean;
}

function usableOf(cs: CrossSection, sequence: boolean): Usable {
  const y = sequence ? cs.seq! : cs.y!;
  const mask = sequence ? cs.seqMask! : cs.yMask!;
  let first = Number.NaN;
  let labels = false;
  let count = 0;
  for (let i = 0; i < y.length && !labels; i++) {
    if (!(mask[i]! > 0)) continue;
    count++;
    if (Number.isNaN(first)) first = y[i]!;
    else if (y[i] !== first) labels = true;
  }
  labels &&= count >= 2;
  let features = false;
  for (let i = 0; i < cs.x.length && !features; i++) features = cs.x[i] !== 0;
  return { labels, features };
}

/**
 * Why a run had nothing to learn from, after an epoch over `dates` (the training dates): no date
 * with 3 usable stocks, labels missing or equal across stocks on every date, or inputs that
 * standardise to 0 everywhere (factors missing or constant across stocks). Undefined if usable.
 */
function unusableReason(
  ds: StockDataset,
  dates: ArrayLike<number>,
  seen: { sections: number; labels: number; features: number },
): { code: 'MODELS_DATA' | 'MODELS_LABEL'; field: string; message: string } | undefined {
  if (seen.sections === 0) {
    // Tell missing inputs from missing labels on one date: are there stocks without a label?
    const withInputs = ds.crossSection(dates[0]!, 'none', false).n;
    return withInputs < 3
      ? {
          code: 'MODELS_DATA',
          field: 'features',
          message: `no training date has 3 stocks with usable inputs (factors missing); e.g. date ${ds.dates[dates[0]!]} has ${withInputs}`,
        }
      : {
          code: 'MODELS_LABEL',
          field: 'labels',
          message: `no training date has 3 stocks with a label (labels missing); e.g. date ${ds.dates[dates[0]!]}`,
        };
  }
  if (seen.labels === 0) {
    return {
      code: 'MODELS_LABEL',
      field: 'labels',
      message: `labels are equal across stocks on all ${seen.sections} training dates: nothing to rank`,
    };
  }
  if (seen.features === 0) {
    return {
      code: 'MODELS_DATA',
      field: 'features',
      message: `inputs are 0 after standardisation on all ${seen.sections} training dates (factors missing or constant across stocks)`,
    };
  }
  return undefined;
}

/**
 * Scores of the model on cross-sections of `dates`, collapsed to one per stock (the sequence
 * model's horizons summed), and the mean per-date validation metric.
 */
function validate(model: Model, sections: CrossSection[], metric: 'ic' | 'rankIC', chunk: number): number {
  const k = model.outputSize;
  const scores = sections.map((cs) => {
    const s = collapse(model.predict(cs.x, cs.n, chunk), cs.n, k);
    const y = new Float64Array(cs.n);
    for (let i = 0; i < cs.n; i++) y[i] = cs.yMask![i]! > 0 ? cs.y![i]! : Number.NaN;
    return metric === 'ic' ? ic(s, y) : rankIC(s, y);
  });
  return finiteMean(scores);
}

/**
 * Trains one model with the IC loss: Adam, shuffled sample dates, early stopping on the validation
 * score (keeping the best epoch's weights), a checkpoint after every epoch (resumable), progress
 * events per step (`stage`, unit `steps`) and abort between steps.
 *
 * Deterministic: the same dataset, config, split and options on the same backend give the same
 * weights (initialisation from `seed`, shuffling from `Rng(seed, 'shuffle', epoch)`, dropout masks
 * from seeded streams).
 *
 * @param config a full `ModelConfig` or a partial one (`{ kind: 'transformer', dModel: 64 }`) for
 *   the dataset's features and window.
 */
export async function trainModel(
  ds: StockDataset,
  config: ModelConfigInput | ModelConfig,
  split: Split,
  options: TrainOptions = {},
): Promise<TrainResult> {
  await ensureBackend();
  const cfg = resolveConfig(
    { ...config, window: (config as { window?: number }).window ?? ds.window },
    ds.nFeatures,
  );
  if (cfg.window !== ds.window) {
    throw modelsError('MODELS_CONFIG', `model window ${cfg.window} differs from the dataset's ${ds.window}`, {
      field: 'window',
    });
  }
  const sequence = cfg.kind === 'seq2seq';
  if (sequence && cfg.horizon !== ds.timing.horizon) {
    throw modelsError(
      'MODELS_CONFIG',
      `sequence horizon ${cfg.horizon} differs from the label horizon ${ds.timing.horizon}`,
      {
        field: 'horizon',
      },
    );
  }
  if (sequence && !ds.hasSequence) {
    throw modelsError('MODELS_LABEL', 'the sequence model needs close prices or daily returns', {
      field: 'returns',
    });
  }
  if (split.train.length === 0 || split.valid.length === 0) {
    throw modelsError('MODELS_DATA', 'training needs at least one training and one validation date', {
      field: 'split',
    });
  }
  const o = resolveOptions(cfg, options);
  const fingerprint = fingerprintOf(
    JSON.stringify({
      cfg,
      features: ds.features,
      data: [
        ds.window,
        ds.stride,
        ds.timing,
        ds.clip,
        ds.maxMissingShare,
        ds.labelTransform,
        ds.dates[0],
        ds.nAssets,
      ],
      o: { ...o, epochs: 0, patience: 0, cacheMB: 0 },
      train: Array.from(split.train),
      valid: Array.from(split.valid),
      sample: dataSignature(ds, split),
    }),
  );
  const stage = options.stage ?? `train:${cfg.kind}`;
  const H = ds.timing.horizon;
  const labels = sequence ? 'both' : 'total';
  const cache = new SectionCache(o.cacheMB * 1e6);

  const model = new Model(cfg, initialWeights(cfg, o.seed), ds.features);
  model.preprocess = ds.preprocess;
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-8);
  const shapes = new Map(model.specs.map((s) => [s.name, s.shape] as const));
  const adamPrivate = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };

  const state: CheckpointState | undefined =
    options.checkpoint !== undefined ? readCheckpoint(options.checkpoint, fingerprint, shapes) : undefined;
  const resumedFromEpoch = state?.epoch ?? 0;
  let chunk: number;
  if (state !== undefined) {
    model.setWeights(state.weights);
    if (state.adam.m.length > 0) {
      const vars = model.variables();
      await optimizer.setWeights([
        { name: 'iter', tensor: tf.scalar(state.adam.iterations, 'int32') },
        ...state.adam.m.map((m, i) => ({ name: `${vars[i]!.name}/m`, tensor: tf.tensor(m, vars[i]!.shape) })),
        ...state.adam.v.map((v, i) => ({ name: `${vars[i]!.name}/v`, tensor: tf.tensor(v, vars[i]!.shape) })),
      ]);
      // setWeights recomputes beta^t with pow(); restore the running products bit for bit instead.
      adamPrivate.accBeta1.assign(tf.scalar(state.adam.accBeta1));
      adamPrivate.accBeta2.assign(tf.scalar(state.adam.accBeta2));
    }
    chunk = state.chunk;
  } else if (o.stocksPerChunk > 0) {
    chunk = o.stocksPerChunk;
  } else {
    chunk = await chooseChunk(model, o.memoryBudgetMB, o.auxMseWeight);
  }

  let best = state?.best ?? model.getWeights();
  let bestScore = state?.bestScore ?? Number.NEGATIVE_INFINITY;
  let bestEpoch = state?.bestEpoch ?? 0;
  let badEpochs = state?.badEpochs ?? 0;
  const history: EpochRecord[] = [...(state?.history ?? [])];
  let finished = state?.finished ?? false;
  const stepsPerEpoch = Math.ceil(split.train.length / o.datesPerBatch);
  const progress = new ProgressReporter(
    options,
    stage,
    (o.epochs - resumedFromEpoch) * stepsPerEpoch,
    'steps',
  );
  const predictChunk = inferenceChunk(cfg);
  const usable = new WeakMap<CrossSection, Usable>();
  const seen = { sections: 0, labels: 0, features: 0 };
  const fail = (e: unknown): never => {
    optimizer.dispose();
    model.dispose();
    throw e;
  };

  for (let epoch = resumedFromEpoch + 1; epoch <= o.epochs && !finished; epoch++) {
    const t0 = performance.now();
    const order = Array.from(split.train);
    const rng = new Rng(o.seed, 'shuffle', epoch);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    let lossSum = 0;
    for (let b = 0; b < stepsPerEpoch; b++) {
      throwIfAborted(options.signal, stage);
      const dates = order.slice(b * o.datesPerBatch, (b + 1) * o.datesPerBatch);
      const sections = dates.map((t) => cache.get(ds, t, labels, true)).filter((cs) => cs.n >= 3);
      if (sections.length === 0) continue;
      const batch = buildBatch(
        sections,
        sequence,
        H,
        o.maxStocksPerDate,
        new Rng(o.seed, 'stocks', epoch, b),
      );
      if (epoch === resumedFromEpoch + 1) {
        for (const cs of sections) {
          if (usable.has(cs)) continue;
          const u = usableOf(cs, sequence);
          usable.set(cs, u);
          seen.sections++;
          if (u.labels) seen.labels++;
          if (u.features) seen.features++;
        }
      }
      const dropoutSeed = new Rng(o.seed, 'dropout', epoch, b).nextUint32();
      const loss = step(model, optimizer, batch, chunk, dropoutSeed, o.auxMseWeight);
      if (!Number.isFinite(loss)) {
        fail(
          modelsError(
            'MODELS_DIVERGED',
            `training loss is ${loss} at epoch ${epoch}, step ${b + 1} (dates ${dates.map((t) => ds.dates[t]).join(', ')}); lower learningRate or check the inputs`,
            { field: 'loss', epoch, step: b + 1, date: ds.dates[dates[0]!] },
          ),
        );
      }
      lossSum += loss;
      progress.tick(1, `epoch ${epoch} step ${b + 1}/${stepsPerEpoch}`);
    }
    if (epoch === resumedFromEpoch + 1 && resumedFromEpoch === 0) {
      const why = unusableReason(ds, split.train, seen);
      if (why !== undefined) fail(modelsError(why.code, why.message, { field: why.field }));
    }
    const weightsNow = model.getWeights();
    for (const [name, w] of weightsNow) {
      const bad = w.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        fail(
          modelsError(
            'MODELS_DIVERGED',
            `weight ${name}[${bad}] is ${w[bad]} after epoch ${epoch}; lower learningRate`,
            {
              field: name,
              epoch,
            },
          ),
        );
      }
    }
    const validSections = Array.from(split.valid, (t) => cache.get(ds, t, labels, false));
    const score = validate(model, validSections, o.validMetric, predictChunk);
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / stepsPerEpoch,
      validScore: score,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(record);
    if (Number.isFinite(score) && score > bestScore + o.minDelta) {
      bestScore = score;
      bestEpoch = epoch;
      best = weightsNow;
      badEpochs = 0;
    } else {
      badEpochs++;
    }
    finished = badEpochs >= o.patience || epoch === o.epochs;
    progress.emit(
      `epoch ${epoch} loss ${record.trainLoss.toFixed(4)} valid ${o.validMetric} ${score.toFixed(4)}`,
    );
    if (options.checkpoint !== undefined) {
      const adamWeights = await optimizer.getWeights();
      const moments = adamWeights.slice(1).map((w) => w.tensor.dataSync().slice() as Float32Array);
      const half = moments.length / 2;
      writeCheckpoint(
        options.checkpoint,
        {
          fingerprint,
          epoch,
          finished,
          chunk,
          bestEpoch,
          bestScore,
          badEpochs,
          history,
          adam: {
            iterations: adamWeights[0]!.tensor.dataSync()[0]!,
            accBeta1: adamPrivate.accBeta1.dataSync()[0]!,
            accBeta2: adamPrivate.accBeta2.dataSync()[0]!,
            m: moments.slice(0, half),
            v: moments.slice(half),
          },
          weights: weightsNow,
          best,
        },
        shapes,
      );
      tf.dispose(adamWeights.slice(0, 1).map((w) => w.tensor));
    }
  }
  if (bestEpoch === 0 && history.length > 0) {
    fail(
      modelsError(
        'MODELS_DATA',
        `the validation ${o.validMetric} is undefined in every epoch (${history.length}): validation labels missing or equal across stocks, or constant scores; the untrained model is not returned`,
        { field: 'split.valid' },
      ),
    );
  }
  optimizer.dispose();
  model.setWeights(best);
  const last = history[history.length - 1];
  return {
    model,
    history,
    bestEpoch,
    bestScore,
    stoppedEarly: last !== undefined && last.epoch < o.epochs,
    resumedFromEpoch,
    stocksPerChunk: chunk,
  };
}
