import { createEnhancedIndexOptimizer, type EnhancedIndexOptions } from '../enhanced-index/optimize.js';
import { multiPeriodStep, type PreparedPath } from '../multi-period/backtest-step.js';
import { createMultiPeriodOptimizer } from '../multi-period/optimize.js';
import type { RebalanceSolver, TransactionCosts } from './run-scenario.js';

/** The multi-period part of a scenario job: the prepared path and the costs the plans price. */
export interface MultiPeriodJob {
  path: PreparedPath;
  costs: TransactionCosts;
}

/**
 * The solve step of one scenario (one engine, one warm-start basis per scenario), the same in this
 * thread and in a worker: the single-period optimiser, or the multi-period one reading the path.
 * @internal
 */
export async function createScenarioSolver(
  n: number,
  optimizer: EnhancedIndexOptions,
  multiPeriod: MultiPeriodJob | undefined,
): Promise<RebalanceSolver> {
  if (!multiPeriod) return createEnhancedIndexOptimizer(optimizer);
  return multiPeriodStep(await createMultiPeriodOptimizer(optimizer), multiPeriod.path, n, multiPeriod.costs);
}
