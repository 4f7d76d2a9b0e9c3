import * as tf from '@tensorflow/tfjs-core';
import { dropoutScale } from './dropout.js';
import { dropoutHash, dropoutKeys, dropoutThreshold } from './hash.js';
import { type KernelIO, numel } from './io.js';
import { BLOCK, layerNormGradRowsJs, layerNormRowsJs } from './layer-norm.js';
import type { KernelSet } from './types.js';

/**
 * The residual step of a post-norm block, `layerNorm(x + dropout(a))`, as one kernel: the sum is
 * never stored (the backward pass rebuilds it from `x`, `a` and the dropout seed) and the dropout
 * mask is drawn as in `dropout.ts` (same seed and index: same mask as `HfqDropout` on `a`).
 */
export const ADD_NORM = 'HfqAddNorm';
export const ADD_NORM_GRAD = 'HfqAddNormGrad';

interface AddNormAttrs {
  eps: number;
  rate: number;
  seed: number;
}

function dropArgs(rate: number, seed: number): number[] {
  const [k1, k2] = dropoutKeys(seed);
  return [rate > 0 ? 1 : 0, k1, k2, dropoutThreshold(rate), rate > 0 ? dropoutScale(rate) : 1];
}

/** `x + dropout(a)` in plain JavaScript. */
function residualJs(x: Float32Array, a: Float32Array, rate: number, seed: number): Float32Array {
  const [k1, k2] = dropoutKeys(seed);
  const thr = dropoutThreshold(rate);
  const sc = rate > 0 ? dropoutScale(rate) : 1;
  const u = new Float32Array(x.length);
  for (let i = 0; i < u.length; i++) {
    const m = rate > 0 ? (dropoutHash(k1, k2, i) >= thr ? sc : 0) : 1;
    u[i] = x[i]! + a[i]! * m;
  }
  return u;
}

function backwardSimd(
  io: KernelIO,
  ins: { dy: tf.TensorInfo; x: tf.TensorInfo; a: tf.TensorInfo; gamma: tf.TensorInfo },
  outs: tf.TensorInfo[],
  rows: number,
  d: number,
  at: AddNormAttrs,
): void {
  const simd = io.simd!;
  const acc = simd.scratch(8 * d);
  const dgAcc = new Float64Array(d);
  const dbAcc = new Float64Array(d);
  const [pdy, px, pa, pg] = [io.ptr(ins.dy), io.ptr(ins.x), io.ptr(ins.a), io.ptr(ins.gamma)];
  const [pdx, pda] = [io.ptr(outs[0]!), io.ptr(outs[1]!)];
  const drop = dropArgs(at.rate, at.seed);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = Math.min(BLOCK, rows - r0);
    simd.view(acc, 2 * d).fill(0);
    const off = 4 * r0 * d;
    simd.fn.add_norm_grad(
      pdy + off,
      px + off,
      pa + off,
      pg,
      pdx + off,
      pda + off,
      acc,
      acc + 4 * d,
      n,
      d,
      at.eps,
      r0,
      ...drop,
    );
    const part = simd.view(acc, 2 * d);
    for (let c = 0; c < d; c++) {
      dgAcc[c] += part[c]!;
      dbAcc[c] += part[d + c]!;
    }
  }
  io.f32(outs[2]!).set(dgAcc);
  io.f32(outs[3]!).set(dbAcc);
}

export const addNormKernels: KernelSet = {
  kernels: [
    {
      kernelName: ADD_NORM,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { x, a, gamma, beta } = inputs;
        const at = attrs as unknown as AddNormAttrs;
        const d = x!.shape[x!.shape.length - 1]!;
        const rows = numel(x!.shape) / d;
        const out = io.out(x!.shape);
        if (io.simd !== undefined && d % 4 === 0) {
          io.simd.fn.add_norm(
            io.ptr(x!),
            io.ptr(a!),
            io.ptr(gamma!),
            io.ptr(beta!),
            io.ptr(out),
            rows,
            d,
            at.eps,
            0,
            ...dropArgs(at.rate, at.seed),
          );
          return out;
        }
        const u = residualJs(io.f32(x!), io.f32(a!), at.rate, at.seed);
        layerNormRowsJs(u, io.f32(gamma!), io.f32(beta!), io.f32(out), rows, d, at.eps);
        return out;
      },
    },
    {
      kernelName: ADD_NORM_GRAD,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { dy, x, a, gamma } = inputs;
        const at = attrs as unknown as AddNormAttrs;
        const d = x!.shape[x!.shape.length - 1]!;
        const rows = numel(x!.shape) / d;
        const outs = [io.out(x!.shape), io.out(x!.shape), io.out([d]), io.out([d])];
        if (io.simd !== undefined && d % 4 === 0) {
          backwardSimd(io, { dy: dy!, x: x!, a: a!, gamma: gamma! }, outs, rows, d, at);
          return outs;
        }
        const u = residualJs(io.f32(x!), io.f32(a!), at.rate, at.seed);
        const dgAcc = new Float64Array(d);
        const dbAcc = new Float64Array(d);
        const dx = io.f32(outs[0]!);
        layerNormGradRowsJs(io.f32(dy!), u, io.f32(gamma!), dx, dgAcc, dbAcc, rows, d, at.eps);
        const [k1, k2] = dropoutKeys(at.seed);
        const thr = dropoutThreshold(at.rate);
        const sc = at.rate > 0 ? dropoutScale(at.rate) : 1;
        const da = io.f32(outs[1]!);
        for (let i = 0; i < da.length; i++) {
          da[i] = at.rate > 0 ? (dropoutHash(k1, k2, i) >= thr ? dx[i]! * sc : 0) : dx[i]!;
        }
        io.f32(outs[2]!).set(dgAcc);
        io.f32(outs[3]!).set(dbAcc);
        return outs;
      },
    },
  ],
  gradients: [
    {
      kernelName: ADD_NORM,
      inputsToSave: ['x', 'a', 'gamma'],
      gradFunc: (dy, saved, attrs) => {
        const [x, a, gamma] = saved as tf.Tensor[];
        const [dx, da, dg, db] = tf
          .engine()
          .runKernel(
            ADD_NORM_GRAD,
            { dy: dy as tf.Tensor, x: x!, a: a!, gamma: gamma! },
            attrs,
          ) as tf.Tensor[];
        return { x: () => dx!, a: () => da!, gamma: () => dg!, beta: () => db! };
      },
    },
  ],
};

/** `layerNorm(x + dropout(a, rate, seed))` over the last axis (fused kernel). */
export function addNormOp(
  x: tf.Tensor,
  a: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
  rate: number,
  seed: number,
): tf.Tensor {
  return tf.engine().runKernel(ADD_NORM, { x, a, gamma, beta }, { eps, rate, seed }) as tf.Tensor;
}
