import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError, Rng } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { StockDataset } from '../data/dataset.js';
import { type Split, splitTrainValid } from '../data/split.js';
import { createModel } from '../models/model.js';
import { CASES, isSequence, type TestCase, tinyConfig } from '../test-utils/configs.js';
import { killRun } from '../test-utils/kill-fixture.js';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { batchGradients, buildBatch, type TrainOptions, trainModel } from './train.js';

const F = 4;
const L = 8;
const mk = syntheticMarket({ nAssets: 24, nDates: 90, nFactors: F, strength: 0.006 });
const ds = new StockDataset(
  mk.factors,
  { close: mk.close },
  { window: L, stride: 3, label: { horizon: 4 }, minStocks: 10 },
);
const split: Split = splitTrainValid(ds, ds.trainableSamples());
const dir = mkdtempSync(join(tmpdir(), 'hfq-models-train-'));
const fast: TrainOptions = { learningRate: 1e-2, patience: 50, stocksPerChunk: 1000 };
const config = (kind: TestCase) => ({ ...tinyConfig(kind, F, L, 4), dropout: 0 });

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(CASES)('training %s', (kind) => {
  it('lowers the IC loss over a few epochs on a planted signal', async () => {
    const res = await trainModel(ds, config(kind), split, { ...fast, epochs: 3 });
    const losses = res.history.map((h) => h.trainLoss);
    expect(losses.length).toBe(3);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    expect(res.bestScore).toBeGreaterThan(0);
    expect(res.model.preprocess).toEqual(ds.preprocess);
    res.model.dispose();
  });
});

describe('determinism, chunking, checkpoints', () => {
  const weightsEqual = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) => {
    for (const [k, v] of a) expect(Array.from(b.get(k)!), k).toEqual(Array.from(v));
  };

  it('same seed and backend give the same weights (wasm and cpu), another seed others', async () => {
    const short = { train: split.train.subarray(0, 4), valid: split.valid };
    for (const backend of ['wasm', 'cpu'] as const) {
      await useBackend(backend);
      const opts = { ...fast, epochs: 1, seed: 5 };
      const a = await trainModel(ds, { ...config('transformer'), dropout: 0.2 }, short, opts);
      const b = await trainModel(ds, { ...config('transformer'), dropout: 0.2 }, short, opts);
      weightsEqual(a.model.getWeights(), b.model.getWeights());
      const c = await trainModel(ds, { ...config('transformer'), dropout: 0.2 }, short, { ...opts, seed: 6 });
      const name = a.model.specs[0]!.name;
      expect(Array.from(c.model.getWeights().get(name)!)).not.toEqual(
        Array.from(a.model.getWeights().get(name)!),
      );
      for (const r of [a, b, c]) r.model.dispose();
    }
    await useBackend('wasm');
  });

  it('a step split into stock chunks has the same gradient as one pass', async () => {
    for (const kind of ['gru', 'seq2seq', 'seq2seq-itransformer', 'seq2seq-crossformer'] as const) {
      const model = await createModel(config(kind), { seed: 1 });
      const sections = [
        ds.crossSection(split.train[0]!, 'both', true),
        ds.crossSection(split.train[1]!, 'both', true),
      ];
      const batch = buildBatch(sections, isSequence(kind), 4, 0, new Rng(0));
      const one = batchGradients(model, batch, 1000, 7, 0.1);
      const chunked = batchGradients(model, batch, 5, 7, 0.1);
      expect(chunked.loss).toBeCloseTo(one.loss, 5);
      for (const [name, g] of Object.entries(one.grads)) {
        const a = g.dataSync();
        const b = chunked.grads[name]!.dataSync();
        for (let i = 0; i < a.length; i++)
          expect(Math.abs(a[i]! - b[i]!), name).toBeLessThan(1e-5 + 1e-3 * Math.abs(a[i]!));
      }
      tf.dispose([...Object.values(one.grads), ...Object.values(chunked.grads)]);
      model.dispose();
    }
  });

  it('resumes after an interruption with bit-identical weights, history and optimiser state', async () => {
    const cfg = { ...config('transformer'), dropout: 0.1 };
    const opts = { ...fast, epochs: 3, seed: 3 };
    const full = await trainModel(ds, cfg, split, { ...opts, checkpoint: join(dir, 'full.ckpt') });
    const path = join(dir, 'killed.ckpt');
    const stop = new AbortController();
    await expect(
      trainModel(ds, cfg, split, {
        ...opts,
        checkpoint: path,
        signal: stop.signal,
        onProgress: (e) => {
          if (e.message?.startsWith('epoch 1 loss')) stop.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(existsSync(path)).toBe(true);
    // A crash in the middle of writing leaves only a temporary file behind: it must not matter.
    writeFileSync(`${path}.tmp-99999-x`, 'half a checkpoint');
    const resumed = await trainModel(ds, cfg, split, { ...opts, checkpoint: path });
    expect(resumed.resumedFromEpoch).toBe(1);
    weightsEqual(full.model.getWeights(), resumed.model.getWeights());
    expect(resumed.history.map((h) => h.trainLoss)).toEqual(full.history.map((h) => h.trainLoss));
    expect(resumed.bestEpoch).toBe(full.bestEpoch);
    // A finished checkpoint returns the result without training again.
    const again = await trainModel(ds, cfg, split, { ...opts, checkpoint: path });
    expect(again.resumedFromEpoch).toBe(3);
    weightsEqual(full.model.getWeights(), again.model.getWeights());
    for (const r of [full, resumed, again]) r.model.dispose();
  });

  it('resumes after the training process is killed (SIGKILL) with the weights of an uninterrupted run', async () => {
    const { ds: kds, split: ks, config: kc, options: ko } = killRun();
    const path = join(dir, 'sigkill.ckpt');
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        new URL('../test-utils/train-child.ts', import.meta.url).pathname,
        path,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill the child as soon as its first checkpoint exists (it is then inside epoch 2).
    while (!existsSync(path) && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(path)).toBe(true);
    const resumed = await trainModel(kds, kc, ks, { ...ko, checkpoint: path });
    expect(resumed.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(resumed.resumedFromEpoch).toBeLessThan(ko.epochs!);
    const full = await trainModel(kds, kc, ks, ko);
    weightsEqual(full.model.getWeights(), resumed.model.getWeights());
    resumed.model.dispose();
    full.model.dispose();
  });

  it('refuses a checkpoint written by another run (other options, or other data of the same shape)', async () => {
    const path = join(dir, 'other.ckpt');
    const a = await trainModel(ds, config('gru'), split, { ...fast, epochs: 1, checkpoint: path });
    a.model.dispose();
    const close = mk.close.clone();
    for (let t = 0; t < close.nDates; t++) close.set(t, 3, close.get(t, 3) * (1 + 0.01 * (t % 3)));
    const other = new StockDataset(
      mk.factors,
      { close },
      { window: L, stride: 4, label: { horizon: 4 }, minStocks: 10 },
    );
    for (const [data, lr] of [
      [ds, 0.5],
      [other, fast.learningRate!],
    ] as const) {
      try {
        await trainModel(data, config('gru'), split, {
          ...fast,
          epochs: 1,
          checkpoint: path,
          learningRate: lr,
        });
        expect.unreachable();
      } catch (e) {
        expect(HfqError.is(e, 'MODELS_CHECKPOINT')).toBe(true);
      }
    }
  });

  it('stops early when validation stops improving and keeps the best epoch', async () => {
    const res = await trainModel(ds, config('gru'), split, {
      ...fast,
      epochs: 30,
      patience: 2,
      learningRate: 0.05,
    });
    expect(res.stoppedEarly).toBe(true);
    expect(res.history.length).toBe(res.bestEpoch + 2);
    const best = res.history[res.bestEpoch - 1]!.validScore;
    for (const h of res.history) expect(h.validScore).toBeLessThanOrEqual(best);
    res.model.dispose();
  });
});
