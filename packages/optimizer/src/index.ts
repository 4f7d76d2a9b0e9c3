/**
 * @packageDocumentation
 * `@hfq/optimizer`: the CSI 1000 enhanced-index linear programme (HiGHS or javascript-lp-solver),
 * Barra-like style exposures and a weekly rebalancing backtest with T+1 VWAP fills, costs and
 * tradability. Weights are fractions (0.008 = 0.8%), never percent.
 */

export {
  backtestEnhancedIndex,
  type EnhancedIndexBacktest,
  type EnhancedIndexBacktestInput,
  type MultiPeriodBacktestOptions,
  type RebalanceLog,
  type ScenarioResult,
  STUDY_BASE_LIMITS,
  STUDY_SCENARIOS,
  type StudyRow,
} from './backtest/backtest.js';
export type {
  BacktestDailyInput,
  BacktestIndexInput,
  BacktestMarket,
  StylePanels,
} from './backtest/market.js';
export { type PreparedBacktest, prepareBacktest, type RebalanceSchedule } from './backtest/prepare.js';
export {
  REBALANCE_STATUS,
  type RebalanceDecision,
  type RebalanceRecords,
  type RebalanceSolver,
  runScenario,
  type ScenarioRaw,
  type TransactionCosts,
} from './backtest/run-scenario.js';
export {
  createEnhancedIndexOptimizer,
  EnhancedIndexOptimizer,
  type EnhancedIndexOptions,
  type EnhancedIndexResult,
  optimizeEnhancedIndex,
} from './enhanced-index/optimize.js';
export {
  DEFAULT_RELAXATION_ORDER,
  type EnhancedIndexLimits,
  type EnhancedIndexProblem,
  MAX_INDUSTRIES,
  type RelaxableLimit,
  STUDY_LIMITS,
} from './enhanced-index/problem.js';
export { type EnhancedIndexExposures, measurePortfolio } from './enhanced-index/verify.js';
export {
  industryOneHot,
  type StyleDailyInput,
  type StyleExposureOptions,
  type StyleExposures,
  type StyleIndexInput,
  styleColumnsAt,
  styleExposures,
} from './exposures/style-exposures.js';
export { createLpSolver, type LpEngineOptions } from './lp/engines.js';
export { createHighsSolver, type HighsEngineOptions } from './lp/highs.js';
export { createJsLpSolver, type JsLpSolverEngineOptions } from './lp/js-lp-solver.js';
export type { LinearProgram, LpEngineName, LpSolution, LpSolver } from './lp/types.js';
export {
  createMultiPeriodOptimizer,
  MAX_PLAN_STEPS,
  MultiPeriodOptimizer,
  type MultiPeriodOptions,
  type MultiPeriodProblem,
  type MultiPeriodResult,
  multiPeriodEnhancedIndex,
} from './multi-period/optimize.js';
