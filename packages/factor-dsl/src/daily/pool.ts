import type { Worker } from 'node:worker_threads';
import { HfqError, spawnWorker } from '@hfq/core';
import type { FactorLimits } from '../language/limits.js';

/** What every worker of one evaluation receives (shared buffers are not copied). */
export interface DailyJob {
  /** Canonical formula texts, checked on the calling thread already. */
  formulas: readonly string[];
  /** Input names (what the formulas were checked against). */
  fieldNames: readonly string[];
  limits: FactorLimits;
  minWindow: boolean;
  T: number;
  N: number;
  dates: Int32Array;
  /** Inputs the formulas read, date-major T x N, over SharedArrayBuffers. */
  fields: Readonly<Record<string, Float64Array>>;
  /** One date-major T x N output per formula, over SharedArrayBuffers (float32 when asked). */
  outs: readonly (Float64Array | Float32Array)[];
}

/** A message to a daily worker: the job and its block of assets. */
export interface DailyWorkerRequest extends DailyJob {
  id: number;
  a0: number;
  a1: number;
}

/** A daily worker's answer. */
export type DailyWorkerReply =
  | { id: number; ok: true }
  | { id: number; ok: false; code: string; message: string; context: Record<string, unknown> };

/** Started workers, kept between calls (unreferenced while idle). */
const started: Worker[] = [];
let nextId = 0;

function worker(k: number): Worker {
  while (started.length <= k) {
    const w = spawnWorker(import.meta.url, './worker');
    w.unref();
    started.push(w);
  }
  return started[k]!;
}

/**
 * Runs a job on `n` worker threads, each over a contiguous block of assets, and resolves when every
 * block is written. A worker's failure rejects with its `HfqError` (code, message, context).
 */
export async function runDailyInWorkers(n: number, job: DailyJob): Promise<void> {
  const tasks: Promise<void>[] = [];
  for (let k = 0; k < n; k++) {
    const a0 = Math.floor((job.N * k) / n);
    const a1 = Math.floor((job.N * (k + 1)) / n);
    const w = worker(k);
    const id = nextId++;
    tasks.push(
      new Promise<void>((resolve, reject) => {
        const onMessage = (m: DailyWorkerReply) => {
          if (m.id !== id) return;
          done();
          if (m.ok) resolve();
          else reject(new HfqError(m.code as never, m.message, m.context as never));
        };
        const onError = (e: unknown) => {
          done();
          reject(e);
        };
        const done = () => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.unref();
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.ref();
        const msg: DailyWorkerRequest = { ...job, id, a0, a1 };
        w.postMessage(msg);
      }),
    );
  }
  await Promise.all(tasks);
}
