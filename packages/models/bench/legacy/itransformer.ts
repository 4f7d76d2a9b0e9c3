import type { ITransformerConfig } from '../../src/models/config.js';
import { layerNormSpecs, linearSpecs, type ParamSpec } from '../../src/nn/params.js';
import { encoderLayer, encoderLayerSpecs, layerNorm, linear } from './blocks.js';
import type { Scope } from './ops.js';

/** Parameters of the iTransformer. */
export function itransformerSpecs(c: ITransformerConfig): ParamSpec[] {
  const specs = linearSpecs('embed', c.window, c.dModel);
  for (let l = 0; l < c.nLayers; l++) specs.push(...encoderLayerSpecs(`layer${l}`, c.dModel, c.dFF));
  specs.push(
    ...layerNormSpecs('norm', c.dModel),
    ...linearSpecs('proj', c.dModel, 1),
    ...linearSpecs('head', c.nFeatures, 1),
  );
  return specs;
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
  let h = ops.dropout(linear(s.sub('embed'), ops.transpose(x, [0, 2, 1])), c.dropout);
  for (let l = 0; l < c.nLayers; l++)
    h = encoderLayer(s.sub(`layer${l}`), h, c.nHeads, c.activation, c.dropout);
  h = layerNorm(s.sub('norm'), h);
  const perFactor = ops.reshape(linear(s.sub('proj'), h), [-1, c.nFeatures]);
  return ops.reshape(linear(s.sub('head'), ops.dropout(perFactor, c.dropout)), [-1]);
}
