import * as tf from '@tensorflow/tfjs-core';
import { numel } from './io.js';
import type { KernelSet } from './types.js';

/**
 * Exact GELU `0.5 x (1 + erf(x / sqrt 2))` and its derivative in one pass each (the composed
 * version is five kernels forward and about ten backward, each a pass over the activation).
 */
export const GELU = 'HfqGelu';
export const GELU_GRAD = 'HfqGeluGrad';

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * `erfc(z)` for `z >= 0`, Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7 (the float32
 * composition `1 + erf` is off by up to 6e-8 from rounding alone).
 */
export function erfcNonNeg(z: number): number {
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-z * z);
}

/** `0.5 * (1 + erf(x / sqrt 2))`, the standard normal CDF. */
export function normalCdf(x: number): number {
  const e = 0.5 * erfcNonNeg(Math.abs(x) * INV_SQRT2);
  return x >= 0 ? 1 - e : e;
}

export const geluKernels: KernelSet = {
  kernels: [
    {
      kernelName: GELU,
      kernelFunc: ({ inputs, io }) => {
        const x = inputs.x!;
        const out = io.out(x.shape);
        const src = io.f32(x);
        const dst = io.f32(out);
        const n = numel(x.shape);
        let from = 0;
        if (io.simd !== undefined) {
          from = n & ~3;
          io.simd.fn.gelu(io.ptr(x), io.ptr(out), from);
        }
        for (let i = from; i < n; i++) {
          const v = src[i]!;
          dst[i] = v * normalCdf(v);
        }
        return out;
      },
    },
    {
      kernelName: GELU_GRAD,
      kernelFunc: ({ inputs, io }) => {
        const { dy, x } = inputs;
        const out = io.out(x!.shape);
        const g = io.f32(dy!);
        const src = io.f32(x!);
        const dst = io.f32(out);
        const n = numel(x!.shape);
        let from = 0;
        if (io.simd !== undefined) {
          from = n & ~3;
          io.simd.fn.gelu_grad(io.ptr(dy!), io.ptr(x!), io.ptr(out), from);
        }
        for (let i = from; i < n; i++) {
          const v = src[i]!;
          dst[i] = g[i]! * (normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
        }
        return out;
      },
    },
  ],
  gradients: [
    {
      kernelName: GELU,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({
        x: () =>
          tf
            .engine()
            .runKernel(GELU_GRAD, { dy: dy as tf.Tensor, x: (saved as tf.Tensor[])[0]! }, {}) as tf.Tensor,
      }),
    },
  ],
};

/** Exact GELU (fused kernel). */
export function geluOp(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU, { x }, {}) as tf.Tensor;
}
