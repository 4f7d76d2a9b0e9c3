import { HfqError } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { scope } from '../ops/ops.js';
import { TfConstants, TfOps } from '../ops/tf-ops.js';
import { CASES, isSequence, type TestCase, tinyConfig as tiny } from '../test-utils/configs.js';
import { checkFiniteDifferences } from '../test-utils/finite-differences.js';
import { defaultConfig, type ModelConfig } from './config.js';
import { createModel, type Model, modelFromBytes } from './model.js';
import { dayEncoder } from './transformer.js';

const F = 5;
const L = 8;
const features = Array.from({ length: F }, (_, i) => `f${i}`);

const tinyConfig = (kind: TestCase) => tiny(kind, F, L);

const input = (n: number) => tf.randomNormal([n, L, F], 0, 1, 'float32', 42);

beforeAll(async () => {
  await useBackend('cpu');
});

describe.each(CASES)('%s', (kind) => {
  let model: Model;
  beforeAll(async () => {
    model = await createModel(tinyConfig(kind), { seed: 1, features });
  });

  it('maps [stocks, window, features] to one score per stock (or horizon returns)', () => {
    for (const n of [1, 6]) {
      const out = tf.tidy(() => model.forward(input(n)));
      expect(out.shape).toEqual(isSequence(kind) ? [n, 4] : [n]);
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

  it.each(['seq2seq', 'seq2seq-itransformer', 'seq2seq-crossformer'] as const)(
    '%s: teacher-forcing with its own predictions reproduces autoregressive inference (causal mask)',
    async (kind) => {
      const m = await createModel(tinyConfig(kind), { seed: 4 });
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
      m.dispose();
    },
  );

  it('sequence encoders: the decoder reads the iTransformer / Crossformer encoder tokens (their parameters, under enc/)', async () => {
    const names = async (kind: TestCase) => {
      const m = await createModel(tinyConfig(kind));
      const n = m.specs.map((s) => s.name);
      m.dispose();
      return n;
    };
    const day = await names('seq2seq');
    const variable = await names('seq2seq-itransformer');
    const segment = await names('seq2seq-crossformer');
    // the day encoder keeps its names (files saved before the option load as before)
    expect(day.filter((n) => n.startsWith('enc/'))).toContain('enc/layer0/attn/q/w');
    expect(variable.filter((n) => n.startsWith('enc/')).slice(0, 3)).toEqual([
      'enc/embed/w',
      'enc/embed/b',
      'enc/layer0/attn/q/w',
    ]);
    expect(variable).toContain('enc/norm/gamma');
    expect(segment).toContain('enc/pos');
    expect(segment).toContain('enc/scale1/tsa0/router');
    // the decoder is the same in all three
    const dec = (l: string[]) => l.filter((n) => !n.startsWith('enc/'));
    expect(dec(variable)).toEqual(dec(day));
    expect(dec(segment)).toEqual(dec(day));
    // iTransformer: the variable embedding maps a factor's window (L days) to d
    const m = await createModel(tinyConfig('seq2seq-itransformer'));
    expect(m.specs.find((s) => s.name === 'enc/embed/w')!.shape).toEqual([L, 8]);
    m.dispose();
  });

  it.each(['seq2seq', 'seq2seq-itransformer', 'seq2seq-crossformer'] as const)(
    '%s: gradients through encoder and decoder match finite differences (input and teacher)',
    async (kind) => {
      const m = await createModel({ ...tinyConfig(kind), dropout: 0 }, { seed: 6 });
      const x = input(2);
      const teacher = tf.randomNormal([2, 4], 0, 1, 'float32', 8);
      checkFiniteDifferences(
        (a, b) => m.forward(a!, { teacher: b!, training: true }),
        [x, teacher],
        kind,
        40,
      );
      m.dispose();
    },
  );

  it('a config saved before the encoder option reads as the transformer encoder', async () => {
    const m = await createModel(tinyConfig('seq2seq'), { seed: 2 });
    const { encoder: _e, ...old } = m.config as ModelConfig & { kind: 'seq2seq' };
    const legacy = await createModel(old as ModelConfig, { seed: 2 });
    const x = input(3).dataSync() as Float32Array;
    expect(Array.from(legacy.predict(x, 3))).toEqual(Array.from(m.predict(x, 3)));
    m.dispose();
    legacy.dispose();
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
    expect(() => defaultConfig('seq2seq', F, { encoder: 'gru' })).toThrow(/encoder must be/);
    expect(() => defaultConfig('seq2seq', F, { segLen: 4 })).toThrow(/does not apply/);
    expect(() => defaultConfig('seq2seq', F, { encoder: 'crossformer', segLen: 0 })).toThrow(/segLen/);
    expect(defaultConfig('seq2seq', F, { encoder: 'crossformer' })).toMatchObject({ segLen: 5, nScales: 3 });
  });
});
