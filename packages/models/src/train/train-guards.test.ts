/**
 * `trainModel` never returns a model it could not train: a non-finite loss stops the run with
 * `MODELS_DIVERGED` (epoch, step, date), and data with nothing to learn from (labels missing or
 * equal across stocks, inputs missing or constant) is a typed error naming what is unusable,
 * not the untrained initial model.
 */
import { FactorCube, HfqError } from '@hfq/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { StockDataset } from '../data/dataset.js';
import { type Split, splitTrainValid } from '../data/split.js';
import { tinyConfig } from '../test-utils/configs.js';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { type TrainOptions, trainModel } from './train.js';

/** Steps whose loss the mocked gradient turns into NaN (1-based call count). */
const poison = { at: 0, calls: 0 };
vi.mock('./batch-gradients.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('./batch-gradients.js')>();
  return {
    ...mod,
    batchGradients: (...args: Parameters<typeof mod.batchGradients>) => {
      const out = mod.batchGradients(...args);
      poison.calls++;
      return poison.calls === poison.at ? { ...out, loss: Number.NaN } : out;
    },
  };
});

const F = 3;
const L = 6;
const mk = syntheticMarket({ nAssets: 16, nDates: 60, nFactors: F, strength: 0.006 });
const dsOptions = { window: L, stride: 3, label: { horizon: 3 }, minStocks: 8 };
const ds = new StockDataset(mk.factors, { close: mk.close }, dsOptions);
const split: Split = splitTrainValid(ds, ds.trainableSamples());
const opts: TrainOptions = { epochs: 2, learningRate: 1e-2, stocksPerChunk: 1000 };
const cfg = { ...tinyConfig('gru', F, L), dropout: 0 };

beforeAll(async () => {
  await useBackend('wasm');
});

async function caught(f: () => Promise<unknown>): Promise<HfqError> {
  try {
    await f();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(HfqError);
    return e as HfqError;
  }
  throw new Error('expected an error, got a trained model');
}

/** The synthetic factors with every value replaced by `value`. */
function flatFactors(value: number): FactorCube {
  const f = mk.factors;
  const days = Array.from(f.dates, () => new Float32Array(f.assets.length * F).fill(value));
  return new FactorCube(f.dates, f.assets, f.factors, days);
}

describe('trainModel guards', () => {
  it('trains normally on usable data', async () => {
    const res = await trainModel(ds, cfg, split, opts);
    expect(res.bestEpoch).toBeGreaterThan(0);
    res.model.dispose();
  });

  it('stops at a NaN loss, naming epoch, step and date', async () => {
    poison.calls = 0;
    poison.at = 3;
    try {
      const e = await caught(() => trainModel(ds, cfg, split, opts));
      expect(e.code).toBe('MODELS_DIVERGED');
      expect(e.context).toMatchObject({ field: 'loss', epoch: 1, step: 3 });
      expect(ds.dates).toContain(e.context.date);
    } finally {
      poison.at = 0;
    }
  });

  it('refuses labels equal across stocks on every date', async () => {
    const close = mk.close.clone();
    for (let t = 0; t < close.nDates; t++) {
      for (let a = 0; a < close.nAssets; a++) close.set(t, a, 10 + t);
    }
    const flat = new StockDataset(mk.factors, { close }, dsOptions);
    const e = await caught(() => trainModel(flat, cfg, split, opts));
    expect(e.code).toBe('MODELS_LABEL');
    expect(e.context.field).toBe('labels');
  });

  it('refuses inputs that are all missing or all equal', async () => {
    for (const value of [Number.NaN, 1]) {
      const flat = new StockDataset(flatFactors(value), { close: mk.close }, dsOptions);
      const e = await caught(() => trainModel(flat, cfg, split, opts));
      expect(e.code, String(value)).toBe('MODELS_DATA');
      expect(e.context.field, String(value)).toBe('features');
    }
  });

  it('refuses a run whose validation score is undefined in every epoch', async () => {
    // Validation dates whose labels are equal across stocks: the IC is undefined on each.
    const close = mk.close.clone();
    const firstValid = split.valid[0]!;
    for (let t = firstValid; t < close.nDates; t++) {
      for (let a = 0; a < close.nAssets; a++)
        close.set(t, a, close.get(firstValid, 0) * (1 + 0.001 * (t - firstValid)));
    }
    const flatValid = new StockDataset(mk.factors, { close }, dsOptions);
    const e = await caught(() => trainModel(flatValid, cfg, split, opts));
    expect(e.code).toBe('MODELS_DATA');
    expect(e.context.field).toBe('split.valid');
  });
});
