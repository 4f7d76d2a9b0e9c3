/**
 * A demo worker thread: wraps the shared factor matrices and prices once, then runs model jobs
 * (walk-forward training + out-of-sample scores) one at a time and posts the score panels back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import { StockDataset, saveOnnx, useBackend, walkForward } from '@hfq/models';
import type { FromModelWorker, ModelJob, ModelWorkerInit, ToModelWorker } from './model-jobs.js';
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
    { window: job.window, stride: job.stride, features: job.features, universe },
  );
  const res = await walkForward(ds, {
    ...job.train,
    models: [job.spec],
    seeds: job.seeds,
    plan: job.plan,
    keepLastFold: job.onnxPath !== undefined,
    onProgress: (event) => post({ kind: 'progress', id: job.id, event }),
  });
  let parameters = 0;
  try {
    const member = res.lastFold?.[0]?.members[0]?.result.model;
    if (member) {
      parameters = member.parameterCount;
      if (job.onnxPath) saveOnnx(member, job.onnxPath);
    }
  } finally {
    for (const e of res.lastFold ?? []) e.dispose();
  }
  const scores: Record<string, Float32Array> = {};
  // keys: the spec's name (= the job's) and, for the sequence model, `<name>:sum`, `<name>:validIC`
  for (const [key, p] of Object.entries(res.byModel)) scores[key] = p.values;
  post({
    kind: 'done',
    result: {
      id: job.id,
      name: job.name,
      dates: res.scores.dates,
      assets: [...res.scores.assets],
      scores,
      folds: res.folds,
      parameters,
      backend: backend.name,
      ms: performance.now() - started,
      ...(job.onnxPath && parameters > 0 ? { onnxPath: job.onnxPath } : {}),
    },
  });
}

parentPort!.on('message', (m: ToModelWorker) => {
  if (m.kind === 'stop') {
    process.exit(0);
  }
  run(m.job).catch((e: unknown) => {
    const err = e instanceof HfqError ? e : new HfqError('DEMO_MODEL', String((e as Error)?.stack ?? e));
    post({ kind: 'error', id: m.job.id, code: err.code, message: err.message, context: { ...err.context } });
  });
});
post({ kind: 'ready' });
