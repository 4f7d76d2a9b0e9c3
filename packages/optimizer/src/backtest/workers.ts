import { HfqError, spawnWorker } from '@hfq/core';
import type { EnhancedIndexOptions } from '../enhanced-index/optimize.js';
import type { EnhancedIndexLimits } from '../enhanced-index/problem.js';
import type { PreparedBacktest } from './prepare.js';
import type { ScenarioRaw, TransactionCosts } from './run-scenario.js';
import type { MultiPeriodJob } from './scenario-solver.js';

/** What a worker needs for one scenario (structured-cloned; `prep` should sit on SharedArrayBuffers). */
export interface ScenarioJob {
  prep: PreparedBacktest;
  limits: EnhancedIndexLimits;
  costs: TransactionCosts;
  optimizer: EnhancedIndexOptions;
  /** Plan over the predicted path instead of the single-period LP (the path on shared memory). */
  multiPeriod?: MultiPeriodJob | undefined;
}

/** Runs one scenario in a worker thread. Rejects with the worker's `HfqError`, or `ABORTED`. */
export function runScenarioInWorker(
  job: ScenarioJob,
  onRebalance?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<ScenarioRaw> {
  return new Promise<ScenarioRaw>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HfqError('ABORTED', 'backtest was aborted', {}, { cause: signal.reason }));
      return;
    }
    const worker = spawnWorker(import.meta.url, './scenario-worker', { workerData: job });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(new HfqError('ABORTED', 'backtest was aborted', {}, { cause: signal?.reason })));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string } & Record<string, unknown>) => {
      if (m.type === 'progress') onRebalance?.(m.done as number, m.total as number);
      else if (m.type === 'done') {
        settle(() => resolve(m.raw as ScenarioRaw));
        void worker.terminate();
      } else if (m.type === 'error') {
        const code = m.code as string;
        const context = (m.context as Record<string, unknown>) ?? {};
        // The worker's message is already formatted "[CODE] text (field=...)": keep only the text.
        let text = (m.message as string).replace(`[${code}] `, '');
        if (Object.keys(context).length > 0) text = text.replace(/ \([^()]*\)$/, '');
        settle(() => reject(new HfqError(code, text, context)));
        void worker.terminate();
      }
    });
    worker.on('error', (e) =>
      settle(() =>
        reject(
          new HfqError(
            'OPT_WORKER_FAILED',
            `scenario worker failed: ${e.message} (parallel: false runs the scenarios in this thread)`,
            {},
            { cause: e },
          ),
        ),
      ),
    );
    worker.on('exit', (code) =>
      settle(() => reject(new HfqError('OPT_WORKER_FAILED', `scenario worker exited with code ${code}`, {}))),
    );
  });
}
