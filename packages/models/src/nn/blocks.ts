import { modelsError } from '../errors.js';
import type { Scope } from '../ops/ops.js';
import { layerNormSpecs, linearSpecs, type ParamSpec } from './params.js';

/** Epsilon of every layer norm (PyTorch's default). */
export const LAYER_NORM_EPS = 1e-5;

/** Activation of feed-forward blocks. */
export type Activation = 'relu' | 'gelu';

/** Static size of axis `axis` of `x` (throws if dynamic: only axis 0 may be). */
export function dim<T>(s: Scope<T>, x: T, axis: number): number {
  const d = s.ops.shape(x)[axis < 0 ? s.ops.shape(x).length + axis : axis];
  if (d === null || d === undefined) throw modelsError('MODELS_SHAPE', `axis ${axis} has no static size`);
  return d;
}

/** `x @ w + b` with the scope's `w`, `b`. */
export function linear<T>(s: Scope<T>, x: T, bias = true): T {
  return s.ops.linear(x, s.p('w'), bias ? s.p('b') : undefined);
}

/** Layer norm with the scope's `gamma`, `beta`. */
export function layerNorm<T>(s: Scope<T>, x: T): T {
  return s.ops.layerNorm(x, s.p('gamma'), s.p('beta'), LAYER_NORM_EPS);
}

/** `layerNorm(x + dropout(a))` with the scope's `gamma`, `beta` (a post-norm residual step). */
export function addNorm<T>(s: Scope<T>, x: T, a: T, dropout: number): T {
  return s.ops.addNorm(x, a, s.p('gamma'), s.p('beta'), LAYER_NORM_EPS, dropout);
}

/** Specs of `multiHeadAttention` (q, k, v, o projections, each `d x d` plus bias). */
export function attentionSpecs(prefix: string, d: number): ParamSpec[] {
  return ['q', 'k', 'v', 'o'].flatMap((n) => linearSpecs(`${prefix}/${n}`, d, d));
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) with the scope's `q`, `k`, `v`,
 * `o` projections: `query [B, Tq, d]`, `memory [B, Tk, d]` -> `[B, Tq, d]` (or rank-4 inputs
 * attending along `seqAxis`, see `Ops.attention`). `mask`, when given, is added to the
 * `[Tq, Tk]` logits (0 = keep, a large negative number = block). Dropout on the attention weights.
 */
export function multiHeadAttention<T>(
  s: Scope<T>,
  query: T,
  memory: T,
  nHeads: number,
  dropout: number,
  mask?: T,
  seqAxis?: number,
): T {
  const p = (n: string) => s.p(n);
  return s.ops.attention(
    query,
    memory,
    {
      wq: p('q/w'),
      bq: p('q/b'),
      wk: p('k/w'),
      bk: p('k/b'),
      wv: p('v/w'),
      bv: p('v/b'),
      wo: p('o/w'),
      bo: p('o/b'),
    },
    {
      nHeads,
      dropout,
      ...(mask === undefined ? {} : { mask }),
      ...(seqAxis === undefined ? {} : { seqAxis }),
    },
  );
}

/** Specs of `feedForward` (`d -> dFF -> d`). */
export function feedForwardSpecs(prefix: string, d: number, dFF: number): ParamSpec[] {
  return [...linearSpecs(`${prefix}/fc1`, d, dFF), ...linearSpecs(`${prefix}/fc2`, dFF, d)];
}

/** Position-wise feed-forward: `fc2(dropout(act(fc1(x))))`. */
export function feedForward<T>(s: Scope<T>, x: T, activation: Activation, dropout: number): T {
  const ops = s.ops;
  const h = linear(s.sub('fc1'), x);
  const a = activation === 'relu' ? ops.dropout(ops.relu(h), dropout) : ops.gelu(h, dropout);
  return linear(s.sub('fc2'), a);
}

/** Specs of `encoderLayer`. */
export function encoderLayerSpecs(prefix: string, d: number, dFF: number): ParamSpec[] {
  return [
    ...attentionSpecs(`${prefix}/attn`, d),
    ...layerNormSpecs(`${prefix}/norm1`, d),
    ...feedForwardSpecs(`${prefix}/ffn`, d, dFF),
    ...layerNormSpecs(`${prefix}/norm2`, d),
  ];
}

/**
 * A post-norm Transformer encoder layer, as in Vaswani et al. and the iTransformer reference:
 * `x = norm1(x + dropout(attn(x)))`, `x = norm2(x + dropout(ffn(x)))`.
 *
 * `lastQueryOnly` computes the output of the last token only (`[B, 1, d]`): it attends to every
 * token, and attention, norms and feed-forward are otherwise per position, so the result equals
 * the last row of the full layer at a fraction of the cost (used by last-token pooling).
 */
export function encoderLayer<T>(
  s: Scope<T>,
  x: T,
  nHeads: number,
  activation: Activation,
  dropout: number,
  mask?: T,
  lastQueryOnly = false,
): T {
  const ops = s.ops;
  let q = x;
  if (lastQueryOnly) {
    const t = dim(s, x, 1);
    q = ops.slice(x, 1, t - 1, t);
  }
  const a = multiHeadAttention(s.sub('attn'), q, x, nHeads, dropout, mask);
  const h = addNorm(s.sub('norm1'), q, a, dropout);
  return addNorm(s.sub('norm2'), h, feedForward(s.sub('ffn'), h, activation, dropout), dropout);
}

/** Sinusoidal positional encoding `[len, d]` (Vaswani et al.): sin on even, cos on odd features. */
export function sinusoidalEncoding(len: number, d: number): Float32Array {
  const out = new Float32Array(len * d);
  for (let pos = 0; pos < len; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / 10000 ** (i / d);
      out[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) out[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

/** Additive causal mask `[t, t]`: 0 on and below the diagonal, -1e9 above (no peeking ahead). */
export function causalMask(t: number): Float32Array {
  const out = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) out[i * t + j] = -1e9;
  return out;
}
