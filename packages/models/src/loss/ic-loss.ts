import * as tf from '@tensorflow/tfjs-core';

/**
 * Membership matrix `[D, N]` of a batch of D dates' cross-sections stacked into N rows:
 * `W[d, i] = 1` when row i belongs to date d. `segments[i]` is row i's date (0..D-1).
 */
export function segmentMatrix(segments: Int32Array, nDates: number): Float32Array {
  const n = segments.length;
  const w = new Float32Array(nDates * n);
  for (let i = 0; i < n; i++) w[segments[i]! * n + i] = 1;
  return w;
}

/** Smallest number of labelled stocks for a date's IC to count in the loss. */
export const MIN_IC_STOCKS = 3;

/**
 * Per-date, per-horizon Pearson IC between predictions and labels over the masked cross-section.
 *
 * - `pred`, `label`: `[N]` or `[N, H]` (N = stocks of all dates in the batch stacked).
 * - `weights`: `[D, N]` date membership (see `segmentMatrix`).
 * - `mask`: `[N]` or `[N, H]`, 1 where the label exists, 0 where it is missing. Masked entries
 *   contribute nothing (their label values are ignored, whatever they hold), and no gradient flows
 *   to their predictions.
 *
 * Returns `{ ic [D, H], valid [D, H] }`; `valid` is 1 where at least `MIN_IC_STOCKS` labelled
 * stocks exist. IC = cov / (sqrt(var_p + eps) sqrt(var_y + eps)), eps = 1e-12 (population moments).
 */
export function maskedIC(
  pred: tf.Tensor,
  label: tf.Tensor,
  weights: tf.Tensor2D,
  mask: tf.Tensor,
): { ic: tf.Tensor2D; valid: tf.Tensor2D } {
  return tf.tidy(() => {
    const p = pred.rank === 1 ? tf.expandDims(pred, 1) : pred; // [N, H]
    const y = label.rank === 1 ? tf.expandDims(label, 1) : label;
    const m = mask.rank === 1 ? tf.expandDims(mask, 1) : mask;
    // w3[d, n, h] = W[d, n] * M[n, h]
    const w3 = tf.mul(tf.expandDims(weights, 2), tf.expandDims(m, 0));
    const count = tf.sum(w3, 1); // [D, H]
    const safe = tf.maximum(count, tf.scalar(1));
    // Masked labels may hold anything (NaN included): zero them before any product.
    const y0 = tf.where(tf.greater(m, 0), y, tf.zerosLike(y));
    const p3 = tf.expandDims(p, 0);
    const y3 = tf.expandDims(y0, 0);
    const meanP = tf.div(tf.sum(tf.mul(w3, p3), 1), safe); // [D, H]
    const meanY = tf.div(tf.sum(tf.mul(w3, y3), 1), safe);
    const pc = tf.mul(tf.sub(p3, tf.expandDims(meanP, 1)), w3);
    const yc = tf.mul(tf.sub(y3, tf.expandDims(meanY, 1)), w3);
    const cov = tf.sum(tf.mul(pc, yc), 1);
    const varP = tf.sum(tf.square(pc), 1);
    const varY = tf.sum(tf.square(yc), 1);
    const eps = tf.scalar(1e-12);
    const ic = tf.div(cov, tf.mul(tf.sqrt(tf.add(varP, eps)), tf.sqrt(tf.add(varY, eps)))) as tf.Tensor2D;
    const valid = tf.cast(tf.greaterEqual(count, tf.scalar(MIN_IC_STOCKS)), 'float32') as tf.Tensor2D;
    return { ic, valid };
  });
}

/**
 * The IC loss: minus the mean Pearson IC over the valid (date, horizon) pairs of the batch, i.e.
 * minus the per-date IC averaged over dates (and, for the sequence model, over horizons).
 * A scalar tensor; 0 when no pair is valid.
 */
export function icLoss(pred: tf.Tensor, label: tf.Tensor, weights: tf.Tensor2D, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const { ic, valid } = maskedIC(pred, label, weights, mask);
    const n = tf.maximum(tf.sum(valid), tf.scalar(1));
    return tf.neg(tf.div(tf.sum(tf.mul(ic, valid)), n)) as tf.Scalar;
  });
}

/**
 * Mean squared error over the masked entries (the sequence model's optional auxiliary term that
 * keeps predictions on the standardised-return scale they are fed back at). Scalar; 0 if no entry.
 */
export function maskedMSE(pred: tf.Tensor, label: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const y0 = tf.where(tf.greater(mask, 0), label, tf.zerosLike(label));
    const se = tf.mul(tf.square(tf.sub(pred, y0)), mask);
    return tf.div(tf.sum(se), tf.maximum(tf.sum(mask), tf.scalar(1))) as tf.Scalar;
  });
}
