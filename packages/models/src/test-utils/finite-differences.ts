import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Checks the registered gradient of `f` against central finite differences of a random
 * projection `sum(f(x) * r)` (float32: step 1e-2, tolerance 2% of scale), on every element of
 * each input, or with `elements` on about that many evenly spaced ones.
 */
export function checkFiniteDifferences(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  label: string,
  elements?: number,
): void {
  const r = tf.tidy(() => tf.randomNormal(f(...inputs).shape, 0, 1, 'float32', 11));
  const objective = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)) as tf.Scalar;
  const grads = tf.grads(objective)(inputs);
  inputs.forEach((x, k) => {
    const g = grads[k]!.dataSync();
    const base = Float32Array.from(x.dataSync());
    const eps = 1e-2;
    const step = elements === undefined ? 1 : Math.max(1, Math.floor(base.length / elements));
    for (let i = 0; i < base.length; i += step) {
      const at = (delta: number) => {
        const v = base.slice();
        v[i]! += delta;
        return tf.tidy(
          () => objective(...inputs.map((y, j) => (j === k ? tf.tensor(v, x.shape) : y))).dataSync()[0]!,
        );
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(g[i]! - numeric), `${label} input ${k} element ${i}`).toBeLessThan(
        0.02 * Math.max(1, Math.abs(numeric)),
      );
    }
  });
}
