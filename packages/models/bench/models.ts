/**
 * Benchmark of @hfq/models: training throughput per architecture and tensor backend, and
 * inference throughput of tfjs vs onnxruntime-node on a 5000-stock cross-section (40 x 300).
 *
 *   npm run bench -w @hfq/models            (HFQ_BENCH_QUICK=1 for a short run)
 *
 * Prints JSON and writes bench/results/latest.json. Every timing comes with its ratio to a
 * baseline run in the same process (a fixed 512^3 matrix product on wasm) and the machine load,
 * because the machines this runs on are shared and noisy.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Rng } from '@hfq/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BackendName,
  batchGradientsForBench,
  chooseChunk,
  defaultConfig,
  exportOnnx,
  initialWeights,
  Model,
  type ModelKind,
  OnnxScorer,
  timeIt,
  useBackend,
} from './support.js';

const quick = process.env.HFQ_BENCH_QUICK === '1';

async function baselineMs(): Promise<number> {
  await useBackend('wasm');
  const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1);
  const b = tf.randomNormal([512, 512], 0, 1, 'float32', 2);
  // The callback returns nothing: tidy walks a returned value looking for tensors (slow on a typed array).
  const ms = await timeIt(
    () =>
      tf.tidy(() => {
        tf.matMul(a, b).dataSync();
      }),
    9,
  );
  tf.dispose([a, b]);
  return ms;
}

function config(kind: ModelKind, F: number, L: number, d: number, layers?: number) {
  if (kind === 'gru') return defaultConfig(kind, F, { window: L, hidden: 2 * d });
  const extra = layers === undefined ? {} : { nLayers: layers };
  return defaultConfig(kind, F, { window: L, dModel: d, dFF: 2 * d, nHeads: 4, ...extra });
}

interface TrainCase {
  kind: ModelKind;
  stocks: number;
  window: number;
  features: number;
  dModel: number;
  /** Encoder layers (Transformer / iTransformer); default config's when absent. */
  layers?: number;
}

/** Time of one optimiser step (forward, IC loss, backward, Adam) on one date's cross-section. */
async function trainStep(backend: BackendName, c: TrainCase, base: number) {
  await useBackend(backend);
  const cfg = config(c.kind, c.features, c.window, c.dModel, c.layers);
  const model = new Model(cfg, initialWeights(cfg, 1));
  const k = model.outputSize;
  const rng = new Rng(7, c.kind);
  const x = Float32Array.from({ length: c.stocks * c.window * c.features }, () => rng.normal());
  const y = Float32Array.from({ length: c.stocks * k }, () => rng.normal());
  const batch = {
    n: c.stocks,
    nDates: 1,
    x,
    segments: new Int32Array(c.stocks),
    y,
    mask: new Float32Array(y.length).fill(1),
    k,
  };
  const opt = tf.train.adam(1e-3);
  // As training does: one pass if it fits in 768 MB, else stock chunks (two-pass exact gradient).
  const chunk = await chooseChunk(model, 768);
  let seed = 0;
  const ms = await timeIt(
    () => {
      const { grads } = batchGradientsForBench(model, batch, chunk, seed++, 0);
      opt.applyGradients(grads as unknown as Parameters<typeof opt.applyGradients>[0]);
      tf.dispose(Object.values(grads));
    },
    quick ? 1 : 2,
  );
  const out = {
    backend,
    ...c,
    parameters: model.parameterCount,
    stocksPerChunk: Math.min(chunk, c.stocks),
    stepMs: Math.round(ms),
    samplesPerSecond: Math.round((c.stocks / ms) * 1000),
    ratioToBaseline: +(ms / base).toFixed(1),
  };
  opt.dispose();
  model.dispose();
  console.error(JSON.stringify(out));
  return out;
}

/** Stocks per second of tfjs `predict` (wasm) and of onnxruntime-node on the exported model. */
async function inference(kind: ModelKind, stocks: number, base: number) {
  await useBackend('wasm');
  const L = 40;
  const F = 300;
  const cfg = config(kind, F, L, 32);
  const model = new Model(
    cfg,
    initialWeights(cfg, 1),
    Array.from({ length: F }, (_, i) => `f${i}`),
  );
  const rng = new Rng(9, kind);
  const x = Float32Array.from({ length: stocks * L * F }, () => rng.normal());
  const tfMs = await timeIt(() => model.predict(x, stocks), 1);
  const scorer = await OnnxScorer.load(exportOnnx(model));
  const ortMs = await timeIt(() => scorer.run(x, stocks), quick ? 1 : 3);
  await scorer.release();
  model.dispose();
  const out = {
    kind,
    stocks,
    window: L,
    features: F,
    dModel: 32,
    tfjsWasmStocksPerSecond: Math.round((stocks / tfMs) * 1000),
    onnxruntimeStocksPerSecond: Math.round((stocks / ortMs) * 1000),
    onnxOverTfjs: +(tfMs / ortMs).toFixed(1),
    tfjsMs: Math.round(tfMs),
    onnxMs: Math.round(ortMs),
    tfjsRatioToBaseline: +(tfMs / base).toFixed(1),
  };
  console.error(JSON.stringify(out));
  return out;
}

const started = new Date().toISOString();
const loadBefore = os.loadavg();
const base = await baselineMs();
const kinds: ModelKind[] = ['gru', 'transformer', 'seq2seq', 'itransformer', 'crossformer'];
const training = [];
for (const kind of kinds) {
  // Token-per-factor models (iTransformer, Crossformer) cost ~F times more per stock: measured on
  // fewer stocks (throughput per stock is what scales) and at 60 factors as well.
  const heavy = kind === 'itransformer' || kind === 'crossformer';
  const cases: TrainCase[] = heavy
    ? [
        { kind, stocks: quick ? 8 : 32, window: 40, features: 300, dModel: 32 },
        { kind, stocks: 250, window: 20, features: 60, dModel: 32 },
      ]
    : [
        { kind, stocks: 250, window: 40, features: 300, dModel: 32 },
        { kind, stocks: 250, window: 20, features: 300, dModel: 32 },
        ...(quick ? [] : [{ kind, stocks: 250, window: 40, features: 300, dModel: 64 }]),
        // The configuration suggested for CPU budgets: one layer (last-token pooling) on 60 factors.
        ...(kind === 'transformer'
          ? [
              { kind, stocks: 250, window: 40, features: 300, dModel: 32, layers: 1 },
              { kind, stocks: 250, window: 40, features: 60, dModel: 32, layers: 1 },
            ]
          : []),
      ];
  for (const c of cases) training.push(await trainStep('wasm', c, base));
  // The cpu backend (reference kernels) on a smaller cross-section.
  training.push(
    await trainStep('cpu', heavy ? { ...cases[1]!, stocks: 16 } : { ...cases[0]!, stocks: 64 }, base),
  );
}
const inferenceResults = [];
for (const kind of kinds) {
  const heavy = kind === 'itransformer' || kind === 'crossformer';
  inferenceResults.push(await inference(kind, quick || heavy ? 500 : 5000, base));
}
const result = {
  benchmark: '@hfq/models',
  started,
  node: process.version,
  cpus: os.cpus().length,
  loadavgBefore: loadBefore.map((v) => +v.toFixed(2)),
  loadavgAfter: os.loadavg().map((v) => +v.toFixed(2)),
  baseline: { what: '512x512 @ 512x512 float32 matMul on wasm, median ms', ms: +base.toFixed(2) },
  notes: [
    'training: one Adam step (forward, IC loss, backward, update) on one date cross-section; samplesPerSecond = stocks per second',
    'inference: 40 x 300 inputs, d_model 32; onnxruntime-node CPU provider with default threads',
    'tensorflow / tensorflow-gpu / webgpu backends are not available on this machine and are not measured',
  ],
  training,
  inference: inferenceResults,
};
// Arrays of numbers on one line, as the repository's formatter (biome) writes them.
const json = JSON.stringify(result, null, 2).replace(
  /\[\s+([-\d.,\s]+?)\s+\]/g,
  (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
);
console.log(json);
writeFileSync(new URL('./results/latest.json', import.meta.url), `${json}\n`);
