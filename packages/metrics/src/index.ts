/**
 * @packageDocumentation
 * `@hfq/metrics`: IC, RankIC, group backtests, performance statistics and correlation tables for
 * factor research: numbers only (tables, charts and pages are `@hfq/report`'s). Every function
 * works on plain typed arrays or `Panel`s from `@hfq/core`; NaN means missing and each function
 * says what it does with it.
 */

export {
  type CorrelationTable,
  type CorrelationTableOptions,
  factorCorrelation,
  type NamedPanels,
  riskFactorCorrelation,
} from './correlation/tables.js';
export type { MetricsErrorCode } from './errors.js';
export {
  type GroupBacktestOptions,
  type GroupBacktestResult,
  groupBacktest,
  type TopGroupStats,
} from './groups/group-backtest.js';
export { type TradabilityFlags, tradableMask } from './groups/tradable.js';
export { ic, rankIC } from './ic/ic.js';
export { type IcDecay, type IcDecayOptions, icDecay } from './ic/ic-decay.js';
export { cumulativeIC, type IcSeriesOptions, icSeries, rankICSeries } from './ic/ic-series.js';
export { type IcSummary, icSummary } from './ic/ic-summary.js';
export { dailyReturns, forwardReturns, type PriceReturnOptions } from './ic/returns.js';
export { type NavSeries, navSeries } from './performance/nav.js';
export {
  type PortfolioStats,
  type PortfolioStatsInput,
  portfolioStats,
  type YearlyReturns,
} from './performance/portfolio-stats.js';
export {
  type AlignedFactor,
  type AlignLoss,
  type AlignOptions,
  alignFactor,
  type GivenForwardReturns,
} from './tear-sheet/align.js';
export type { BinSpec } from './tear-sheet/quantize.js';
export {
  type AlphaBeta,
  cumulativeReturns,
  type DemeanOptions,
  type FactorIc,
  factorAlphaBeta,
  factorIC,
  factorRankAutocorrelation,
  factorReturns,
  factorWeights,
  type GroupIc,
  type IcStatistics,
  icByGroup,
  icStatistics,
  meanReturnByQuantile,
  type QQPoints,
  type QuantileReturns,
  qqNormal,
  quantileTurnover,
} from './tear-sheet/stats.js';
export { type FactorTearSheet, factorTearSheet } from './tear-sheet/tear-sheet.js';
