import { defaultConfig, type ModelConfig, type ModelKind } from '../models/config.js';

/** Every architecture. */
export const KINDS: readonly ModelKind[] = ['gru', 'transformer', 'itransformer', 'crossformer', 'seq2seq'];

/** Tiny configs of every architecture (fast tests). The sequence model predicts `horizon` days. */
export function tinyConfig(kind: ModelKind, nFeatures: number, window: number, horizon = 4): ModelConfig {
  const attn = { window, dModel: 8, nHeads: 2, dFF: 16 };
  switch (kind) {
    case 'gru':
      return defaultConfig(kind, nFeatures, { window, hidden: 6, nLayers: 2 });
    case 'transformer':
      return defaultConfig(kind, nFeatures, { ...attn, nLayers: 2 });
    case 'itransformer':
      return defaultConfig(kind, nFeatures, { ...attn, nLayers: 1 });
    case 'crossformer':
      return defaultConfig(kind, nFeatures, { ...attn, segLen: 3, nScales: 3, routers: 2 });
    case 'seq2seq':
      return defaultConfig(kind, nFeatures, { ...attn, encLayers: 1, decLayers: 2, horizon });
  }
}
