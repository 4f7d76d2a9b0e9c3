/** What the benchmark needs from the package (its public entry plus the internal step function). */
export {
  type BackendName,
  defaultConfig,
  exportOnnx,
  initialWeights,
  Model,
  type ModelKind,
  OnnxScorer,
  useBackend,
} from '../src/index.js';
export { setFastKernels } from '../src/ops/kernels/install.js';
export { batchGradients as batchGradientsForBench, chooseChunk } from '../src/train/train.js';
