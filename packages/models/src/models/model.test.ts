import { HfqError } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { scope } from '../ops/ops.js';
import { TfConstants, TfOps } from '../ops/tf-ops.js';
import { KINDS, tinyConfig as tiny } from '../test-utils/configs.js';
import { defaultConfig, type ModelConfig, type ModelKind } from './config.js';
import { createModel, type Model, modelFromBytes } from './model.js';
import { dayEncoder } from './transformer.js';

const F = 5;
const L = 8;
const features = Array.from({ length: F }, (_, i) => `f${i}`);

const tinyConfig = (kind: ModelKind) => tiny(kind, F, L);

const input = (n: number) => tf.randomNormal([n, L, F], 0, 1, 'float32', 42);

beforeAll(async () => {
  await useBackend('cpu');
});

describe.each(KINDS)('%s', (kind) => {
  let model: Model;
  beforeAll(async () => {
    model = await createModel(tinyConfig(kind), { seed: 1, features });
  });

  it('maps [stocks, window, features] to one score per stock (or horizon returns)', () => {
    for (const n of [1, 6]) {
      const out = tf.tidy(() => model.forward(input(n)));
      expect(out.shape).toEqual(kind === 'seq2seq' ? [n, 4] : [n]);
      expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
      out.dispose();
    }
  });

  it('counts its parameters from the specs', () => {
    const total = model.specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    expect(model.parameterCount).toBe(total);
    expect(new Set(model.specs.map((s) => s.name)).size).toBe(model.specs.length);
  });

  it('gets the same weights from the same seed, other weights from another', async () => {
    const again = await createModel(tinyConfig(kind), { seed: 1 });
    const other = await createModel(tinyConfig(kind), { seed: 2 });
    const w = model.getWeights();
    for (const [name, v] of again.getWeights()) expect(Array.from(v)).toEqual(Array.from(w.get(name)!));
    const name = model.specs[0]!.name;
    expect(Array.from(other.getWeights().get(name)!)).not.toEqual(Array.from(w.get(name)!));
    again.dispose();
    other.dispose();
  });

  it('round-trips through its file format', async () => {
    const copy = await modelFromBytes(model.toBytes());
    const x = input(3).dataSync() as Float32Array;
    expect(Array.from(copy.predict(x, 3))).toEqual(Array.from(model.predict(x, 3)));
    expect(copy.features).toEqual(features);
    copy.dispose();
  });

  it('rejects input with the wrong feature count', () => {
    try {
      model.forward(tf.zeros([2, L, F + 1]));
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'MODELS_SHAPE')).toBe(true);
      expect((e as HfqError).context.field).toBe('nFeatures');
    }
  });
});

describe('architecture details', () => {
  it('GRU parameter count is 3H(F + H + 2) per layer plus the head', async () => {
    const m = await createModel(defaultConfig('gru', F, { window: L, hidden: 6, nLayers: 1 }));
    expect(m.parameterCount).toBe(3 * 6 * (F + 6 + 2) + 6 + 1);
  });

  it("last-token pooling computes the last layer's last row only, with the same result", async () => {
    const c = tinyConfig('transformer') as ModelConfig & { kind: 'transformer' };
    const m = await createModel(c, { seed: 3 });
    const vars = new Map(m.variables().map((v, i) => [m.specs[i]!.name, v as tf.Tensor]));
    const ops = new TfOps((n) => vars.get(n)!, new TfConstants());
    const x = input(4);
    const full = dayEncoder(scope(ops, 'enc'), c, c.nLayers, x, false);
    const last = dayEncoder(scope(ops, 'enc'), c, c.nLayers, x, true);
    expect(last.shape).toEqual([4, 1, c.dModel]);
    const ref = tf.slice(full, [0, L - 1, 0], [-1, 1, -1]).dataSync();
    const got = last.dataSync();
    for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 5);
  });

  it('sequence model: teacher-forcing with its own predictions reproduces autoregressive inference (causal mask)', async () => {
    const m = await createModel(tinyConfig('seq2seq'), { seed: 4 });
    const x = input(5);
    const auto = m.forward(x);
    const forced = m.forward(x, { teacher: auto });
    const a = auto.dataSync();
    const b = forced.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    // a different teacher changes later horizons but never the first (it only sees the start value)
    const other = m.forward(x, { teacher: tf.add(auto, tf.scalar(1)) }).dataSync();
    for (let i = 0; i < 5; i++) expect(other[i * 4]).toBeCloseTo(a[i * 4]!, 5);
    expect(Math.abs(other[1]! - a[1]!)).toBeGreaterThan(1e-4);
  });

  it('Crossformer pads a window that is not a multiple of the segment length and merges odd segment counts', async () => {
    // window 8, segLen 3 -> 3 segments (1 day of front padding) -> merge 2 -> 2 -> 1
    const m = await createModel(tinyConfig('crossformer'), { seed: 5 });
    expect(m.specs.find((s) => s.name === 'pos')!.shape).toEqual([1, F, 3, 8]);
    expect(
      m.specs.filter((s) => s.name.startsWith('head') && s.name.endsWith('/w')).map((s) => s.shape[0]),
    ).toEqual([F * 3 * 8, F * 3 * 8, F * 2 * 8, F * 1 * 8]);
  });

  it('rejects inconsistent configs', () => {
    expect(() => defaultConfig('transformer', F, { dModel: 10, nHeads: 4 })).toThrow(/divide/);
    expect(() => defaultConfig('gru', F, { dModel: 8 })).toThrow(/does not apply/);
  });
});
