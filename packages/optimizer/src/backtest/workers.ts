import { Worker } from 'node:worker_threads';
import { HfqError } from '@hfq/core';
import type { EnhancedIndexOptions } from '../enhanced-index/optimize.js';
import type { EnhancedIndexLimits } from '../enhanced-index/problem.js';
import type { PreparedBacktest } from './prepare.js';
import type { ScenarioRaw, TransactionCosts } from './run-scenario.js';

/** What a worker needs for one scenario (structured-cloned; `prep` should sit on SharedArrayBuffers). */
export interface ScenarioJob {
  prep: PreparedBacktest;
  limits: EnhancedIndexLimits;
  costs: TransactionCosts;
  optimizer: EnhancedIndexOptions;
}

/**
 * How to start the worker. From the built package (this module's URL ends in `.js`) the entry is
 * `scenario-worker.js` beside it, started as is. From TypeScript sources (tests, scripts run with
 * `--import tsx`) the entry is `scenario-worker.ts`; on Node 20 a worker's `execArgv:
 * ['--import', 'tsx']` does not reach the worker's entry module (seen: "Unknown file extension
 * .ts"), so the worker starts from a two-line bootstrap that registers tsx's loader in the worker
 * and then imports the `.ts` entry, with `--conditions=source` so that `@hfq/*` resolve to sources.
 */
export function scenarioWorkerSpec(moduleUrl: string = import.meta.url): {
  entry: string | URL;
  options: { eval: boolean; execArgv: string[] };
} {
  if (!moduleUrl.endsWith('.ts')) {
    return { entry: new URL('./scenario-worker.js', moduleUrl), options: { eval: false, execArgv: [] } };
  }
  const target = new URL('./scenario-worker.ts', moduleUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApiSpecifier())}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(target)}); });`;
  return { entry: bootstrap, options: { eval: true, execArgv: ['--conditions=source'] } };
}

/** tsx's loader API, resolved from this package so the worker finds it whatever the cwd. */
function tsxApiSpecifier(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return 'tsx/esm/api';
  }
}

/** Runs one scenario in a worker thread. Rejects with the worker's `HfqError`, or `ABORTED`. */
export function runScenarioInWorker(
  job: ScenarioJob,
  onRebalance?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<ScenarioRaw> {
  const { entry, options } = scenarioWorkerSpec();
  return new Promise<ScenarioRaw>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HfqError('ABORTED', 'backtest was aborted', {}, { cause: signal.reason }));
      return;
    }
    const worker = new Worker(entry, { ...options, workerData: job });
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
