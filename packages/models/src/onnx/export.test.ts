import { HfqError } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { StockDataset } from '../data/dataset.js';
import { createModel, type Model } from '../models/model.js';
import { CASES, isSequence, tinyConfig } from '../test-utils/configs.js';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { ModelPredictor } from '../train/predictor.js';
import { exportOnnx, ONNX_OPSET } from './export.js';
import { decodeModel } from './proto.js';
import { OnnxScorer, readOnnxInfo } from './scorer.js';

const F = 5;
const L = 8;
const features = Array.from({ length: F }, (_, i) => `f${i}`);

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1e-2, Math.abs(b[i]!)));
  return m;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe.each(CASES)('ONNX export of %s', (kind) => {
  let model: Model;
  let bytes: Uint8Array;
  beforeAll(async () => {
    model = await createModel(tinyConfig(kind, F, L), { seed: 9, features });
    model.preprocess = { window: L, clip: 5, maxMissingShare: 0.5 };
    bytes = exportOnnx(model, isSequence(kind) ? { horizonWeights: [1, 0.5, 0.25, 0] } : {});
  });

  it('runs in onnxruntime-node with the same output as tfjs (relative error < 1e-4), any number of stocks', async () => {
    const scorer = await OnnxScorer.load(bytes);
    for (const n of [1, 13]) {
      const x = tf.randomNormal([n, L, F], 0, 1.5, 'float32', n).dataSync() as Float32Array;
      const ref = model.predict(x, n);
      const out = await scorer.run(x, n);
      if (isSequence(kind)) {
        expect(maxRelError(out.returns!, ref)).toBeLessThan(1e-4);
        const want = Array.from(
          { length: n },
          (_, i) => ref[i * 4]! + 0.5 * ref[i * 4 + 1]! + 0.25 * ref[i * 4 + 2]!,
        );
        expect(maxRelError(out.score, want)).toBeLessThan(1e-4);
      } else {
        expect(out.score.length).toBe(n);
        expect(maxRelError(out.score, ref)).toBeLessThan(1e-4);
      }
    }
    await scorer.release();
  });

  it('uses only standard opset-17 operators, names its inputs/outputs and carries the config and features', () => {
    const m = decodeModel(bytes);
    expect(m.opsetImport).toEqual([{ domain: '', version: ONNX_OPSET }]);
    const standard = new Set([
      'MatMul',
      'Add',
      'Sub',
      'Mul',
      'Reshape',
      'Transpose',
      'Concat',
      'Split',
      'Squeeze',
      'Unsqueeze',
      'Slice',
      'Softmax',
      'LayerNormalization',
      'Relu',
      'Erf',
      'Tanh',
      'Sigmoid',
      'ReduceMean',
      'Shape',
      'Expand',
      'Identity',
    ]);
    for (const node of m.graph.node) expect(standard.has(node.opType), node.opType).toBe(true);
    expect(m.graph.input.map((v) => v.name)).toEqual(['x']);
    expect(m.graph.output.map((v) => v.name)).toEqual(isSequence(kind) ? ['score', 'returns'] : ['score']);
    expect(m.graph.input[0]!.type.tensorType.shape.dim[0]).toEqual({ dimParam: 'stocks' });
    const info = readOnnxInfo(bytes);
    expect(info.config).toEqual(model.config);
    expect(info.features).toEqual(features);
    expect(info.preprocess).toEqual({ window: L, clip: 5, maxMissingShare: 0.5 });
  });
});

describe('OnnxScorer', () => {
  it('refuses a file whose feature list differs from the caller’s, with a clear error', async () => {
    const model = await createModel(tinyConfig('transformer', F, L), { features });
    const bytes = model.toOnnx();
    expect(Array.from(bytes)).toEqual(Array.from(exportOnnx(model)));
    for (const expectFeatures of [F + 1, [...features.slice(0, 4), 'other']]) {
      try {
        await OnnxScorer.load(bytes, { expectFeatures });
        expect.unreachable();
      } catch (e) {
        expect(HfqError.is(e, 'MODELS_FEATURES')).toBe(true);
        expect((e as Error).message).toMatch(/feature/);
      }
    }
    const scorer = await OnnxScorer.load(bytes, { expectFeatures: features });
    await expect(scorer.run(new Float32Array(3 * L * (F - 1)), 3)).rejects.toMatchObject({
      code: 'MODELS_SHAPE',
    });
    await expect(OnnxScorer.load(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(HfqError);
  });

  it('scores a date of a FactorSource with the file’s own preprocessing, like the tfjs model on the dataset', async () => {
    const mk = syntheticMarket({ nAssets: 20, nDates: 40, nFactors: F, missing: 0.05 });
    const ds = new StockDataset(mk.factors, { close: mk.close }, { window: L, maxMissingShare: 0.2 });
    const model = await createModel(tinyConfig('transformer', F, L), { seed: 2, features: ds.features });
    model.preprocess = ds.preprocess;
    const scorer = await OnnxScorer.load(exportOnnx(model));
    const t = 30;
    const viaOnnx = await scorer.scoreDate(mk.factors, ds.dates[t]!);
    const cs = ds.crossSection(t);
    const viaTf = await new ModelPredictor(model).score(cs);
    expect(viaOnnx.length).toBe(20);
    let scored = 0;
    for (let a = 0; a < 20; a++) {
      const i = cs.assets.indexOf(a);
      if (i < 0) expect(viaOnnx[a]).toBeNaN();
      else {
        scored++;
        expect(viaOnnx[a]!).toBeCloseTo(viaTf[i]!, 4);
      }
    }
    expect(scored).toBe(cs.n);
  });
});
