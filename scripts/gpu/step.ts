/**
 * One training step as `trainModel` takes it (forward, IC loss, backward, Adam) with every host
 * read asynchronous (`await t.data()`): the webgpu backend cannot read synchronously in Node, and
 * `trainModel` still does (`dataSync`). The gradient is @hfq/models' own `batchGradientsAsync`
 * (the same passes as the package's `batchGradients`, with its reads made asynchronous: same
 * operations, same dropout seeds, same two-pass chunking), so what is timed here is the
 * package's step.
 */
import {
  batchGradientsAsync,
  profileTrainingPass,
  type StepInput,
  type TrainableNet,
  type TrainingBatch,
} from '@hfq/models/internal';
import * as tf from '@tensorflow/tfjs-core';

/** What the step needs of a model (a @hfq/models `Model` or the toy block). */
export interface Net extends TrainableNet {
  readonly parameterCount: number;
  dispose(): void;
}

/** One step's data on the host: `n` stocks of `nDates` dates stacked, as `trainModel` builds it. */
export type HostBatch = TrainingBatch;

/** Where the step's input comes from: the host (uploaded per pass, as training does) or a resident tensor. */
export type InputSource = StepInput;

/**
 * Loss and gradients of one batch (the caller owns the gradient tensors): the package's
 * `batchGradientsAsync`.
 */
export const batchGradients = batchGradientsAsync;

/** One optimiser step; returns the batch loss (read back asynchronously, as the step's one sync). */
export async function trainStep(
  net: Net,
  optimizer: tf.Optimizer,
  batch: HostBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
  source: InputSource = { kind: 'host' },
): Promise<number> {
  const { loss, grads } = await batchGradientsAsync(net, batch, chunk, dropoutSeed, aux, source);
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return loss;
}

/**
 * Stocks per pass for one training pass to stay within `budgetMB` of tensors and to keep every
 * single tensor within `maxTensorBytes` (a GPU's storage-binding limit), from the peak memory and
 * the largest tensor of a pass over `probe` stocks (the package's `chooseChunk` does the first
 * half of this). Returns the per-stock figures too.
 */
export async function chooseChunk(
  net: Net,
  budgetMB: number,
  maxTensorBytes: number,
  aux = 0,
  probe = 16,
): Promise<{ chunk: number; peakBytesPerStock: number; largestTensorBytesPerStock: number }> {
  // Per-stock memory depends on the configuration only: profile each configuration once (a
  // profiled pass times every kernel, which costs seconds on a GPU for the larger models).
  const key = `${JSON.stringify(net.config)}/${aux}/${probe}/${tf.getBackend()}`;
  let perStock = perStockCache.get(key);
  if (perStock === undefined) {
    perStock = await profilePerStock(net, aux, probe);
    perStockCache.set(key, perStock);
  }
  const { peakBytesPerStock, largestTensorBytesPerStock } = perStock;
  const chunk = Math.max(
    8,
    Math.min(
      Math.floor((budgetMB * 1e6) / peakBytesPerStock),
      Math.floor((0.9 * maxTensorBytes) / largestTensorBytesPerStock),
    ),
  );
  return { chunk, peakBytesPerStock, largestTensorBytesPerStock };
}

const perStockCache = new Map<string, { peakBytesPerStock: number; largestTensorBytesPerStock: number }>();

/** Peak tensor bytes and largest single tensor per stock of one training pass over `probe` stocks. */
async function profilePerStock(
  net: Net,
  aux: number,
  probe: number,
): Promise<{ peakBytesPerStock: number; largestTensorBytesPerStock: number }> {
  const { info, baseBytes } = await profileTrainingPass(net, probe, aux);
  let largest = 0;
  for (const kernel of info.kernels) {
    for (const shape of kernel.outputShapes) {
      largest = Math.max(largest, 4 * shape.reduce((a, b) => a * b, 1));
    }
  }
  return {
    peakBytesPerStock: Math.max(1, (info.peakBytes - baseBytes) / probe),
    largestTensorBytesPerStock: Math.max(1, largest / probe),
  };
}
