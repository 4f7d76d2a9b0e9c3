import {
  addNorm,
  attentionSpecs,
  causalMask,
  dim,
  feedForward,
  feedForwardSpecs,
  linear,
  multiHeadAttention,
  sinusoidalEncoding,
} from '../nn/blocks.js';
import { layerNormSpecs, linearSpecs, type ParamSpec } from '../nn/params.js';
import type { Scope } from '../ops/ops.js';
import { crossformerScales, type Seq2SeqConfig, seq2seqEncoder, seq2seqSegments } from './config.js';
import { segmentEncoder, segmentEncoderSpecs } from './crossformer.js';
import { variableEncoder, variableEncoderSpecs } from './itransformer.js';
import { dayEncoder, dayEncoderSpecs } from './transformer.js';

function encoderSpecs(c: Seq2SeqConfig): ParamSpec[] {
  switch (seq2seqEncoder(c)) {
    case 'transformer':
      return dayEncoderSpecs('enc', c, c.encLayers);
    case 'itransformer':
      return variableEncoderSpecs('enc', c, c.encLayers);
    case 'crossformer':
      return segmentEncoderSpecs('enc', seq2seqSegments(c));
  }
}

/**
 * The encoder's tokens, the decoder's cross-attention memory `[B, M, d]`: the `transformer`'s day
 * tokens (M = L), the `itransformer`'s variable tokens (M = F) or every `crossformer` output's
 * factor x segment tokens, concatenated (M = F x (S_0 + S_0 + S_1 + ...)), as the Crossformer's
 * own heads read every scale.
 */
function encode<T>(s: Scope<T>, c: Seq2SeqConfig, x: T): T {
  const ops = s.ops;
  switch (seq2seqEncoder(c)) {
    case 'transformer':
      return dayEncoder(s, c, c.encLayers, x);
    case 'itransformer':
      return variableEncoder(s, c, c.encLayers, x);
    case 'crossformer': {
      const cc = seq2seqSegments(c);
      const segs = crossformerScales(cc);
      const outs = segmentEncoder(s, cc, x).map((o, k) =>
        ops.reshape(o, [-1, c.nFeatures * (k === 0 ? segs[0]! : segs[k - 1]!), c.dModel]),
      );
      return outs.length === 1 ? outs[0]! : ops.concat(outs, 1);
    }
  }
}

/** Parameters of the encoder-decoder return-sequence model. */
export function seq2seqSpecs(c: Seq2SeqConfig): ParamSpec[] {
  const d = c.dModel;
  const specs = [...encoderSpecs(c), ...linearSpecs('dec/embed', 1, d)];
  for (let l = 0; l < c.decLayers; l++) {
    const p = `dec/layer${l}`;
    specs.push(
      ...attentionSpecs(`${p}/self_attn`, d),
      ...layerNormSpecs(`${p}/norm1`, d),
      ...attentionSpecs(`${p}/cross_attn`, d),
      ...layerNormSpecs(`${p}/norm2`, d),
      ...feedForwardSpecs(`${p}/ffn`, d, c.dFF),
      ...layerNormSpecs(`${p}/norm3`, d),
    );
  }
  specs.push(...linearSpecs('out', d, 1));
  return specs;
}

/**
 * The decoder on a prefix of `t` inputs `inputs [B, t]` (position 0 holds the start value 0,
 * position k the return of day k): scalar embedding + positional encoding -> dropout -> per layer
 * masked self-attention (causal: position k sees positions <= k), cross-attention to the encoder
 * `memory [B, M, d]`, feed-forward, each with residual + post-norm -> linear `d -> 1` -> `[B, t]`.
 */
function decode<T>(s: Scope<T>, c: Seq2SeqConfig, memory: T, inputs: T): T {
  const ops = s.ops;
  const d = c.dModel;
  const t = dim(s, inputs, 1);
  const pe = ops.constant(`pe_${t}x${d}`, sinusoidalEncoding(t, d), [1, t, d]);
  const mask = ops.constant(`causal_${t}`, causalMask(t), [t, t]);
  const drop = (x: T) => ops.dropout(x, c.dropout);
  let h = drop(ops.add(linear(s.sub('dec/embed'), ops.reshape(inputs, [-1, t, 1])), pe));
  for (let l = 0; l < c.decLayers; l++) {
    const ls = s.sub(`dec/layer${l}`);
    const a = multiHeadAttention(ls.sub('self_attn'), h, h, c.nHeads, c.dropout, mask);
    h = addNorm(ls.sub('norm1'), h, a, c.dropout);
    const x = multiHeadAttention(ls.sub('cross_attn'), h, memory, c.nHeads, c.dropout);
    h = addNorm(ls.sub('norm2'), h, x, c.dropout);
    h = addNorm(ls.sub('norm3'), h, feedForward(ls.sub('ffn'), h, c.activation, c.dropout), c.dropout);
  }
  return ops.reshape(linear(s.sub('out'), h), [-1, t]);
}

/** A `[B, 1]` column of zeros (the decoder's start value), batch taken from `like [B, ...]`. */
function startColumn<T>(s: Scope<T>, like: T): T {
  const ops = s.ops;
  return ops.broadcastLeading(ops.constant('start', new Float32Array(1), [1, 1]), like);
}

/**
 * Training forward with teacher forcing: the decoder input is `[0, y_1, ..., y_{H-1}]` built from
 * the true (standardised) daily returns `teacher [B, H]`; output `[B, H]`, position k predicting
 * day k+1's return. With the causal mask this is H autoregressive steps in one pass.
 */
export function seq2seqTeacherForward<T>(s: Scope<T>, c: Seq2SeqConfig, x: T, teacher: T): T {
  const ops = s.ops;
  const memory = encode(s.sub('enc'), c, x);
  const inputs =
    c.horizon === 1
      ? startColumn(s, teacher)
      : ops.concat([startColumn(s, teacher), ops.slice(teacher, 1, 0, c.horizon - 1)], 1);
  return decode(s, c, memory, inputs);
}

/**
 * Inference forward: autoregressive, `horizon` decoder passes, each feeding the model's own
 * previous predictions back as inputs; output `[B, H]`. Unrolled, so the exported ONNX graph is
 * one run with no loop.
 */
export function seq2seqForward<T>(s: Scope<T>, c: Seq2SeqConfig, x: T): T {
  const ops = s.ops;
  const memory = encode(s.sub('enc'), c, x);
  const start = startColumn(s, x);
  const preds: T[] = [];
  for (let k = 1; k <= c.horizon; k++) {
    const inputs = ops.concat([start, ...preds], 1);
    const out = decode(s, c, memory, inputs);
    preds.push(ops.slice(out, 1, k - 1, k));
  }
  return ops.concat(preds, 1);
}
