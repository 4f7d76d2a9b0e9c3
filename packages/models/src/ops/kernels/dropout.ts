import * as tf from '@tensorflow/tfjs-core';
import { dropoutHash, dropoutKeys, dropoutThreshold } from './hash.js';
import { numel } from './io.js';
import type { KernelSet } from './types.js';

/**
 * Inverted dropout `y = keep ? x / (1 - rate) : 0` with the mask of `hash.ts` (seed, index).
 * Its gradient is the same kernel on `dy` with the same seed: nothing is stored for the
 * backward pass.
 */
export const DROPOUT = 'HfqDropout';

export function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}

export const dropoutKernels: KernelSet = {
  kernels: [
    {
      kernelName: DROPOUT,
      kernelFunc: ({ inputs, attrs, io }) => {
        const x = inputs.x!;
        const out = io.out(x.shape);
        const src = io.f32(x);
        const dst = io.f32(out);
        const [k1, k2] = dropoutKeys(attrs.seed as number);
        const thr = dropoutThreshold(attrs.rate as number);
        const sc = dropoutScale(attrs.rate as number);
        const n = numel(x.shape);
        let from = 0;
        if (io.simd !== undefined) {
          from = n & ~3;
          io.simd.fn.dropout(io.ptr(x), io.ptr(out), from, k1, k2, thr, sc);
        }
        for (let i = from; i < n; i++) dst[i] = dropoutHash(k1, k2, i) >= thr ? src[i]! * sc : 0;
        return out;
      },
    },
  ],
  gradients: [
    {
      kernelName: DROPOUT,
      gradFunc: (dy, _saved, attrs) => ({
        x: () => dropoutOp(dy as tf.Tensor, attrs.rate as number, attrs.seed as number),
      }),
    },
  ],
};

/** Dropout of `x` at `rate` with mask seed `seed` (fused kernel). */
export function dropoutOp(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return tf.engine().runKernel(DROPOUT, { x }, { rate, seed }) as tf.Tensor;
}
