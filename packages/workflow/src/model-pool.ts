/**
 * Runs training jobs on a few worker threads (tfjs's wasm backend is single-threaded, so two
 * workers use both cores), in the order given, and reports progress per training step.
 */
import type { Worker } from 'node:worker_threads';
import { HfqError, type ProgressEvent, spawnWorker } from '@hfq/core';
import type { FromModelWorker, ModelJob, ModelJobOutput, ModelWorkerInit } from './model-jobs.js';

/** Runs `jobs` on `threads` workers; `onDone` sees each output as it arrives (e.g. to cache it). */
export async function runModelJobs(
  init: ModelWorkerInit,
  jobs: readonly ModelJob[],
  threads: number,
  onProgress: (job: ModelJob, event: ProgressEvent) => void,
  onDone: (job: ModelJob, output: ModelJobOutput) => void,
): Promise<void> {
  const queue = [...jobs];
  const workers: Worker[] = [];
  const byKey = new Map(jobs.map((j) => [j.key, j]));
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
          else if (m.kind === 'progress') onProgress(byKey.get(m.key)!, m.event);
          else if (m.kind === 'done') {
            try {
              onDone(byKey.get(m.key)!, m.output);
              current?.resolve();
            } catch (e) {
              current?.reject(e as Error);
            }
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
}
