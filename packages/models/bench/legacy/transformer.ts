import type { AttentionConfig, TransformerConfig } from '../../src/models/config.js';
import { linearSpecs, type ParamSpec } from '../../src/nn/params.js';
import { dim, encoderLayer, encoderLayerSpecs, linear, sinusoidalEncoding } from './blocks.js';
import type { Scope } from './ops.js';

/** Parameters of the day-token encoder (embedding + layers) under `prefix`. */
export function dayEncoderSpecs(prefix: string, c: AttentionConfig, nLayers: number): ParamSpec[] {
  const specs = linearSpecs(`${prefix}/embed`, c.nFeatures, c.dModel);
  for (let l = 0; l < nLayers; l++) specs.push(...encoderLayerSpecs(`${prefix}/layer${l}`, c.dModel, c.dFF));
  return specs;
}

/**
 * The day-token encoder: `x [B, L, F]` -> linear embedding `[B, L, d]` + sinusoidal positional
 * encoding -> dropout -> `nLayers` post-norm encoder layers -> `[B, L, d]`, or `[B, 1, d]` (the
 * last day's token only, computed without the other rows of the last layer) when `lastOnly`.
 */
export function dayEncoder<T>(s: Scope<T>, c: AttentionConfig, nLayers: number, x: T, lastOnly = false): T {
  const ops = s.ops;
  const L = dim(s, x, 1);
  const pe = ops.constant(`pe_${L}x${c.dModel}`, sinusoidalEncoding(L, c.dModel), [1, L, c.dModel]);
  let h = ops.dropout(ops.add(linear(s.sub('embed'), x), pe), c.dropout);
  for (let l = 0; l < nLayers; l++) {
    const last = lastOnly && l === nLayers - 1;
    h = encoderLayer(s.sub(`layer${l}`), h, c.nHeads, c.activation, c.dropout, undefined, last);
  }
  return h;
}

/** Parameters of the Transformer. */
export function transformerSpecs(c: TransformerConfig): ParamSpec[] {
  const headIn = c.pooling === 'flatten' ? c.window * c.dModel : c.dModel;
  return [...dayEncoderSpecs('enc', c, c.nLayers), ...linearSpecs('head', headIn, 1)];
}

/**
 * Transformer forward: `x [B, L, F]` -> encoder -> pooling (last day's token by default; its last
 * layer computes only that token) -> dropout -> linear -> `[B]`.
 */
export function transformerForward<T>(s: Scope<T>, c: TransformerConfig, x: T): T {
  const ops = s.ops;
  const h = dayEncoder(s.sub('enc'), c, c.nLayers, x, c.pooling === 'last');
  const L = c.window;
  let pooled: T;
  if (c.pooling === 'last') pooled = ops.reshape(h, [-1, c.dModel]);
  else if (c.pooling === 'mean') pooled = ops.mean(h, 1, false);
  else pooled = ops.reshape(h, [-1, L * c.dModel]);
  return ops.reshape(linear(s.sub('head'), ops.dropout(pooled, c.dropout)), [-1]);
}
