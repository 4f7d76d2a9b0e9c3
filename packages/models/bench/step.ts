/**
 * One training step (forward, IC loss, backward, Adam) on one date's cross-section, as
 * `trainModel` runs it, with either the current code or the pre-change reference in
 * `bench/legacy/` (same variables, same data), so the two can be timed in one process.
 */
import { Rng } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { trainingForward as legacyForward } from './legacy/architectures.js';
import { scope as legacyScope } from './legacy/ops.js';
import { TfConstants as LegacyConstants, TfOps as LegacyOps } from './legacy/tf-ops.js';
import {
  batchGradientsForBench,
  chooseChunk,
  defaultConfig,
  initialWeights,
  Model,
  type ModelKind,
  setFastKernels,
} from './support.js';

/** Which implementation runs the forward pass. */
export type Impl = 'current' | 'legacy';

/** Switches the package's wasm kernel replacements on for `current`, off for `legacy`. */
export function setImpl(impl: Impl): void {
  setFastKernels(impl === 'current');
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

/** The model whose `forward` runs the pre-change code on `model`'s variables. */
function legacyModel(model: Model): Model {
  const vars = new Map(model.variables().map((v, i) => [model.specs[i]!.name, v as tf.Tensor]));
  const constants = new LegacyConstants();
  const proxy = Object.create(model) as Model;
  proxy.forward = (x, options = {}) => {
    const ops = new LegacyOps(
      (n) => vars.get(n)!,
      constants,
      options.training ?? false,
      options.dropoutSeed ?? 0,
    );
    return legacyForward(legacyScope(ops), model.config, x, options.teacher);
  };
  return proxy;
}

/** A model, a random cross-section and an optimiser for timing steps of `spec`. */
export async function makeStepCase(spec: StepCaseSpec): Promise<StepCase> {
  const { kind, stocks, window, features } = spec;
  const cfg = defaultConfig(kind, features, { window, ...(spec.overrides ?? {}) });
  const model = new Model(cfg, initialWeights(cfg, 1));
  const legacy = legacyModel(model);
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
  const pick = (impl: Impl) => (impl === 'current' ? model : legacy);
  const gradients = (impl: Impl, chunk: number, s = seed++) => {
    setImpl(impl);
    return batchGradientsForBench(pick(impl), batch, chunk, s, aux);
  };
  return {
    model,
    chooseChunk: async (impl) => {
      setImpl(impl);
      return Math.min(stocks, await chooseChunk(pick(impl), 768, aux));
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
