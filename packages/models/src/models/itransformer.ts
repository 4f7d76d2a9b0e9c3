import { encoderLayer, encoderLayerSpecs, layerNorm, linear } from '../nn/blocks.js';
import { layerNormSpecs, linearSpecs, type ParamSpec } from '../nn/params.js';
import type { Scope } from '../ops/ops.js';
import type { AttentionConfig, ITransformerConfig } from './config.js';

/** Parameters of the variable-token encoder (embedding, layers, final norm) under `prefix` ('' = none). */
export function variableEncoderSpecs(prefix: string, c: AttentionConfig, nLayers: number): ParamSpec[] {
  const p = prefix === '' ? '' : `${prefix}/`;
  const specs = linearSpecs(`${p}embed`, c.window, c.dModel);
  for (let l = 0; l < nLayers; l++) specs.push(...encoderLayerSpecs(`${p}layer${l}`, c.dModel, c.dFF));
  specs.push(...layerNormSpecs(`${p}norm`, c.dModel));
  return specs;
}

/**
 * The iTransformer's encoder: `x [B, L, F]` -> transpose to `[B, F, L]` -> each factor's series
 * embedded by one linear map `L -> d` (one token per factor) -> dropout -> `nLayers` post-norm
 * encoder layers attending across factors -> final layer norm -> `[B, F, d]`, one token per
 * variable (the sequence model's cross-attention memory with `encoder: 'itransformer'`).
 */
export function variableEncoder<T>(s: Scope<T>, c: AttentionConfig, nLayers: number, x: T): T {
  const ops = s.ops;
  let h = ops.dropout(linear(s.sub('embed'), ops.transpose(x, [0, 2, 1])), c.dropout);
  for (let l = 0; l < nLayers; l++)
    h = encoderLayer(s.sub(`layer${l}`), h, c.nHeads, c.activation, c.dropout);
  return layerNorm(s.sub('norm'), h);
}

/** Parameters of the iTransformer. */
export function itransformerSpecs(c: ITransformerConfig): ParamSpec[] {
  return [
    ...variableEncoderSpecs('', c, c.nLayers),
    ...linearSpecs('proj', c.dModel, 1),
    ...linearSpecs('head', c.nFeatures, 1),
  ];
}

/**
 * iTransformer forward (after thuml/iTransformer): `x [B, L, F]` -> transpose to `[B, F, L]`
 * -> each factor's series embedded by one linear map `L -> d` (one token per factor) -> dropout
 * -> post-norm encoder layers attending across factors -> final layer norm -> per-token projection
 * `d -> 1` (the original's projector) -> linear over the F tokens -> `[B]`. No positional encoding:
 * factors have no order. The original's per-series normalisation (`use_norm`) is left out: inputs
 * are already standardised per day across stocks, and re-centring each stock's series would erase
 * the cross-sectional level that is the signal.
 */
export function itransformerForward<T>(s: Scope<T>, c: ITransformerConfig, x: T): T {
  const ops = s.ops;
  const h = variableEncoder(s, c, c.nLayers, x);
  const perFactor = ops.reshape(linear(s.sub('proj'), h), [-1, c.nFeatures]);
  return ops.reshape(linear(s.sub('head'), ops.dropout(perFactor, c.dropout)), [-1]);
}
