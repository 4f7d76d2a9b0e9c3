import {
  addNorm,
  attentionSpecs,
  feedForward,
  feedForwardSpecs,
  layerNorm,
  linear,
  multiHeadAttention,
} from '../nn/blocks.js';
import { layerNormSpecs, linearSpecs, type ParamSpec } from '../nn/params.js';
import type { Scope } from '../ops/ops.js';
import {
  type CrossformerConfig,
  type CrossformerEncoderConfig,
  crossformerScales,
  segmentCount,
} from './config.js';

function tsaSpecs(prefix: string, c: CrossformerEncoderConfig, segs: number): ParamSpec[] {
  return [
    ...attentionSpecs(`${prefix}/time_attn`, c.dModel),
    ...layerNormSpecs(`${prefix}/norm1`, c.dModel),
    ...feedForwardSpecs(`${prefix}/mlp1`, c.dModel, c.dFF),
    ...layerNormSpecs(`${prefix}/norm2`, c.dModel),
    { name: `${prefix}/router`, shape: [segs, c.routers, c.dModel], init: { kind: 'normal', sd: 1 } },
    ...attentionSpecs(`${prefix}/dim_sender`, c.dModel),
    ...attentionSpecs(`${prefix}/dim_receiver`, c.dModel),
    ...layerNormSpecs(`${prefix}/norm3`, c.dModel),
    ...feedForwardSpecs(`${prefix}/mlp2`, c.dModel, c.dFF),
    ...layerNormSpecs(`${prefix}/norm4`, c.dModel),
  ];
}

/** Parameters of the Crossformer encoder (embedding and scale blocks) under `prefix` ('' = none). */
export function segmentEncoderSpecs(prefix: string, c: CrossformerEncoderConfig): ParamSpec[] {
  const p = prefix === '' ? '' : `${prefix}/`;
  const segs = crossformerScales(c);
  const d = c.dModel;
  const specs: ParamSpec[] = [
    ...linearSpecs(`${p}embed`, c.segLen, d),
    { name: `${p}pos`, shape: [1, c.nFeatures, segs[0]!, d], init: { kind: 'normal', sd: 1 } },
    ...layerNormSpecs(`${p}prenorm`, d),
  ];
  for (let i = 0; i < c.nScales; i++) {
    if (i > 0) {
      specs.push(...layerNormSpecs(`${p}scale${i}/merge/norm`, c.mergeWin * d));
      specs.push(...linearSpecs(`${p}scale${i}/merge/linear`, c.mergeWin * d, d));
    }
    for (let k = 0; k < c.depth; k++) specs.push(...tsaSpecs(`${p}scale${i}/tsa${k}`, c, segs[i]!));
  }
  return specs;
}

/** Parameters of the Crossformer. */
export function crossformerSpecs(c: CrossformerConfig): ParamSpec[] {
  const segs = crossformerScales(c);
  const d = c.dModel;
  const specs = segmentEncoderSpecs('', c);
  // One head per encoder output: the embedding plus each scale (the original's decoder layers).
  const outs = [segs[0]!, ...segs];
  outs.forEach((n, k) => {
    specs.push(...linearSpecs(`head${k}`, c.nFeatures * n * d, 1));
  });
  return specs;
}

/**
 * Two-stage attention layer on `x [B, F, S, d]` (Crossformer's TSA):
 * cross-time stage: each factor's S segment tokens attend to each other (MSA, residual + norm,
 * MLP, residual + norm); cross-dimension stage: per segment, `routers` learned router tokens
 * gather from the F factor tokens (dim_sender) and the factor tokens read back from the routers
 * (dim_receiver), residual + norm, MLP, residual + norm. O(F * routers) instead of O(F^2).
 *
 * Everything stays in the `[B, F, S, d]` layout: the cross-time attention runs along axis 2, the
 * cross-dimension attentions along axis 1 (the routers, `[1, routers, S, d]`, are shared by
 * every stock), so no activation is transposed.
 */
function twoStageAttention<T>(s: Scope<T>, c: CrossformerEncoderConfig, x: T, segs: number): T {
  const ops = s.ops;
  const d = c.dModel;
  const timeEnc = multiHeadAttention(s.sub('time_attn'), x, x, c.nHeads, c.dropout, undefined, 2);
  let dimIn = addNorm(s.sub('norm1'), x, timeEnc, c.dropout);
  dimIn = addNorm(
    s.sub('norm2'),
    dimIn,
    feedForward(s.sub('mlp1'), dimIn, c.activation, c.dropout),
    c.dropout,
  );
  // router [S, R, d] -> [1, R, S, d]: tokens on axis 1 like the factors of dimIn.
  const router = ops.reshape(ops.transpose(s.p('router'), [1, 0, 2]), [1, c.routers, segs, d]);
  const buffer = multiHeadAttention(s.sub('dim_sender'), router, dimIn, c.nHeads, c.dropout, undefined, 1);
  const receive = multiHeadAttention(s.sub('dim_receiver'), dimIn, buffer, c.nHeads, c.dropout, undefined, 1);
  const dimEnc = addNorm(s.sub('norm3'), dimIn, receive, c.dropout);
  return addNorm(
    s.sub('norm4'),
    dimEnc,
    feedForward(s.sub('mlp2'), dimEnc, c.activation, c.dropout),
    c.dropout,
  );
}

/**
 * Segment merging on `x [B, F, S, d]`: pad S to a multiple of `mergeWin` by repeating the last
 * segments (as the original does), concatenate each group of `mergeWin` adjacent segments
 * (a reshape: they are contiguous), layer norm, linear `mergeWin*d -> d`.
 */
function segmentMerge<T>(s: Scope<T>, c: CrossformerEncoderConfig, x: T, segs: number): T {
  const ops = s.ops;
  const w = c.mergeWin;
  const pad = (w - (segs % w)) % w;
  let h = x;
  if (pad > 0) h = ops.concat([x, ops.slice(x, 2, segs - pad, segs)], 2);
  h = ops.reshape(h, [-1, c.nFeatures, (segs + pad) / w, w * c.dModel]);
  return linear(s.sub('linear'), layerNorm(s.sub('norm'), h));
}

/**
 * The Crossformer encoder (after Thinklab-SJTU/Crossformer): `x [B, L, F]`; the window is padded
 * at the front to a multiple of `segLen` by repeating day 0 -> DSW embedding (each factor's
 * segments through one linear `segLen -> d`) + learned position embedding `[F, S, d]` -> layer
 * norm -> scale blocks (merge, then `depth` TSA layers). Returns every encoder output, the
 * embedding first and then each scale's: `[B, F, S_k, d]` with `S_k` the segments of that output.
 */
export function segmentEncoder<T>(s: Scope<T>, c: CrossformerEncoderConfig, x: T): T[] {
  const ops = s.ops;
  const segs = crossformerScales(c);
  const S0 = segmentCount(c.window, c.segLen);
  const pad = S0 * c.segLen - c.window;
  let h = x;
  if (pad > 0) {
    const first = ops.slice(x, 1, 0, 1);
    h = ops.concat([...Array.from({ length: pad }, () => first), x], 1);
  }
  // [B, Lp, F] -> [B, F, Lp] -> [B, F, S, segLen] -> embed -> [B, F, S, d]
  h = ops.reshape(ops.transpose(h, [0, 2, 1]), [-1, c.nFeatures, S0, c.segLen]);
  h = linear(s.sub('embed'), h);
  h = layerNorm(s.sub('prenorm'), ops.add(h, s.p('pos')));
  const outs: T[] = [h];
  for (let i = 0; i < c.nScales; i++) {
    const ss = s.sub(`scale${i}`);
    if (i > 0) h = segmentMerge(ss.sub('merge'), c, h, segs[i - 1]!);
    for (let k = 0; k < c.depth; k++) h = twoStageAttention(ss.sub(`tsa${k}`), c, h, segs[i]!);
    outs.push(h);
  }
  return outs;
}

/**
 * Crossformer forward: `segmentEncoder` -> one linear head per encoder output (embedding and
 * every scale, flattened) -> sum -> `[B]`.
 */
export function crossformerForward<T>(s: Scope<T>, c: CrossformerConfig, x: T): T {
  const ops = s.ops;
  const segs = crossformerScales(c);
  const outs = segmentEncoder(s, c, x);
  let score: T | undefined;
  outs.forEach((o, k) => {
    const n = k === 0 ? segs[0]! : segs[k - 1]!;
    const flat = ops.dropout(ops.reshape(o, [-1, c.nFeatures * n * c.dModel]), c.dropout);
    const y = linear(s.sub(`head${k}`), flat);
    score = score === undefined ? y : ops.add(score, y);
  });
  return ops.reshape(score!, [-1]);
}
