/**
 * What the benchmark needs from the package: its public entry, plus the training step and the
 * kernel switch from the measurement subpath (`@hfq/models/internal`).
 */
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
export { batchGradients as batchGradientsForBench, chooseChunk, setFastKernels } from '../src/internal.js';
