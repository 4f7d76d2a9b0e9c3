// tfjs-core's declarations use the global \`Long\` of @types/long without referencing it: a consumer
// whose tsconfig sets \`types\` (e.g. ["node"]) and checks libraries got "Cannot find name 'Long'".
// This directive (kept in the emitted .d.ts) brings it in; @types/long is a dependency of this package.
/// <reference types="long" preserve="true" />
/**
 * @packageDocumentation
 * `@hfq/models/internal`: the pieces of the training step that measurement scripts (the GPU
 * benchmark and checks of `scripts/gpu`, the package's `bench/`) run on their own. Not the
 * package's API: no stability promise beyond what those scripts need; everything a user trains,
 * predicts or exports with is in `@hfq/models`.
 *
 * - `batchGradients` / `batchGradientsAsync`: the loss and gradients of one batch exactly as
 *   `trainModel` computes them (one pass, or two passes over chunks of stocks), read back
 *   synchronously or with `await data()` (backends without synchronous reads, e.g. webgpu).
 * - `profileTrainingPass`, `chooseChunk`: the kernels and peak memory of one forward and backward
 *   pass, and the stocks per pass `trainModel` would choose from a memory budget.
 * - `setFastKernels`: switches the package's fused wasm/cpu kernels off (on by default) so a
 *   benchmark can time the same model on tfjs's own kernels.
 * - `paramSpecs`, `initParam`, `sizeOf`, `LAYER_NORM_EPS`: a model's parameter list and
 *   initialisation, for blocks that must match the package's models parameter for parameter.
 */

export { paramSpecs } from './models/architectures.js';
export { LAYER_NORM_EPS } from './nn/blocks.js';
export { initParam, type ParamSpec, sizeOf } from './nn/params.js';
export { setFastKernels } from './ops/kernels/install.js';
export {
  type BatchGradients,
  batchGradients,
  batchGradientsAsync,
  profileTrainingPass,
  type StepInput,
  type TrainableNet,
  type TrainingBatch,
  type TrainingPassProfile,
} from './train/batch-gradients.js';
export { chooseChunk } from './train/train.js';
