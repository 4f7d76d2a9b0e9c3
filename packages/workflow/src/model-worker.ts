/**
 * A model worker thread: wraps the shared factor matrices and prices once, then runs training
 * jobs (one model x seed x fold: train, then score the fold's dates) one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import {
  fitHorizonWeights,
  ModelPredictor,
  planWalkForward,
  StockDataset,
  saveOnnx,
  trainModel,
  useBackend,
} from '@hfq/models';
import type { FromModelWorker, ModelJob, ModelWorkerInit, ToModelWorker } from './model-jobs.js';
import type { JobPath, ModelJobOutputWithPath } from './sequence-path.js';
import { cubeOf, panelOf } from './shared-memory.js';

const init = workerData as ModelWorkerInit;
const cube = cubeOf(init.cube);
const close = panelOf(init.close);
const adjFactor = panelOf(init.adjFactor);
const universe = panelOf(init.universe);
const post = (m: FromModelWorker) => parentPort!.postMessage(m);

async function run(job: ModelJob): Promise<void> {
  const started = performance.now();
  const backend = await useBackend(init.backend as never);
  const ds = new StockDataset(
    cube,
    { close, adjFactor },
    { window: job.window, stride: job.stride, features: job.features, universe, label: job.label },
  );
  const fold = planWalkForward(ds, job.plan)[job.fold];
  if (fold === undefined)
    throw new HfqError('WORKFLOW_MODEL', `${job.name}: the walk-forward plan has no fold ${job.fold}`, {
      field: 'models',
    });
  // as trainEnsemble trains one member
  const result = await trainModel(ds, job.spec.config, fold.split, {
    ...job.train,
    ...job.spec.options,
    seed: job.seed,
    stage: `train:${job.name}:seed${job.seed}`,
    onProgress: (event) => post({ kind: 'progress', key: job.key, event }),
  });
  try {
    const predictors: Record<string, ModelPredictor> = {};
    if (result.model.outputSize > 1) {
      predictors.sum = new ModelPredictor(result.model);
      predictors.validIC = new ModelPredictor(result.model, {
        horizonWeights: fitHorizonWeights(result.model, ds, fold.split.valid),
      });
    } else {
      predictors.model = new ModelPredictor(result.model);
    }
    const counts = new Int32Array(fold.predict.length);
    const rows: number[] = [];
    const parts: Record<string, Float32Array[]> = {};
    // A sequence model also keeps every horizon (its predicted path), beside its summed scores.
    const horizon = result.model.outputSize;
    const pathParts: Float32Array[] = [];
    for (const [k, t] of Array.from(fold.predict).entries()) {
      const cs = ds.crossSection(t, 'none');
      counts[k] = cs.n;
      for (let i = 0; i < cs.n; i++) rows.push(cs.assets[i]!);
      for (const [v, p] of Object.entries(predictors)) (parts[v] ??= []).push(await p.score(cs));
      if (horizon > 1) pathParts.push(predictors.sum!.raw(cs));
    }
    const variants: Record<string, Float32Array> = {};
    for (const [v, list] of Object.entries(parts)) {
      const all = new Float32Array(rows.length);
      let o = 0;
      for (const a of list) {
        all.set(a, o);
        o += a.length;
      }
      variants[v] = all;
    }
    if (job.onnxPath) saveOnnx(result.model, job.onnxPath);
    const d = (i: number) => ds.dates[i]!;
    let path: JobPath | undefined;
    if (horizon > 1) {
      const values = new Float32Array(rows.length * horizon);
      let o = 0;
      for (const a of pathParts) {
        values.set(a, o);
        o += a.length;
      }
      // JobPath.entryLag: output k predicts day T+entryLag+k; the sequence covers days T+sequenceLag..
      path = { horizon, entryLag: ds.timing.sequenceLag - 1, values };
    }
    const output: ModelJobOutputWithPath = {
      name: job.name,
      seed: job.seed,
      fold: job.fold,
      dates: Int32Array.from(fold.predict, d),
      counts,
      rows: Int32Array.from(rows),
      variants,
      fitDate: d(fold.fitIndex),
      trainDates: [d(fold.split.train[0]!), d(fold.split.train[fold.split.train.length - 1]!)],
      validDates: [d(fold.split.valid[0]!), d(fold.split.valid[fold.split.valid.length - 1]!)],
      nTrain: fold.split.train.length,
      nValid: fold.split.valid.length,
      bestEpoch: result.bestEpoch,
      bestScore: result.bestScore,
      parameters: result.model.parameterCount,
      backend: backend.name,
      ms: performance.now() - started,
      ...(path ? { path } : {}),
    };
    post({ kind: 'done', key: job.key, output });
  } finally {
    result.model.dispose();
  }
}

parentPort!.on('message', (m: ToModelWorker) => {
  if (m.kind === 'stop') {
    process.exit(0);
  }
  run(m.job).catch((e: unknown) => {
    const err = e instanceof HfqError ? e : new HfqError('WORKFLOW_MODEL', String((e as Error)?.stack ?? e));
    post({
      kind: 'error',
      key: m.job.key,
      code: err.code,
      message: err.message,
      context: { ...err.context },
    });
  });
});
post({ kind: 'ready' });
