import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import type { CrossSection } from '../data/dataset.js';
import { StockDataset } from '../data/dataset.js';
import { splitTrainValid } from '../data/split.js';
import { tinyConfig } from '../test-utils/configs.js';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { Ensemble, fitHorizonWeights, ModelPredictor, type Predictor, predictPanel } from './predictor.js';
import { trainModel } from './train.js';

const fixed = (values: number[]): Predictor => ({
  features: ['a'],
  window: 1,
  score: async () => Float32Array.from(values),
});
const cs = {
  n: 4,
  x: new Float32Array(4),
  assets: Int32Array.from([0, 1, 2, 3]),
  t: 0,
  date: 20240102,
} as CrossSection;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('Ensemble', () => {
  it('averages per-date standardised scores (hand-checked), skipping members without a score', async () => {
    // z([1,2,3,NaN]) = [-1.2247, 0, 1.2247, NaN]; z([10,0,20,30]) = [-0.4472, -1.3416, 0.4472, 1.3416]
    const e = new Ensemble([fixed([1, 2, 3, Number.NaN]), fixed([10, 0, 20, 30])]);
    const s = await e.score(cs);
    expect(s[0]).toBeCloseTo((-1.224745 - 0.447214) / 2, 5);
    expect(s[1]).toBeCloseTo((0 - 1.341641) / 2, 5);
    expect(s[3]).toBeCloseTo(1.341641, 5);
    const w = await new Ensemble([fixed([1, 2, 3, 4]), fixed([4, 3, 2, 1])], [3, 1]).score(cs);
    expect(w[0]).toBeCloseTo((3 * -1.341641 + 1.341641) / 4, 5);
  });

  it('refuses members that read different features', () => {
    expect(() => new Ensemble([fixed([1]), { ...fixed([1]), features: ['b'] }])).toThrow(/same features/);
  });
});

describe('sequence-model scores', () => {
  const F = 3;
  const L = 6;
  const mk = syntheticMarket({ nAssets: 24, nDates: 80, nFactors: F });
  const ds = new StockDataset(
    mk.factors,
    { close: mk.close },
    { window: L, stride: 4, label: { horizon: 4 }, minStocks: 10 },
  );

  it('fits horizon weights on validation IC (non-negative, summing to the horizon) and scores with them', async () => {
    const split = splitTrainValid(ds, ds.trainableSamples());
    const res = await trainModel(ds, tinyConfig('seq2seq', F, L, 4), split, {
      epochs: 2,
      datesPerBatch: 3,
      learningRate: 1e-2,
    });
    const w = fitHorizonWeights(res.model, ds, split.valid);
    expect(w.length).toBe(4);
    for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 10);
    const c = ds.crossSection(split.valid[0]!);
    const raw = new ModelPredictor(res.model).raw(c);
    const weighted = await new ModelPredictor(res.model, { horizonWeights: w }).score(c);
    const summed = await new ModelPredictor(res.model).score(c);
    for (let i = 0; i < c.n; i++) {
      let sw = 0;
      let s = 0;
      for (let h = 0; h < 4; h++) {
        sw += w[h]! * raw[i * 4 + h]!;
        s += raw[i * 4 + h]!;
      }
      expect(weighted[i]).toBeCloseTo(sw, 5);
      expect(summed[i]).toBeCloseTo(s, 5);
    }
    const panel = await predictPanel(new ModelPredictor(res.model), ds, [split.valid[0]!]);
    expect(panel.nAssets).toBe(24);
    for (let i = 0; i < c.n; i++) expect(panel.get(0, c.assets[i]!)).toBeCloseTo(summed[i]!, 6);
    res.model.dispose();
  });
});
