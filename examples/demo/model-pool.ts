/**
 * Runs model jobs on a few worker threads (tfjs's wasm backend is single-threaded, so two
 * workers use both cores), biggest jobs first, and reports progress per training step.
 */
import type { Worker } from 'node:worker_threads';
import { HfqError, type ProgressEvent, spawnWorker } from '@hfq/core';
import type { FromModelWorker, ModelJob, ModelJobResult, ModelWorkerInit } from './model-jobs.js';

export async function runModelJobs(
  init: ModelWorkerInit,
  jobs: ModelJob[],
  threads: number,
  onProgress: (job: ModelJob, event: ProgressEvent) => void,
  onDone: (result: ModelJobResult) => void,
): Promise<ModelJobResult[]> {
  const queue = [...jobs];
  const results: ModelJobResult[] = [];
  const workers: Worker[] = [];
  const byId = new Map(jobs.map((j) => [j.id, j]));
  try {
    const n = Math.max(1, Math.min(threads, jobs.length));
    await Promise.all(
      Array.from({ length: n }, async () => {
        const w = spawnWorker(import.meta.url, './model-worker', { workerData: init });
        workers.push(w);
        let current: { resolve(): void; reject(e: Error): void } | undefined;
        let ready!: () => void;
        const readyP = new Promise<void>((r) => {
          ready = r;
        });
        w.on('message', (m: FromModelWorker) => {
          if (m.kind === 'ready') ready();
          else if (m.kind === 'progress') onProgress(byId.get(m.id)!, m.event);
          else if (m.kind === 'done') {
            results.push(m.result);
            onDone(m.result);
            current?.resolve();
          } else if (m.kind === 'error') {
            current?.reject(new HfqError(m.code, m.message.replace(/^\[[A-Z_]+\] /, ''), m.context));
          }
        });
        w.on('error', (e) => current?.reject(e));
        await readyP;
        for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
          const j = job;
          await new Promise<void>((resolve, reject) => {
            current = { resolve, reject };
            w.postMessage({ kind: 'job', job: j });
          });
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.sort((a, b) => a.id - b.id);
}
