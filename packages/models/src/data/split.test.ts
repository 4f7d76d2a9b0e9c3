import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { StockDataset } from './dataset.js';
import { planWalkForward, splitTrainValid } from './split.js';

const mk = syntheticMarket({ nAssets: 25, nDates: 200, nFactors: 3 });
const ds = new StockDataset(mk.factors, { close: mk.close }, { window: 10 });

describe('splitTrainValid', () => {
  it('splits 4:1 in time order with a gap so no training label reaches the validation period', () => {
    const samples = ds.trainableSamples();
    const { train, valid } = splitTrainValid(ds, samples);
    expect(valid.length).toBe(Math.round(samples.length * 0.2));
    expect(valid[0]!).toBeGreaterThan(train[train.length - 1]!);
    const boundary = ds.dates[valid[0]!]!;
    for (const t of train) expect(ds.labelEndDate(t)).toBeLessThanOrEqual(boundary);
    // stride 5, label T+1..T+11: the two samples right before the boundary are dropped
    const before = Array.from(samples).filter((t) => t < valid[0]!);
    expect(before.length - train.length).toBe(2);
  });

  it('throws when nothing is left to train on', () => {
    expect(() => splitTrainValid(ds, ds.trainableSamples().subarray(0, 2))).toThrow(HfqError);
  });
});

describe('planWalkForward', () => {
  it('fits each fold only on labels that end by its first prediction date', () => {
    const folds = planWalkForward(ds, { testStart: ds.dates[120]!, retrainEvery: 30, predictStride: 5 });
    expect(folds.length).toBe(Math.ceil((200 - 120) / 30));
    for (const f of folds) {
      const fit = ds.dates[f.fitIndex]!;
      for (const t of [...f.split.train, ...f.split.valid])
        expect(ds.labelEndDate(t)).toBeLessThanOrEqual(fit);
      expect(f.predict[0]).toBe(f.fitIndex);
      for (const t of f.predict) expect(t).toBeGreaterThanOrEqual(f.fitIndex);
    }
    const all = folds.flatMap((f) => Array.from(f.predict));
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBe(5);
  });

  it('rolling mode keeps only the most recent samples', () => {
    const folds = planWalkForward(ds, { testStart: ds.dates[150]!, mode: 'rolling', trainSamples: 12 });
    const f = folds[0]!;
    expect(f.split.train.length + f.split.valid.length).toBeLessThanOrEqual(12);
    const expanding = planWalkForward(ds, { testStart: ds.dates[150]! })[0]!;
    expect(expanding.split.train[0]!).toBeLessThan(f.split.train[0]!);
  });
});
