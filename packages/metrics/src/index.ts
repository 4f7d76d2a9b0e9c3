/**
 * @packageDocumentation
 * `@hfq/metrics`: IC, RankIC, group backtests, performance statistics, correlation tables and
 * HTML/Markdown/SVG reports for factor research. Every function works on plain typed arrays or
 * `Panel`s from `@hfq/core`; NaN means missing and each function says what it does with it.
 */

export { ic, rankIC } from './correlation/ic.js';
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
  type RebalanceRule,
  rebalanceDates,
  type TopGroupStats,
} from './groups/group-backtest.js';
export { type TradabilityFlags, tradableMask } from './groups/tradable.js';
export { type IcDecay, type IcDecayOptions, icDecay } from './ic/ic-decay.js';
export { cumulativeIC, type IcSeriesOptions, icSeries } from './ic/ic-series.js';
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
  type BarChartOptions,
  barChart,
  barChartSpec,
  type ChartSeries,
  cumulativeICChart,
  excessNavDrawdownChart,
  groupNavChart,
  groupReturnsChart,
  type LineChartOptions,
  lineChart,
  lineChartSpec,
  type ReportChart,
  topRelativeNavChart,
} from './report/charts.js';
export { formatCount, formatNumber, formatPercent, MISSING } from './report/format.js';
export {
  escapeHtml,
  htmlTable,
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  renderReport,
  reportHtml,
  reportMarkdown,
} from './report/html.js';
export {
  calendarYearTable,
  correlationTable,
  enhancedIndexTable,
  factorTestTable,
  groupTable,
  icTable,
} from './report/study-tables.js';
export { markdownTable, type ReportColumn, type ReportTable } from './report/table.js';
export { renderVegaLite, schemeColors } from './report/vega.js';

export const PACKAGE_NAME = '@hfq/metrics';
