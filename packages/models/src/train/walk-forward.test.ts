import { type Panel, zscoreInPlace } from '@hfq/core';
import { rankIC } from '@hfq/metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { StockDataset } from '../data/dataset.js';
import { finiteMean } from '../eval/finite-mean.js';
import { tinyConfig } from '../test-utils/configs.js';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { type WalkForwardOptions, walkForward } from './walk-forward.js';

const F = 3;
const L = 6;
const mk = syntheticMarket({ nAssets: 20, nDates: 100, nFactors: F });
const dsOptions = { window: L, stride: 4, label: { horizon: 4 }, minStocks: 10 };
const options: WalkForwardOptions = {
  models: [
    { name: 'gru', config: tinyConfig('gru', F, L) },
    { name: 'tf', config: { ...tinyConfig('transformer', F, L), nLayers: 1 } },
  ],
  seeds: [0],
  epochs: 2,
  datesPerBatch: 3,
  stocksPerChunk: 1000,
  plan: { testStart: mk.factors.dates[60]!, retrainEvery: 15, predictStride: 2 },
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('walkForward', () => {
  it('never lets a prediction see its own label: perturbing later prices leaves earlier folds bit-identical', async () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, dsOptions);
    const base = await walkForward(ds, options);
    expect(base.folds.map((f) => f.fitDate)).toEqual([60, 75, 90].map((t) => mk.factors.dates[t]!));
    // Change every price after day 62: inside the first fold's prediction period (fitted at 60),
    // so only labels the first fold must not have seen move; later folds train on some of them.
    const cut = 62;
    const close = mk.close.clone();
    for (let t = cut + 1; t < close.nDates; t++) {
      for (let a = 0; a < close.nAssets; a++)
        close.set(t, a, close.get(t, a) * (1 + 0.05 * Math.sin(7 * t + a)));
    }
    const perturbed = await walkForward(new StockDataset(mk.factors, { close }, dsOptions), options);
    const fitNext = base.folds[1]!.fitDate;
    let later = 0;
    for (let r = 0; r < base.scores.nDates; r++) {
      const a = Array.from(base.scores.row(r));
      const b = Array.from(perturbed.scores.row(r));
      if (base.scores.dates[r]! < fitNext) expect(b).toEqual(a);
      else if (a.some((v, i) => v !== b[i])) later++;
    }
    expect(later).toBeGreaterThan(0); // the test would notice a leak: later folds did change
    // And the models learned the planted signal: out-of-sample RankIC at least half the oracle's.
    const model: number[] = [];
    const oracle: number[] = [];
    for (let r = 0; r < base.scores.nDates; r++) {
      const t = ds.dates.indexOf(base.scores.dates[r]!);
      const cs = ds.crossSection(t, 'total');
      if (cs.rawY!.every((v) => Number.isNaN(v))) continue;
      const y = new Float64Array(ds.nAssets).fill(Number.NaN);
      for (let i = 0; i < cs.n; i++) y[cs.assets[i]!] = cs.rawY![i]!;
      model.push(rankIC(base.scores.row(r), y));
      oracle.push(rankIC(mk.signal.row(t), y));
    }
    expect(finiteMean(model)).toBeGreaterThan(0.5 * finiteMean(oracle));
  });

  it('the composite is the equal-weight average of the models’ standardised scores', async () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, dsOptions);
    const res = await walkForward(ds, { ...options, plan: { ...options.plan, retrainEvery: 100 } });
    const r = 3;
    const z = (p: Panel<Float32Array>) => {
      const v = Float64Array.from(p.row(r));
      zscoreInPlace(v, { ddof: 0, constant: 'zero' });
      return v;
    };
    const g = z(res.byModel.gru!);
    const t = z(res.byModel.tf!);
    const c = res.scores.row(r);
    for (let a = 0; a < c.length; a++) {
      if (Number.isNaN(g[a]!)) expect(c[a]).toBeNaN();
      else expect(c[a]!).toBeCloseTo((g[a]! + t[a]!) / 2, 5);
    }
  });
});

describe('walkForward extras', () => {
  it('scores both horizon combinations of a sequence model, keeps the last fold on request, and reports steps', async () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, dsOptions);
    const stages = new Set<string>();
    const res = await walkForward(ds, {
      ...options,
      models: [{ name: 'seq', config: tinyConfig('seq2seq', F, L), horizons: 'sum' }],
      plan: { ...options.plan, retrainEvery: 20 },
      keepLastFold: true,
      onProgress: (e) => stages.add(e.stage.replace(/seed\d+$/, 'seed')),
    });
    try {
      expect(Object.keys(res.byModel).sort()).toEqual(['seq', 'seq:sum', 'seq:validIC']);
      // `horizons: 'sum'` chose the plain sum as the model's score
      expect(Array.from(res.byModel.seq!.values)).toEqual(Array.from(res.byModel['seq:sum']!.values));
      const sum = res.byModel['seq:sum']!.row(0);
      const ic = res.byModel['seq:validIC']!.row(0);
      expect(Array.from(ic).some((v, i) => Number.isFinite(v) && v !== sum[i])).toBe(true);
      // the kept models are the last fold's, alive: they still predict
      expect(res.lastFold).toHaveLength(1);
      const member = res.lastFold![0]!.members[0]!.result.model;
      const t = ds.dates.indexOf(res.scores.dates[res.scores.nDates - 1]!);
      expect(
        member.predict(ds.crossSection(t, 'none').x, ds.crossSection(t, 'none').n).length,
      ).toBeGreaterThan(0);
      // progress arrives per training step, not only per training
      expect(stages).toEqual(new Set(['walk-forward', 'train:seq:seed']));
    } finally {
      for (const e of res.lastFold ?? []) e.dispose();
    }
  });
});
