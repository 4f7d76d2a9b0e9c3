import * as tf from '@tensorflow/tfjs-core';
import { numel } from './io.js';
import type { KernelSet } from './types.js';

/**
 * `y = x @ w + b` on the last axis as one kernel: the backend's own `_FusedMatMul` (on wasm, one
 * XNNPACK fully-connected call that adds the bias as it writes) on `x` viewed as one matrix, with
 * a gradient that computes only what the tape asks for (`dx` is skipped for a first layer):
 * `dx = dy @ w^T` (the small `w` transposed), `dw = x^T dy`, `db` = column sums of `dy` in one
 * pass (the stock `Sum` over a leading axis transposes its input first).
 */
export const LINEAR = 'HfqLinear';
export const COLUMN_SUM = 'HfqColumnSum';
export const MATMUL_TN = 'HfqMatMulTN';

/** Swaps the last two axes of a matrix. */
function t2(m: tf.Tensor): tf.Tensor {
  return tf.transpose(m, [1, 0]);
}

/** Whether `p^T q` runs as the SIMD kernel (wasm; column counts multiples of 4 and 8). */
function tnKernelApplies(p: tf.Tensor, q: tf.Tensor): boolean {
  return tf.getBackend() === 'wasm' && p.shape[1]! % 4 === 0 && q.shape[1]! % 8 === 0;
}

/**
 * `p^T q` for matrices with many rows. wasm runs a transposed-flag product ~10x slower than a
 * plain one and packs the right-hand matrix afresh per call, so the smaller operand goes right.
 */
function matMulTN(p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  if (tnKernelApplies(p, q)) return tf.engine().runKernel(MATMUL_TN, { x: p, y: q }, {}) as tf.Tensor;
  if (tnKernelApplies(q, p)) return t2(tf.engine().runKernel(MATMUL_TN, { x: q, y: p }, {}) as tf.Tensor);
  return q.size <= p.size ? tf.matMul(t2(p), q) : t2(tf.matMul(t2(q), p));
}

export const linearKernels: KernelSet = {
  kernels: [
    {
      kernelName: LINEAR,
      kernelFunc: ({ inputs, io, backend }) => {
        const { x, w, b } = inputs;
        const inDim = w!.shape[0]!;
        const outDim = w!.shape[1]!;
        const rows = numel(x!.shape) / inDim;
        const fused = tf.getKernel('_FusedMatMul', io.backendName)!;
        const y = fused.kernelFunc({
          inputs: {
            a: { dataId: x!.dataId, shape: [1, rows, inDim], dtype: 'float32' },
            b: { dataId: w!.dataId, shape: [1, inDim, outDim], dtype: 'float32' },
            ...(b === undefined ? {} : { bias: b }),
          },
          attrs: { transposeA: false, transposeB: false, activation: 'linear' },
          backend: backend as tf.KernelBackend,
        }) as tf.TensorInfo;
        return { dataId: y.dataId, shape: [...x!.shape.slice(0, -1), outDim], dtype: 'float32' };
      },
    },
    {
      kernelName: COLUMN_SUM,
      kernelFunc: ({ inputs, io }) => {
        const x = inputs.x!;
        const d = x.shape[x.shape.length - 1]!;
        const n = numel(x.shape);
        const out = io.out([d]);
        const acc = new Float64Array(d);
        const simd = io.simd;
        if (simd !== undefined && d % 4 === 0) {
          // Blocks of 256 rows summed in float32 by the SIMD kernel, blocks summed in float64.
          const part = simd.scratch(4 * d);
          const px = io.ptr(x);
          const rows = n / d;
          for (let r0 = 0; r0 < rows; r0 += 256) {
            simd.view(part, d).fill(0);
            simd.fn.column_sum(px + 4 * r0 * d, part, Math.min(256, rows - r0), d);
            const v = simd.view(part, d);
            for (let c = 0; c < d; c++) acc[c] += v[c]!;
          }
        } else {
          const src = io.f32(x);
          for (let o = 0; o < n; o += d) for (let c = 0; c < d; c++) acc[c] += src[o + c]!;
        }
        const dst = io.f32(out);
        for (let c = 0; c < d; c++) dst[c] = acc[c]!;
        return out;
      },
    },
    {
      kernelName: MATMUL_TN,
      kernelFunc: ({ inputs, io }) => {
        const { x, y } = inputs;
        const [T, m] = x!.shape as [number, number];
        const n = y!.shape[1]!;
        const out = io.out([m, n]);
        const simd = io.simd;
        if (simd !== undefined && m % 4 === 0 && n % 8 === 0) {
          io.f32(out).fill(0);
          const [px, py, pc] = [io.ptr(x!), io.ptr(y!), io.ptr(out)];
          // Row blocks whose two slices fit in ~128 KB of cache.
          const block = Math.max(16, Math.floor(32768 / (m + n)));
          for (let t0 = 0; t0 < T; t0 += block)
            simd.fn.matmul_tn(px, py, pc, t0, Math.min(T, t0 + block), m, n);
          return out;
        }
        const X = io.f32(x!);
        const Y = io.f32(y!);
        const acc = new Float64Array(m * n);
        for (let t = 0; t < T; t++) {
          for (let i = 0; i < m; i++) {
            const v = X[t * m + i]!;
            for (let j = 0; j < n; j++) acc[i * n + j] += v * Y[t * n + j]!;
          }
        }
        io.f32(out).set(acc);
        return out;
      },
    },
  ],
  gradients: [
    {
      kernelName: LINEAR,
      inputsToSave: ['x', 'w'],
      gradFunc: (dy, saved) => {
        const [x, w] = saved as tf.Tensor[];
        const g = dy as tf.Tensor;
        const inDim = w!.shape[0]!;
        const outDim = w!.shape[1]!;
        const g2 = () => tf.reshape(g, [-1, outDim]);
        return {
          x: () => tf.reshape(tf.matMul(g2(), t2(w!)), x!.shape),
          w: () => matMulTN(tf.reshape(x!, [-1, inDim]), g2()),
          b: () => columnSumOp(g),
        };
      },
    },
  ],
};

/** Sums over every axis but the last (fused kernel). */
export function columnSumOp(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(COLUMN_SUM, { x }, {}) as tf.Tensor;
}

/** `x @ w + b` on the last axis of `x` (fused kernel). */
export function linearOp(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inputs: tf.NamedTensorMap = b === undefined ? { x, w } : { x, w, b };
  return tf.engine().runKernel(LINEAR, inputs, {}) as tf.Tensor;
}
