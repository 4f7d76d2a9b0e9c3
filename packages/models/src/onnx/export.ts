import type { PreprocessSpec } from '../data/features.js';
import { modelsError } from '../errors.js';
import { saveBytes } from '../io/tensor-file.js';
import { inferenceForward } from '../models/architectures.js';
import type { ModelConfig } from '../models/config.js';
import type { ParamSpec } from '../nn/params.js';
import { scope } from '../ops/ops.js';
import { META } from './meta.js';
import { OnnxOps, type Sym } from './onnx-ops.js';
import { DataType, encodeModel, type ValueInfoMsg } from './proto.js';

/** The opset every export targets (LayerNormalization needs 17). */
export const ONNX_OPSET = 17;
/** ONNX IR version matching opset 17. */
export const ONNX_IR_VERSION = 8;
/** Name of the dynamic first input dimension. */
export const STOCKS_DIM = 'stocks';

export { META } from './meta.js';

/** Options of `exportOnnx`. */
export interface OnnxExportOptions {
  /** Input factor names (default: the model's). Required when the model has none. */
  features?: readonly string[];
  /** Preprocessing to record (default: the model's, from training). */
  preprocess?: PreprocessSpec;
  /** Sequence model: weights of the horizons in the `score` output (default all 1: the sum). */
  horizonWeights?: ArrayLike<number>;
}

/**
 * What `exportOnnx` reads of a model: a `Model` satisfies it. Declared here (rather than importing
 * `Model`) so that the model class can offer `toOnnx`/`saveOnnx` without an import cycle.
 */
export interface ExportableModel {
  readonly config: ModelConfig;
  readonly features: readonly string[] | undefined;
  readonly preprocess: PreprocessSpec | undefined;
  readonly specs: readonly ParamSpec[];
  /** Outputs per stock (1, or the horizon of the sequence model). */
  readonly outputSize: number;
  /** Current weights by parameter name. */
  getWeights(): ReadonlyMap<string, Float32Array>;
}

function valueInfo(name: string, shape: readonly (number | null)[]): ValueInfoMsg {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: shape.map((d) => (d === null ? { dimParam: STOCKS_DIM } : { dimValue: d })) },
      },
    },
  };
}

/** How inputs must be prepared, in words (stored in the file for users of other stacks). */
export function inputLayout(config: ModelConfig, pre: PreprocessSpec | undefined): string {
  const clip = pre?.clip ?? 'the training clip';
  return (
    `x[stock, day, factor], float32, shape [stocks, ${config.window}, ${config.nFeatures}]; day 0 is the oldest, ` +
    `day ${config.window - 1} the scoring date; factors in hfq.features order. Each day's factor is standardised ` +
    `across the stocks of that day: (v - mean) / std (population std over stocks with a value), clipped to ` +
    `[-${clip}, ${clip}]; missing values are 0 after standardisation. Output 'score': higher = higher expected return.`
  );
}

/**
 * The model as an ONNX file (opset 17, standard operators, float32): input `x [stocks, window,
 * nFeatures]` with a dynamic `stocks` dimension; output `score [stocks]`, plus `returns
 * [stocks, horizon]` for the sequence model (its autoregressive decoder unrolled: one run, no
 * loop). Metadata: the config, feature names, preprocessing and input layout (`META` keys).
 */
export function exportOnnx(model: ExportableModel, options: OnnxExportOptions = {}): Uint8Array {
  const cfg = model.config;
  const features = options.features ?? model.features;
  if (features === undefined || features.length !== cfg.nFeatures) {
    throw modelsError('MODELS_FEATURES', `export needs ${cfg.nFeatures} feature names`, {
      field: 'features',
      expected: cfg.nFeatures,
      actual: features?.length ?? 0,
    });
  }
  const weights = model.getWeights();
  const shapes = new Map(model.specs.map((s) => [s.name, s.shape] as const));
  const ops = new OnnxOps((name) => {
    const data = weights.get(name);
    if (data === undefined) throw modelsError('MODELS_ONNX', `no parameter ${name}`, { field: name });
    return { data, shape: shapes.get(name)! };
  });
  const x: Sym = { name: 'x', shape: [null, cfg.window, cfg.nFeatures] };
  const out = inferenceForward(scope(ops), cfg, x);
  const outputs: Sym[] = [];
  let horizonWeights: number[] | undefined;
  if (model.outputSize > 1) {
    const k = model.outputSize;
    horizonWeights = Array.from(options.horizonWeights ?? new Array(k).fill(1), Number);
    if (horizonWeights.length !== k) {
      throw modelsError('MODELS_CONFIG', `${horizonWeights.length} horizon weights for ${k} outputs`, {
        field: 'horizonWeights',
      });
    }
    const w = ops.constant('horizon_weights', Float32Array.from(horizonWeights), [k, 1]);
    const score = ops.reshape(ops.linear(out, w), [-1]);
    outputs.push(ops.output(score, 'score'), ops.output(out, 'returns'));
  } else {
    outputs.push(ops.output(out, 'score'));
  }
  const pre = options.preprocess ?? model.preprocess;
  const meta: Record<string, string> = {
    [META.format]: 'hfq-onnx/1',
    [META.config]: JSON.stringify(cfg),
    [META.features]: JSON.stringify(features),
    [META.preprocess]: JSON.stringify(pre ?? null),
    [META.layout]: inputLayout(cfg, pre),
  };
  if (horizonWeights !== undefined) meta[META.horizonWeights] = JSON.stringify(horizonWeights);
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'hfq',
    producerVersion: '@hfq/models',
    docString: `hfq ${cfg.kind} stock-scoring model`,
    graph: {
      name: `hfq_${cfg.kind}`,
      node: ops.nodes,
      initializer: ops.initializers,
      input: [valueInfo('x', x.shape)],
      output: outputs.map((o) => valueInfo(o.name, o.shape)),
    },
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  });
}

/** Writes `exportOnnx(model, options)` to `path` atomically. */
export function saveOnnx(model: ExportableModel, path: string, options: OnnxExportOptions = {}): void {
  saveBytes(path, exportOnnx(model, options));
}
