import type * as tf from '@tensorflow/tfjs-core';
import type { KernelIO } from './io.js';

/** A kernel written once over `KernelIO`. */
export interface FastKernel {
  kernelName: string;
  kernelFunc: (args: {
    inputs: tf.NamedTensorInfoMap;
    attrs: tf.NamedAttrMap;
    io: KernelIO;
    backend: unknown;
  }) => tf.TensorInfo | tf.TensorInfo[];
}

/** Backends the fused kernels are registered for. */
export const FAST_BACKENDS = ['wasm', 'cpu'] as const;
export type FastBackend = (typeof FAST_BACKENDS)[number];

/** A stock kernel replaced while the fast kernels are on (restored by `setFastKernels(false)`). */
export interface KernelReplacement {
  kernelName: string;
  backendName: FastBackend;
  kernelFunc: tf.KernelFunc;
}

/** What one kernel module contributes. */
export interface KernelSet {
  kernels: FastKernel[];
  gradients: tf.GradConfig[];
  replacements?: KernelReplacement[];
}
