import { HfqError } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { createModel } from '../models/model.js';
import { CASES, tinyConfig } from '../test-utils/configs.js';
import { exportOnnx } from './export.js';
import { loadOnnxRuntime, setNativeImporterForTests } from './runtime.js';
import { OnnxScorer } from './scorer.js';

const F = 5;
const L = 8;
const features = Array.from({ length: F }, (_, i) => `f${i}`);

beforeAll(async () => {
  await useBackend('wasm');
});

afterEach(() => setNativeImporterForTests(undefined));

describe('ONNX runtimes: onnxruntime-node (optional peer) and onnxruntime-web (wasm)', () => {
  it.each(CASES)('score the same exported %s alike (1e-6 of the score scale)', async (kind) => {
    const model = await createModel(tinyConfig(kind, F, L), { seed: 4, features });
    const bytes = exportOnnx(model);
    const native = await OnnxScorer.load(bytes, { backend: 'native' });
    const wasm = await OnnxScorer.load(bytes, { backend: 'wasm' });
    expect(native.backend).toBe('native');
    expect(wasm.backend).toBe('wasm');
    const n = 37;
    const x = tf.randomNormal([n, L, F], 0, 1.5, 'float32', 11).dataSync() as Float32Array;
    const a = await native.run(x, n);
    const b = await wasm.run(x, n);
    expect(b.score.length).toBe(n);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < n; i++) {
      expect(Number.isFinite(a.score[i]!)).toBe(true);
      maxDiff = Math.max(maxDiff, Math.abs(a.score[i]! - b.score[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(a.score[i]!));
    }
    // Float32 kernels that sum in different orders (MLAS vs wasm SIMD): a few ulps of the largest
    // score apart, i.e. 1e-6 relative to the scores' scale (seen: up to 4.5e-7).
    expect(maxAbs).toBeGreaterThan(0.1);
    expect(maxDiff).toBeLessThan(1e-6 * Math.max(1, maxAbs));
    await native.release();
    await wasm.release();
  });

  it('auto picks onnxruntime-node in Node where it is installed, and says so', async () => {
    expect((await loadOnnxRuntime('auto')).backend).toBe('native');
  });

  it('without onnxruntime-node: auto picks wasm; native throws a typed error with the install command', async () => {
    setNativeImporterForTests(() => Promise.reject(new Error("Cannot find package 'onnxruntime-node'")));
    const model = await createModel(tinyConfig('gru', F, L), { seed: 4, features });
    const bytes = exportOnnx(model);
    const scorer = await OnnxScorer.load(bytes);
    expect(scorer.backend).toBe('wasm');
    const out = await scorer.run(new Float32Array(2 * L * F).fill(0.25), 2);
    expect(out.score[0]).toBeCloseTo(out.score[1]!, 7);
    await scorer.release();

    const err = await OnnxScorer.load(bytes, { backend: 'native' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HfqError);
    expect(err).toMatchObject({
      code: 'MODELS_BACKEND',
      context: { field: 'onnxruntime-node', reason: 'missing-peer' },
    });
    expect((err as Error).message).toContain('npm i onnxruntime-node --onnxruntime-node-install=skip');
    expect((err as Error).message).toContain("Cannot find package 'onnxruntime-node'");
  });

  it('rejects an unknown backend and a bad thread count', async () => {
    await expect(loadOnnxRuntime('gpu' as never)).rejects.toMatchObject({ code: 'MODELS_CONFIG' });
    await expect(loadOnnxRuntime('wasm', { numThreads: 0 })).rejects.toMatchObject({
      code: 'MODELS_CONFIG',
      context: { field: 'wasm.numThreads' },
    });
  });
});
