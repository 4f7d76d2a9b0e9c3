/**
 * @packageDocumentation
 * `@hfq/models`: datasets over per-day factor matrices (windows, labels, per-date
 * standardisation, splits, walk-forward), the model zoo (GRU, Transformer, iTransformer,
 * Crossformer, encoder-decoder return-sequence model) on TensorFlow.js with an IC loss, training
 * with early stopping and resumable checkpoints, seed ensembles and composites, tensor backend
 * selection, and ONNX export with onnxruntime-node inference.
 */
export {
  AUTO_ORDER,
  activeBackend,
  type BackendInfo,
  type BackendLoader,
  type BackendName,
  type BackendOptions,
  ensureBackend,
  probeBackends,
  registerBackendLoader,
  useBackend,
} from './backend/backend.js';
export { GRADIENT_KERNELS, registerModelGradients } from './backend/gradients.js';
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
export { type ModelsErrorCode, modelsError } from './errors.js';
export { finiteMean } from './eval/finite-mean.js';
export { decodeTensorFile, encodeTensorFile, type NamedTensor, writeFileAtomic } from './io/tensor-file.js';
export { icLoss, MIN_IC_STOCKS, maskedIC, maskedMSE, segmentMatrix } from './loss/ic-loss.js';
export { inferenceForward, paramSpecs, trainingForward } from './models/architectures.js';
export {
  type AttentionConfig,
  type BaseModelConfig,
  type CrossformerConfig,
  crossformerScales,
  defaultConfig,
  type GruConfig,
  type ITransformerConfig,
  inferenceChunk,
  type ModelConfig,
  type ModelConfigInput,
  type ModelKind,
  outputSize,
  type Pooling,
  resolveConfig,
  type Seq2SeqConfig,
  type TransformerConfig,
  validateConfig,
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
export { type Activation, LAYER_NORM_EPS } from './nn/blocks.js';
export { initParam, type ParamInit, type ParamSpec, sizeOf } from './nn/params.js';
export {
  exportOnnx,
  inputLayout,
  META,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type OnnxExportOptions,
  STOCKS_DIM,
  saveOnnx,
} from './onnx/export.js';
export { OnnxOps, type Sym } from './onnx/onnx-ops.js';
export { type OnnxModelInfo, OnnxScorer, type OnnxScorerOptions, readOnnxInfo } from './onnx/scorer.js';
export { type Ops, type Scope, scope } from './ops/ops.js';
export { TfConstants, TfOps } from './ops/tf-ops.js';
export {
  type BatchGradients,
  batchGradientsAsync,
  profileTrainingPass,
  type StepInput,
  type TrainableNet,
  type TrainingBatch,
  type TrainingPassProfile,
} from './train/batch-gradients.js';
export { type CheckpointState, fingerprintOf, readCheckpoint } from './train/checkpoint.js';
export {
  checkCompatible,
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
export const PACKAGE_NAME = '@hfq/models';
