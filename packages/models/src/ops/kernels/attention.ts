import * as tf from '@tensorflow/tfjs-core';
import { modelsError } from '../../errors.js';
import { dropoutHash, dropoutKeys, dropoutThreshold } from './hash.js';
import type { KernelIO } from './io.js';
import { attentionScratchFloats } from './simd/module.js';
import type { KernelSet } from './types.js';

/**
 * The core of multi-head attention as one kernel, forward and backward:
 * `out[n, i, h] = sum_j W[n, h, i, j] v[n, j, h]`, `W = dropout(softmax_j(scale * q[n, i, h] .
 * k[n, j, h] + mask[i, j]))`, for `N` sequences, `Tq` queries, `Tk` keys, `H` heads of width `D`.
 *
 * No head-split transposes and no `[N, H, Tq, Tk]` tensors in memory: q, k, v and the output are
 * read and written where they are, rows addressed through a `RowLayout` (so a fused `[.., 3d]`
 * q|k|v projection, attention along any axis of `[A, X, Y, d]` and queries shared across a batch
 * axis need no copies), and the backward pass recomputes the attention weights from q and k and
 * regenerates the dropout mask from its seed (`hash.ts`) instead of storing either.
 */
export const ATTENTION = 'HfqAttention';
export const ATTENTION_GRAD = 'HfqAttentionGrad';

/**
 * Where row `t` of sequence `n` is: `row = floor(n / nIn) * sOut + (n % nIn) * sIn + t * sTok`;
 * its head `h` occupies elements `row * stride + off + h * D ... + D - 1`. A stride of 0 on a
 * batch axis shares those rows across it (broadcast).
 */
export interface RowLayout {
  stride: number;
  off: number;
  nIn: number;
  sOut: number;
  sIn: number;
  sTok: number;
}

/** Everything the kernel needs besides the tensors. */
export interface AttentionSpec {
  /** Sequences. */
  n: number;
  tq: number;
  tk: number;
  heads: number;
  /** Width of one head. */
  dk: number;
  /** Multiplies `q . k` (usually `1 / sqrt(dk)`). */
  scale: number;
  q: RowLayout;
  k: RowLayout;
  /** v uses k's layout (and tensor) at this column offset. */
  vOff: number;
  o: RowLayout;
  outShape: number[];
  /** q, k and v are all in the `q` tensor (a fused self-attention projection). */
  self: boolean;
  /** An additive `[tq, tk]` mask is given. */
  hasMask: boolean;
  /** Dropout on the attention weights (0 = none) and its mask seed. */
  rate: number;
  seed: number;
}

type Attrs = { spec: AttentionSpec };

/** The tensors of one attention call: queries, keys/values (`q` itself for self-attention), the additive mask, and for the backward pass the output gradient. */
interface AttentionOperands {
  q: tf.TensorInfo;
  kv: tf.TensorInfo;
  mask: tf.TensorInfo | undefined;
  dy?: tf.TensorInfo;
}

const rowOf = (l: RowLayout, n: number, t: number) =>
  Math.floor(n / l.nIn) * l.sOut + (n % l.nIn) * l.sIn + t * l.sTok;

/**
 * Forward (and, with `grad`, backward) in plain JavaScript: the reference implementation and
 * the cpu backend's kernel.
 */
function attentionJs(io: KernelIO, spec: AttentionSpec, t: AttentionOperands): tf.TensorInfo[] {
  const { q, kv, mask, dy } = t;
  const { n: N, tq, tk, heads: H, dk: D, scale, rate } = spec;
  const self = spec.self;
  const outs: tf.TensorInfo[] = [];
  if (dy === undefined) outs.push(io.out(spec.outShape));
  else {
    outs.push(io.out(q.shape));
    if (!self) outs.push(io.out(kv.shape));
  }
  const Q = io.f32(q);
  const KV = self ? Q : io.f32(kv);
  const M = mask === undefined ? undefined : io.f32(mask);
  const O = dy === undefined ? io.f32(outs[0]!) : io.f32(dy);
  const dQ = dy === undefined ? undefined : io.f32(outs[0]!);
  const dKV = dy === undefined ? undefined : self ? dQ : io.f32(outs[1]!);
  if (dQ !== undefined) dQ.fill(0);
  if (dKV !== undefined && dKV !== dQ) dKV.fill(0);
  const [k1, k2] = dropoutKeys(spec.seed);
  const thr = dropoutThreshold(rate);
  const keepScale = rate > 0 ? Math.fround(1 / (1 - rate)) : 1;
  const s = new Float64Array(tk);
  const p = new Float64Array(tk);
  const m = new Float64Array(tk);
  const kOff = new Int32Array(tk);
  const vOff = new Int32Array(tk);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < tk; j++) {
      const r = rowOf(spec.k, n, j) * spec.k.stride;
      kOff[j] = r + spec.k.off;
      vOff[j] = r + spec.vOff;
    }
    for (let h = 0; h < H; h++) {
      const hd = h * D;
      for (let i = 0; i < tq; i++) {
        const qo = rowOf(spec.q, n, i) * spec.q.stride + spec.q.off + hd;
        const oo = rowOf(spec.o, n, i) * spec.o.stride + spec.o.off + hd;
        let mx = -Infinity;
        for (let j = 0; j < tk; j++) {
          const ko = kOff[j]! + hd;
          let acc = 0;
          for (let c = 0; c < D; c++) acc += Q[qo + c]! * KV[ko + c]!;
          const v = acc * scale + (M === undefined ? 0 : M[i * tk + j]!);
          s[j] = v;
          if (v > mx) mx = v;
        }
        let sum = 0;
        for (let j = 0; j < tk; j++) {
          const e = Math.exp(s[j]! - mx);
          p[j] = e;
          sum += e;
        }
        const base = ((n * H + h) * tq + i) * tk;
        for (let j = 0; j < tk; j++) {
          p[j]! /= sum;
          m[j] = rate > 0 ? (dropoutHash(k1, k2, base + j) >= thr ? keepScale : 0) : 1;
        }
        if (dQ === undefined) {
          for (let c = 0; c < D; c++) {
            let acc = 0;
            for (let j = 0; j < tk; j++) acc += p[j]! * m[j]! * KV[vOff[j]! + hd + c]!;
            O[oo + c] = acc;
          }
          continue;
        }
        // Backward: dW_j = dO . v_j, dP_j = dW_j m_j, dS_j = P_j (dP_j - sum P dP).
        let dot = 0;
        for (let j = 0; j < tk; j++) {
          const vo = vOff[j]! + hd;
          let acc = 0;
          for (let c = 0; c < D; c++) acc += O[oo + c]! * KV[vo + c]!;
          s[j] = acc * m[j]!;
          dot += p[j]! * s[j]!;
        }
        for (let j = 0; j < tk; j++) {
          const ds = p[j]! * (s[j]! - dot) * scale;
          const w = p[j]! * m[j]!;
          const ko = kOff[j]! + hd;
          const vo = vOff[j]! + hd;
          for (let c = 0; c < D; c++) {
            dQ[qo + c]! += ds * KV[ko + c]!;
            dKV![ko + c]! += ds * Q[qo + c]!;
            dKV![vo + c]! += w * O[oo + c]!;
          }
        }
      }
    }
  }
  return outs;
}

/**
 * The kernel's inputs are a list (tfjs saves all inputs of a kernel for its gradient only when
 * they are given as a list): `[q]`, then `kv` unless `spec.self`, then `mask` if `spec.hasMask`.
 */
/**
 * The SIMD path (wasm backend, head width a multiple of 4): scratch holds k^T, v^T, three rows of
 * `tk4` floats and the additive mask padded to `[tq, tk4]` (-inf in the padding).
 */
function attentionSimd(io: KernelIO, spec: AttentionSpec, t: AttentionOperands): tf.TensorInfo[] {
  const { q, kv, mask, dy } = t;
  const simd = io.simd!;
  const { n, tq, tk, heads, dk, scale, rate } = spec;
  const outs: tf.TensorInfo[] = [];
  if (dy === undefined) outs.push(io.out(spec.outShape));
  else {
    outs.push(io.out(q.shape));
    if (!spec.self) outs.push(io.out(kv.shape));
  }
  const tk4 = (tk + 3) & ~3;
  const work = attentionScratchFloats(tk, dk);
  const scratch = simd.scratch(4 * (work + tq * tk4));
  const maskPtr = scratch + 4 * work;
  const padded = simd.view(maskPtr, tq * tk4);
  const M = mask === undefined ? undefined : io.f32(mask);
  for (let i = 0; i < tq; i++) {
    for (let j = 0; j < tk; j++) padded[i * tk4 + j] = M === undefined ? 0 : M[i * tk + j]!;
    for (let j = tk; j < tk4; j++) padded[i * tk4 + j] = -Infinity;
  }
  if (dy !== undefined) for (const o of outs) io.f32(o).fill(0);
  const [k1, k2] = dropoutKeys(spec.seed);
  const l = (x: RowLayout) => [x.stride, x.off, x.nIn, x.sOut, x.sIn, x.sTok];
  const args = [
    io.ptr(q),
    io.ptr(kv),
    maskPtr,
    dy === undefined ? io.ptr(outs[0]!) : io.ptr(dy),
    dy === undefined ? 0 : io.ptr(outs[0]!),
    dy === undefined ? 0 : io.ptr(outs[spec.self ? 0 : 1]!),
    scratch,
    n,
    tq,
    tk,
    heads,
    dk,
    ...l(spec.q),
    spec.k.stride,
    spec.k.off,
    spec.vOff,
    spec.k.nIn,
    spec.k.sOut,
    spec.k.sIn,
    spec.k.sTok,
    ...l(spec.o),
    scale,
    rate > 0 ? 1 : 0,
    k1,
    k2,
    dropoutThreshold(rate),
    rate > 0 ? Math.fround(1 / (1 - rate)) : 1,
  ];
  if (dy === undefined) simd.fn.attention(...args);
  else simd.fn.attention_grad(...args);
  return outs;
}

/** The SIMD kernel applies (else the JavaScript one runs). */
const simdApplies = (io: KernelIO, spec: AttentionSpec) => io.simd !== undefined && spec.dk % 4 === 0;

function inputsOf(inputs: tf.NamedTensorInfoMap, spec: AttentionSpec): AttentionOperands {
  const list = inputs as unknown as tf.TensorInfo[];
  const q = list[0]!;
  const kv = spec.self ? q : list[1]!;
  const mask = spec.hasMask ? list[spec.self ? 1 : 2] : undefined;
  return { q, kv, mask };
}

export const attentionKernels: KernelSet = {
  kernels: [
    {
      kernelName: ATTENTION,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { spec } = attrs as unknown as Attrs;
        return (simdApplies(io, spec) ? attentionSimd : attentionJs)(io, spec, inputsOf(inputs, spec))[0]!;
      },
    },
    {
      kernelName: ATTENTION_GRAD,
      kernelFunc: ({ inputs, attrs, io }) => {
        const { spec } = attrs as unknown as Attrs;
        const list = inputs as unknown as tf.TensorInfo[];
        const q = list[0]!;
        const run = simdApplies(io, spec) ? attentionSimd : attentionJs;
        return run(io, spec, {
          q,
          kv: spec.self ? q : list[1]!,
          mask: spec.hasMask ? list[2] : undefined,
          dy: list[3],
        });
      },
    },
  ],
  gradients: [
    {
      kernelName: ATTENTION,
      saveAllInputs: true,
      gradFunc: (dy, saved, attrs) => {
        const { spec } = attrs as unknown as Attrs;
        const [q, ...rest] = saved as tf.Tensor[];
        const kv = spec.self ? undefined : rest[0];
        const mask = spec.hasMask ? rest[spec.self ? 0 : 1] : undefined;
        const grads = tf.engine().runKernel(ATTENTION_GRAD, gradInputs(q!, kv, mask, dy as tf.Tensor), {
          spec,
        } as unknown as tf.NamedAttrMap);
        const [dq, dkv] = (Array.isArray(grads) ? grads : [grads]) as tf.Tensor[];
        const out: (() => tf.Tensor)[] = [() => dq!];
        if (kv !== undefined) out.push(() => dkv!);
        if (mask !== undefined) out.push(() => tf.zerosLike(mask));
        return out as unknown as ReturnType<tf.GradConfig['gradFunc']>;
      },
    },
  ],
};

/** The gradient kernel's inputs: `[q, kv, mask, dy]` (kv and mask may be placeholders). */
function gradInputs(q: tf.Tensor, kv: tf.Tensor | undefined, mask: tf.Tensor | undefined, dy: tf.Tensor) {
  return [q, kv ?? q, mask ?? q, dy] as unknown as tf.NamedTensorMap;
}

/** Runs the attention kernel: `q` (and `kv` unless `spec.self`), optional mask. */
export function attentionOp(spec: AttentionSpec, q: tf.Tensor, kv?: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
  const inputs: tf.Tensor[] = [q];
  if (!spec.self) inputs.push(kv!);
  if (spec.hasMask) inputs.push(mask!);
  return tf.engine().runKernel(
    ATTENTION,
    inputs as unknown as tf.NamedTensorMap,
    {
      spec,
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/** Row layouts of an attention call over `[A, T, d]` or `[A, X, Y, d]` inputs (see `Ops.attention`). */
export interface AttentionPlan {
  n: number;
  tq: number;
  tk: number;
  q: Omit<RowLayout, 'stride' | 'off'>;
  k: Omit<RowLayout, 'stride' | 'off'>;
  o: Omit<RowLayout, 'stride' | 'off'>;
  outShape: number[];
}

/**
 * How the kernel walks `query` (shape `qShape`) and `memory` (`mShape`) attending along
 * `seqAxis`: sequences are the broadcast batch axes (the leading axes but `seqAxis`), rows
 * counted in tokens (the caller sets strides and column offsets).
 */
export function planAttention(
  qShape: readonly number[],
  mShape: readonly number[],
  seqAxis: number,
): AttentionPlan {
  const rank = qShape.length;
  if (mShape.length !== rank || (rank !== 3 && rank !== 4) || seqAxis < 1 || seqAxis > rank - 2) {
    throw modelsError(
      'MODELS_SHAPE',
      `attention: unsupported shapes [${qShape}] / [${mShape}] on axis ${seqAxis}`,
    );
  }
  const batchAxes = rank === 3 ? [0] : seqAxis === 2 ? [0, 1] : [0, 2];
  const outBatch = batchAxes.map((a) => {
    const x = qShape[a]!;
    const y = mShape[a]!;
    if (x !== y && x !== 1 && y !== 1) {
      throw modelsError('MODELS_SHAPE', `attention: batch axis ${a} sizes ${x} and ${y} differ`);
    }
    return Math.max(x, y);
  });
  const layout = (shape: readonly number[]): Omit<RowLayout, 'stride' | 'off'> => {
    const bA = shape[0] === 1 && outBatch[0]! > 1;
    if (rank === 3) return { nIn: 1, sOut: bA ? 0 : shape[1]!, sIn: 0, sTok: 1 };
    const X = shape[1]!;
    const Y = shape[2]!;
    const bIn = shape[batchAxes[1]!] === 1 && outBatch[1]! > 1;
    return seqAxis === 2
      ? { nIn: outBatch[1]!, sOut: bA ? 0 : X * Y, sIn: bIn ? 0 : Y, sTok: 1 }
      : { nIn: outBatch[1]!, sOut: bA ? 0 : X * Y, sIn: bIn ? 0 : 1, sTok: Y };
  };
  const outShape = [...qShape];
  batchAxes.forEach((a, i) => {
    outShape[a] = outBatch[i]!;
  });
  return {
    n: outBatch.reduce((p, v) => p * v, 1),
    tq: qShape[seqAxis]!,
    tk: mShape[seqAxis]!,
    q: layout(qShape),
    k: layout(mShape),
    o: layout(outShape),
    outShape,
  };
}
