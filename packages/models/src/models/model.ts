import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/backend.js';
import type { PreprocessSpec } from '../data/features.js';
import { modelsError } from '../errors.js';
import { checkPreprocess } from '../io/read-checks.js';
import {
  decodeTensorFile,
  encodeTensorFile,
  firstNonFinite,
  type NamedTensor,
  readTensorFile,
  saveBytes,
  type TensorFile,
} from '../io/tensor-file.js';
import { initParam, type ParamSpec, sizeOf } from '../nn/params.js';
import { exportOnnx, type OnnxExportOptions } from '../onnx/export.js';
import { scope } from '../ops/ops.js';
import { TfConstants, TfOps } from '../ops/tf-ops.js';
import { inferenceForward, paramSpecs, trainingForward } from './architectures.js';
import { inferenceChunk, type ModelConfig, outputSize, validateConfig } from './config.js';

let nextModelId = 0;

/** Options of `forward`. */
export interface ForwardOptions {
  /** Dropout on (training). Default false. */
  training?: boolean;
  /** Base seed of this pass's dropout masks. Default 0. */
  dropoutSeed?: number;
  /** Sequence model only: true standardised daily returns `[B, horizon]` for teacher forcing. */
  teacher?: tf.Tensor;
}

/** What a saved model file carries besides the weights. */
export interface ModelFileMeta {
  format: 'hfq-model';
  version: 1;
  config: ModelConfig;
  features: string[] | null;
  /** How inputs were standardised in training (null if unknown). */
  preprocess: PreprocessSpec | null;
  /** Free-form, e.g. the dataset options the model was trained with. */
  extra?: Record<string, unknown>;
}

/**
 * One model of the zoo on tfjs: its configuration, named trainable parameters (tfjs variables,
 * in the fixed order of `specs`), `forward` on tensors, `predict` on plain arrays, save/load, and
 * ONNX export (`toOnnx`, `saveOnnx`). Create with `createModel` / `loadModel` (they make sure a backend
 * is active). Call `dispose()` when done: tfjs memory is not garbage-collected.
 */
export class Model {
  readonly config: ModelConfig;
  /** Names of the input factors in input order, when known (saved into files and ONNX metadata). */
  readonly features: readonly string[] | undefined;
  readonly specs: readonly ParamSpec[];
  /** How the training inputs were standardised (set by `trainModel`; saved and exported with the model). */
  preprocess: PreprocessSpec | undefined;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly constants = new TfConstants();
  private readonly id = nextModelId++;

  /** Builds the variables from `weights` (all present, right sizes). Use `createModel` / `loadModel`. */
  constructor(config: ModelConfig, weights: ReadonlyMap<string, Float32Array>, features?: readonly string[]) {
    validateConfig(config);
    if (features !== undefined && features.length !== config.nFeatures) {
      throw modelsError(
        'MODELS_FEATURES',
        `${features.length} feature names for a model with nFeatures ${config.nFeatures}`,
        { field: 'features' },
      );
    }
    this.config = Object.freeze({ ...config });
    this.features = features === undefined ? undefined : Object.freeze([...features]);
    this.specs = paramSpecs(config);
    for (const spec of this.specs) {
      const w = weights.get(spec.name);
      if (w === undefined)
        throw modelsError('MODELS_FORMAT', `missing weight ${spec.name}`, { field: spec.name });
      if (w.length !== sizeOf(spec.shape)) {
        throw modelsError(
          'MODELS_FORMAT',
          `weight ${spec.name} has ${w.length} values, expected ${sizeOf(spec.shape)}`,
          {
            field: spec.name,
          },
        );
      }
      this.vars.set(
        spec.name,
        tf.variable(tf.tensor(w, [...spec.shape], 'float32'), true, `hfq${this.id}/${spec.name}`),
      );
    }
  }

  /** Outputs per stock (1, or `horizon` for the sequence model). */
  get outputSize(): number {
    return outputSize(this.config);
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    let n = 0;
    for (const s of this.specs) n += sizeOf(s.shape);
    return n;
  }

  /** The trainable variables in `specs` order. */
  variables(): tf.Variable[] {
    return this.specs.map((s) => this.vars.get(s.name)!);
  }

  /**
   * Runs the model on `x [B, window, nFeatures]`: `[B]` scores, or `[B, horizon]` for the sequence
   * model (teacher-forced when `teacher` is given, autoregressive otherwise). Returns a new tensor
   * the caller owns; call inside `tf.tidy` / `tf.variableGrads`.
   */
  forward(x: tf.Tensor, options: ForwardOptions = {}): tf.Tensor {
    this.checkInput(x.shape);
    const ops = new TfOps(
      (name) => {
        const v = this.vars.get(name);
        if (v === undefined)
          throw modelsError('MODELS_CONFIG', `model has no parameter ${name}`, { field: name });
        return v;
      },
      this.constants,
      options.training ?? false,
      options.dropoutSeed ?? 0,
    );
    const s = scope(ops);
    return options.teacher !== undefined || options.training
      ? trainingForward(s, this.config, x, options.teacher)
      : inferenceForward(s, this.config, x);
  }

  /**
   * Inference on plain arrays: `x` is `n x window x nFeatures` row-major (float32); returns `n`
   * scores (or `n x horizon`). Stocks are independent, so they run in chunks of `chunk` stocks
   * (default `inferenceChunk(config)`, ~256 MB of intermediates; iTransformer's attention alone is
   * `nHeads x nFeatures^2` floats per stock).
   */
  predict(x: Float32Array, n: number, chunk = inferenceChunk(this.config)): Float32Array {
    const { window: L, nFeatures: F } = this.config;
    if (x.length !== n * L * F) {
      throw modelsError('MODELS_SHAPE', `predict got ${x.length} values, expected ${n} x ${L} x ${F}`, {
        field: 'x',
      });
    }
    const k = this.outputSize;
    const out = new Float32Array(n * k);
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const part = tf.tidy(() => {
        const xt = tf.tensor3d(x.subarray(start * L * F, (start + m) * L * F), [m, L, F]);
        return this.forward(xt);
      });
      out.set(part.dataSync() as Float32Array, start * k);
      part.dispose();
    }
    return out;
  }

  /** Copies of the current weights by parameter name. */
  getWeights(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const s of this.specs) out.set(s.name, this.vars.get(s.name)!.dataSync().slice() as Float32Array);
    return out;
  }

  /** Overwrites weights (every parameter must be present with the right size). */
  setWeights(weights: ReadonlyMap<string, Float32Array>): void {
    for (const s of this.specs) {
      const w = weights.get(s.name);
      if (w === undefined || w.length !== sizeOf(s.shape)) {
        throw modelsError('MODELS_FORMAT', `weight ${s.name} missing or of the wrong size`, {
          field: s.name,
        });
      }
      this.vars.get(s.name)!.assign(tf.tensor(w, [...s.shape], 'float32'));
    }
  }

  /** The weights as named tensors (for files). */
  namedWeights(): Map<string, NamedTensor> {
    const out = new Map<string, NamedTensor>();
    for (const [name, data] of this.getWeights()) {
      out.set(name, { shape: this.specs.find((s) => s.name === name)!.shape, data });
    }
    return out;
  }

  /** Serialises config, feature names and weights (hfq tensor file). */
  toBytes(extra?: Record<string, unknown>): Uint8Array {
    const meta: ModelFileMeta = {
      format: 'hfq-model',
      version: 1,
      config: this.config,
      features: this.features === undefined ? null : [...this.features],
      preprocess: this.preprocess ?? null,
    };
    if (extra !== undefined) meta.extra = extra;
    return encodeTensorFile(meta, this.namedWeights());
  }

  /** Saves to `path` atomically (temp file + rename). */
  save(path: string, extra?: Record<string, unknown>): void {
    saveBytes(path, this.toBytes(extra));
  }

  /** The model as an ONNX file (see `exportOnnx`). */
  toOnnx(options: OnnxExportOptions = {}): Uint8Array {
    return exportOnnx(this, options);
  }

  /** Writes `toOnnx(options)` to `path` atomically. */
  saveOnnx(path: string, options: OnnxExportOptions = {}): void {
    saveBytes(path, exportOnnx(this, options));
  }

  /** Frees the variables and cached constants. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.constants.dispose();
  }

  private checkInput(shape: readonly number[]): void {
    const { window: L, nFeatures: F } = this.config;
    if (shape.length !== 3 || shape[1] !== L || shape[2] !== F) {
      throw modelsError(
        'MODELS_SHAPE',
        `model input must be [stocks, ${L}, ${F}], got [${shape.join(', ')}]`,
        shape[2] !== F ? { field: 'nFeatures', expected: F, actual: shape[2] } : { field: 'x' },
      );
    }
  }
}

/** Fresh weights for `config` from `seed` (each parameter from its own named RNG stream). */
export function initialWeights(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const spec of paramSpecs(config)) out.set(spec.name, initParam(spec, seed));
  return out;
}

/**
 * A new model with weights initialised from `seed` (same seed, same weights on every backend).
 * Activates the default backend (`auto`) first if none is active.
 */
export async function createModel(
  config: ModelConfig,
  options: { seed?: number; features?: readonly string[] } = {},
): Promise<Model> {
  await ensureBackend();
  return new Model(config, initialWeights(config, options.seed ?? 0), options.features);
}

/**
 * Restores a model from `Model.toBytes` output, checked like `loadModel`.
 * @throws `MODELS_FORMAT` (or `MODELS_CONFIG` for an invalid config) naming `source` and the field.
 */
export async function modelFromBytes(bytes: Uint8Array, source?: string): Promise<Model> {
  return modelFromDecoded(decodeTensorFile(bytes, source), source);
}

/**
 * Loads a model saved with `Model.save`. Checked before use: the content hash written with it
 * (files from before the hash have none and are accepted on the other checks), the metadata's
 * shape (config, feature names, preprocessing), and that every weight is present, of its
 * parameter's size and finite.
 * @throws `MODELS_FORMAT` (or `MODELS_CONFIG` for an invalid config) naming the file and the field.
 */
export async function loadModel(path: string): Promise<Model> {
  return modelFromDecoded(readTensorFile(path), path);
}

async function modelFromDecoded(file: TensorFile, source?: string): Promise<Model> {
  const bad = (field: string, what: string, cause?: unknown) =>
    modelsError(
      'MODELS_FORMAT',
      `model file${source === undefined ? '' : ` ${source}`}: ${what}`,
      { source, field },
      cause,
    );
  const meta = file.meta as Partial<ModelFileMeta> | null;
  if (meta === null || typeof meta !== 'object' || meta.format !== 'hfq-model') {
    throw modelsError('MODELS_FORMAT', 'not an hfq model file', { source, field: 'format' });
  }
  if (meta.config === null || typeof meta.config !== 'object') throw bad('config', 'lacks its config');
  try {
    validateConfig(meta.config);
  } catch (e) {
    throw bad('config', `invalid config: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const features = meta.features ?? null;
  if (features !== null && (!Array.isArray(features) || !features.every((f) => typeof f === 'string'))) {
    throw bad('features', 'features must be a list of names or null');
  }
  const pre = meta.preprocess ?? null;
  if (pre !== null) checkPreprocess(pre, (field, what) => bad(field, what));
  for (const [name, t] of file.tensors) {
    const hit = firstNonFinite(t.data);
    if (hit !== undefined) throw bad(name, `weight ${name}[${hit.index}] is ${hit.value}`);
  }
  await ensureBackend();
  const weights = new Map<string, Float32Array>();
  for (const [k, v] of file.tensors) weights.set(k, v.data);
  for (const name of weights.keys()) {
    if (!paramSpecs(meta.config).some((p) => p.name === name)) {
      throw bad(name, `weight ${name} is not a parameter of a ${meta.config.kind} model`);
    }
  }
  let model: Model;
  try {
    model = new Model(meta.config, weights, features ?? undefined);
  } catch (e) {
    const field = (e as { context?: { field?: string } }).context?.field ?? 'weights';
    throw bad(field, e instanceof Error ? e.message : String(e), e);
  }
  model.preprocess = pre ?? undefined;
  return model;
}
