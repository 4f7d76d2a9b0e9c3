import * as tf from '@tensorflow/tfjs-core';
import { modelsError } from '../errors.js';
import { attentionByParts } from './attention-reference.js';
import { planAttention } from './kernels/attention.js';
import {
  addNormOp,
  attentionOp,
  dropoutOp,
  fastKernelsActive,
  geluOp,
  layerNormOp,
  linearOp,
} from './kernels/index.js';
import type { AttentionOptions, AttentionParams, Ops } from './ops.js';

/**
 * `Ops` on tfjs-core: eager tensors on the active backend. Call inside `tf.tidy` (or
 * `tf.variableGrads`) so intermediates are freed. Constants are cached per instance of
 * `TfConstants` and disposed with it.
 *
 * On the `wasm` and `cpu` backends, linear layers, layer norm, GELU, dropout and attention run
 * as the package's fused kernels (`ops/kernels`), with their own gradients; elsewhere (or after
 * `setFastKernels(false)`) they are composed from stock tfjs ops. Same values to float32
 * rounding, except that training-time dropout masks come from different random streams
 * (a hash of seed and element index, against tfjs's seeded generator).
 */
export class TfOps implements Ops<tf.Tensor> {
  readonly kind = 'tf' as const;
  private dropoutCounter = 0;
  /** Whether this instance uses the fused kernels (decided once, at construction). */
  readonly fusedKernels: boolean;

  /**
   * @param params parameter lookup by full name.
   * @param constants cache for constant tensors (kept across calls).
   * @param training enables dropout.
   * @param dropoutSeed base seed of this forward pass's dropout masks (deterministic: the k-th
   *   dropout call uses seed `dropoutSeed + k`).
   */
  constructor(
    private readonly params: (name: string) => tf.Tensor,
    private readonly constants: TfConstants,
    readonly training = false,
    private readonly dropoutSeed = 0,
  ) {
    this.fusedKernels = fastKernelsActive();
  }

  /** Seed of the next dropout mask. */
  private nextSeed(): number {
    return this.dropoutSeed + this.dropoutCounter++;
  }

  shape(x: tf.Tensor): readonly number[] {
    return x.shape;
  }

  param(name: string): tf.Tensor {
    return this.params(name);
  }

  constant(key: string, values: Float32Array, shape: readonly number[]): tf.Tensor {
    return this.constants.get(key, values, shape);
  }

  linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
    const inDim = w.shape[0]!;
    const outDim = w.shape[1]!;
    if (x.shape[x.rank - 1] !== inDim) {
      throw modelsError(
        'MODELS_SHAPE',
        `linear: input has ${x.shape[x.rank - 1]} features, weight expects ${inDim}`,
      );
    }
    if (this.fusedKernels) return linearOp(x, w, b);
    // One 2-D product (wasm's fast path) and a broadcast add. Not tf.fused.matMul: its custom
    // gradient always computes the input gradient (wasted for the first layer) and uses
    // transposed products, which wasm runs ~10x slower than plain ones.
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
    let y = tf.matMul(x2 as tf.Tensor2D, w as tf.Tensor2D);
    if (b !== undefined) y = tf.add(y, b);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
  }

  matMul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
    if (!transposeB) return tf.matMul(a, b);
    // Batched products take the flag at no cost; 2-D ones are ~10x slower with it on wasm.
    if (a.rank > 2) return tf.matMul(a, b, false, true);
    const perm = [...b.shape.keys()];
    perm[b.rank - 2] = b.rank - 1;
    perm[b.rank - 1] = b.rank - 2;
    return tf.matMul(a, tf.transpose(b, perm));
  }

  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }

  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.sub(a, b);
  }

  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.mul(a, b);
  }

  scale(x: tf.Tensor, s: number): tf.Tensor {
    return tf.mul(x, tf.scalar(s));
  }

  rsubScalar(s: number, x: tf.Tensor): tf.Tensor {
    return tf.sub(tf.scalar(s), x);
  }

  reshape(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
    return tf.reshape(x, [...shape]);
  }

  transpose(x: tf.Tensor, perm: readonly number[]): tf.Tensor {
    return tf.transpose(x, [...perm]);
  }

  concat(xs: readonly tf.Tensor[], axis: number): tf.Tensor {
    return xs.length === 1 ? xs[0]! : tf.concat([...xs], axis);
  }

  split(x: tf.Tensor, axis: number, n: number): tf.Tensor[] {
    return tf.split(x, n, axis);
  }

  unstack(x: tf.Tensor, axis: number): tf.Tensor[] {
    return tf.unstack(x, axis);
  }

  stack(xs: readonly tf.Tensor[], axis: number): tf.Tensor {
    return tf.stack([...xs], axis);
  }

  slice(x: tf.Tensor, axis: number, start: number, end: number): tf.Tensor {
    const begin = x.shape.map(() => 0);
    const size = x.shape.map(() => -1);
    begin[axis] = start;
    size[axis] = end - start;
    return tf.slice(x, begin, size);
  }

  softmax(x: tf.Tensor): tf.Tensor {
    return tf.softmax(x);
  }

  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
    if (this.fusedKernels) return layerNormOp(x, gamma, beta, eps);
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    const inv = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), inv), gamma), beta);
  }

  addNorm(
    x: tf.Tensor,
    a: tf.Tensor,
    gamma: tf.Tensor,
    beta: tf.Tensor,
    eps: number,
    dropout: number,
  ): tf.Tensor {
    if (!this.fusedKernels) return this.layerNorm(this.add(x, this.dropout(a, dropout)), gamma, beta, eps);
    const rate = this.training ? dropout : 0;
    return addNormOp(x, a, gamma, beta, eps, rate, rate > 0 ? this.nextSeed() : 0);
  }

  relu(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }

  gelu(x: tf.Tensor, dropout = 0): tf.Tensor {
    if (this.fusedKernels) {
      const rate = this.training ? dropout : 0;
      return geluOp(x, rate, rate > 0 ? this.nextSeed() : 0);
    }
    const e = tf.erf(tf.mul(x, tf.scalar(Math.SQRT1_2)));
    return this.dropout(tf.mul(tf.mul(x, tf.scalar(0.5)), tf.add(e, tf.scalar(1))), dropout);
  }

  tanh(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }

  sigmoid(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }

  mean(x: tf.Tensor, axis: number, keepDims: boolean): tf.Tensor {
    return tf.mean(x, axis, keepDims);
  }

  broadcastLeading(x: tf.Tensor, like: tf.Tensor): tf.Tensor {
    // An add against zeros rather than tf.broadcastTo: wasm runs Tile (what broadcastTo becomes)
    // far slower than a broadcasting add, and the add's gradient sums the copies back.
    return tf.add(x, tf.zeros([like.shape[0]!, ...x.shape.slice(1)]));
  }

  dropout(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.training || rate <= 0) return x;
    if (this.fusedKernels) return dropoutOp(x, rate, this.nextSeed());
    return tf.dropout(x, rate, undefined, this.nextSeed());
  }

  attention(
    query: tf.Tensor,
    memory: tf.Tensor,
    p: AttentionParams<tf.Tensor>,
    o: AttentionOptions<tf.Tensor>,
  ): tf.Tensor {
    if (!this.fusedKernels) return attentionByParts(this, query, memory, p, o);
    const d = query.shape[query.rank - 1]!;
    const dk = d / o.nHeads;
    const rate = this.training ? o.dropout : 0;
    const plan = planAttention(query.shape, memory.shape, o.seqAxis ?? query.rank - 2);
    const self = query === memory;
    // One product for q|k|v (self-attention) or k|v (cross-attention): the kernel reads each part
    // where it is.
    const kvw = () => tf.concat([p.wk, p.wv], 1);
    const kvb = () => tf.concat([p.bk, p.bv], 0);
    const q = self
      ? linearOp(query, tf.concat([p.wq, p.wk, p.wv], 1), tf.concat([p.bq, p.bk, p.bv], 0))
      : linearOp(query, p.wq, p.bq);
    const kv = self ? undefined : linearOp(memory, kvw(), kvb());
    const qStride = self ? 3 * d : d;
    const kStride = self ? 3 * d : 2 * d;
    const kOff = self ? d : 0;
    const out = attentionOp(
      {
        n: plan.n,
        tq: plan.tq,
        tk: plan.tk,
        heads: o.nHeads,
        dk,
        scale: 1 / Math.sqrt(dk),
        q: { ...plan.q, stride: qStride, off: 0 },
        k: { ...plan.k, stride: kStride, off: kOff },
        vOff: kOff + d,
        o: { ...plan.o, stride: d, off: 0 },
        outShape: plan.outShape,
        self,
        hasMask: o.mask !== undefined,
        rate,
        seed: rate > 0 ? this.nextSeed() : 0,
      },
      q,
      kv,
      o.mask,
    );
    return linearOp(out, p.wo, p.bo);
  }
}

/** A cache of constant tensors keyed by name (positional encodings, attention masks). */
export class TfConstants {
  private readonly cache = new Map<string, tf.Tensor>();

  get(key: string, values: Float32Array, shape: readonly number[]): tf.Tensor {
    let t = this.cache.get(key);
    if (t === undefined) {
      t = tf.keep(tf.tensor(values, [...shape], 'float32'));
      this.cache.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
  }
}
