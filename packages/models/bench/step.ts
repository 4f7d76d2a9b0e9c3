/**
 * One training step (forward, IC loss, backward, Adam) on one date's cross-section, as
 * `trainModel` runs it, with the package's fused wasm kernels on (`fused`) or off (`composed`:
 * the same forward pass built from tfjs's own kernels), on the same variables and data, so the
 * two can be timed in one process.
 */
import { Rng } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  batchGradientsForBench,
  chooseChunk,
  defaultConfig,
  initialWeights,
  Model,
  type ModelKind,
  setFastKernels,
} from './support.js';

/** Which kernels run the forward and backward pass. */
export type Impl = 'fused' | 'composed';

/** Switches the package's wasm kernel replacements on for `fused`, off for `composed`. */
export function setImpl(impl: Impl): void {
  setFastKernels(impl === 'fused');
}

export interface StepCaseSpec {
  kind: ModelKind;
  stocks: number;
  window: number;
  features: number;
  /** Config overrides (nLayers, nScales, dModel, ...). */
  overrides?: Record<string, unknown>;
}

export interface StepCase {
  model: Model;
  /** Stocks per pass `trainModel` would choose (768 MB budget) for this implementation. */
  chooseChunk(impl: Impl): Promise<number>;
  /** One step; returns the loss. */
  step(impl: Impl, chunk: number): number;
  /** Loss and gradients (caller disposes) without the update. */
  gradients(impl: Impl, chunk: number, seed?: number): { loss: number; grads: Record<string, tf.Tensor> };
  dispose(): void;
}

/** A model, a random cross-section and an optimiser for timing steps of `spec`. */
export async function makeStepCase(spec: StepCaseSpec): Promise<StepCase> {
  const { kind, stocks, window, features } = spec;
  const cfg = defaultConfig(kind, features, { window, ...(spec.overrides ?? {}) });
  const model = new Model(cfg, initialWeights(cfg, 1));
  const k = model.outputSize;
  const rng = new Rng(7, kind);
  const x = Float32Array.from({ length: stocks * window * features }, () => rng.normal());
  const y = Float32Array.from({ length: stocks * k }, () => rng.normal());
  const batch = {
    n: stocks,
    nDates: 1,
    x,
    segments: new Int32Array(stocks),
    y,
    mask: new Float32Array(y.length).fill(1),
    k,
  };
  const opt = tf.train.adam(1e-3);
  const aux = kind === 'seq2seq' ? 0.1 : 0;
  let seed = 0;
  const gradients = (impl: Impl, chunk: number, s = seed++) => {
    setImpl(impl);
    return batchGradientsForBench(model, batch, chunk, s, aux);
  };
  return {
    model,
    chooseChunk: async (impl) => {
      setImpl(impl);
      return Math.min(stocks, await chooseChunk(model, 768, aux));
    },
    gradients,
    step: (impl, chunk) => {
      const { loss, grads } = gradients(impl, chunk);
      opt.applyGradients(grads as unknown as Parameters<typeof opt.applyGradients>[0]);
      tf.dispose(Object.values(grads));
      return loss;
    },
    dispose: () => {
      opt.dispose();
      model.dispose();
    },
  };
}
