/**
 * The small set of tensor operations every model is written in. There are two implementations:
 * `TfOps` runs them eagerly on tfjs-core (training and inference on any tfjs backend) and
 * `OnnxOps` records them as ONNX nodes (export). Because a model's forward pass is one function
 * over `Ops<T>`, the exported graph is the same computation as the trained model by construction;
 * the parity tests check the numbers.
 *
 * Shapes: the leading dimension (stocks, or stocks x something) is dynamic in ONNX (reported as
 * `null` by `shape`); every other dimension is static. `reshape` therefore accepts at most one
 * `-1`, always standing for the dynamic part.
 */
export interface Ops<T> {
  readonly kind: 'tf' | 'onnx';
  /** Whether dropout is active (training forward passes only). */
  readonly training: boolean;
  /** Static shape; `null` marks a dynamic dimension (ONNX only). */
  shape(x: T): readonly (number | null)[];
  /** A named model parameter. */
  param(name: string): T;
  /** A constant tensor (positional encodings, masks). `key` names it in exported graphs. */
  constant(key: string, values: Float32Array, shape: readonly number[]): T;
  /** `x @ w + b` on the last axis: `x [..., in]`, `w [in, out]`, `b [out]`. */
  linear(x: T, w: T, b?: T): T;
  /** Batched matrix product over the last two axes, leading axes broadcast. */
  matMul(a: T, b: T, transposeB?: boolean): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** `x * s` for a number `s`. */
  scale(x: T, s: number): T;
  /** `s - x` for a number `s`. */
  rsubScalar(s: number, x: T): T;
  reshape(x: T, shape: readonly number[]): T;
  transpose(x: T, perm: readonly number[]): T;
  concat(xs: readonly T[], axis: number): T;
  /** `x` cut into `n` equal parts along `axis`. */
  split(x: T, axis: number, n: number): T[];
  /** The slices of `x` along `axis`, each without that axis. */
  unstack(x: T, axis: number): T[];
  /** Tensors of equal shape stacked along a new `axis`. */
  stack(xs: readonly T[], axis: number): T;
  /** Elements `[start, end)` along `axis`. */
  slice(x: T, axis: number, start: number, end: number): T;
  /** Softmax over the last axis. */
  softmax(x: T): T;
  /** Layer normalisation over the last axis (biased variance, `eps` inside the square root). */
  layerNorm(x: T, gamma: T, beta: T, eps: number): T;
  /** `layerNorm(x + dropout(a, dropout))`: the residual step of a post-norm block. */
  addNorm(x: T, a: T, gamma: T, beta: T, eps: number, dropout: number): T;
  relu(x: T): T;
  /** Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`, then `dropout(., dropout)` (default none). */
  gelu(x: T, dropout?: number): T;
  tanh(x: T): T;
  sigmoid(x: T): T;
  /** Mean over `axis`. */
  mean(x: T, axis: number, keepDims: boolean): T;
  /** `x` of shape `[1, ...rest]` repeated along axis 0 to the leading size of `like`. */
  broadcastLeading(x: T, like: T): T;
  /** Inverted dropout with rate `rate` while training; the identity otherwise (and in ONNX). */
  dropout(x: T, rate: number): T;
  /**
   * Multi-head scaled dot-product attention with its projections (Vaswani et al. 2017):
   * `linear_o(concat_h softmax(q_h k_h^T / sqrt(dk) + mask) v_h)`, `q = linear_q(query)`,
   * `k, v = linear_k(memory), linear_v(memory)`, dropout on the attention weights.
   *
   * `query [..., Tq, ..., d]` and `memory [..., Tk, ..., d]` have the same rank (3 or 4) and attend
   * along `seqAxis` (default `rank - 2`); the other leading axes are batch axes and broadcast
   * (a size-1 axis of `query` is shared across `memory`'s). Output: `query`'s shape with the
   * batch axes broadcast. `attentionByParts` is the reference composition of it.
   */
  attention(query: T, memory: T, p: AttentionParams<T>, o: AttentionOptions<T>): T;
}

/** The parameters of one attention block: `[d, d]` projections and `[d]` biases. */
export interface AttentionParams<T> {
  wq: T;
  bq: T;
  wk: T;
  bk: T;
  wv: T;
  bv: T;
  wo: T;
  bo: T;
}

/** Options of `Ops.attention`. */
export interface AttentionOptions<T> {
  /** Heads (must divide d). */
  nHeads: number;
  /** Dropout rate on the attention weights (training only). */
  dropout: number;
  /** Additive `[Tq, Tk]` mask on the logits (0 = keep, a large negative number = block). */
  mask?: T;
  /** The token axis of `query` and `memory` (rank 4: 1 or 2). Default `rank - 2`. */
  seqAxis?: number;
}

/** Parameter getter scoped under a name prefix. */
export interface Scope<T> {
  readonly ops: Ops<T>;
  readonly prefix: string;
  p(name: string): T;
  sub(name: string): Scope<T>;
}

/** A scope over `ops` whose `p('w')` reads parameter `${prefix}/w`. */
export function scope<T>(ops: Ops<T>, prefix = ''): Scope<T> {
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  return {
    ops,
    prefix,
    p: (name) => ops.param(join(prefix, name)),
    sub: (name) => scope(ops, join(prefix, name)),
  };
}
