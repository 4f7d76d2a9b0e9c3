import * as tf from '@tensorflow/tfjs-core';
import { dropoutScale } from './dropout.js';
import { dropoutHash, dropoutKeys, dropoutThreshold } from './hash.js';
import { numel } from './io.js';
import type { KernelSet } from './types.js';

/**
 * Exact GELU `0.5 x (1 + erf(x / sqrt 2))` followed by dropout (attrs `rate`, `seed`; mask as in
 * `dropout.ts`), and its derivative, in one pass each (the composed version is six kernels
 * forward and about ten backward, each a pass over the activation).
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

/** The dropout multiplier of element `i` (`1` when `rate` is 0), and the SIMD kernels' arguments. */
function dropper(rate: number, seed: number) {
  const [k1, k2] = dropoutKeys(seed);
  const thr = dropoutThreshold(rate);
  const sc = rate > 0 ? dropoutScale(rate) : 1;
  return {
    at: (i: number) => (rate > 0 ? (dropoutHash(k1, k2, i) >= thr ? sc : 0) : 1),
    args: [rate > 0 ? 1 : 0, k1, k2, thr, sc],
  };
}

const rateSeed = (attrs: tf.NamedAttrMap) =>
  [(attrs.rate as number) ?? 0, (attrs.seed as number) ?? 0] as const;

export const geluKernels: KernelSet = {
  kernels: [
    {
      kernelName: GELU,
      kernelFunc: ({ inputs, attrs, io }) => {
        const x = inputs.x!;
        const drop = dropper(...rateSeed(attrs));
        const out = io.out(x.shape);
        const src = io.f32(x);
        const dst = io.f32(out);
        const n = numel(x.shape);
        let from = 0;
        if (io.simd !== undefined) {
          from = n & ~3;
          io.simd.fn.gelu(io.ptr(x), io.ptr(out), from, ...drop.args);
        }
        for (let i = from; i < n; i++) {
          const v = src[i]!;
          dst[i] = v * normalCdf(v) * drop.at(i);
        }
        return out;
      },
    },
    {
      kernelName: GELU_GRAD,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { dy, x } = inputs;
        const drop = dropper(...rateSeed(attrs));
        const out = io.out(x!.shape);
        const g = io.f32(dy!);
        const src = io.f32(x!);
        const dst = io.f32(out);
        const n = numel(x!.shape);
        let from = 0;
        if (io.simd !== undefined) {
          from = n & ~3;
          io.simd.fn.gelu_grad(io.ptr(dy!), io.ptr(x!), io.ptr(out), from, ...drop.args);
        }
        for (let i = from; i < n; i++) {
          const v = src[i]!;
          dst[i] = g[i]! * drop.at(i) * (normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
        }
        return out;
      },
    },
  ],
  gradients: [
    {
      kernelName: GELU,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => ({
        x: () =>
          tf
            .engine()
            .runKernel(
              GELU_GRAD,
              { dy: dy as tf.Tensor, x: (saved as tf.Tensor[])[0]! },
              { rate: attrs.rate, seed: attrs.seed },
            ) as tf.Tensor,
      }),
    },
  ],
};

/** `dropout(gelu(x), rate)` with mask seed `seed` (fused kernel; `rate` 0: GELU alone). */
export function geluOp(x: tf.Tensor, rate = 0, seed = 0): tf.Tensor {
  return tf.engine().runKernel(GELU, { x }, { rate, seed }) as tf.Tensor;
}
