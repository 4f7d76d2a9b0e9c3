/**
 * Worker-thread entry: runs one backtest scenario on the shared prepared arrays and posts the
 * result back (its buffers transferred, not copied). Started by `runScenarioInWorker`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import { runScenario, type ScenarioRaw } from './run-scenario.js';
import { createScenarioSolver } from './scenario-solver.js';
import type { ScenarioJob } from './workers.js';

const port = parentPort;
if (!port) throw new Error('scenario-worker.ts must run as a worker thread');

const job = workerData as ScenarioJob;
try {
  const optimizer = await createScenarioSolver(job.prep.n, job.optimizer, job.multiPeriod);
  const raw: ScenarioRaw = runScenario(job.prep, job.limits, optimizer, job.costs, (done, total) => {
    port.postMessage({ type: 'progress', done, total });
  });
  const transfer = [
    raw.weights,
    raw.previous,
    raw.trades,
    raw.status,
    raw.objective,
    raw.plannedTurnover,
    raw.turnover,
    raw.cost,
    raw.solveMs,
    raw.solves,
    raw.held,
    raw.nav,
    raw.returns,
  ].map((a) => a.buffer as ArrayBuffer);
  port.postMessage({ type: 'done', raw }, transfer);
} catch (e) {
  const err = e as Error;
  port.postMessage({
    type: 'error',
    code: HfqError.is(e) ? e.code : 'OPT_WORKER_FAILED',
    message: err?.message ?? String(e),
    context: HfqError.is(e) ? { ...e.context } : {},
  });
}
