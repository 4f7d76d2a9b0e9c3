import { checkIntOption, checkNumOption, modelsError } from '../errors.js';
import type { Activation } from '../nn/blocks.js';

/** The architectures of the model zoo. */
export type ModelKind = 'gru' | 'transformer' | 'itransformer' | 'crossformer' | 'seq2seq';

/** The options every architecture has. Input is `[stocks, window, nFeatures]`. */
export interface BaseModelConfig {
  kind: ModelKind;
  /** Days of history per sample (the study: 40). */
  window: number;
  /** Factors per day (the study: 300). */
  nFeatures: number;
  /** Dropout rate in [0, 1) on attention weights and residual branches (training only). Default 0.1. */
  dropout: number;
}

/** GRU baseline (the study's previous model): stacked GRU, last hidden state -> linear score. */
export interface GruConfig extends BaseModelConfig {
  kind: 'gru';
  /** Hidden units per layer. Default 64. */
  hidden: number;
  /** Stacked GRU layers. Default 1. */
  nLayers: number;
}

/** Options shared by the attention models. */
export interface AttentionConfig extends BaseModelConfig {
  /** Width of every token. Default 32. */
  dModel: number;
  /** Attention heads (must divide `dModel`). Default 4. */
  nHeads: number;
  /** Hidden width of the feed-forward blocks. Default `2 * dModel`. */
  dFF: number;
  /** Feed-forward activation. Default `gelu`. */
  activation: Activation;
}

/** How the Transformer turns its `[window, dModel]` output into one vector per stock. */
export type Pooling = 'last' | 'mean' | 'flatten';

/** Encoder-only Transformer over the days of the window (one token per day). */
export interface TransformerConfig extends AttentionConfig {
  kind: 'transformer';
  /** Encoder layers. Default 2. */
  nLayers: number;
  /**
   * Head input: the last day's token (default; its last layer then computes that token only, much
   * cheaper), the mean over days, or all tokens flattened.
   */
  pooling: Pooling;
}

/** iTransformer (Liu et al. 2024): one token per factor (its whole window), attention across factors. */
export interface ITransformerConfig extends AttentionConfig {
  kind: 'itransformer';
  /** Encoder layers. Default 2. */
  nLayers: number;
}

/** Crossformer's segment and scale options (the Crossformer, and the sequence model's `crossformer` encoder). */
export interface SegmentOptions {
  /** Days per segment. Default 5 (40 days -> 8 segments). */
  segLen: number;
  /** Segments merged between scales. Default 2. */
  mergeWin: number;
  /** Scale blocks (the original's `e_layers`). Default 3 (8 -> 4 -> 2 segments at window 40). */
  nScales: number;
  /** Two-stage attention layers per scale block. Default 1. */
  depth: number;
  /** Router tokens per segment in the cross-dimension stage (the original's `factor`). Default 5. */
  routers: number;
}

/**
 * Crossformer (Zhang & Yan 2023): each factor's window cut into segments of `segLen` days, each
 * segment embedded (DSW embedding); scale blocks of two-stage attention (cross-time, then
 * cross-dimension through `routers` router tokens per segment); between scales, `mergeWin`
 * adjacent segments merge. A linear head reads every scale (as the original's decoder does) and
 * the heads' outputs are summed.
 */
export interface CrossformerConfig extends AttentionConfig, SegmentOptions {
  kind: 'crossformer';
}

/**
 * The sequence model's encoder, whose output rows the decoder cross-attends to: `transformer`
 * (one token per day, `[L, d]`), `itransformer` (one token per factor, `[F, d]`) or `crossformer`
 * (one token per factor and segment at every scale, `[F x (S_0 + S_0 + S_1 + ...), d]`).
 */
export type Seq2SeqEncoder = 'transformer' | 'itransformer' | 'crossformer';

/**
 * Encoder-decoder model for the sequence of the next `horizon` daily returns: an encoder over the
 * window (`encoder`: the Transformer's day tokens, the iTransformer's variable tokens or the
 * Crossformer's segment tokens), a decoder with masked self-attention and cross-attention to the
 * encoder's tokens; teacher forcing in training, autoregressive at inference.
 */
export interface Seq2SeqConfig extends AttentionConfig, Partial<SegmentOptions> {
  kind: 'seq2seq';
  /**
   * Encoder. Default `transformer`. A file saved before this option has none: it reads as
   * `transformer`. With `crossformer` the `SegmentOptions` (`segLen`, `mergeWin`, `nScales`,
   * `depth`, `routers`; defaults as the Crossformer's) are set and `encLayers` is unused (the
   * encoder's depth is `nScales x depth`); with the other encoders they are absent.
   */
  encoder: Seq2SeqEncoder;
  /** Encoder layers of the `transformer` and `itransformer` encoders. Default 2. */
  encLayers: number;
  /** Decoder layers. Default 1. */
  decLayers: number;
  /** Daily returns predicted (the study: 10, days T+1..T+10; must equal the label horizon). Default 10. */
  horizon: number;
}

/** Any model configuration. */
export type ModelConfig =
  | GruConfig
  | TransformerConfig
  | ITransformerConfig
  | CrossformerConfig
  | Seq2SeqConfig;

/** A partial config: `kind` plus anything to override; the rest comes from `defaultConfig`. */
export type ModelConfigInput = { kind: ModelKind } & Partial<Omit<ModelConfig, 'kind'>> &
  Record<string, unknown>;

const SEGMENT_DEFAULTS: SegmentOptions = { segLen: 5, mergeWin: 2, nScales: 3, depth: 1, routers: 5 };

/**
 * A full configuration of `kind` for `nFeatures` factors: defaults, then `overrides`, then
 * validation. @throws `MODELS_CONFIG` for unknown keys or out-of-range values.
 */
export function defaultConfig(
  kind: ModelKind,
  nFeatures: number,
  overrides: Record<string, unknown> = {},
): ModelConfig {
  const base = { window: 40, nFeatures, dropout: 0.1 };
  const dModel = typeof overrides.dModel === 'number' ? overrides.dModel : 32;
  const attn = { dModel, nHeads: 4, dFF: 2 * dModel, activation: 'gelu' as Activation };
  let defaults: ModelConfig;
  switch (kind) {
    case 'gru':
      defaults = { kind, ...base, hidden: 64, nLayers: 1 };
      break;
    case 'transformer':
      defaults = { kind, ...base, ...attn, nLayers: 2, pooling: 'last' };
      break;
    case 'itransformer':
      defaults = { kind, ...base, ...attn, nLayers: 2 };
      break;
    case 'crossformer':
      defaults = { kind, ...base, ...attn, ...SEGMENT_DEFAULTS };
      break;
    case 'seq2seq': {
      const encoder = (overrides.encoder ?? 'transformer') as Seq2SeqEncoder;
      defaults = {
        kind,
        ...base,
        ...attn,
        encoder,
        encLayers: 2,
        decLayers: 1,
        horizon: 10,
        ...(encoder === 'crossformer' ? SEGMENT_DEFAULTS : {}),
      };
      break;
    }
    default:
      throw modelsError('MODELS_CONFIG', `unknown model kind ${String(kind)}`, { field: 'kind' });
  }
  for (const key of Object.keys(overrides)) {
    if (key === 'kind') continue;
    if (!(key in defaults)) {
      throw modelsError('MODELS_CONFIG', `option ${key} does not apply to a ${kind} model`, { field: key });
    }
  }
  const config = { ...defaults, ...overrides, kind } as ModelConfig;
  validateConfig(config);
  return config;
}

/** Completes a partial config (`{ kind: 'transformer', dModel: 64 }`) for `nFeatures` factors. */
export function resolveConfig(input: ModelConfigInput | ModelConfig, nFeatures: number): ModelConfig {
  const { kind, ...rest } = input as { kind: ModelKind } & Record<string, unknown>;
  if (rest.nFeatures !== undefined && rest.nFeatures !== nFeatures) {
    throw modelsError(
      'MODELS_FEATURES',
      `config has nFeatures ${String(rest.nFeatures)} but the data has ${nFeatures}`,
      {
        field: 'nFeatures',
      },
    );
  }
  return defaultConfig(kind, nFeatures, rest);
}

/** Number of segments Crossformer cuts a window into (the front is padded to a multiple of `segLen`). */
export function segmentCount(window: number, segLen: number): number {
  return Math.ceil(window / segLen);
}

/** The sequence model's encoder (`transformer` for a config saved before the option existed). */
export function seq2seqEncoder(c: Seq2SeqConfig): Seq2SeqEncoder {
  return c.encoder ?? 'transformer';
}

/** What the Crossformer encoder reads of a config: the attention and segment options. */
export type CrossformerEncoderConfig = AttentionConfig & SegmentOptions;

/**
 * The sequence model's config as a Crossformer encoder's.
 * @throws `MODELS_CONFIG` when a segment option is missing.
 */
export function seq2seqSegments(c: Seq2SeqConfig): CrossformerEncoderConfig {
  for (const k of Object.keys(SEGMENT_DEFAULTS) as (keyof SegmentOptions)[]) {
    if (c[k] === undefined) {
      throw modelsError('MODELS_CONFIG', `a crossformer encoder needs ${k}`, { field: k });
    }
  }
  return c as CrossformerEncoderConfig;
}

function validateSegments(c: CrossformerEncoderConfig): void {
  checkIntOption(c.segLen, 'segLen', 1, c.window);
  checkIntOption(c.mergeWin, 'mergeWin', 2, 64);
  checkIntOption(c.nScales, 'nScales', 1, 16);
  checkIntOption(c.depth, 'depth', 1, 16);
  checkIntOption(c.routers, 'routers', 1, 1024);
}

/** Segments at each Crossformer scale: scale 0 is the embedding, each later one merges `mergeWin`. */
export function crossformerScales(
  c: Pick<CrossformerEncoderConfig, 'window' | 'segLen' | 'mergeWin' | 'nScales'>,
): number[] {
  const out = [segmentCount(c.window, c.segLen)];
  for (let i = 1; i < c.nScales; i++) out.push(Math.ceil(out[i - 1]! / c.mergeWin));
  return out;
}

/** @throws `MODELS_CONFIG` when a value is out of range or inconsistent. */
export function validateConfig(c: ModelConfig): void {
  checkIntOption(c.window, 'window', 1, 10000);
  checkIntOption(c.nFeatures, 'nFeatures', 1, 100000);
  checkNumOption(c.dropout, 'dropout', 0, 0.95);
  if (c.kind === 'gru') {
    checkIntOption(c.hidden, 'hidden', 1, 4096);
    checkIntOption(c.nLayers, 'nLayers', 1, 16);
    return;
  }
  checkIntOption(c.dModel, 'dModel', 1, 4096);
  checkIntOption(c.nHeads, 'nHeads', 1, 256);
  checkIntOption(c.dFF, 'dFF', 1, 65536);
  if (c.dModel % c.nHeads !== 0) {
    throw modelsError('MODELS_CONFIG', `nHeads ${c.nHeads} must divide dModel ${c.dModel}`, {
      field: 'nHeads',
    });
  }
  if (c.activation !== 'relu' && c.activation !== 'gelu') {
    throw modelsError('MODELS_CONFIG', `activation must be relu or gelu, got ${String(c.activation)}`, {
      field: 'activation',
    });
  }
  switch (c.kind) {
    case 'transformer':
      checkIntOption(c.nLayers, 'nLayers', 1, 64);
      if (!['last', 'mean', 'flatten'].includes(c.pooling)) {
        throw modelsError(
          'MODELS_CONFIG',
          `pooling must be last, mean or flatten, got ${String(c.pooling)}`,
          {
            field: 'pooling',
          },
        );
      }
      break;
    case 'itransformer':
      checkIntOption(c.nLayers, 'nLayers', 1, 64);
      break;
    case 'crossformer':
      validateSegments(c);
      break;
    case 'seq2seq': {
      checkIntOption(c.encLayers, 'encLayers', 1, 64);
      checkIntOption(c.decLayers, 'decLayers', 1, 64);
      checkIntOption(c.horizon, 'horizon', 1, 256);
      const encoder = seq2seqEncoder(c);
      if (!['transformer', 'itransformer', 'crossformer'].includes(encoder)) {
        throw modelsError(
          'MODELS_CONFIG',
          `encoder must be transformer, itransformer or crossformer, got ${String(encoder)}`,
          { field: 'encoder' },
        );
      }
      if (encoder === 'crossformer') validateSegments(seq2seqSegments(c));
      else {
        for (const k of Object.keys(SEGMENT_DEFAULTS) as (keyof SegmentOptions)[]) {
          if (c[k] !== undefined) {
            throw modelsError('MODELS_CONFIG', `option ${k} applies only to a crossformer encoder`, {
              field: k,
            });
          }
        }
      }
      break;
    }
  }
}

/** Outputs per stock: `horizon` for the sequence model, 1 otherwise. */
export function outputSize(c: ModelConfig): number {
  return c.kind === 'seq2seq' ? c.horizon : 1;
}

/** Floats per stock of the variable-token encoder's largest activations (attention is F x F per head). */
function variableFloats(c: AttentionConfig): number {
  const F = c.nFeatures;
  return c.nHeads * F * F + F * Math.max(c.dFF, 3 * c.dModel);
}

/** Floats per stock of the Crossformer encoder's largest activations. */
function segmentFloats(c: CrossformerEncoderConfig): number {
  const F = c.nFeatures;
  const s = segmentCount(c.window, c.segLen);
  return F * s * Math.max(c.dFF, 3 * c.dModel, c.nHeads * s) + c.nHeads * F * c.routers * s;
}

/**
 * Stocks per inference pass that keep the largest intermediates within `budgetMB` (default 256).
 * A rough upper bound of the floats alive per stock: the input window, plus the biggest
 * activation of the architecture (attention over factors is `nHeads x F^2` per stock for
 * iTransformer; Crossformer has `F x segments` tokens), times 8 for the tensors alive at once.
 */
export function inferenceChunk(c: ModelConfig, budgetMB = 256): number {
  const L = c.window;
  const F = c.nFeatures;
  let floats = L * F;
  switch (c.kind) {
    case 'gru':
      floats += 4 * L * c.hidden;
      break;
    case 'transformer':
      floats += L * Math.max(c.dFF, 3 * c.dModel, c.nHeads * L);
      break;
    case 'itransformer':
      floats += variableFloats(c);
      break;
    case 'crossformer':
      floats += segmentFloats(c);
      break;
    case 'seq2seq': {
      const encoder = seq2seqEncoder(c);
      if (encoder === 'itransformer') floats += variableFloats(c);
      else if (encoder === 'crossformer') floats += segmentFloats(seq2seqSegments(c));
      else floats += L * Math.max(c.dFF, 3 * c.dModel, c.nHeads * L);
      break;
    }
  }
  return Math.max(1, Math.min(4096, Math.floor((budgetMB * 1e6) / (floats * 4 * 8))));
}
