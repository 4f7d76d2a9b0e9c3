// tfjs-core's declarations use the global \`Long\` of @types/long without referencing it: a consumer
// whose tsconfig sets \`types\` (e.g. ["node"]) and checks libraries got "Cannot find name 'Long'".
// This directive (kept in the emitted .d.ts) brings it in; @types/long is a dependency of this package.
/// <reference types="long" preserve="true" />
/**
 * @packageDocumentation
 * `@hfq/models`: datasets over per-day factor matrices (windows, labels, per-date
 * standardisation, splits, walk-forward), the model zoo (GRU, Transformer, iTransformer,
 * Crossformer, encoder-decoder return-sequence model with a Transformer, iTransformer or
 * Crossformer encoder) on TensorFlow.js with an IC loss, training
 * with early stopping and resumable checkpoints, seed ensembles and composites, tensor backend
 * selection, and ONNX export with inference on onnxruntime-web (wasm, Node and browsers) or, where
 * the optional peer is installed, onnxruntime-node.
 *
 * Measurement scripts that need the training step's internals (the GPU scripts, the benchmarks)
 * import them from `@hfq/models/internal` instead (see `internal.ts`).
 */
export {
  activeBackend,
  type BackendInfo,
  type BackendLoader,
  type BackendName,
  type BackendOptions,
  type DawnBackend,
  ensureBackend,
  type GpuDeviceInfo,
  listWebGpuAdapters,
  registerBackendLoader,
  useBackend,
  type WasmBinaryName,
  type WebGpuAdapterEntry,
  type WebGpuOptions,
  type WebGpuPackage,
} from './backend/backend.js';
export {
  type CrossSection,
  type DatasetOptions,
  type LabelKind,
  StockDataset,
} from './data/dataset.js';
export {
  type FeatureOptions,
  type FeatureSection,
  FeatureWindows,
  type PreprocessSpec,
} from './data/features.js';
export { LabelBuilder, type LabelTiming, type ReturnsSource } from './data/labels.js';
export {
  type Fold,
  planWalkForward,
  type Split,
  splitTrainValid,
  type WalkForwardPlan,
} from './data/split.js';
export type { ModelsErrorCode } from './errors.js';
export { icLoss, segmentMatrix } from './loss/ic-loss.js';
export {
  type AttentionConfig,
  type BaseModelConfig,
  type CrossformerConfig,
  defaultConfig,
  type GruConfig,
  type ITransformerConfig,
  inferenceChunk,
  type ModelConfig,
  type ModelConfigInput,
  type ModelKind,
  type Pooling,
  type SegmentOptions,
  type Seq2SeqConfig,
  type Seq2SeqEncoder,
  type TransformerConfig,
} from './models/config.js';
export {
  createModel,
  type ForwardOptions,
  initialWeights,
  loadModel,
  Model,
  type ModelFileMeta,
  modelFromBytes,
} from './models/model.js';
export type { Activation } from './nn/blocks.js';
export type { ParamInit, ParamSpec } from './nn/params.js';
export {
  type ExportableModel,
  exportOnnx,
  inputLayout,
  type OnnxExportOptions,
  saveOnnx,
} from './onnx/export.js';
export type { OnnxRuntimeBackend, OnnxWasmOptions } from './onnx/runtime.js';
export { type OnnxModelInfo, OnnxScorer, type OnnxScorerOptions, readOnnxInfo } from './onnx/scorer.js';
export {
  combineScorePanels,
  Ensemble,
  fitHorizonWeights,
  ModelPredictor,
  type Predictor,
  predictPanel,
} from './train/predictor.js';
export { type EpochRecord, type TrainOptions, type TrainResult, trainModel } from './train/train.js';
export {
  type EnsembleOptions,
  type FoldReport,
  type ModelSpec,
  type TrainedEnsemble,
  trainEnsemble,
  type WalkForwardOptions,
  type WalkForwardResult,
  walkForward,
} from './train/walk-forward.js';

/** The package name. */
