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

  it('purges on the later end of either label: a sequence ending at T+17 drops a third sample', () => {
    const late = new StockDataset(mk.factors, { close: mk.close }, { window: 10, label: { sequenceLag: 8 } });
    const samples = late.trainableSamples();
    const { train, valid } = splitTrainValid(late, samples);
    const boundary = late.dates[valid[0]!]!;
    for (const t of train) expect(late.labelEndDate(t)).toBeLessThanOrEqual(boundary);
    // days T+8..T+17: the samples 5, 10 and 15 days before the boundary reach into it
    expect(samples.filter((t) => t < valid[0]!).length - train.length).toBe(3);
    expect(late.labelEndDate(20)).toBe(late.dates[37]);
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

  it('no label of a fold moves when every price after its fit date changes (sequence and total, any lag)', () => {
    const timings = [{}, { sequenceLag: 2 }, { sequenceLag: 8 }, { entryLag: 0, sequenceLag: 1 }];
    for (const label of timings) {
      const a = new StockDataset(mk.factors, { close: mk.close }, { window: 10, label });
      const folds = planWalkForward(a, { testStart: a.dates[120]!, retrainEvery: 30 });
      for (const f of folds) {
        const close = mk.close.clone();
        for (let t = f.fitIndex + 1; t < close.nDates; t++)
          for (let j = 0; j < close.nAssets; j++) close.set(t, j, close.get(t, j) * 1.07 ** ((t + j) % 3));
        const b = new StockDataset(mk.factors, { close }, { window: 10, label });
        const again = planWalkForward(b, { testStart: b.dates[120]!, retrainEvery: 30 });
        expect(again.map((g) => Array.from(g.split.train))).toEqual(
          folds.map((g) => Array.from(g.split.train)),
        );
        for (const t of [...f.split.train, ...f.split.valid]) {
          const x = a.crossSection(t, 'both');
          const y = b.crossSection(t, 'both');
          expect(Array.from(y.rawY!), `${JSON.stringify(label)} t ${t}`).toEqual(Array.from(x.rawY!));
          expect(Array.from(y.seq!), `${JSON.stringify(label)} t ${t}`).toEqual(Array.from(x.seq!));
        }
        // the last training label does reach the fit date's close: the test can see a leak
        const last = Math.max(...f.split.train, ...f.split.valid);
        const close2 = mk.close.clone();
        const endRow = a.dates.indexOf(a.labelEndDate(last));
        for (let j = 0; j < close2.nAssets; j++)
          close2.set(endRow, j, close2.get(endRow, j) * (1 + 0.01 * j));
        const c = new StockDataset(mk.factors, { close: close2 }, { window: 10, label });
        const moved = c.crossSection(last, 'both');
        const base = a.crossSection(last, 'both');
        expect(Array.from(moved.rawY!).concat(Array.from(moved.seq!))).not.toEqual(
          Array.from(base.rawY!).concat(Array.from(base.seq!)),
        );
      }
    }
  });

  it('rolling mode keeps only the most recent samples', () => {
    const folds = planWalkForward(ds, { testStart: ds.dates[150]!, mode: 'rolling', trainSamples: 12 });
    const f = folds[0]!;
    expect(f.split.train.length + f.split.valid.length).toBeLessThanOrEqual(12);
    const expanding = planWalkForward(ds, { testStart: ds.dates[150]! })[0]!;
    expect(expanding.split.train[0]!).toBeLessThan(f.split.train[0]!);
  });
});
