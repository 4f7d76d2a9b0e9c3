import { modelsError } from '../errors.js';
import type { AttentionOptions, AttentionParams, Ops } from './ops.js';

function staticDim(d: number | null | undefined, what: string): number {
  if (d === null || d === undefined)
    throw modelsError('MODELS_SHAPE', `attention: ${what} has no static size`);
  return d;
}

/**
 * `Ops.attention` composed from the other `Ops` methods: the token axis moved next to the
 * features (a transpose when `seqAxis` is not `rank - 2`), projections, heads split by
 * reshape + transpose, `1/sqrt(dk)` applied to q, batched products, softmax, dropout, heads
 * merged, output projection. This is the graph `OnnxOps` records and what `TfOps` runs when its
 * fused kernels are off (before them, the only implementation).
 */
export function attentionByParts<T>(
  ops: Ops<T>,
  query: T,
  memory: T,
  p: AttentionParams<T>,
  o: AttentionOptions<T>,
): T {
  const qShape = ops.shape(query);
  const rank = qShape.length;
  if (rank !== 3 && rank !== 4)
    throw modelsError('MODELS_SHAPE', `attention: inputs must have rank 3 or 4, got ${rank}`);
  const seq = o.seqAxis ?? rank - 2;
  if (seq < 1 || seq > rank - 2) throw modelsError('MODELS_SHAPE', `attention: seqAxis ${seq} out of range`);
  const swap = seq !== rank - 2;
  const q0 = swap ? ops.transpose(query, [0, 2, 1, 3]) : query;
  const m0 = swap ? ops.transpose(memory, [0, 2, 1, 3]) : memory;
  const qs = ops.shape(q0);
  const ms = ops.shape(m0);
  const d = staticDim(qs[rank - 1], 'the feature axis');
  const nHeads = o.nHeads;
  const dk = d / nHeads;
  const tq = staticDim(qs[rank - 2], 'the query axis');
  const tk = staticDim(ms[rank - 2], 'the memory axis');
  // Static batch axes after the first (rank 4: one), broadcast between query and memory.
  const lead: number[] = [];
  for (let a = 1; a < rank - 2; a++) {
    lead.push(Math.max(staticDim(qs[a], 'a batch axis'), staticDim(ms[a], 'a batch axis')));
  }
  const headsPerm = rank === 3 ? [0, 2, 1, 3] : [0, 1, 3, 2, 4];
  const heads = (x: T, t: number, l: readonly (number | null)[]) =>
    ops.transpose(ops.reshape(x, [-1, ...(l as number[]).slice(1, rank - 2), t, nHeads, dk]), headsPerm);
  const q = heads(ops.scale(ops.linear(q0, p.wq, p.bq), 1 / Math.sqrt(dk)), tq, qs);
  const k = heads(ops.linear(m0, p.wk, p.bk), tk, ms);
  const v = heads(ops.linear(m0, p.wv, p.bv), tk, ms);
  let logits = ops.matMul(q, k, true);
  if (o.mask !== undefined) logits = ops.add(logits, o.mask);
  const weights = ops.dropout(ops.softmax(logits), o.dropout);
  let out = ops.reshape(ops.transpose(ops.matMul(weights, v), headsPerm), [-1, ...lead, tq, d]);
  if (swap) out = ops.transpose(out, [0, 2, 1, 3]);
  return ops.linear(out, p.wo, p.bo);
}
