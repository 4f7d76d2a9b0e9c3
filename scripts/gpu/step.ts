/**
 * One training step as `trainModel` takes it (forward, IC loss, backward, Adam), written against
 * the public API of @hfq/models with every host read asynchronous (`await t.data()`): the webgpu
 * backend cannot read synchronously in Node, and `trainModel` still does (`dataSync`). Same
 * operations, same dropout seeds, same two-pass chunking as the package's `batchGradients`
 * (a test in packages/models checks the gradients are identical), so what is timed here is the
 * package's step with its reads made asynchronous.
 */
import { icLoss, maskedMSE, segmentMatrix } from '@hfq/models';
import * as tf from '@tensorflow/tfjs-core';

/** What the step needs of a model (a @hfq/models `Model` or the toy block). */
export interface Net {
  readonly config: { kind: string; window: number; nFeatures: number };
  readonly outputSize: number;
  readonly parameterCount: number;
  variables(): tf.Variable[];
  forward(
    x: tf.Tensor,
    options: { training?: boolean; dropoutSeed?: number; teacher?: tf.Tensor },
  ): tf.Tensor;
  dispose(): void;
}

/** One step's data on the host: `n` stocks of `nDates` dates stacked, as `trainModel` builds it. */
export interface HostBatch {
  n: number;
  nDates: number;
  /** `n x window x features`, row-major. */
  x: Float32Array;
  /** Date (0..nDates-1) of each row. */
  segments: Int32Array;
  /** Labels `[n]`, or `[n, k]` daily returns for the sequence model, and their 0/1 mask. */
  y: Float32Array;
  mask: Float32Array;
  k: number;
}

/** Where the step's input comes from: the host (uploaded per pass, as training does) or a resident tensor. */
export type InputSource = { kind: 'host' } | { kind: 'resident'; x: tf.Tensor3D };

/** The loss of a batch from predictions: minus the mean IC, plus `aux` x masked MSE. */
function batchLoss(pred: tf.Tensor, y: tf.Tensor, w: tf.Tensor2D, mask: tf.Tensor, aux: number): tf.Scalar {
  const ic = icLoss(pred, y, w, mask);
  return aux > 0 ? (tf.add(ic, tf.mul(tf.scalar(aux), maskedMSE(pred, y, mask))) as tf.Scalar) : ic;
}

/**
 * Loss and gradients of one batch (the caller owns the gradient tensors). Over `chunk` stocks:
 * predictions of every chunk without a tape, the exact gradient of the loss with respect to
 * them, then one forward/backward per chunk of `sum(pred * dLoss/dpred)` (as the package does,
 * including reading the predictions and that gradient back to the host).
 */
export async function batchGradients(
  net: Net,
  batch: HostBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
  source: InputSource = { kind: 'host' },
): Promise<{ loss: number; grads: Record<string, tf.Tensor> }> {
  const { window: L, nFeatures: F } = net.config;
  const sequence = net.config.kind === 'seq2seq';
  const { n, k } = batch;
  const vars = net.variables();
  const w = tf.tensor2d(segmentMatrix(batch.segments, batch.nDates), [batch.nDates, n]);
  const yT = k === 1 ? tf.tensor1d(batch.y) : tf.tensor2d(batch.y, [n, k]);
  const mT = k === 1 ? tf.tensor1d(batch.mask) : tf.tensor2d(batch.mask, [n, k]);
  const xChunk = (s: number, m: number) =>
    source.kind === 'resident'
      ? s === 0 && m === n
        ? source.x
        : tf.slice(source.x, [s, 0, 0], [m, L, F])
      : tf.tensor3d(batch.x.subarray(s * L * F, (s + m) * L * F), [m, L, F]);
  const tChunk = (s: number, m: number) =>
    sequence ? tf.tensor2d(batch.y.subarray(s * k, (s + m) * k), [m, k]) : undefined;
  const fwd = (s: number, m: number, c: number) =>
    net.forward(xChunk(s, m), {
      training: true,
      dropoutSeed: dropoutSeed + c * 100_003,
      teacher: tChunk(s, m),
    });
  let loss: number;
  const grads: Record<string, tf.Tensor> = {};
  if (n <= chunk) {
    const r = tf.variableGrads(() => batchLoss(fwd(0, n, 0), yT, w, mT, aux), vars);
    for (const v of vars) grads[v.name] = r.grads[v.name]!;
    loss = (await r.value.data())[0]!;
    r.value.dispose();
  } else {
    const preds = new Float32Array(n * k);
    for (let s = 0, c = 0; s < n; s += chunk, c++) {
      const m = Math.min(chunk, n - s);
      const p = tf.tidy(() => fwd(s, m, c));
      preds.set((await p.data()) as Float32Array, s * k);
      p.dispose();
    }
    const pT = k === 1 ? tf.tensor1d(preds) : tf.tensor2d(preds, [n, k]);
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => batchLoss(p, yT, w, mT, aux))(pT);
    loss = (await value.data())[0]!;
    const g = (await grad.data()) as Float32Array;
    tf.dispose([pT, value, grad]);
    for (let s = 0, c = 0; s < n; s += chunk, c++) {
      const m = Math.min(chunk, n - s);
      const gc =
        k === 1 ? tf.tensor1d(g.subarray(s, s + m)) : tf.tensor2d(g.subarray(s * k, (s + m) * k), [m, k]);
      const r = tf.variableGrads(() => tf.sum(tf.mul(fwd(s, m, c), gc)) as tf.Scalar, vars);
      for (const v of vars) {
        const t = r.grads[v.name]!;
        const prev = grads[v.name];
        if (prev === undefined) grads[v.name] = t;
        else {
          grads[v.name] = tf.add(prev, t);
          tf.dispose([prev, t]);
        }
      }
      tf.dispose([r.value, gc]);
    }
  }
  tf.dispose([w, yT, mT]);
  return { loss, grads };
}

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
  const { loss, grads } = await batchGradients(net, batch, chunk, dropoutSeed, aux, source);
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
  const { window: L, nFeatures: F } = net.config;
  const H = net.outputSize;
  const sequence = net.config.kind === 'seq2seq';
  const before = tf.memory().numBytes;
  const x = tf.zeros([probe, L, F]);
  const y = sequence ? tf.zeros([probe, H]) : tf.zeros([probe]);
  const m = tf.onesLike(y);
  const w = tf.ones([1, probe]) as tf.Tensor2D;
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => batchLoss(net.forward(x, { training: true, teacher: sequence ? y : undefined }), y, w, m, aux),
      net.variables(),
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose([x, y, m, w]);
  let largest = 0;
  for (const kernel of info.kernels) {
    for (const shape of kernel.outputShapes) {
      largest = Math.max(largest, 4 * shape.reduce((a, b) => a * b, 1));
    }
  }
  return {
    peakBytesPerStock: Math.max(1, (info.peakBytes - before) / probe),
    largestTensorBytesPerStock: Math.max(1, largest / probe),
  };
}
