/**
 * Training-step time with the package's fused wasm kernels against the same forward pass built
 * from tfjs's own kernels (the baseline), interleaved in one process on the same variables and
 * data, for each architecture at the shapes the demo trains:
 *
 *   npm run bench:kernels -w @hfq/models     ([KINDS=gru,crossformer] [B=120] [REPS=5])
 *
 * Prints JSON and writes bench/results/kernels.json.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { type Impl, makeStepCase } from './step.js';
import { type ModelKind, useBackend } from './support.js';

/** Inputs per architecture: the sequence models read every factor, the variable-token models the top 24. */
const FEATURES: Record<ModelKind, number> = {
  gru: 327,
  transformer: 327,
  seq2seq: 327,
  itransformer: 24,
  crossformer: 24,
};
const kinds = (process.env.KINDS?.split(',') ?? Object.keys(FEATURES)) as ModelKind[];
const B = Number(process.env.B ?? 120);
const reps = Number(process.env.REPS ?? 5);
const IMPLS: Impl[] = ['fused', 'composed'];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

await useBackend('wasm');
const started = new Date().toISOString();
const loadBefore = os.loadavg();
const rows = [];
for (const kind of kinds) {
  const features = FEATURES[kind];
  const c = await makeStepCase({ kind, stocks: B, window: 40, features });
  const chunk = { fused: await c.chooseChunk('fused'), composed: await c.chooseChunk('composed') };
  const times: Record<Impl, number[]> = { fused: [], composed: [] };
  for (const impl of IMPLS) c.step(impl, chunk[impl]);
  for (let r = 0; r < reps; r++) {
    for (const impl of IMPLS) {
      const t0 = performance.now();
      c.step(impl, chunk[impl]);
      times[impl].push(performance.now() - t0);
    }
  }
  const fused = median(times.fused);
  const composed = median(times.composed);
  rows.push({
    kind,
    stocks: B,
    window: 40,
    features,
    stocksPerChunk: chunk,
    fusedStepMs: Math.round(fused),
    composedStepMs: Math.round(composed),
    speedUp: Number((composed / fused).toFixed(2)),
  });
  c.dispose();
}
const result = {
  benchmark: '@hfq/models fused wasm kernels',
  started,
  node: process.version,
  cpus: os.cpus().length,
  loadavgBefore: loadBefore,
  loadavgAfter: os.loadavg(),
  notes: [
    'one Adam step (forward, IC loss, backward, update) on one date of B stocks, default model config',
    'composed = the same model code with the fused kernels switched off (tfjs-backend-wasm kernels only); median of REPS interleaved runs',
  ],
  rows,
};
writeFileSync(new URL('./results/kernels.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
