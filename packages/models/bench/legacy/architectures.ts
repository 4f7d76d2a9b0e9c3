import type { ModelConfig } from '../../src/models/config.js';
import type { ParamSpec } from '../../src/nn/params.js';
import { crossformerForward, crossformerSpecs } from './crossformer.js';
import { gruForward, gruSpecs } from './gru.js';
import { itransformerForward, itransformerSpecs } from './itransformer.js';
import type { Scope } from './ops.js';
import { seq2seqForward, seq2seqSpecs, seq2seqTeacherForward } from './seq2seq.js';
import { transformerForward, transformerSpecs } from './transformer.js';

/** The parameters of a model, in a fixed order (the order of weights in files and optimiser state). */
export function paramSpecs(c: ModelConfig): ParamSpec[] {
  switch (c.kind) {
    case 'gru':
      return gruSpecs(c);
    case 'transformer':
      return transformerSpecs(c);
    case 'itransformer':
      return itransformerSpecs(c);
    case 'crossformer':
      return crossformerSpecs(c);
    case 'seq2seq':
      return seq2seqSpecs(c);
  }
}

/**
 * The model's inference computation on `x [B, window, nFeatures]`: scores `[B]`, or `[B, horizon]`
 * predicted daily returns for `seq2seq` (autoregressive).
 */
export function inferenceForward<T>(s: Scope<T>, c: ModelConfig, x: T): T {
  switch (c.kind) {
    case 'gru':
      return gruForward(s, c, x);
    case 'transformer':
      return transformerForward(s, c, x);
    case 'itransformer':
      return itransformerForward(s, c, x);
    case 'crossformer':
      return crossformerForward(s, c, x);
    case 'seq2seq':
      return seq2seqForward(s, c, x);
  }
}

/**
 * The training computation: the same as inference except that `seq2seq` uses teacher forcing
 * with `teacher [B, horizon]` (the true standardised daily returns).
 */
export function trainingForward<T>(s: Scope<T>, c: ModelConfig, x: T, teacher?: T): T {
  if (c.kind === 'seq2seq' && teacher !== undefined) return seq2seqTeacherForward(s, c, x, teacher);
  return inferenceForward(s, c, x);
}
