import * as tf from '@tensorflow/tfjs-core';
import { type KernelIO, numel } from './io.js';
import type { KernelSet } from './types.js';

/**
 * Layer normalisation over the last axis, `y = (x - mean) / sqrt(var + eps) * gamma + beta`
 * (biased variance), one pass per row; the backward pass recomputes the row statistics from `x`
 * instead of storing them and returns `dx`, `dgamma`, `dbeta` from one kernel. The composed
 * version is ten kernels forward and about twenty-five backward.
 */
export const LAYER_NORM = 'HfqLayerNorm';
export const LAYER_NORM_GRAD = 'HfqLayerNormGrad';

/** Mean of the `d` floats of `src` from `o` (float64 sum). */
function rowMean(src: Float32Array, o: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += src[o + c]!;
  return s / d;
}

/** `1 / sqrt(var + eps)` of the `d` floats of `src` from `o` with mean `mean` (biased variance, float64). */
function rowRstd(src: Float32Array, o: number, d: number, mean: number, eps: number): number {
  let v = 0;
  for (let c = 0; c < d; c++) {
    const t = src[o + c]! - mean;
    v += t * t;
  }
  return 1 / Math.sqrt(v / d + eps);
}

/** Layer norm of `rows` rows of `d` (plain JavaScript, float64 statistics). */
export function layerNormRowsJs(
  src: Float32Array,
  g: Float32Array,
  b: Float32Array,
  dst: Float32Array,
  rows: number,
  d: number,
  eps: number,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const mean = rowMean(src, o, d);
    const rstd = rowRstd(src, o, d, mean, eps);
    for (let c = 0; c < d; c++) dst[o + c] = (src[o + c]! - mean) * rstd * g[c]! + b[c]!;
  }
}

/** The layer norm backward pass (plain JavaScript): `dx`, and column sums into `dgAcc`, `dbAcc`. */
export function layerNormGradRowsJs(
  gy: Float32Array,
  src: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  dgAcc: Float64Array,
  dbAcc: Float64Array,
  rows: number,
  d: number,
  eps: number,
): void {
  const xhat = new Float64Array(d);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const mean = rowMean(src, o, d);
    const rstd = rowRstd(src, o, d, mean, eps);
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < d; c++) {
      const xh = (src[o + c]! - mean) * rstd;
      xhat[c] = xh;
      const gyc = gy[o + c]!;
      const gg = gyc * g[c]!;
      sg += gg;
      sgx += gg * xh;
      dgAcc[c] += gyc * xh;
      dbAcc[c] += gyc;
    }
    sg /= d;
    sgx /= d;
    for (let c = 0; c < d; c++) dx[o + c] = rstd * (gy[o + c]! * g[c]! - sg - xhat[c]! * sgx);
  }
}

/** Rows per call of the SIMD backward kernel: its float32 column sums stay short. */
export const BLOCK = 256;

function layerNormGradSimd(
  io: KernelIO,
  dy: tf.TensorInfo,
  x: tf.TensorInfo,
  gamma: tf.TensorInfo,
  dxT: tf.TensorInfo,
  dgT: tf.TensorInfo,
  dbT: tf.TensorInfo,
  rows: number,
  d: number,
  eps: number,
): void {
  const simd = io.simd!;
  const acc = simd.scratch(8 * d);
  const dgAcc = new Float64Array(d);
  const dbAcc = new Float64Array(d);
  const [pdy, px, pg, pdx] = [io.ptr(dy), io.ptr(x), io.ptr(gamma), io.ptr(dxT)];
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = Math.min(BLOCK, rows - r0);
    const part = simd.view(acc, 2 * d);
    part.fill(0);
    const off = 4 * r0 * d;
    simd.fn.layer_norm_grad(pdy + off, px + off, pg, pdx + off, acc, acc + 4 * d, n, d, eps);
    for (let c = 0; c < d; c++) {
      dgAcc[c] += part[c]!;
      dbAcc[c] += part[d + c]!;
    }
  }
  const dg = io.f32(dgT);
  const db = io.f32(dbT);
  for (let c = 0; c < d; c++) {
    dg[c] = dgAcc[c]!;
    db[c] = dbAcc[c]!;
  }
}

export const layerNormKernels: KernelSet = {
  kernels: [
    {
      kernelName: LAYER_NORM,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { x, gamma, beta } = inputs;
        const eps = attrs.eps as number;
        const d = x!.shape[x!.shape.length - 1]!;
        const rows = numel(x!.shape) / d;
        const out = io.out(x!.shape);
        const src = io.f32(x!);
        const g = io.f32(gamma!);
        const b = io.f32(beta!);
        if (io.simd !== undefined && d % 4 === 0) {
          io.simd.fn.layer_norm(io.ptr(x!), io.ptr(gamma!), io.ptr(beta!), io.ptr(out), rows, d, eps);
          return out;
        }
        layerNormRowsJs(src, g, b, io.f32(out), rows, d, eps);
        return out;
      },
    },
    {
      kernelName: LAYER_NORM_GRAD,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { dy, x, gamma } = inputs;
        const eps = attrs.eps as number;
        const d = x!.shape[x!.shape.length - 1]!;
        const rows = numel(x!.shape) / d;
        const dxT = io.out(x!.shape);
        const dgT = io.out([d]);
        const dbT = io.out([d]);
        if (io.simd !== undefined && d % 4 === 0) {
          layerNormGradSimd(io, dy!, x!, gamma!, dxT, dgT, dbT, rows, d, eps);
          return [dxT, dgT, dbT];
        }
        const dgAcc = new Float64Array(d);
        const dbAcc = new Float64Array(d);
        layerNormGradRowsJs(io.f32(dy!), io.f32(x!), io.f32(gamma!), io.f32(dxT), dgAcc, dbAcc, rows, d, eps);
        io.f32(dgT).set(dgAcc);
        io.f32(dbT).set(dbAcc);
        return [dxT, dgT, dbT];
      },
    },
  ],
  gradients: [
    {
      kernelName: LAYER_NORM,
      inputsToSave: ['x', 'gamma'],
      gradFunc: (dy, saved, attrs) => {
        const [x, gamma] = saved as tf.Tensor[];
        const [dx, dg, db] = tf
          .engine()
          .runKernel(
            LAYER_NORM_GRAD,
            { dy: dy as tf.Tensor, x: x!, gamma: gamma! },
            { eps: attrs.eps as number },
          ) as tf.Tensor[];
        return { x: () => dx!, gamma: () => dg!, beta: () => db! };
      },
    },
  ],
};

/** Layer norm over the last axis (fused kernel). */
export function layerNormOp(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, { eps }) as tf.Tensor;
}
