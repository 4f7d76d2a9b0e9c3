import { StockDataset } from '../data/dataset.js';
import { type Split, splitTrainValid } from '../data/split.js';
import type { ModelConfig } from '../models/config.js';
import type { TrainOptions } from '../train/train.js';
import { tinyConfig } from './configs.js';
import { syntheticMarket } from './synthetic.js';

/** The run shared by the kill test and its child process: same data, model and options. */
export function killRun(): { ds: StockDataset; split: Split; config: ModelConfig; options: TrainOptions } {
  const mk = syntheticMarket({ nAssets: 24, nDates: 90, nFactors: 4, strength: 0.006 });
  const ds = new StockDataset(
    mk.factors,
    { close: mk.close },
    { window: 8, stride: 4, label: { horizon: 4 }, minStocks: 10 },
  );
  return {
    ds,
    split: splitTrainValid(ds, ds.trainableSamples()),
    config: { ...tinyConfig('transformer', 4, 8), dropout: 0.1 },
    options: {
      learningRate: 1e-2,
      patience: 50,
      stocksPerChunk: 1000,
      datesPerBatch: 2,
      epochs: 4,
      seed: 11,
    },
  };
}
