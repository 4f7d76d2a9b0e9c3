/**
 * 05 — Train a model with the IC loss and export it to ONNX.
 *
 *   node --conditions=source --import tsx examples/05-train-export.ts [--stocks 200] [--days 480] [--epochs 15]
 *
 * The study's models read a stock's last N days of daily high-frequency factors and are trained
 * to maximise the cross-sectional IC (Pearson correlation of prediction and label across the
 * day's stocks) with the label = return close T+1 -> close T+11. `@hfq/models` does that on
 * TensorFlow.js; this script uses the wasm backend (any CPU) and a deliberately small model:
 *
 *   1. simulate a market and evaluate the 12 hand-made minute-bar factors of the baseline set
 *      (`BASELINE_MINUTE_FACTORS` of @hfq/factor-dsl) on every day,
 *   2. build samples (20-day windows, one sample date a week), split in time: everything whose
 *      label ends before the test period trains (4:1 train/validation, early stopping on the
 *      validation IC), the test period is never seen,
 *   3. train a one-layer Transformer (d_model 16) with the IC loss,
 *   4. score the test period out of sample and compare its RankIC with the planted alpha's,
 *   5. export the model to ONNX (standard operators, metadata with the feature list and the
 *      input recipe) and check onnxruntime reproduces the tfjs scores.
 *
 * Writes to out/examples/05-train-export/ (06 reads the first three):
 *   model.onnx             the exported model
 *   features.csv           raw factor values of the last `window` days, every stock (date,asset,<factors>)
 *   scores-reference.csv   the tfjs model's scores on the last day (asset,score), for 06 to compare
 *   summary.json           training history, out-of-sample RankIC, ONNX parity
 */
import { join } from 'node:path';
import { formatYmd } from '@hfq/core';
import { BASELINE_MINUTE_FACTORS, evaluateFactors } from '@hfq/factor-dsl';
import { forwardReturns, icSummary, rankICSeries } from '@hfq/metrics';
import {
  ModelPredictor,
  OnnxScorer,
  predictPanel,
  StockDataset,
  saveOnnx,
  splitTrainValid,
  trainModel,
  useBackend,
} from '@hfq/models';
import { exampleOutDir, num, pct, say, shown, startExample, writeText } from './lib/script.js';
import { studyMarket } from './lib/study-market.js';

const { opts, onProgress, finish } = startExample(
  '05-train-export',
  'train a small Transformer with the IC loss, export to ONNX',
  {
    stocks: { default: 200, help: 'number of stocks' },
    days: { default: 480, help: 'number of trading days (about two years)' },
    window: { default: 20, help: 'days of factor history per sample (the study: 40)' },
    epochs: {
      default: 15,
      help: 'maximum training epochs (early stopping after 4 without a better validation IC)',
    },
    'test-share': { default: 0.3, help: 'share of the calendar at the end kept out of training' },
    seed: { default: 7, help: 'market and training seed' },
  },
);
const out = exampleOutDir('05-train-export');
const backend = await useBackend('wasm'); // any CPU; 'auto' would pick a GPU backend where one loads
say(`tensor backend: ${backend.name}`);

// 1. Factors: the baseline set's 12 minute-bar factors on every day (the model reads windows).
// (`studyMarket`, lib/study-market.ts: the simulated market and its daily bars, as in 01.)
const { market, cal, daily } = studyMarket(opts, { onProgress });
const factors = BASELINE_MINUTE_FACTORS;
const cube = await evaluateFactors(market, factors, { onProgress });
say(
  `factors: ${cube.nFactors} x ${cube.nDates} days x ${cube.nAssets} stocks (${factors.map((f) => f.id).join(', ')})`,
);

// 2. Samples: 20-day windows, a sample every 5th day, label close T+1 -> close T+11 (adjusted).
const ds = new StockDataset(
  cube,
  { close: daily.close, adjFactor: daily.adjFactor },
  { window: opts.window, stride: 5 },
);
const testStartIdx = Math.floor(cal.length * (1 - opts['test-share']));
const testStart = cal.at(testStartIdx);
// Training may only use samples whose 10-day label has ended by the first test date.
const trainable = Array.from(ds.trainableSamples()).filter((t) => ds.labelEndDate(t) <= testStart);
const split = splitTrainValid(ds, trainable, 0.2); // 4:1 in time, with a gap so labels do not overlap
const testDates = Array.from(ds.sampleIndices).filter((t) => t >= testStartIdx);
say(
  `samples: ${split.train.length} train, ${split.valid.length} validation (until ${formatYmd(cal.at(split.valid.at(-1)!))}), ` +
    `${testDates.length} test dates from ${formatYmd(testStart)}`,
);

// 3. Train. The loss is minus the per-date IC; early stopping keeps the best validation epoch.
const trained = await trainModel(
  ds,
  { kind: 'transformer', dModel: 16, nHeads: 2, nLayers: 1, dropout: 0.1 },
  split,
  { seed: opts.seed, epochs: opts.epochs, patience: 4, learningRate: 2e-3, onProgress },
);
const model = trained.model;
for (const e of trained.history) {
  say(
    `  epoch ${e.epoch}: train loss ${num(e.trainLoss, 4)}, validation IC ${num(e.validScore, 4)} (${num(e.seconds, 1)} s)`,
  );
}
say(
  `kept epoch ${trained.bestEpoch} (validation IC ${num(trained.bestScore, 4)}); ${model.parameterCount} parameters`,
);

// 4. Out of sample: score the test dates, RankIC against the label return and the weekly return.
const predictor = new ModelPredictor(model);
const scores = await predictPanel(predictor, ds, testDates, { onProgress });
const label = forwardReturns(daily.close, 1, 11, { adjFactor: daily.adjFactor });
const weekAhead = forwardReturns(daily.close, 1, 6, { adjFactor: daily.adjFactor });
const oos = icSummary(rankICSeries(scores, label, { minAssets: 30 }));
const oosWeek = icSummary(rankICSeries(scores, weekAhead, { minAssets: 30 }));
const oracle = icSummary(
  rankICSeries(market.truth().alpha.alignTo(scores.dates, scores.assets), label, { minAssets: 30 }),
);
const best = factors
  .map((f) => ({
    id: f.id,
    ic: icSummary(
      rankICSeries(cube.factorPanel(f.id).alignTo(scores.dates, scores.assets), label, { minAssets: 30 }),
    ).mean,
  }))
  .sort((x, y) => Math.abs(y.ic) - Math.abs(x.ic))[0]!;
say(
  `out of sample (${oos.count} dates): RankIC ${pct(oos.mean)} vs the T+1..T+11 label (IR ${num(oos.ir, 2)}), ` +
    `${pct(oosWeek.mean)} vs T+1..T+6; oracle ${pct(oracle.mean)}; best single factor on the same dates ` +
    `(picked with hindsight) ${best.id} ${pct(best.ic)}`,
);

// 5. Export to ONNX and check onnxruntime gives the tfjs scores on the last day.
const onnxPath = join(out, 'model.onnx');
saveOnnx(model, onnxPath);
const lastIdx = cal.length - 1;
const reference = (await predictPanel(predictor, ds, [lastIdx])).row(0);
const onnx = await OnnxScorer.load(onnxPath, { expectFeatures: ds.features });
const viaOnnx = await onnx.scoreDate(cube, cal.at(lastIdx));
let maxDiff = 0;
let scored = 0;
for (let a = 0; a < reference.length; a++) {
  if (!Number.isFinite(reference[a]!)) continue;
  scored++;
  maxDiff = Math.max(maxDiff, Math.abs(reference[a]! - viaOnnx[a]!));
}
say(
  `ONNX: ${shown(onnxPath)}, ${scored} stocks scored on ${formatYmd(cal.at(lastIdx))}, max |onnxruntime - tfjs| = ${maxDiff.toExponential(2)}`,
);

// Artefacts for 06: the inputs a user of another stack would have (raw factor values of the last
// `window` days) and what the tfjs model scored, to compare against.
const lines = [`date,asset,${cube.factors.join(',')}`];
for (let t = lastIdx - opts.window + 1; t <= lastIdx; t++) {
  const m = cube.day(t);
  for (let a = 0; a < cube.nAssets; a++) {
    const vals = Array.from(m.subarray(a * cube.nFactors, (a + 1) * cube.nFactors));
    // float32 printed with 9 significant digits reads back to the same float32
    lines.push(
      `${cube.dates[t]},${cube.assets[a]},${vals.map((v) => (Number.isNaN(v) ? '' : v.toPrecision(9))).join(',')}`,
    );
  }
}
writeText(join(out, 'features.csv'), `${lines.join('\n')}\n`);
writeText(
  join(out, 'scores-reference.csv'),
  `asset,score\n${cube.assets.map((id, a) => `${id},${Number.isFinite(reference[a]!) ? reference[a]!.toPrecision(9) : ''}`).join('\n')}\n`,
);
finish(['model.onnx', 'features.csv', 'scores-reference.csv'], {
  config: {
    stocks: opts.stocks,
    days: opts.days,
    window: opts.window,
    epochs: opts.epochs,
    seed: opts.seed,
    backend: backend.name,
  },
  model: { kind: 'transformer', dModel: 16, nHeads: 2, nLayers: 1, parameters: model.parameterCount },
  features: cube.factors,
  samples: { train: split.train.length, valid: split.valid.length, test: testDates.length, testStart },
  history: trained.history,
  bestEpoch: trained.bestEpoch,
  bestValidIC: trained.bestScore,
  outOfSample: { rankIC: oos, rankICWeek: oosWeek, oracle, bestSingleFactor: best },
  onnx: { file: 'model.onnx', scoredDate: cal.at(lastIdx), stocks: scored, maxAbsDiffVsTfjs: maxDiff },
});
model.dispose();
