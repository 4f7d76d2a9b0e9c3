import type * as tf from '@tensorflow/tfjs-core';
import type { KernelSet } from './types.js';

/**
 * `Identity` for the wasm backend that shares its input's buffer (a reference count) instead of
 * copying it, as the cpu backend's `Identity` and every backend's `Reshape` do. tfjs tensors are
 * immutable, so a shared buffer is safe.
 *
 * Why: tfjs-core clones (`Identity`) every tensor it keeps for the backward pass; the wasm
 * backend's `Identity` copies the whole buffer, so a training step copied each saved
 * activation once more (669 copies, ~260 ms of a 3 s Crossformer step).
 */
function identityShared(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs.x!;
  (args.backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityKernels: KernelSet = {
  kernels: [],
  gradients: [],
  replacements: [
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identityShared as unknown as tf.KernelFunc },
  ],
};
