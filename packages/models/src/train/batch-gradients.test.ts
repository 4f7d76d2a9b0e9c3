import { Rng } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { createModel } from '../models/model.js';
import { tinyConfig } from '../test-utils/configs.js';
import {
  batchGradients,
  batchGradientsAsync,
  profileTrainingPass,
  type TrainingBatch,
} from './batch-gradients.js';

const F = 3;
const L = 6;

/** `n` stocks over two dates of random inputs and labels (`k` labels per stock). */
function randomBatch(n: number, k: number, seed: number): TrainingBatch {
  const rng = new Rng(seed, 'batch');
  const segments = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  return {
    n,
    nDates: 2,
    x: Float32Array.from({ length: n * L * F }, () => rng.normal()),
    segments,
    y: Float32Array.from({ length: n * k }, () => rng.normal()),
    mask: Float32Array.from({ length: n * k }, (_, i) => (i % 7 === 3 ? 0 : 1)),
    k,
  };
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('batchGradientsAsync', () => {
  it('gives the bit-identical loss and gradients of the synchronous step, in one pass and in chunks', async () => {
    for (const kind of ['transformer', 'seq2seq', 'seq2seq-itransformer', 'seq2seq-crossformer'] as const) {
      const model = await createModel({ ...tinyConfig(kind, F, L, 4), dropout: 0.2 }, { seed: 5 });
      const batch = randomBatch(24, model.outputSize, 1);
      const aux = kind.startsWith('seq2seq') ? 0.1 : 0;
      for (const chunk of [batch.n, 7]) {
        const sync = batchGradients(model, batch, chunk, 11, aux);
        const async = await batchGradientsAsync(model, batch, chunk, 11, aux);
        expect(Number.isFinite(sync.loss)).toBe(true);
        expect(async.loss).toBe(sync.loss);
        for (const v of model.variables()) {
          expect(async.grads[v.name]!.dataSync(), `${kind} ${v.name} chunk ${chunk}`).toEqual(
            sync.grads[v.name]!.dataSync(),
          );
        }
        // Another dropout seed changes the gradient: the seed reaches the forward pass.
        const other = batchGradients(model, batch, chunk, 12, aux);
        const name = model.variables()[0]!.name;
        expect(Array.from(other.grads[name]!.dataSync())).not.toEqual(
          Array.from(sync.grads[name]!.dataSync()),
        );
        tf.dispose([
          ...Object.values(sync.grads),
          ...Object.values(async.grads),
          ...Object.values(other.grads),
        ]);
      }
      model.dispose();
    }
  });

  it('leaves no tensors behind but the gradients it returns', async () => {
    const model = await createModel({ ...tinyConfig('gru', F, L, 4), dropout: 0 }, { seed: 2 });
    const batch = randomBatch(20, 1, 2);
    const before = tf.memory().numTensors;
    const { grads } = await batchGradientsAsync(model, batch, 6, 0, 0);
    expect(tf.memory().numTensors - before).toBe(model.variables().length);
    tf.dispose(Object.values(grads));
    model.dispose();
  });
});

describe('profileTrainingPass', () => {
  it('profiles one pass whose peak grows with the stocks probed', async () => {
    const model = await createModel(tinyConfig('transformer', F, L, 4), { seed: 3 });
    // The first pass builds the model's cached constants; profile after it.
    await profileTrainingPass(model, 4, 0);
    const small = await profileTrainingPass(model, 4, 0);
    const large = await profileTrainingPass(model, 32, 0);
    expect(small.info.kernels.length).toBeGreaterThan(0);
    expect(small.info.peakBytes - small.baseBytes).toBeGreaterThan(0);
    expect(large.info.peakBytes - large.baseBytes).toBeGreaterThan(
      2 * (small.info.peakBytes - small.baseBytes),
    );
    // The pass disposes what it allocates.
    expect(large.baseBytes).toBe(small.baseBytes);
    expect(tf.memory().numBytes).toBe(small.baseBytes);
    model.dispose();
  });
});
