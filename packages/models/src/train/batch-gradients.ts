import * as tf from '@tensorflow/tfjs-core';
import { icLoss, maskedMSE, segmentMatrix } from '../loss/ic-loss.js';

/**
 * What a training step needs of a network: a `Model`, or any block with the same surface (the
 * GPU measurement's toy attention block).
 */
export interface TrainableNet {
  readonly config: { readonly kind: string; readonly window: number; readonly nFeatures: number };
  /** Scores per stock: 1, or the horizon of the sequence model. */
  readonly outputSize: number;
  variables(): tf.Variable[];
  forward(
    x: tf.Tensor,
    options: { training?: boolean; dropoutSeed?: number; teacher?: tf.Tensor },
  ): tf.Tensor;
}

/** Stacked cross-sections of one step (`n` stocks of `nDates` dates), on the host. */
export interface TrainingBatch {
  n: number;
  nDates: number;
  /** `n x window x features`, row-major. */
  x: Float32Array;
  /** Date (0..nDates-1) of each row. */
  segments: Int32Array;
  /** Targets `[n]` or `[n, H]` (daily returns of the sequence model) and their 0/1 mask. */
  y: Float32Array;
  mask: Float32Array;
  k: number;
}

/**
 * Where a step's input comes from: `batch.x`, uploaded per pass as training does (`host`), or a
 * tensor `[n, window, features]` already on the device (`resident`; chunks are slices of it).
 */
export type StepInput = { kind: 'host' } | { kind: 'resident'; x: tf.Tensor3D };

/** What `tf.profile` reports (tfjs-core does not export the type by name). */
export type TrainingPassProfile = Awaited<ReturnType<typeof tf.profile>>;

/** Loss and parameter gradients of one batch (the caller owns and disposes the tensors). */
export interface BatchGradients {
  loss: number;
  grads: Record<string, tf.Tensor>;
}

/** The loss of a batch from predictions: minus the mean per-date IC, plus `aux` x masked MSE. */
function batchLoss(pred: tf.Tensor, y: tf.Tensor, w: tf.Tensor2D, mask: tf.Tensor, aux: number): tf.Scalar {
  const ic = icLoss(pred, y, w, mask);
  return aux > 0 ? (tf.add(ic, tf.mul(tf.scalar(aux), maskedMSE(pred, y, mask))) as tf.Scalar) : ic;
}

/**
 * The passes of one batch's gradient as a generator: it yields each float32 tensor whose values
 * the host must read (the loss, the chunk predictions, the gradient with respect to them) and
 * resumes with those values, so that one sequence of operations serves a synchronous reader
 * (`dataSync`, training) and an asynchronous one (`data`, backends that cannot read
 * synchronously). The yielded tensors stay owned by the generator.
 */
function* gradientPasses(
  net: TrainableNet,
  batch: TrainingBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
  input: StepInput,
): Generator<tf.Tensor, BatchGradients, Float32Array> {
  const { window: L, nFeatures: F } = net.config;
  const sequence = net.config.kind === 'seq2seq';
  const { n, k } = batch;
  const vars = net.variables();
  const w = tf.tensor2d(segmentMatrix(batch.segments, batch.nDates), [batch.nDates, n]);
  const yT = k === 1 ? tf.tensor1d(batch.y) : tf.tensor2d(batch.y, [n, k]);
  const mT = k === 1 ? tf.tensor1d(batch.mask) : tf.tensor2d(batch.mask, [n, k]);
  const xChunk = (s: number, m: number) =>
    input.kind === 'resident'
      ? s === 0 && m === n
        ? input.x
        : tf.slice(input.x, [s, 0, 0], [m, L, F])
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
    loss = (yield r.value)[0]!;
    r.value.dispose();
    for (const v of vars) grads[v.name] = r.grads[v.name]!;
  } else {
    const preds = new Float32Array(n * k);
    for (let s = 0, c = 0; s < n; s += chunk, c++) {
      const m = Math.min(chunk, n - s);
      const p = tf.tidy(() => fwd(s, m, c));
      preds.set(yield p, s * k);
      p.dispose();
    }
    const pT = k === 1 ? tf.tensor1d(preds) : tf.tensor2d(preds, [n, k]);
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => batchLoss(p, yT, w, mT, aux))(pT);
    loss = (yield value)[0]!;
    const g = yield grad;
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

/**
 * Loss and parameter gradients of one batch. Over `chunk` stocks it runs in two passes: forward
 * every chunk without a tape to get all predictions, take the exact gradient of the loss with
 * respect to them, then one forward/backward per chunk of `sum(pred * dLoss/dpred)`,
 * accumulating parameter gradients. Same gradient as one pass (up to float summation order),
 * bounded memory. Chunk `c` draws its dropout masks from seed `dropoutSeed + c * 100003`. Reads
 * the host values synchronously (`dataSync`). The caller owns (and disposes) the returned tensors.
 */
export function batchGradients(
  net: TrainableNet,
  batch: TrainingBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
  input: StepInput = { kind: 'host' },
): BatchGradients {
  const passes = gradientPasses(net, batch, chunk, dropoutSeed, aux, input);
  let r = passes.next();
  while (!r.done) r = passes.next(r.value.dataSync() as Float32Array);
  return r.value;
}

/**
 * Advanced, for measurement scripts: `batchGradients` (the gradient `trainModel` takes, same
 * operations, dropout seeds and stock chunks) with every host read asynchronous (`await data()`),
 * for backends that cannot read synchronously (tfjs-webgpu in Node).
 *
 * @param net a `Model` or any block with the same surface.
 * @param batch the stacked cross-sections (`buildBatch`'s layout).
 * @param chunk stocks per forward pass; a batch of more stocks takes the two-pass route.
 * @param dropoutSeed base seed of the dropout masks (chunk `c` adds `c * 100003`).
 * @param aux weight of the masked MSE term added to minus the mean IC (0 = IC loss only).
 * @param input `host` (default) uploads `batch.x` per pass; `resident` slices a device tensor.
 * @returns the batch loss (minus the mean per-date IC, plus `aux` x MSE) and the gradient of
 *   every variable by name; the caller disposes the gradient tensors.
 */
export async function batchGradientsAsync(
  net: TrainableNet,
  batch: TrainingBatch,
  chunk: number,
  dropoutSeed: number,
  aux: number,
  input: StepInput = { kind: 'host' },
): Promise<BatchGradients> {
  const passes = gradientPasses(net, batch, chunk, dropoutSeed, aux, input);
  let r = passes.next();
  while (!r.done) r = passes.next((await r.value.data()) as Float32Array);
  return r.value;
}

/**
 * Advanced, for sizing stock chunks: `tf.profile` of one training pass (forward, loss, backward;
 * no update) over `probe` stocks of zero input and labels, one date, dropout on with seed 0.
 * `baseBytes` is the tensor memory before the pass allocated anything, so the pass's own peak is
 * `info.peakBytes - baseBytes` (bytes of all live tensors, views included).
 *
 * @param aux weight of the masked MSE term, as in `batchGradients`.
 */
export async function profileTrainingPass(
  net: TrainableNet,
  probe: number,
  aux: number,
): Promise<{ info: TrainingPassProfile; baseBytes: number }> {
  const { window: L, nFeatures: F } = net.config;
  const H = net.outputSize;
  const sequence = net.config.kind === 'seq2seq';
  const baseBytes = tf.memory().numBytes;
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
  // tfjs hands out its own record, which the next `tf.profile` overwrites: return a copy.
  return { info: { ...info }, baseBytes };
}
