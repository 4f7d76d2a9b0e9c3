import { defaultConfig, type ModelConfig, type ModelKind } from '../models/config.js';

/** Every architecture. */
export const KINDS: readonly ModelKind[] = ['gru', 'transformer', 'itransformer', 'crossformer', 'seq2seq'];

/** What the per-architecture tests cover: every kind, and the sequence model with each encoder. */
export type TestCase = ModelKind | 'seq2seq-itransformer' | 'seq2seq-crossformer';

/** Every architecture and every encoder of the sequence model (`seq2seq` is its transformer encoder). */
export const CASES: readonly TestCase[] = [...KINDS, 'seq2seq-itransformer', 'seq2seq-crossformer'];

/** Whether a case is a sequence model (`horizon` outputs per stock). */
export const isSequence = (c: TestCase): boolean => c.startsWith('seq2seq');

/** Tiny configs of every case (fast tests). The sequence models predict `horizon` days. */
export function tinyConfig(kind: TestCase, nFeatures: number, window: number, horizon = 4): ModelConfig {
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
    case 'seq2seq-itransformer':
      return defaultConfig('seq2seq', nFeatures, {
        ...attn,
        encoder: 'itransformer',
        encLayers: 1,
        decLayers: 2,
        horizon,
      });
    case 'seq2seq-crossformer':
      return defaultConfig('seq2seq', nFeatures, {
        ...attn,
        encoder: 'crossformer',
        segLen: 3,
        nScales: 2,
        routers: 2,
        encLayers: 1,
        decLayers: 2,
        horizon,
      });
  }
}
